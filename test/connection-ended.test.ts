import test from 'ava';
import { connectDatabase, ConnectionLostError, MigrationFailedError, parseDatabaseUrl } from '../src/engine/index.js';
import { start } from './helpers/cli.js';
import { eachDatabase, testLockName, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { until } from './helpers/until.js';

/**
 * The server ends the run's session mid-step (pg_terminate_backend: what an administrator, a
 * restart or a failover does). postgres.js connected again for the queries it still held: on a
 * step of more than 100 statements (its pipeline's limit) the rest of the step and its version
 * row ran in autocommit on the new session — 51 tables and the version row committed — while the
 * run said "the migration was rolled back: the database is as it was before 1" (seen before the
 * fix). A smaller step could hang for ever instead (its ROLLBACK queued behind the lost
 * connection). Now nothing more is sent once the connection has ended, the run ends, and it
 * says what it knows: all of the step with its version row, or none of it.
 */
/** Starts `upgrade` on `dir` and ends its session from another once it runs the statement starting with `marker`. */
async function upgradeEndedDuring(url: string, dir: string, marker: string, dialect: 'postgres' | 'mariadb' = 'postgres') {
  const run = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  const find =
    dialect === 'postgres'
      ? `SELECT pid AS id FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '${marker}%'`
      : `SELECT id FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND info LIKE '${marker}%'`;
  const [session] = await until(() => withDb(url, (db) => db.query<{ id: number }>(find)), (rows) => rows.length === 1, `the ${marker} statement running`);
  await withDb(url, async (db) => void (dialect === 'postgres' ? await db.query('SELECT pg_terminate_backend(?)', [session!.id]) : await db.execute(`KILL CONNECTION ${Number(session!.id)}`)));
  return run;
}

const STATEMENTS = ['CREATE TABLE a (id int);', 'SELECT pg_sleep(60);', ...Array.from({ length: 150 }, (_, k) => `CREATE TABLE t${k} (id int);`)];

for (const [size, statements] of [
  ['a step of 3 statements', [...STATEMENTS.slice(0, 2), 'CREATE TABLE b (id int);']],
  ['a step of 152 statements (more than the driver pipelines)', STATEMENTS],
] as const) {
  eachDatabase(
    `the server ends the run's session during ${size}: the run ends at once, sends nothing more, and says all or nothing, as the database has it`,
    async (t, url) => {
      t.timeout(90_000);
      const dir = makeFolder({ '1_a.up.sql': `${statements.join('\n')}\n`, '1_a.down.sql': 'DROP TABLE a;\n' });
      const run = await upgradeEndedDuring(url, dir, 'SELECT pg_sleep');
      // Without the fix the small step waited for ever: the test's own timeout would end it.
      const code = await run.exit;
      t.is(code, 1, run.stderr());
      t.regex(run.stderr(), /error: upgrade of 1 failed at statement 2 of \d+ \(.*1_a\.up\.sql:2\):/);
      // Which of the two the run sees first (the server's 57P01, or the socket closing) is the server's timing.
      t.regex(
        run.stderr(),
        /the server ended the session during statement 2, before the step's COMMIT: its transaction was rolled back with it, and the database is as it was before 1|the connection ended before the step's COMMIT answered \(it was sent with the statements\): the database applied all of 1 with its version row \(one transaction\) or none of it, and `migrate-tui status` shows which/,
      );
      t.regex(run.stderr(), /→ run `migrate-tui .*status` once the server answers.*; the migration lock ended with the session/);
      t.notRegex(run.stderr(), /fix the SQL/);
      // What the database has: nothing of the step, and no version row (no statement ran on a second session).
      const tables = await withDb(url, (db) => db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'migrate_tui%'"));
      t.is(Number(tables[0]!.n), 0, 'no table of the step exists');
      t.deepEqual([...(await withDb(url, (db) => db.query('SELECT revision FROM migrate_tui_version')))], []);
      // The run's session was the only one it had: none is left.
      t.deepEqual([...(await withDb(url, (db) => db.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'migrate-tui%'")))], []);
    },
    ['postgres'],
  );
}

/** MariaDB's KILL CONNECTION of the run's session mid-step: the release of the lock on the closed connection ended it with exit 70 and a stack trace. */
eachDatabase(
  "the server kills the run's session during a statement-by-statement step: exit 5 with the dirty state, not an internal error",
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\nSELECT SLEEP(60);\nCREATE TABLE b (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
    const run = await upgradeEndedDuring(url, dir, 'SELECT SLEEP', 'mariadb');
    t.is(await run.exit, 5, run.stderr());
    t.notRegex(run.stderr(), /internal error/);
    t.regex(run.stderr(), /error: upgrade of 1 failed at statement 2 of 3 .*\n.*\n {2}the database is now DIRTY: statement 1 of 3 ran and stays applied/);
    // As it said: the first table is there, the third is not, and no version row.
    const tables = await withDb(url, (db) => db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('a', 'b')"));
    t.deepEqual(tables.map((row) => row.name), ['a']);
    t.is((await withDb(url, (db) => db.query('SELECT revision FROM migrate_tui_version'))).length, 0);
  },
  ['mariadb'],
);

eachDatabase(
  "the server ends the run's session during a step without a transaction: exit 5, dirty from statement 1, and resume once the server answers",
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id int);\nSELECT pg_sleep(60);\nCREATE TABLE b (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
    const run = await upgradeEndedDuring(url, dir, 'SELECT pg_sleep');
    t.is(await run.exit, 5, run.stderr());
    t.regex(run.stderr(), /the database is now DIRTY: statement 1 of 3 ran and stays applied/);
    t.regex(run.stderr(), /→ once the server answers \(the connection ended\): `migrate-tui .*resolve 1 --resume`/);
    const tables = await withDb(url, (db) => db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('a', 'b')"));
    t.deepEqual(tables.map((row) => row.name), ['a']);
  },
  ['postgres'],
);

/**
 * Unpinned, a connection the server ended is opened again, as it always was: a TUI left open over
 * a restart reads and runs again (losing it for good broke the TUI until it was restarted). Holding
 * the migration lock, it is not: the new session would not hold the lock.
 */
eachDatabase(
  'an idle connection the server ended is opened again; one holding the migration lock fails at once and opens none',
  async (t, url) => {
    const target = parseDatabaseUrl(url, 'test', process.cwd());
    const db = await connectDatabase(target, testLockName(target));
    const end = async () => {
      const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
      await withDb(url, (admin) => admin.query('SELECT pg_terminate_backend(?)', [pid]));
      return pid;
    };
    try {
      await end();
      // The first query may meet the closing socket; the adapter answers again on a new session.
      const [row] = await until(() => db.query<{ one: number }>('SELECT 1 AS one').catch(() => []), (rows) => rows.length === 1, 'the adapter answering again');
      t.is(Number(row!.one), 1);
      await db.lock(5_000, () => undefined);
      const locked = await end();
      const error = await until(() => db.query('SELECT 1').then(() => null, (e: unknown) => e), (e) => e instanceof ConnectionLostError, 'the loss said');
      t.true(error instanceof ConnectionLostError);
      const sessions = await withDb(url, (admin) => admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'migrate-tui%'"));
      t.deepEqual(sessions.map((s) => s.pid).filter((pid) => pid !== locked), [], 'no second session was opened');
    } finally {
      await db.close();
    }
  },
  ['postgres'],
);

/** Under a lease the lock is a row the run releases itself: the hint said it "ended with the session" there too. */
test('the hint of a step whose connection ended says the lock ended with the session only where the lock is the session\'s', (t) => {
  const meta = { kept: 0, ranInOwnTransaction: null, uncertain: false, dialect: 'postgres', revision: '1', direction: 'up' as const, path: 'm/1.up.sql', line: 2, statement: 2, statements: 3, databaseError: 'read ECONNRESET', state: 'rolled-back' as const, inTransaction: true, connectionEnded: 'closed' as const };
  t.regex(new MigrationFailedError(meta).hint, /; the migration lock ended with the session$/);
  t.notRegex(new MigrationFailedError({ ...meta, leaseLock: true }).hint, /lock ended/);
});
