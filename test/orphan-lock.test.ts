import { binary, start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { until } from './helpers/until.js';

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
    try {
      const next = binary(['--url', url, '--dir', dir, '--yes', '--lock-timeout', '1', 'resolve', '1', '--resume']);
      t.is(next.code, 6, next.stderr);
      t.regex(next.stderr, new RegExp(`that migrate-tui process is gone \\(no pid ${run.child.pid} on this host\\), but its server session is still running \`SELECT pg_sleep\\(120\\)\``));
      t.regex(next.stderr, new RegExp(`SELECT pg_terminate_backend\\(${session[0]!.pid}\\)`));
      t.notRegex(next.stderr, /\n\s+at /);
    } finally {
      await withDb(url, (db) => db.query('SELECT pg_terminate_backend(?)', [session[0]!.pid]));
    }
  },
  ['postgres'],
);
