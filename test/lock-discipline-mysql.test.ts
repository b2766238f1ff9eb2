import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { cli } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { until } from './helpers/until.js';

/**
 * Lock discipline on MariaDB: every migration runs with the session's lock_wait_timeout, a
 * migration whose first statement times out on a metadata lock is tried again, one that
 * partly ran is not, and the messages name the blocking connection. Synchronised on the
 * server's PROCESSLIST, never on sleeps. Serial: one test loads the metadata_lock_info plugin.
 */
const FOLDER = {
  '1_a.up.sql': 'CREATE TABLE a (id int);\nCREATE TABLE c (id int);\n',
  '1_a.down.sql': 'DROP TABLE c;\nDROP TABLE a;\n',
  '2_b.up.sql': 'ALTER TABLE a ADD COLUMN b int;\n',
  '2_b.down.sql': 'ALTER TABLE a DROP COLUMN b;\n',
};

async function setUp(url: string, tries: number, folder: Record<string, string> = FOLDER) {
  const dir = makeFolder(folder);
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1, tries } }));
  const first = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'], { cwd });
  if (first.code !== 0) throw new Error(first.stderr);
  const holder = await mysql.createConnection(url);
  const watcher = await mysql.createConnection(url);
  const [[me]] = (await holder.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
  /** The migration's ALTER of table a waiting for its metadata lock. */
  const waiting = async () => ((await watcher.query("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND STATE = 'Waiting for table metadata lock' AND INFO LIKE 'ALTER TABLE a %'")) as unknown as [unknown[]])[0];
  const columns = async () => ((await watcher.query("SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME) AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('a', 'c') ORDER BY TABLE_NAME, COLUMN_NAME")) as unknown as [Array<{ c: string }>])[0].map((r) => r.c);
  const close = () => Promise.all([holder.end(), watcher.end()]);
  return { dir, cwd, holder, watcher, id: me.id, waiting, columns, close };
}

eachDatabase(
  'lock_wait_timeout: a migration blocked by an open transaction that read its table gives up, is tried again whole, and succeeds once the lock is released; the blocker is named',
  async (t, url) => {
    const { dir, cwd, holder, id, waiting, columns, close } = await setUp(url, 3);
    try {
      await holder.query('START TRANSACTION');
      await holder.query('SELECT * FROM a');
      const run = cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
      await until(waiting, (rows) => rows.length > 0, 'the first try waiting for the metadata lock');
      await until(waiting, (rows) => rows.length === 0, 'the first try giving up (lock_wait_timeout)');
      await until(waiting, (rows) => rows.length > 0, 'the second try waiting again');
      await holder.query('COMMIT');
      const r = await run;
      t.is(r.code, 0, r.stderr);
      t.regex(r.stderr, new RegExp(`lock timeout after 1 s \\(held by connection ${id} \\(test@127\\.0\\.0\\.1:\\d+, Sleep for \\d+ s, open transaction since`));
      t.regex(r.stderr, /on the first statement: nothing of the migration ran; try 2 of 3 in 0\.5 s/);
      t.regex(r.stderr, new RegExp(`waiting for a lock held by connection ${id} \\(`));
      t.deepEqual(await columns(), ['a.b', 'a.id', 'c.id']);
    } finally {
      await close();
    }
  },
  ['mariadb'],
  { serial: true },
);

eachDatabase(
  'lock_wait_timeout with metadata_lock_info loaded: LOCK TABLES is named exactly, and after the last try the migration fails with nothing applied',
  async (t, url) => {
    const { dir, cwd, holder, watcher, id, close } = await setUp(url, 2);
    const [[plugin]] = (await watcher.query("SELECT COUNT(*) AS n FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'METADATA_LOCK_INFO'")) as unknown as [[{ n: number }]];
    if (Number(plugin.n) === 0) await watcher.query("INSTALL SONAME 'metadata_lock_info'");
    try {
      await holder.query('LOCK TABLES a READ');
      const r = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
      t.is(r.code, 1, r.stdout + r.stderr);
      t.regex(r.stdout + r.stderr, new RegExp(`gave up after 2 tries of 1 s each \\(lock_wait_timeout\\), the lock held by connection ${id} \\(test@[^,]+, Sleep for \\d+ s, holds SHARED_READ_ONLY on a\\)`));
      // Its DDL ran without a transaction: nothing was rolled back, the first statement never ran.
      t.regex(r.stdout + r.stderr, /nothing of it is applied \(it ran without a transaction, and its first statement failed\): the database is as it was before 2/);
      t.notRegex(r.stdout + r.stderr, /was rolled back/);
      const status = await cli(['--url', url, '--dir', dir, '--json', 'status'], { cwd });
      t.deepEqual((JSON.parse(status.stdout) as { applied: string[] }).applied, ['1']);
    } finally {
      await holder.query('UNLOCK TABLES');
      if (Number(plugin.n) === 0) await watcher.query("UNINSTALL SONAME 'metadata_lock_info'");
      await close();
    }
  },
  ['mariadb'],
  { serial: true },
);

eachDatabase(
  'lock_wait_timeout after a statement of the migration ran: not tried again, the error says what ran and who held the lock',
  async (t, url) => {
    const folder = { ...FOLDER, '2_b.up.sql': 'ALTER TABLE c ADD COLUMN x int;\nALTER TABLE a ADD COLUMN b int;\n', '2_b.down.sql': 'ALTER TABLE a DROP COLUMN b;\nALTER TABLE c DROP COLUMN x;\n' };
    const { dir, cwd, holder, id, columns, close } = await setUp(url, 3, folder);
    try {
      await holder.query('START TRANSACTION');
      await holder.query('SELECT * FROM a');
      const r = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
      t.is(r.code, 5, r.stdout + r.stderr);
      const out = r.stdout + r.stderr;
      t.regex(out, new RegExp(`failed at statement 2 of 2 .*2_b\\.up\\.sql:2`));
      t.regex(out, new RegExp(`lock_wait_timeout 1 s; the lock held by connection ${id} \\(.*\\): not tried again, because statements before it ran outside a transaction and stay applied`));
      t.regex(out, /DIRTY: statement 1 of 2 ran and stays applied/);
      t.notRegex(out, /try 2 of 3/);
      await holder.query('COMMIT');
      t.deepEqual(await columns(), ['a.id', 'c.id', 'c.x']);
    } finally {
      await close();
    }
  },
  ['mariadb'],
  { serial: true },
);
