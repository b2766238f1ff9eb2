import { cli, start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

import type { DatabaseAdapter } from '../src/engine/index.js';

/**
 * Issue 10, item 7: Ctrl-C during a run cancels the running statement on the server and
 * reports the true state. The statement is watched in the database's own view of running
 * queries (pg_stat_activity, information_schema.PROCESSLIST), never guessed with a sleep.
 */
const base = { '1_base.up.sql': 'CREATE TABLE base (id int);\n', '1_base.down.sql': 'DROP TABLE base;\n' };

/**
 * Ids of the other sessions running a statement that starts with `marker`. (Not "contains":
 * the run's log row carries the whole file's text, and MariaDB shows that INSERT with its
 * values, so a Ctrl-C sent then arrived before the statement started.)
 */
function running(db: DatabaseAdapter, marker: string): Promise<unknown[]> {
  return db.syntax.name === 'postgres'
    ? db.query("SELECT pid AS id FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() AND query LIKE ?", [`${marker}%`])
    : db.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO LIKE ?', [`${marker}%`]);
}

/** Polls the view until `want(rows)` holds; fails after `limitMs`. Returns how long it took. */
async function until(db: DatabaseAdapter, marker: string, want: (rows: unknown[]) => boolean, limitMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (want(await running(db, marker))) return Date.now() - t0;
    if (Date.now() - t0 > limitMs) throw new Error(`the statement with ${marker} was ${want([]) ? 'still' : 'never'} running after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const slowFile = (dialect: string) =>
  dialect === 'postgres'
    ? 'CREATE TABLE slow_t (id int);\nSELECT pg_sleep(60);\nCREATE TABLE after_t (id int);\n'
    : 'CREATE TABLE slow_t (id int);\nSELECT SLEEP(60);\nCREATE TABLE after_t (id int);\n';

eachDatabase(
  'Ctrl-C during a long statement cancels it on the server within 2 s, exits 130 and says the true state',
  async (t, url, database) => {
    const dir = makeFolder({ ...base, '2_slow.up.sql': slowFile(database.name), '2_slow.down.sql': 'DROP TABLE slow_t;\n' });
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'])).code, 0);
    const marker = database.name === 'postgres' ? 'SELECT pg_sleep(60)' : 'SELECT SLEEP(60)';
    await withDb(url, async (db) => {
      const run = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
      try {
        await until(db, marker, (rows) => rows.length > 0, 30_000);
        run.child.kill('SIGINT');
        const gone = await until(db, marker, (rows) => rows.length === 0, 2_000);
        t.true(gone < 2_000, `cancelled after ${gone} ms`);
        const code = await run.exit;
        const stderr = run.stderr();
        t.is(code, 130, stderr);
        t.regex(stderr, /Ctrl-C: cancelling…/);
        t.regex(stderr, /asked the server to cancel the running statement/);
        t.regex(stderr, /the run was cancelled by the user/);
        // What the cancel did comes before the run's outcome ("the lines that follow say exactly what"):
        // it was printed after it, once the cancel's own connection had closed.
        t.true(stderr.indexOf('asked the server to cancel') < stderr.indexOf('error: upgrade of 2'), stderr);
        const tables = Object.keys((await db.schema(['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'])).tables).sort();
        const status = JSON.parse((await cli(['--url', url, '--dir', dir, 'status', '--json'])).stdout);
        t.deepEqual(status.current, ['1']);
        t.false(tables.includes('after_t'), 'nothing after the cancelled statement ran');
        if (database.name === 'postgres') {
          // Transactional DDL: the whole step rolled back.
          t.regex(stderr, /the migration was rolled back: the database is as it was before 2/);
          t.notRegex(stderr, /DIRTY/);
          t.false(tables.includes('slow_t'));
          t.is(status.dirty, null);
        } else {
          // MariaDB commits DDL: statement 1 stays; the run is recorded as dirty with the resolve command.
          t.regex(stderr, /the database is now DIRTY: statement 1 of 3 ran and stays applied/);
          // The step runs statement by statement: there is no rollback to wait for (it was said, the step
          // being over and its transaction mode reset by the time the server answered the cancel).
          t.regex(stderr, /this step \(a migration or a seed\) runs without a transaction, so the statements before it stay applied/);
          t.notRegex(stderr, /waiting for the rollback/);
          t.regex(stderr, /`migrate-tui --url <url> resolve 2 --resume`/);
          t.true(tables.includes('slow_t'));
          t.is(status.dirty?.revision, '2');
          t.is(status.dirty?.statementsDone, 1);
        }
      } finally {
        run.child.kill('SIGKILL');
      }
    });
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  'Ctrl-C during a statement of a migration without a transaction says what stays applied, before the run\'s outcome (it said "waiting for the rollback", after it)',
  async (t, url) => {
    const dir = makeFolder({ ...base, '2_slow.up.sql': `-- migrate:transaction off\n${slowFile('postgres')}`, '2_slow.down.sql': 'DROP TABLE slow_t;\n' });
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'])).code, 0);
    await withDb(url, async (db) => {
      const run = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
      try {
        await until(db, 'SELECT pg_sleep(60)', (rows) => rows.length > 0, 30_000);
        run.child.kill('SIGINT');
        const code = await run.exit;
        const stderr = run.stderr();
        t.is(code, 130, stderr);
        t.regex(stderr, /the database is now DIRTY: statement 1 of 3 ran and stays applied/);
        t.regex(stderr, /asked the server to cancel the running statement \(it had run [\d.]+ s\); this step \(a migration or a seed\) runs without a transaction, so the statements before it stay applied: the lines that follow say exactly what/);
        t.notRegex(stderr, /waiting for the rollback/);
        t.true(stderr.indexOf('asked the server to cancel') < stderr.indexOf('error: upgrade of 2'), stderr);
      } finally {
        run.child.kill('SIGKILL');
      }
    });
  },
  ['postgres'],
);

eachDatabase(
  'a second Ctrl-C abandons at once and says what it leaves (the statement still runs on the server)',
  async (t, url) => {
    // A statement that swallows the cancel, as a long index build might seem to: only a second Ctrl-C ends the wait.
    const stubborn = "DO $$ BEGIN LOOP BEGIN PERFORM pg_sleep(60); EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$;\n";
    const dir = makeFolder({ ...base, '2_stubborn.up.sql': stubborn, '2_stubborn.down.sql': 'SELECT 1;\n' });
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'])).code, 0);
    await withDb(url, async (db) => {
      const run = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
      try {
        await until(db, 'DO $$ BEGIN LOOP', (rows) => rows.length > 0, 30_000);
        run.child.kill('SIGINT');
        // The first Ctrl-C has asked the server; the statement ignored it and still runs.
        while (!/asked the server to cancel/.test(run.stderr())) await new Promise((resolve) => run.child.stderr.once('data', resolve));
        t.true((await running(db, 'DO $$ BEGIN LOOP')).length > 0);
        run.child.kill('SIGINT');
        const code = await run.exit;
        t.is(code, 130, run.stderr());
        // Opened with --url: the command it names repeats it (a bare one reads DATABASE_URL or the config).
        t.regex(run.stderr(), /abandoning: the statement may still be running on the server; the database may be dirty — run `migrate-tui --url <url> status`/);
        t.true((await running(db, 'DO $$ BEGIN LOOP')).length > 0, 'it exited without waiting for the statement');
      } finally {
        run.child.kill('SIGKILL');
        await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
      }
    });
  },
  ['postgres'],
);

eachDatabase(
  'SQLite cannot interrupt a statement: Ctrl-C says so, the run stops after it instead of running the next, and the step rolls back',
  async (t, url) => {
    const long = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000) SELECT count(*) FROM c;\n';
    const dir = makeFolder({ ...base, '2_long.up.sql': `CREATE TABLE slow_t (id int);\n${long}CREATE TABLE after_t (id int);\n`, '2_long.down.sql': 'DROP TABLE slow_t;\n' });
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'])).code, 0);
    const run = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
    try {
      // The step has started (its line is printed before its statements run).
      while (!/\[1\/1\] 2 /.test(run.stderr())) await new Promise((resolve) => run.child.stderr.once('data', resolve));
      run.child.kill('SIGINT');
      const code = await run.exit;
      const stderr = run.stderr();
      t.is(code, 130, stderr);
      t.regex(stderr, /SQLite cannot interrupt a running statement; it has run [\d.]+ s; it will stop after it/);
      t.regex(stderr, /cancelled by the user before statement \d of 3/);
      t.regex(stderr, /the migration was rolled back: the database is as it was before 2/);
      const tables = await withDb(url, async (db) => Object.keys((await db.schema(['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'])).tables).sort());
      t.deepEqual(tables, ['base']);
      const status = JSON.parse((await cli(['--url', url, '--dir', dir, 'status', '--json'])).stdout);
      t.deepEqual(status.current, ['1']);
      t.is(status.dirty, null);
    } finally {
      run.child.kill('SIGKILL');
    }
  },
  ['sqlite'],
);
