import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryAsync, start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { until } from './helpers/until.js';

/**
 * The server ends the run's session during a downgrade's step, or during one fleet target's
 * upgrade. Seen before the fix: the downgrade said "the database applied all of 2 with its
 * version row … or none of it", "then the command again if 2 is still pending" and "heads now:
 * 2, or with 2 applied" — words for an upgrade (its step runs 2's down SQL and deletes the
 * version row); the fleet's line said "heads now base" after a message that said the step may
 * have committed.
 */

const sleeping = (url: string) =>
  withDb(url, (db) => until(() => db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep%'"), (rows) => rows.length === 1, 'the pg_sleep statement running'));

eachDatabase(
  "the server ends a downgrade's session during its down SQL: it says reverted all or none, and the heads as they may be",
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\nSELECT pg_sleep(60);\nDROP TABLE a;\n' });
    t.is((await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
    const run = start(['--url', url, '--dir', dir, '--yes', 'downgrade', 'base', '--no-backup']);
    const [session] = await sleeping(url);
    await withDb(url, (db) => db.query('SELECT pg_terminate_backend(?)', [session!.pid]));
    t.is(await run.exit, 1, run.stderr());
    const said = run.stderr() + run.stdout();
    t.regex(said, /error: downgrade of 2 failed at statement 2 of 3/);
    t.notRegex(said, /applied all of 2|still pending|or with 2 applied/);
    // Which of the two the run sees first (the server's 57P01, or the socket closing) is the server's timing.
    const closed = /the connection ended before the step's COMMIT answered/.test(said);
    if (closed) {
      t.regex(said, /the database ran all of 2's down SQL and removed its version row \(one transaction\) or none of it, and `migrate-tui status` shows which/);
      t.regex(said, /then the command again if 2 is still applied; the migration lock ended with the session/);
      t.regex(run.stdout(), /reverted 0 revisions for certain \(and maybe 2\)\nheads now: 2, or with 2 reverted: not known here/);
    } else t.regex(said, /the server ended the session during statement 2, before the step's COMMIT: its transaction was rolled back with it/);
    // As the database has it: none of the step (b and a are there, and the version row 2).
    const tables = await withDb(url, (db) => db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('a', 'b') ORDER BY 1"));
    t.deepEqual(tables.map((row) => row.name), ['a', 'b']);
    t.deepEqual((await withDb(url, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'))).map((row) => row.revision), ['2']);
  },
  ['postgres'],
);

eachDatabase(
  "the server ends one fleet target's session mid-step: its line says the heads may include the step, as its message does",
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\nSELECT pg_sleep(60);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
    const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-fleet-ended-'));
    writeFileSync(join(cwd, 'fleet.json'), JSON.stringify([{ name: 'one', url }]));
    const run = start(['--targets', 'fleet.json', '--dir', dir, '--yes', 'upgrade'], {}, cwd);
    const [session] = await sleeping(url);
    await withDb(url, (db) => db.query('SELECT pg_terminate_backend(?)', [session!.pid]));
    t.is(await run.exit, 1, run.stderr());
    const line = run.stdout().split('\n').find((l) => l.includes('✗ one')) ?? '';
    if (/the connection ended before the step's COMMIT answered/.test(run.stdout())) t.regex(line, /; heads now base, or with 1 applied: not known here \(run status\)/);
    else t.regex(line, /; heads now base \(\d+ ms\)$/);
    t.false(await withDb(url, (db) => db.tableExists('a')));
  },
  ['postgres'],
);

/**
 * `restore`: pg_restore runs on its own session, so when the server ends migrate-tui's session
 * meanwhile, the data is restored all the same; then the record of it failed on the ended
 * connection, and the restore said only "the connection … ended; nothing was sent on it after
 * that" (seen before the fix) — as if nothing had been restored.
 */
eachDatabase(
  "the server ends restore's session while its tool runs: it says the data is restored and the version rows are one or the other",
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1), (2);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'INSERT INTO a VALUES (3);\n', '2_b.down.sql': 'DELETE FROM a WHERE id = 3;\n' });
    const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-restore-ended-'));
    t.is((await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'], { cwd })).code, 0);
    const backup = await binaryAsync(['--url', url, '--dir', dir, '--json', 'backup', '--out', join(cwd, 'b.pgdump')], { cwd });
    t.is(backup.code, 0, backup.stderr);
    t.is((await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd })).code, 0);
    await withDb(url, async (holder) => {
      // The application holds the table: pg_restore waits for it, and meanwhile migrate-tui's session is ended.
      await holder.execute('BEGIN');
      await holder.execute('LOCK TABLE a IN ACCESS EXCLUSIVE MODE');
      const run = start(['--url', url, '--dir', dir, '--yes', 'restore', join(cwd, 'b.pgdump')], {}, cwd);
      try {
        await withDb(url, async (db) => {
          await until(() => db.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'migrate-tui restore%' AND wait_event_type = 'Lock'"), (rows) => rows.length === 1, 'pg_restore waiting for the table');
          // The run's own session: its application name ends with its process id.
          const [own] = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE ?', [`migrate-tui % pid ${run.child.pid}`]);
          await db.query('SELECT pg_terminate_backend(?)', [own!.pid]);
          await until(() => db.query('SELECT 1 FROM pg_stat_activity WHERE pid = ?', [own!.pid]), (rows) => rows.length === 0, "migrate-tui's session gone");
        });
      } finally {
        await holder.execute('ROLLBACK');
      }
      t.is(await run.exit, 1, run.stderr());
      t.regex(run.stderr(), /error: the backup's data is restored \(its tool finished\), but the connection to \S+ ended \(the server closed it, or the network did\) while migrate-tui recorded it: the version rows say 2 \(not recorded\) or 1 \(recorded\), and `migrate-tui status` shows which/);
      t.regex(run.stderr(), /→ once the server answers, run `migrate-tui --url <url> status`; if the version rows are not the backup's, `migrate-tui --url <url> stamp 1` records them/);
    });
    // As said: the data is the backup's (2 rows), and the version rows were not recorded (still 2).
    t.is(Number((await withDb(url, (db) => db.query<{ n: number }>('SELECT count(*)::int AS n FROM a')))[0]!.n), 2);
    t.deepEqual((await withDb(url, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'))).map((r) => r.revision), ['2']);
  },
  ['postgres'],
);

/**
 * The connection ends between two steps of a run (here in the pause before a lock timeout's
 * retry: the session idle, as between steps; a server restart there does the same). The next
 * step's first query was refused on the ended connection (nothing was sent), and that error
 * ended the command: no "applied 2 revisions", no heads, and `--json` had no run shape — the
 * two steps that committed were not said (seen before the fix). Now it is the step's failure,
 * rolled back for certain (its COMMIT was never sent), after the steps that ran.
 */
eachDatabase(
  'the server ends the run\'s session between two steps: the steps before are said applied, and the next one "nothing of it is applied"',
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '2_c.up.sql': 'CREATE TABLE c (id int);\n', '3_z.up.sql': 'ALTER TABLE z ADD COLUMN x int;\n' });
    const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-between-'));
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
    await withDb(url, (db) => db.execute('CREATE TABLE z (id int)'));
    await withDb(url, async (holder) => {
      await holder.execute('BEGIN');
      await holder.execute('LOCK TABLE z IN ACCESS EXCLUSIVE MODE');
      const run = start(['--url', url, '--dir', dir, '--yes', 'upgrade'], {}, cwd);
      try {
        await withDb(url, async (db) => {
          const mine = `migrate-tui % pid ${run.child.pid}`;
          const [waiting] = await until(() => db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name LIKE ? AND wait_event_type = 'Lock'", [mine]), (rows) => rows.length === 1, 'step 3 waiting for the lock');
          // Its lock timeout rolled the step back: idle until the retry.
          await until(() => db.query("SELECT 1 FROM pg_stat_activity WHERE pid = ? AND state = 'idle'", [waiting!.pid]), (rows) => rows.length === 1, 'the session idle before the retry');
          await db.query('SELECT pg_terminate_backend(?)', [waiting!.pid]);
        });
      } finally {
        await holder.execute('ROLLBACK');
      }
      t.is(await run.exit, 1, run.stderr());
      t.regex(run.stdout(), /^applied 2 revisions\nheads now: 2\n$/);
      t.regex(run.stderr(), /error: upgrade of 3 failed at statement 1 of 1 \(.*3_z\.up\.sql:1\):\n.*\n {2}the connection had ended before statement 1 was sent \(the step's COMMIT never was\): nothing of 3 is applied, and the database is as it was before 3\n {2}→ run `migrate-tui --url <url> status` once the server answers, then the command again/);
    });
    t.deepEqual((await withDb(url, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'))).map((r) => r.revision), ['2']);
    t.deepEqual((await withDb(url, (db) => db.query<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'z' ORDER BY 1"))).map((r) => r.name), ['id']);
  },
  ['postgres'],
);

/**
 * `seed`: a seed's step commits with its own log row. The server ended its session before the
 * COMMIT answered: it said "ran 0 seed files", and "`migrate-tui status` shows which … (it
 * shows whether seed:01.sql is applied), then the command again if seed:01.sql is still
 * pending" — status shows no seeds, and seed:01.sql is no name a user knows (seen before the
 * fix). `seed` again is the way: it runs the file again unless it committed.
 */
eachDatabase(
  "the server ends a seed's session before its COMMIT answered: it says maybe, and that seed runs it again unless it committed",
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
    // It sleeps while the table sleep_flag exists: the same file runs again at once once it is dropped.
    const seeds = makeFolder({ '01.sql': "CREATE TABLE s1 (id int);\nSELECT pg_sleep((SELECT count(*) * 60 FROM pg_tables WHERE tablename = 'sleep_flag'));\n" });
    t.is((await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
    await withDb(url, (db) => db.execute('CREATE TABLE sleep_flag (id int)'));
    const run = start(['--url', url, '--dir', dir, '--yes', 'seed', '--seeds', seeds]);
    const [session] = await sleeping(url);
    await withDb(url, (db) => db.query('SELECT pg_terminate_backend(?)', [session!.pid]));
    t.is(await run.exit, 1, run.stderr());
    t.notRegex(run.stderr(), /seed:01\.sql|status` once|shows which/);
    if (/the connection ended before the step's COMMIT answered/.test(run.stderr())) {
      t.regex(run.stdout(), /^ran 0 seed files for certain \(and maybe 01\.sql\), 0 unchanged \(skipped\)/);
      t.regex(run.stderr(), /→ run `migrate-tui --url <url> seed` once the server answers: it runs 01\.sql again unless it committed \(a seed that ran is skipped while unchanged\)/);
    } else t.regex(run.stderr(), /the server ended the session during statement 2, before the step's COMMIT: its transaction was rolled back with it/);
    t.false(await withDb(url, (db) => db.tableExists('s1')));
    // As said: the same seed runs it again (it did not commit).
    await withDb(url, (db) => db.execute('DROP TABLE sleep_flag'));
    const again = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'seed', '--seeds', seeds]);
    t.is(again.code, 0, again.stderr);
    t.regex(again.stdout, /^ran 1 seed file, 0 unchanged/);
    t.true(await withDb(url, (db) => db.tableExists('s1')));
  },
  ['postgres'],
);

/** The backup before a downgrade: pg_dump's session ended by the server. Its reason was cut off: only libpq's last 3 lines were said. */
eachDatabase(
  "the server ends pg_dump's session during a downgrade's backup: exit 8 with pg_dump's own reason, and nothing ran",
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
    const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-dump-ended-'));
    t.is((await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd })).code, 0);
    await withDb(url, (db) => db.execute('CREATE TABLE other (id int)'));
    await withDb(url, async (holder) => {
      // An application holds a table the downgrade does not touch: pg_dump waits for it, and its session is ended meanwhile.
      await holder.execute('BEGIN');
      await holder.execute('LOCK TABLE other IN ACCESS EXCLUSIVE MODE');
      const run = start(['--url', url, '--dir', dir, '--yes', 'downgrade', 'base'], {}, cwd);
      try {
        await withDb(url, async (db) => {
          const [dump] = await until(() => db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_dump' AND wait_event_type = 'Lock'"), (rows) => rows.length === 1, 'pg_dump waiting for the table');
          await db.query('SELECT pg_terminate_backend(?)', [dump!.pid]);
        });
        t.is(await run.exit, 8, run.stderr());
      } finally {
        await holder.execute('ROLLBACK');
      }
      t.regex(run.stderr(), /error: pg_dump failed \(exit 1\): pg_dump: error: query failed: FATAL: {1,2}terminating connection due to administrator command .*Query was: LOCK TABLE public\.other IN ACCESS SHARE MODE/);
    });
    t.true(await withDb(url, (db) => db.tableExists('a')), 'the downgrade did not run');
  },
  ['postgres'],
);
