import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { binaryAsync, cli, start } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { until } from './helpers/until.js';

/**
 * A step run statement by statement writes its progress and its end to migrate-tui's log
 * after its statements: another session's lock on the log (a LOCK TABLE, an index build on
 * it) made PostgreSQL wait there for ever, and MariaDB said the next statement had failed.
 * Now each write waits no longer than the lock timeout, and the failure says what ran, what
 * the log records, and which `resolve` finishes it.
 */

/** Another session holding a gate (an advisory lock) the migration's gate statement waits for, and then a lock on the log. */
async function gateAndLogLock(url: string, dialect: string) {
  if (dialect === 'postgres') {
    const app = postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const holder = await app.reserve();
    await holder.unsafe('SELECT pg_advisory_lock(777)');
    const pid = ((await holder.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as Array<{ pid: number }>)[0]!.pid;
    return {
      pid,
      gate: 'SELECT pg_advisory_xact_lock(777);',
      waiting: () => until(() => app.unsafe<Array<{ n: number }>>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"), (rows) => rows[0]!.n > 0, 'the migration waiting at its gate'),
      lockLogAndOpen: async () => {
        await holder.unsafe('BEGIN');
        await holder.unsafe('LOCK TABLE migrate_tui_log IN SHARE MODE');
        await holder.unsafe('SELECT pg_advisory_unlock(777)');
      },
      release: async () => (await holder.unsafe('ROLLBACK'), holder.release(), await app.end({ timeout: 1 })),
    };
  }
  const conn = await mysql.createConnection(url);
  const watcher = await mysql.createConnection(url);
  // User locks are the server's, not a database's: one name per test database.
  const name = `gate_${new URL(url).pathname.slice(1)}`;
  await conn.query('SELECT GET_LOCK(?, 60)', [name]);
  return {
    pid: conn.threadId,
    gate: `SELECT GET_LOCK('${name}', 60);`,
    waiting: () => until(async () => (await watcher.query("SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE STATE = 'User lock' AND DB = DATABASE()"))[0] as Array<{ n: number }>, (rows) => Number(rows[0]!.n) > 0, 'the migration waiting at its gate'),
    lockLogAndOpen: async () => {
      await conn.query('LOCK TABLES migrate_tui_log READ');
      await conn.query('SELECT RELEASE_LOCK(?)', [name]);
    },
    release: async () => (await conn.query('UNLOCK TABLES'), await conn.end(), await watcher.end()),
  };
}

/**
 * A folder whose one migration (`sql(gate)`) stops at the gate; once it waits there, another
 * session locks the log and opens the gate: the upgrade's next write of the log meets the lock.
 */
async function upgradeBehindLogLock(url: string, dialect: string, sql: (gate: string) => string, down: string) {
  const holder = await gateAndLogLock(url, dialect);
  const dir = makeFolder({ '1_a.up.sql': `-- migrate:transaction off\n${sql(holder.gate)}`, '1_a.down.sql': down });
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, ...args], { cwd });
  // The state tables exist before the lock is taken on the log.
  await run('--yes', 'stamp', 'base');
  try {
    // binaryAsync kills the process after 60 s (code -1): PostgreSQL waited for ever here.
    const upgrading = binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
    await holder.waiting();
    await holder.lockLogAndOpen();
    return { up: await upgrading, run, holderPid: holder.pid };
  } finally {
    await holder.release();
  }
}

