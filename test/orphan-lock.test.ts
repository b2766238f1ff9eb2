import type { ExecutionContext } from 'ava';
import { binaryAsync, start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { until } from './helpers/until.js';


/** A run killed (-9) during its second statement, `SELECT pg_sleep(120)`: its server session still runs it and holds the lock. */
async function killedMidStatement(url: string): Promise<{ dir: string; killedPid: number; orphan: number }> {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id int);\nSELECT pg_sleep(120);\nCREATE TABLE b (id int);\n',
    '1_a.down.sql': 'DROP TABLE b;\nDROP TABLE a;\n',
  });
  const run = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  const session = await until(
    () => withDb(url, (db) => db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep%'`)),
    (rows) => rows.length === 1,
    'the pg_sleep statement running',
  );
  run.child.kill('SIGKILL');
  await run.exit;
  return { dir, killedPid: run.child.pid!, orphan: session[0]!.pid };
}

/**
 * On call after `kill -9` of a run mid-statement: PostgreSQL keeps the killed client's session,
 * still running the statement and holding the migration lock, until the statement ends. The
 * next run's lock wait said "another migrate-tui run holds the lock … wait for it to finish"
 * about a process that no longer exists; it says the process is gone, what its session still
 * runs, and how to end it.
 */
eachDatabase(
  'kill -9 during a statement: the lock wait says the holder process is gone and its server session still runs the statement',
  async (t, url) => {
    const { dir, killedPid, orphan } = await killedMidStatement(url);
    try {
      const next = await binaryAsync(['--url', url, '--dir', dir, '--yes', '--lock-timeout', '1', 'resolve', '1', '--resume']);
      t.is(next.code, 6, next.stderr);
      t.regex(next.stderr, new RegExp(`that migrate-tui process is gone \\(no pid ${killedPid} on this host\\), but its server session is still running \`SELECT pg_sleep\\(120\\)\``));
      t.regex(next.stderr, new RegExp(`SELECT pg_terminate_backend\\(${orphan}\\)`));
      t.notRegex(next.stderr, /\n\s+at /);
    } finally {
      await withDb(url, (db) => db.query('SELECT pg_terminate_backend(?)', [orphan]));
    }
  },
  ['postgres'],
);

/**
 * `status` after the same kill -9 said only "dirty … may or may not have completed": it now
 * says the gone process's session still runs the statement (from pg_locks and
 * pg_stat_activity), and how to end it — reading only: the orphan keeps the lock.
 */
eachDatabase(
  'kill -9 during a statement: status says the gone process\'s server session still runs it, and takes no lock',
  async (t, url) => {
    const { dir, killedPid, orphan } = await killedMidStatement(url);
    const holders = () => withDb(url, (db) => db.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`));
    try {
      const status = await binaryAsync(['--url', url, '--dir', dir, 'status']);
      t.is(status.code, 0, status.stderr);
      t.regex(status.stdout, new RegExp(`LOCK: +the migration lock is held by migrate-tui \\S+ pid ${killedPid} .*that migrate-tui process is gone \\(no pid ${killedPid} on this host\\), but its server session is still running \`SELECT pg_sleep\\(120\\)\``));
      t.regex(status.stdout, new RegExp(`SELECT pg_terminate_backend\\(${orphan}\\)`));
      const json = JSON.parse((await binaryAsync(['--url', url, '--dir', dir, 'status', '--json'])).stdout);
      t.regex(json.lockHolder, /still running `SELECT pg_sleep\(120\)`/);
      // Looking took nothing: the orphan alone holds the advisory lock, still running.
      t.deepEqual((await holders()).map((h) => h.pid), [orphan]);
    } finally {
      await withDb(url, (db) => db.query('SELECT pg_terminate_backend(?)', [orphan]));
    }
    // Once the session has ended, status names no holder.
    await until(holders, (rows) => rows.length === 0, 'the orphan session ending');
    t.notRegex((await binaryAsync(['--url', url, '--dir', dir, 'status'])).stdout, /LOCK:/);
  },
  ['postgres'],
);

/**
 * The time in the LOCK line is pg_stat_activity.backend_start: when the holder connected, not
 * when it took the lock (a TUI connects at start and locks at its first run, maybe hours
 * later). It read "since <time>", as if the lock had been held that long.
 */
eachDatabase(
  'status: the lock holder\'s time is said to be when it connected',
  async (t, url) => {
    const { dir, orphan } = await killedMidStatement(url);
    try {
      const [row] = await withDb(url, (db) => db.query<{ started: string }>('SELECT backend_start::text AS started FROM pg_stat_activity WHERE pid = ?', [orphan]));
      const status = await binaryAsync(['--url', url, '--dir', dir, 'status']);
      t.is(status.code, 0, status.stderr);
      t.true(status.stdout.includes(`pid ${orphan}, connected since ${row!.started}`), status.stdout);
    } finally {
      await withDb(url, (db) => db.query('SELECT pg_terminate_backend(?)', [orphan]));
    }
  },
  ['postgres'],
);

