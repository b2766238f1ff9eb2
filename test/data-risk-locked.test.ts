import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { start } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { cli } from './helpers/cli.js';

/**
 * A downgrade's preview counts the rows it destroys without waiting behind another session:
 * the counts run on a read-only connection whose lock waits are bounded, and a table another
 * session locks reads `rows not counted: the table is locked by another session` (never
 * "table not found now"). Before, the count waited on the run's own connection until that
 * session ended: `downgrade --dry-run` (and the TUI's `d`, on `preparing the downgrade…`, esc
 * not answered) hung for as long as a LOCK TABLE or an ALTER held the table.
 */
const FOLDER = {
  '1_a.up.sql': 'CREATE TABLE a (id int);\n',
  '1_a.down.sql': 'DROP TABLE a;\n',
  '2_b.up.sql': 'CREATE TABLE b (id int);\nINSERT INTO b (id) VALUES (1), (2), (3);\n',
  '2_b.down.sql': 'DROP TABLE b;\n',
};

/** Another session holding `table` (PostgreSQL ACCESS EXCLUSIVE in an open transaction; MariaDB LOCK TABLES … WRITE) until release(). */
async function lockTable(url: string, dialect: string, table: string): Promise<{ release(): Promise<void> }> {
  if (dialect === 'postgres') {
    const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const holder = await app.reserve();
    await holder.unsafe('BEGIN');
    await holder.unsafe(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return { release: async () => (await holder.unsafe('COMMIT'), holder.release(), await app.end({ timeout: 1 })) };
  }
  const conn = await mysql.createConnection(url);
  await conn.query(`LOCK TABLES ${table} WRITE`);
  return { release: async () => (await conn.query('UNLOCK TABLES'), await conn.end()) };
}

eachDatabase(
  'a downgrade preview on a table another session locks says its rows were not counted, and does not wait for that session',
  async (t, url, db) => {
    t.timeout(60_000);
    const dir = makeFolder(FOLDER);
    const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
    t.is(up.code, 0, up.stderr);
    const lock = await lockTable(url, db.name, 'b');
    try {
      const run = start(['--url', url, '--dir', dir, 'downgrade', '1', '--dry-run']);
      // A bound, not a wait for synchronisation: the preview must end while the lock is still held.
      const deadline = new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 20_000).unref());
      const ended = await Promise.race([run.exit, deadline]);
      if (ended === 'waiting') run.child.kill('SIGKILL');
      t.not(ended, 'waiting', 'the preview still waited for the lock after 20 s');
      t.is(ended, 0, run.stderr());
      t.regex(run.stdout(), /drops table b \(rows not counted: the table is locked by another session\) — 2, /);
      t.notRegex(run.stdout(), /table not found now/);
    } finally {
      await lock.release();
    }
    // Once the session has finished, the same preview counts the rows.
    const after = await cli(['--url', url, '--dir', dir, 'downgrade', '1', '--dry-run']);
    t.is(after.code, 0, after.stderr);
    t.regex(after.stdout, /drops table b \(3 rows\)/);
  },
  ['postgres', 'mariadb'],
);
