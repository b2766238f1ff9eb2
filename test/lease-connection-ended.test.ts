import { start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { until } from './helpers/until.js';

/**
 * The lease lock (servers without advisory locks) renews its row on a second connection. The
 * server ended that session (pg_terminate_backend, KILL CONNECTION) while the run's statement
 * ran: since the run's connections send nothing on a second session (ConnectionLink), the
 * heartbeat could not renew, the healthy run was cancelled once the lease ran out ("the lease
 * on the migration lock was lost … the run stops"), it ended with "the connection … ended"
 * instead of the step's outcome, and its release failed, leaving the lease row to block the
 * next runs (seen before the fix). The lease is a row, not a session's: its connection is
 * opened again, and the run goes on.
 */
eachDatabase(
  "the server ends the lease's heartbeat session during a run: the lease is renewed on a new connection, the run finishes, and the row is released",
  async (t, url) => {
    t.timeout(90_000);
    const postgres = url.startsWith('postgres');
    const sleep = postgres ? 'SELECT pg_sleep(6)' : 'SELECT SLEEP(6)';
    const dir = makeFolder({ '1_a.up.sql': `CREATE TABLE a (id int);\n${sleep};\n`, '1_a.down.sql': 'DROP TABLE a;\n' });
    // A lease of 3 s renewed every second: without a renewal, the 6 s statement outlives it.
    const run = start(['--url', url, '--dir', dir, '--capabilities', 'advisoryLocks=false', '--yes', 'upgrade'], { MIGRATE_TUI_LEASE_DURATION: '3', MIGRATE_TUI_LEASE_HEARTBEAT: '1' });
    await withDb(url, async (db) => {
      // The run's two sessions: the one running the statement, and the lease's.
      const sessions = () =>
        postgres
          ? db.query<{ id: number; info: string }>("SELECT pid AS id, query AS info FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'migrate-tui%' AND pid <> pg_backend_pid()")
          : db.query<{ id: number; info: string }>('SELECT id, info FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND id <> CONNECTION_ID()');
      const seen = await until(sessions, (rows) => rows.length === 2 && rows.some((r) => /SLEEP/i.test(r.info ?? '')), 'the statement running beside the lease session');
      const lease = seen.find((r) => !/SLEEP/i.test(r.info ?? ''))!;
      if (postgres) await db.query('SELECT pg_terminate_backend(?)', [lease.id]);
      else await db.execute(`KILL CONNECTION ${Number(lease.id)}`);
    });
    t.is(await run.exit, 0, run.stderr());
    t.regex(run.stdout(), /applied 1 revision\nheads now: 1/);
    t.notRegex(run.stderr(), /lease on the migration lock was lost/);
    t.deepEqual((await withDb(url, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'))).map((r) => r.revision), ['1']);
    // No lease row is left to block the next run.
    t.deepEqual([...(await withDb(url, (db) => db.query('SELECT name FROM migrate_tui_lock')))], []);
  },
  ['postgres', 'mariadb'],
);