eachDatabase(
  'a lock on the log after statement 1 of a step without a transaction: exit 5 within the lock timeout, saying statement 1 ran and the log could not record it; `resolve --resume --resume-at 2` finishes it',
  async (t, url, db) => {
    t.timeout(90_000);
    const { up, run, holderPid } = await upgradeBehindLogLock(url, db.name, (gate) => `${gate}\nCREATE TABLE t1 (id int);\nCREATE TABLE t2 (id int);\n`, 'DROP TABLE t2;\nDROP TABLE t1;\n');
    t.is(up.code, 5, `not the dirty exit: ${up.stderr}`);
    t.regex(up.stderr, /upgrade of 1: statement 1 of 3 \(\S*1_a\.up\.sql\) ran, then writing its progress to migrate-tui's log failed:/);
    // MariaDB names a LOCK TABLES holder only with the metadata_lock_info plugin.
    t.regex(up.stderr, new RegExp(`could not write to migrate-tui's log \\(migrate_tui_log\\) the progress of 1 on .*the wait passed 1 s \\(the lock held by ${db.name === 'postgres' ? `pid ${holderPid}` : ''}`));
    t.regex(up.stderr, /the database is now DIRTY: statement 1 of 3 ran and stays applied; migrate-tui's log could not be marked with this either \(it waited 1 s more for that lock\): it still records no statement as done/);
    t.regex(up.stderr, /resolve 1 --resume --resume-at 2` runs the rest \(statement 1 completed\)/);
    t.notRegex(up.stderr, /failed at statement 2/);
    const status = JSON.parse((await run('--json', 'status')).stdout);
    t.is(status.dirty.statementsDone, 0, 'the log records what it could write: nothing after the start');
    const resumed = await run('--yes', 'resolve', '1', '--resume', '--resume-at', '2');
    t.is(resumed.code, 0, resumed.stderr);
    const after = JSON.parse((await run('--json', 'status')).stdout);
    t.deepEqual(after.applied, ['1']);
    t.is(after.dirty, null);
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  "a lock on the log when a step without a transaction ends: exit 5 within the lock timeout, saying every statement ran and only the record failed; `resolve --applied` records it",
  async (t, url, db) => {
    t.timeout(90_000);
    const { up, run } = await upgradeBehindLogLock(url, db.name, (gate) => `CREATE TABLE t1 (id int);\n${gate}\n`, 'DROP TABLE t1;\n');
    t.is(up.code, 5, `not the dirty exit: ${up.stderr}`);
    t.regex(up.stderr, /upgrade of 1: all 2 statements of \S*1_a\.up\.sql ran, but finishing the step failed/);
    t.regex(up.stderr, /could not write to migrate-tui's log \(migrate_tui_log\) that 1 is done on /);
    t.regex(up.stderr, /migrate-tui's log could not be marked with this either \(it waited 1 s more for that lock\): it still records statement 1 as done, so `status` will show the step unfinished from there, though statements 1–2 completed/);
    t.regex(up.stderr, /every statement ran, and only migrate-tui's record of it failed: .*resolve 1 --applied` records it/);
    const resolved = await run('--yes', 'resolve', '1', '--applied');
    t.is(resolved.code, 0, resolved.stderr);
    const after = JSON.parse((await run('--json', 'status')).stdout);
    t.deepEqual(after.applied, ['1']);
    t.is(after.dirty, null);
  },
  ['postgres', 'mariadb'],
);

/** Another session's lock that lets migrate-tui's tables be read but not written: PostgreSQL SHARE, MariaDB LOCK TABLES … READ. */
async function readOnlyLock(url: string, dialect: string): Promise<() => Promise<void>> {
  if (dialect === 'postgres') {
    const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const holder = await app.reserve();
    await holder.unsafe('BEGIN');
    await holder.unsafe('LOCK TABLE migrate_tui_log, migrate_tui_version IN SHARE MODE');
    return async () => (await holder.unsafe('ROLLBACK'), holder.release(), await app.end({ timeout: 1 }));
  }
  const conn = await mysql.createConnection(url);
  await conn.query('LOCK TABLES migrate_tui_log READ, migrate_tui_version READ');
  return async () => (await conn.query('UNLOCK TABLES'), await conn.end());
}

eachDatabase(
  'stamp and resolve --applied behind a lock on the state tables: exit 6 within the lock timeout, nothing recorded (one transaction); they work once it is released (PostgreSQL waited for ever)',
  async (t, url, db) => {
    t.timeout(90_000);
    const dir = makeFolder({
      '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE t1 (id int);\nINSERT INTO nowhere VALUES (1);\n',
      '1_a.down.sql': 'DROP TABLE t1;\n',
      '2_b.up.sql': 'CREATE TABLE t2 (id int);\n',
      '2_b.down.sql': 'DROP TABLE t2;\n',
    });
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
    const run = (...args: string[]) => cli(['--url', url, '--dir', dir, ...args], { cwd });
    t.is((await run('--yes', 'upgrade')).code, 5, 'a dirty step to resolve');
    const logRows = async () => JSON.parse((await run('--json', 'history')).stdout);
    const before = await logRows();
    let release = await readOnlyLock(url, db.name);
    try {
      // binaryAsync kills the process after 60 s (code -1).
      const resolved = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'resolve', '1', '--applied'], { cwd });
      t.is(resolved.code, 6, resolved.stderr);
      t.regex(resolved.stderr, /could not write to migrate-tui's tables \(migrate_tui_version, migrate_tui_log\) that 1 is applied on .*the wait passed 1 s .*; nothing was recorded \(one transaction, rolled back\)/);
    } finally {
      await release();
    }
    const dirty = JSON.parse((await run('--json', 'status')).stdout);
    t.is(dirty.dirty.revision, '1', 'still dirty: the resolve recorded nothing');
    t.deepEqual(await logRows(), before, 'no log row was written');
    t.is((await run('--yes', 'resolve', '1', '--applied')).code, 0);
    release = await readOnlyLock(url, db.name);
    try {
      const stamped = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'stamp', '2'], { cwd });
      t.is(stamped.code, 6, stamped.stderr);
      t.regex(stamped.stderr, /could not write to migrate-tui's tables \(migrate_tui_version, migrate_tui_log\) the stamp to 2 on .*; nothing was recorded \(one transaction, rolled back\)/);
      t.notRegex(stamped.stdout, /stamped/);
    } finally {
      await release();
    }
    t.deepEqual(JSON.parse((await run('--json', 'status')).stdout).applied, ['1']);
    t.is((await run('--yes', 'stamp', '2')).code, 0);
    t.deepEqual(JSON.parse((await run('--json', 'status')).stdout).applied, ['1', '2']);
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  "a resume whose progress meets the lock names --resume-at past what the log records, and that resume is accepted (it was refused: 'not a place this step can resume from')",
  async (t, url, db) => {
    t.timeout(90_000);
    const { up, run } = await upgradeBehindLogLock(url, db.name, (gate) => `${gate}\nCREATE TABLE t1 (id int);\nCREATE TABLE t2 (id int);\n`, 'DROP TABLE t2;\nDROP TABLE t1;\n');
    t.is(up.code, 5, up.stderr);
    const release = await readOnlyLock(url, db.name);
    let resumed;
    try {
      resumed = await run('--yes', 'resolve', '1', '--resume', '--resume-at', '2');
    } finally {
      await release();
    }
    t.is(resumed.code, 5, resumed.stderr);
    t.regex(resumed.stderr, /statements 1–2 of 3 .* ran, then writing its progress to migrate-tui's log failed/);
    t.regex(resumed.stderr, /resolve 1 --resume --resume-at 3` runs the rest \(statements 1–2 completed\)/);
    t.is(JSON.parse((await run('--json', 'status')).stdout).dirty.statementsDone, 0, 'the log still records no statement as done');
    const finished = await run('--yes', 'resolve', '1', '--resume', '--resume-at', '3');
    t.is(finished.code, 0, finished.stderr);
    t.regex(finished.stdout + finished.stderr, /statements 1–2 are taken as completed \(the resume starts at statement 3\) and do not run/);
    t.deepEqual(JSON.parse((await run('--json', 'status')).stdout).applied, ['1']);
    // Both tables exist: the down drops them.
    const down = await run('--yes', 'downgrade', 'base', '--no-backup');
    t.is(down.code, 0, down.stderr);
  },
  ['postgres', 'mariadb'],
);

/** Whether a session of migrate-tui waits for the lock on the log (its progress write). */
async function logWriteWaits(url: string, dialect: string): Promise<void> {
  if (dialect === 'postgres') {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await until(() => sql.unsafe<Array<{ n: number }>>("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'migrate_tui_log'::regclass"), (rows) => rows[0]!.n > 0, 'the progress write waiting for the lock on the log');
    } finally {
      await sql.end({ timeout: 1 });
    }
    return;
  }
  const conn = await mysql.createConnection(url);
  try {
    await until(async () => (await conn.query("SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table metadata lock' AND DB = DATABASE()"))[0] as Array<{ n: number }>, (rows) => Number(rows[0]!.n) > 0, 'the progress write waiting for the lock on the log');
  } finally {
    await conn.end();
  }
}

/**
 * An upgrade of `sql(gate)` (a step without a transaction) whose next write of the log waits
 * behind another session's lock, sent `signal` once that write is seen waiting: its exit code,
 * stderr and how long after the signal it ended (the lock timeout is 60 s, longer than any wait).
 */
async function signalledBehindLogLock(url: string, dialect: string, sql: (gate: string) => string, down: string, signal: 'SIGINT' | 'SIGTERM') {
  const holder = await gateAndLogLock(url, dialect);
  const dir = makeFolder({ '1_a.up.sql': `-- migrate:transaction off\n${sql(holder.gate)}`, '1_a.down.sql': down });
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 60 } }));
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, ...args], { cwd });
  await run('--yes', 'stamp', 'base');
  try {
    const up = start(['--url', url, '--dir', dir, '--yes', 'upgrade'], {}, cwd);
    await holder.waiting();
    await holder.lockLogAndOpen();
    await logWriteWaits(url, dialect);
    const sent = Date.now();
    up.child.kill(signal);
    const exit = await up.exit;
    return { exit, stoppedInMs: Date.now() - sent, stderr: up.stderr(), run };
  } finally {
    await holder.release();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  eachDatabase(
    `${signal} while a step's progress write waits for a lock on the log stops the wait at once (it waited the lock timeout twice, for the progress and the dirty mark): exit 130, what ran and what the log records`,
    async (t, url, db) => {
      t.timeout(90_000);
      const { exit, stoppedInMs, stderr, run } = await signalledBehindLogLock(url, db.name, (gate) => `${gate}\nCREATE TABLE t1 (id int);\nCREATE TABLE t2 (id int);\n`, 'DROP TABLE t2;\nDROP TABLE t1;\n', signal);
      t.is(exit, 130, stderr);
      t.true(stoppedInMs < 30_000, `stopped ${stoppedInMs} ms after the signal, not after the 60 s lock timeout`);
      t.regex(stderr, /stopped migrate-tui's write of its log, unfinished after/);
      t.regex(stderr, /statement 1 of 3 \(\S*1_a\.up\.sql\) ran, then writing its progress to migrate-tui's log failed:\n {2}the run was cancelled by the user while it wrote the progress of 1 to migrate-tui's log \(migrate_tui_log\)/);
      t.regex(stderr, /log was not marked with this either \(the run was cancelled while it waited to write the log\): it still records no statement as done/);
      t.regex(stderr, /resolve 1 --resume --resume-at 2` runs the rest/);
      const status = JSON.parse((await run('--json', 'status')).stdout);
      t.is(status.dirty.statementsDone, 0);
      t.is((await run('--yes', 'resolve', '1', '--resume', '--resume-at', '2')).code, 0);
      t.deepEqual(JSON.parse((await run('--json', 'status')).stdout).applied, ['1']);
    },
    ['postgres', 'mariadb'],
  );
}

eachDatabase(
  "SIGINT while a step's done row waits for a lock on the log stops the wait at once (it waited out the lock timeout): exit 130, every statement ran, `resolve --applied` records it",
  async (t, url, db) => {
    t.timeout(90_000);
    const { exit, stoppedInMs, stderr, run } = await signalledBehindLogLock(url, db.name, (gate) => `CREATE TABLE t1 (id int);\n${gate}\n`, 'DROP TABLE t1;\n', 'SIGINT');
    t.is(exit, 130, stderr);
    t.true(stoppedInMs < 30_000, `stopped ${stoppedInMs} ms after the signal, not after the 60 s lock timeout`);
    t.regex(stderr, /all 2 statements of \S*1_a\.up\.sql ran, but finishing the step failed/);
    t.regex(stderr, /the run was cancelled by the user while it wrote that 1 is done to migrate-tui's log \(migrate_tui_log\)/);
    t.regex(stderr, /resolve 1 --applied` records it/);
    t.is((await run('--yes', 'resolve', '1', '--applied')).code, 0);
    t.deepEqual(JSON.parse((await run('--json', 'status')).stdout).applied, ['1']);
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  "a resume whose done row meets a lock on the log is not said to be done: its progress line says FAILED (it said 'done in 77 ms', then that finishing the step failed)",
  async (t, url, db) => {
    t.timeout(90_000);
    const { up, run } = await upgradeBehindLogLock(url, db.name, (gate) => `${gate}\nCREATE TABLE t1 (id int);\n${gate}\n`, 'DROP TABLE t1;\n');
    t.is(up.code, 5, up.stderr);
    const holder = await gateAndLogLock(url, db.name);
    let resumed;
    try {
      const resuming = run('--yes', 'resolve', '1', '--resume', '--resume-at', '2');
      await holder.waiting();
      await holder.lockLogAndOpen();
      resumed = await resuming;
    } finally {
      await holder.release();
    }
    t.is(resumed.code, 5, resumed.stderr);
    t.regex(resumed.stderr, /all 3 statements of \S*1_a\.up\.sql ran, but finishing the step failed/);
    t.regex(resumed.stderr, /\(statements 2–3 of 3\) FAILED after \d+ ms/);
    t.notRegex(resumed.stderr, /done in \d+ ms/);
    t.is((await run('--yes', 'resolve', '1', '--applied')).code, 0);
  },
  ['postgres', 'mariadb'],
);
