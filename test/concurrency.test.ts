import { cli, start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * Issue 12: runners racing over migrations that cannot run in a transaction. Each revision
 * is applied exactly once and every process exits 0 — no deadlock between the lock waiters
 * and the work the lock protects.
 */
const NO_TRANSACTION: Record<string, Record<string, string>> = {
  // CREATE INDEX CONCURRENTLY waits for every older snapshot: a waiter blocked inside
  // pg_advisory_lock held one, and PostgreSQL killed one side as a deadlock.
  postgres: {
    '1_t.up.sql': 'CREATE TABLE t (id int, v int);\nINSERT INTO t SELECT g, g FROM generate_series(1, 20000) g;\n',
    '1_t.down.sql': 'DROP TABLE t;\n',
    '2_idx.up.sql': 'CREATE INDEX CONCURRENTLY t_v ON t (v);\n',
    '2_idx.down.sql': 'DROP INDEX CONCURRENTLY t_v;\n',
    '3_idx2.up.sql': 'CREATE INDEX CONCURRENTLY t_id ON t (id);\n',
    '3_idx2.down.sql': 'DROP INDEX CONCURRENTLY t_id;\n',
  },
  // A transaction-off step ends the run's transaction (SQLite's lock) for its duration.
  sqlite: {
    '1_t.up.sql': '-- migrate:transaction off\nCREATE TABLE t (id int, v int);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) INSERT INTO t SELECT x, x FROM c;\n',
    '1_t.down.sql': 'DROP TABLE t;\n',
    '2_idx.up.sql': '-- migrate:transaction off\nCREATE INDEX t_v ON t (v);\n',
    '2_idx.down.sql': 'DROP INDEX t_v;\n',
    '3_vacuum.up.sql': 'VACUUM;\n',
    '3_vacuum.down.sql': 'SELECT 1;\n',
  },
};

for (const runners of [4, 8]) {
  eachDatabase(
    `${runners} upgrades started at once over migrations that run without a transaction: each revision applied once, every process exits 0`,
    async (t, url, db) => {
      const dir = makeFolder(NO_TRANSACTION[db.name]!);
      t.is((await cli(['--url', url, '--dir', dir, 'init', '--tables-only'])).code, 0);
      const runs = Array.from({ length: runners }, () => start(['--url', url, '--dir', dir, '--yes', '--lock-timeout', '120', 'upgrade']));
      const codes = await Promise.all(runs.map((r) => r.exit));
      t.deepEqual(codes, Array<number>(runners).fill(0), runs.map((r) => r.stderr()).join('\n---\n'));
      const log = await withDb(url, (d) => d.query<{ revision: string; status: string }>("SELECT revision, status FROM migrate_tui_log WHERE direction = 'up' AND kind = 'migrate'"));
      t.deepEqual(log.map((r) => `${r.revision}:${r.status}`).sort(), ['1:done', '2:done', '3:done']);
      const status = JSON.parse((await cli(['--url', url, '--dir', dir, 'status', '--json'])).stdout);
      t.is(status.dirty, null);
      t.deepEqual(status.current, ['3']);
    },
    ['postgres', 'sqlite'],
  );
}
