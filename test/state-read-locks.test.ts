import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { BIN, binaryAsync, cli } from './helpers/cli.js';
import { eachDatabase, withDb, withMigrator } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { hasTmux, Tmux } from './helpers/tmux.js';
import { until } from './helpers/until.js';

/**
 * Looking never waits without end: `status` (and a run's first read) on a database where
 * another session holds a lock on the version table gives up after the lock timeout with
 * exit 6, naming what it read and (PostgreSQL) the holder, having changed nothing. Without
 * the bound, PostgreSQL waits for ever and MariaDB for lock_wait_timeout's default, a day.
 */
const FOLDER = { '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\n' };

/** Another session that locks the version table (or `table`) until `release()`: what a table rewrite or a LOCK TABLE does. */
async function lockVersionTable(url: string, dialect: string, table = 'migrate_tui_version'): Promise<{ pid: number; release(): Promise<void> }> {
  if (dialect === 'postgres') {
    const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const holder = await app.reserve();
    await holder.unsafe('BEGIN');
    await holder.unsafe(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const pid = ((await holder.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as Array<{ pid: number }>)[0]!.pid;
    return { pid, release: async () => (await holder.unsafe('COMMIT'), holder.release(), await app.end({ timeout: 1 })) };
  }
  const conn = await mysql.createConnection(url);
  await conn.query(`LOCK TABLES ${table} WRITE`);
  return { pid: conn.threadId, release: async () => (await conn.query('UNLOCK TABLES'), await conn.end()) };
}

eachDatabase(
  'status and upgrade give up on a locked version table after the lock timeout, exit 6, change nothing, and work once it is released',
  async (t, url, db) => {
    t.timeout(60_000);
    const dir = makeFolder(FOLDER);
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 2 } }));
    const first = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'], { cwd });
    t.is(first.code, 0, first.stderr);
    const lock = await lockVersionTable(url, db.name);
    try {
      const status = await cli(['--url', url, '--dir', dir, 'status'], { cwd });
      t.is(status.code, 6, status.stderr);
      t.regex(status.stderr, /could not read the migration state \(migrate_tui_version, migrate_tui_log\) on .*: another session holds a lock on it, and the wait passed 2 s/);
      t.regex(status.stderr, /nothing was read or changed/);
      if (db.name === 'postgres') t.regex(status.stderr, new RegExp(`the lock held by pid ${lock.pid} \\(the-app, idle in transaction`));
      // MariaDB without the metadata_lock_info plugin cannot name a LOCK TABLES holder: said as such, not as a session that ended.
      else t.regex(status.stderr, /a session the database did not name \(it may have ended by the time it was asked, or its lock is one the server does not list/);
      const upgrade = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
      t.is(upgrade.code, 6, upgrade.stderr);
      // The plan's read (its lint) gives up first, and the run does not read again: before, the run's own
      // read waited the lock timeout a second time (exit 6 after 2 × 2 s, saying the wait passed 2 s).
      t.regex(upgrade.stderr, /could not read the migration state \(migrate_tui_version, migrate_tui_log\) on .*: another session holds a lock on it, and the wait passed 2 s/);
    } finally {
      await lock.release();
    }
    const after = await cli(['--url', url, '--dir', dir, '--json', 'status'], { cwd });
    t.is(after.code, 0, after.stderr);
    t.deepEqual(JSON.parse(after.stdout).applied, ['1'], 'the refused upgrade applied nothing');
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  "a state read puts the session's own lock limit back (a migration's SET, a run's limits stay as they were)",
  async (t, url, db) => {
    const dir = makeFolder(FOLDER);
    const [setSql, readSql, expected] =
      db.name === 'postgres' ? ["SET lock_timeout = '7s'", 'SHOW lock_timeout', '7s'] : ['SET SESSION lock_wait_timeout = 7', 'SELECT @@SESSION.lock_wait_timeout AS lock_timeout', '7'];
    await withMigrator(url, dir, async (m) => {
      await m.upgrade('1');
      await m.db.execute(setSql);
      await m.readState();
      const [row] = await m.db.query<Record<string, unknown>>(readSql);
      t.is(String(Object.values(row!)[0]), expected);
    });
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  'the TUI on a locked version table: the error after the lock timeout, and the process exits 6 (its connection closed, not left holding it open)',
  async (t, url, db) => {
    if (!hasTmux) return void t.fail('tmux is not installed: the real terminal was NOT tested');
    t.timeout(60_000);
    const dir = makeFolder(FOLDER);
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'], { cwd })).code, 0);
    const lock = await lockVersionTable(url, db.name);
    const tmux = new Tmux(`node ${BIN} --url '${url}' --dir '${dir}'; echo "EXIT=$?"; sleep 600`, cwd);
    try {
      const screen = (await tmux.waitFor('EXIT=')).replace(/\n/g, '');
      t.regex(screen, /could not read the migration state/);
      t.regex(screen, /EXIT=6/);
    } finally {
      tmux.kill();
      await lock.release();
    }
  },
  ['postgres'],
);

eachDatabase(
  "first contact: another tool's version table locked by another session is a lock (exit 6, the holder named), not a table this user may not read",
  async (t, url, db) => {
    t.timeout(60_000);
    const dir = makeFolder(FOLDER);
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
    // dbmate's record: migrate-tui has none of its own.
    await withDb(url, async (d) => {
      await d.execute('CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)');
      await d.execute("INSERT INTO schema_migrations (version) VALUES ('1')");
    });
    const lock = await lockVersionTable(url, db.name, 'schema_migrations');
    try {
      // Before: status exit 0 with "dbmate's table schema_migrations, which this user may not read (… lock timeout)";
      // upgrade exit 11 saying to grant SELECT on it, or drop or rename it.
      for (const args of [['status'], ['--yes', 'upgrade']]) {
        const r = await cli(['--url', url, '--dir', dir, ...args], { cwd });
        t.is(r.code, 6, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
        t.regex(r.stderr, /version tables \(first contact\) on .*: another session holds a lock on it, and the wait passed 1 s/);
        t.notRegex(r.stderr + r.stdout, /may not read|grant SELECT|drop or rename/);
        if (db.name === 'postgres') t.regex(r.stderr, new RegExp(`the lock held by pid ${lock.pid} \\(the-app`));
      }
    } finally {
      await lock.release();
    }
    const after = await cli(['--url', url, '--dir', dir, 'status'], { cwd });
    t.is(after.code, 0, after.stderr);
    t.regex(after.stdout, /migrated by dbmate \(schema_migrations: 1 version applied: 1\)/);
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  'a step that gave up on a lock another session holds on the log ends: its failure row waits no longer than the lock timeout (it waited for ever after the 3 tries)',
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder(FOLDER);
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'], { cwd })).code, 0);
    // SHARE: the state reads go on, the log's writes wait (a CREATE INDEX on it, a LOCK TABLE … IN SHARE MODE).
    const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const holder = await app.reserve();
    await holder.unsafe('BEGIN');
    await holder.unsafe('LOCK TABLE migrate_tui_log IN SHARE MODE');
    try {
      // binaryAsync kills the process after 60 s (code -1): the run ends by itself long before (3 tries of 1 s, 0.5 s and 1 s between).
      const run = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
      t.is(run.code, 1, `the run did not end by itself: ${run.stderr}`);
      t.regex(run.stderr, /gave up after 3 tries of 1 s each \(lock_timeout\)/);
      t.regex(run.stderr, /the migration was rolled back: the database is as it was before 2/);
    } finally {
      await holder.unsafe('ROLLBACK');
      holder.release();
      await app.end({ timeout: 1 });
    }
    const after = await cli(['--url', url, '--dir', dir, '--json', 'status'], { cwd });
    t.deepEqual(JSON.parse(after.stdout).applied, ['1']);
  },
  ['postgres'],
);

eachDatabase(
  "a step without a transaction whose `started` row another session's lock on the log holds up: exit 6 after the lock timeout, nothing of it ran (MariaDB waited lock_wait_timeout's default, a day; PostgreSQL for ever)",
  async (t, url, db) => {
    t.timeout(90_000);
    const dir = makeFolder({ ...FOLDER, '2_b.up.sql': '-- migrate:transaction off\nCREATE TABLE b (id int);\n' });
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'], { cwd })).code, 0);
    // The state reads go on; the log's writes wait.
    let release: () => Promise<void>;
    if (db.name === 'postgres') {
      const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
      const holder = await app.reserve();
      await holder.unsafe('BEGIN');
      await holder.unsafe('LOCK TABLE migrate_tui_log IN SHARE MODE');
      release = async () => (await holder.unsafe('ROLLBACK'), holder.release(), await app.end({ timeout: 1 }));
    } else {
      const conn = await mysql.createConnection(url);
      await conn.query('LOCK TABLES migrate_tui_log READ');
      release = async () => (await conn.query('UNLOCK TABLES'), await conn.end());
    }
    try {
      // binaryAsync kills the process after 60 s (code -1).
      const run = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
      t.is(run.code, 6, `the run did not end by itself with exit 6: ${run.stderr}`);
      t.regex(run.stderr, /could not write to migrate-tui's log \(migrate_tui_log\) the start of 2 on .*: another session holds a lock on it, and the wait passed 1 s .*; it was not written, and nothing of the step ran/);
    } finally {
      await release();
    }
    const after = await cli(['--url', url, '--dir', dir, '--json', 'status'], { cwd });
    t.deepEqual(JSON.parse(after.stdout).applied, ['1']);
    t.is(JSON.parse(after.stdout).dirty, null);
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  'a read queued behind an ALTER names the ALTER and the session the ALTER waits for (the one to end)',
  async (t, url) => {
    t.timeout(60_000);
    const dir = makeFolder(FOLDER);
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 2 } }));
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'], { cwd })).code, 0);
    const app = postgres(url, { max: 3, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const idle = await app.reserve();
    const alter = await app.reserve();
    try {
      // An open transaction that read the table, then an ALTER queued behind it: a status queues behind the ALTER.
      await idle.unsafe('BEGIN');
      await idle.unsafe('SELECT count(*) FROM migrate_tui_version');
      const idlePid = ((await idle.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as Array<{ pid: number }>)[0]!.pid;
      const alterPid = ((await alter.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as Array<{ pid: number }>)[0]!.pid;
      const altering = alter.unsafe('ALTER TABLE migrate_tui_version ADD COLUMN extra int').catch((e: Error) => e);
      await until(() => app.unsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND NOT granted', [alterPid]), (rows) => rows[0]!.n > 0, 'the ALTER waiting for its lock');
      const status = await cli(['--url', url, '--dir', dir, 'status'], { cwd });
      t.is(status.code, 6, status.stderr);
      t.regex(status.stderr, new RegExp(`the lock held by pid ${alterPid} \\(the-app, active, [^)]*ALTER TABLE migrate_tui_version ADD COLUMN extra int; itself waiting for pid ${idlePid}\\), pid ${idlePid} \\(the-app, idle in transaction`));
      await idle.unsafe('ROLLBACK');
      await altering;
    } finally {
      idle.release();
      alter.release();
      await app.end({ timeout: 1 });
    }
  },
  ['postgres'],
);