/**
 * The same kill -9 on MariaDB, during a row-lock wait (`SELECT … FOR UPDATE` on a row the test
 * holds): the orphan session's PROCESSLIST id. Not `SELECT SLEEP()`: MariaDB's SLEEP notices a
 * dead client within 5 s and ends the session itself; a lock wait (or a long statement) does not.
 */
async function killedMidLockWait(t: ExecutionContext, url: string): Promise<{ dir: string; orphan: number; port: number }> {
  const dir = makeFolder({
    '1_a.up.sql': `-- migrate:transaction off\nCREATE TABLE a (id int);\nSET SESSION innodb_lock_wait_timeout = 300;\n${WAIT};\nCREATE TABLE b (id int);\n`,
    '1_a.down.sql': 'DROP TABLE b;\nDROP TABLE a;\n',
  });
  const run = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  const [session] = await until(
    () => withDb(url, (db) => db.query<{ ID: number; HOST: string }>(`SELECT ID, HOST FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO = ?`, [WAIT])),
    (rows) => rows.length === 1,
    'the statement waiting for the row lock',
  );
  // While the run lives, its client is not said to be gone.
  const live = await binaryAsync(['--url', url, '--dir', dir, 'status']);
  t.regex(live.stdout, new RegExp(`^LOCK: +the migration lock is held by connection ${session!.ID} \\(\\S+@${session!.HOST.replace(/\./g, '\\.')}, its current statement running for \\d+ s\\)$`, 'm'));
  run.child.kill('SIGKILL');
  await run.exit;
  return { dir, orphan: Number(session!.ID), port: Number(/:(\d+)$/.exec(session!.HOST)![1]) };
}
const WAIT = 'SELECT id FROM held WHERE id = 1 FOR UPDATE';

/**
 * MariaDB after the same kill -9: `status` named the holder connection "for N s" (the
 * statement's running time, said as if it were the lock's) and neither that its client is gone
 * nor how to end the session. MariaDB's sessions carry no pid: the client's port, on this
 * host, has no socket any more.
 */
eachDatabase(
  'kill -9 during a statement: status and the lock wait say the holder\'s client is gone, its session still runs the statement, and KILL <id> ends it',
  async (t, url) => {
    const processlist = () => withDb(url, (db) => db.query<{ ID: number }>(`SELECT ID FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO = ?`, [WAIT]));
    // The test's own session holds the row the migration's statement waits for, until the end.
    await withDb(url, async (holder) => {
      await holder.query('CREATE TABLE held (id int PRIMARY KEY) ENGINE=InnoDB');
      await holder.query('INSERT INTO held VALUES (1)');
      await holder.query('START TRANSACTION');
      await holder.query('SELECT id FROM held WHERE id = 1 FOR UPDATE');
      const { dir, orphan, port } = await killedMidLockWait(t, url);
      try {
        const status = await binaryAsync(['--url', url, '--dir', dir, 'status']);
        t.is(status.code, 0, status.stderr);
        t.regex(status.stdout, new RegExp(`^LOCK: +the migration lock is held by connection ${orphan} \\(\\S+:${port}, its current statement running for \\d+ s\\); its client is gone \\(no process on this host has a connection from port ${port} any more\\), but its server session is still running \`SELECT id FROM held WHERE id = 1 FOR UPDATE\`: the server frees the lock when it ends that session, after the statement; to end it now: KILL ${orphan}$`, 'm'));
        t.notRegex(status.stdout, /, for \d+ s\)/, 'the time is said to be the statement\'s');
        const json = JSON.parse((await binaryAsync(['--url', url, '--dir', dir, 'status', '--json'])).stdout);
        t.regex(String(json.lockHolder), new RegExp(`to end it now: KILL ${orphan}$`));
        const next = await binaryAsync(['--url', url, '--dir', dir, '--yes', '--lock-timeout', '1', 'resolve', '1', '--resume']);
        t.is(next.code, 6, next.stderr);
        t.regex(next.stderr, new RegExp(`its client is gone \\(no process on this host has a connection from port ${port} any more\\), but its server session is still running \`SELECT id FROM held WHERE id = 1 FOR UPDATE\`.*KILL ${orphan}\\)`));
        // Looking took nothing: the orphan still waits in its statement (and so holds the lock).
        t.deepEqual((await processlist()).map((p) => Number(p.ID)), [orphan]);
        // The command it gives ends the session, and with it the lock.
        await withDb(url, (db) => db.query(`KILL ${orphan}`));
        await until(processlist, (rows) => rows.length === 0, 'the orphan session ending');
        await until(async () => ((await binaryAsync(['--url', url, '--dir', dir, 'status'])).stdout), (out) => !/LOCK:/.test(out), 'status naming no holder');
      } finally {
        await holder.query('ROLLBACK');
      }
    });
  },
  ['mariadb'],
);
