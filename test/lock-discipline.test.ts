import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { cli } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { until } from './helpers/until.js';

/**
 * Lock discipline on PostgreSQL: a transactional migration runs with SET LOCAL lock_timeout,
 * gives up when another session holds ACCESS EXCLUSIVE on its table, is retried whole, and
 * the messages name the blocking session. Synchronised on pg_locks, never on sleeps.
 */
const FOLDER = { '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'ALTER TABLE a ADD COLUMN b int;\n', '2_b.down.sql': 'ALTER TABLE a DROP COLUMN b;\n' };

async function setUp(url: string, tries: number) {
  const dir = makeFolder(FOLDER);
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1, tries } }));
  const first = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'], { cwd });
  if (first.code !== 0) throw new Error(first.stderr);
  const app = postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: 'the-app' } });
  const holder = await app.reserve();
  await holder.unsafe('BEGIN');
  await holder.unsafe('LOCK TABLE a IN ACCESS EXCLUSIVE MODE');
  const pid = ((await holder.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as Array<{ pid: number }>)[0]!.pid;
  /** The migration's lock requests on table a that are waiting (not granted). */
  const waiting = () => app.unsafe<Array<{ pid: number }>>("SELECT l.pid FROM pg_locks l JOIN pg_stat_activity s USING (pid) WHERE l.locktype = 'relation' AND l.relation = 'a'::regclass AND NOT l.granted AND s.application_name LIKE 'migrate-tui%'");
  return { dir, cwd, app, holder, pid, waiting };
}

eachDatabase(
  'a migration blocked by ACCESS EXCLUSIVE gives up at lock_timeout, is retried whole, and succeeds once the lock is released; the blocker is named',
  async (t, url) => {
    const { dir, cwd, app, holder, pid, waiting } = await setUp(url, 3);
    try {
      const run = cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
      await until(waiting, (rows) => rows.length > 0, 'the first try waiting for the lock');
      await until(waiting, (rows) => rows.length === 0, 'the first try giving up (lock_timeout)');
      await until(waiting, (rows) => rows.length > 0, 'the second try waiting again');
      await holder.unsafe('COMMIT');
      const r = await run;
      t.is(r.code, 0, r.stderr);
      t.regex(r.stderr, new RegExp(`lock timeout after 1 s \\(held by pid ${pid} \\(the-app, idle in transaction`));
      t.regex(r.stderr, /rolled back; try 2 of 3 in 0\.5 s/);
      t.regex(r.stderr, new RegExp(`waiting for a lock held by pid ${pid} \\(the-app`));
      const cols = await app.unsafe("SELECT column_name FROM information_schema.columns WHERE table_name = 'a' ORDER BY column_name");
      t.deepEqual(cols.map((c) => c.column_name), ['b', 'id']);
    } finally {
      holder.release();
      await app.end({ timeout: 1 });
    }
  },
  ['postgres'],
);

eachDatabase(
  'after the last try it fails, rolled back, with the blocking session in the error',
  async (t, url) => {
    const { dir, cwd, app, holder, pid } = await setUp(url, 2);
    try {
      const r = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
      t.is(r.code, 1, r.stdout + r.stderr);
      t.regex(r.stdout + r.stderr, new RegExp(`gave up after 2 tries of 1 s each \\(lock_timeout\\), the lock held by pid ${pid} \\(the-app`));
      const status = await cli(['--url', url, '--dir', dir, '--json', 'status'], { cwd });
      t.deepEqual((JSON.parse(status.stdout) as { applied: string[] }).applied, ['1']);
    } finally {
      await holder.unsafe('ROLLBACK');
      holder.release();
      await app.end({ timeout: 1 });
    }
  },
  ['postgres'],
);
