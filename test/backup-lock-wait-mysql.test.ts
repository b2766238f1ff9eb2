import { readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { cli, start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * A MariaDB/MySQL backup behind another session's lock gives up after the lock timeout, as
 * pg_dump's does: `mariadb-dump waited 2 s for a lock on b and gave up: …; no backup was
 * written`, exit 8, and the downgrade it was taken for does not run. mariadb-dump has no lock
 * wait option and lock_wait_timeout's default is a day: before, `downgrade` (and the TUI's
 * backup before a downgrade) waited until that session ended.
 */
eachDatabase(
  'a backup behind a LOCK TABLES gives up after the lock timeout, writes no file, and the downgrade does not run',
  async (t, url) => {
    t.timeout(60_000);
    const dir = makeFolder({
      '1_a.up.sql': 'CREATE TABLE a (id int);\n',
      '1_a.down.sql': 'DROP TABLE a;\n',
      '2_b.up.sql': 'CREATE TABLE b (id int);\nINSERT INTO b (id) VALUES (1), (2);\n',
      '2_b.down.sql': 'DROP TABLE b;\n',
    });
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 2 } }));
    const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd });
    t.is(up.code, 0, up.stderr);
    const app = await mysql.createConnection(url);
    await app.query('LOCK TABLES b WRITE');
    try {
      const run = start(['--url', url, '--dir', dir, '--yes', 'downgrade', '1'], {}, cwd);
      // A bound, not a wait for synchronisation: the backup must give up while the lock is still held.
      const deadline = new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 25_000).unref());
      const ended = await Promise.race([run.exit, deadline]);
      if (ended === 'waiting') run.child.kill('SIGKILL');
      t.not(ended, 'waiting', 'the backup still waited for the lock after 25 s');
      t.is(ended, 8, run.stderr());
      t.regex(run.stderr(), /mariadb-dump waited 2 s for a lock on b and gave up: another session holds it \(an ALTER or a LOCK TABLES in progress\?\); no backup was written/);
      t.regex(run.stderr(), /→ run it again when that session has finished \(SHOW PROCESSLIST\), or pass --no-backup/);
      const backups = join(cwd, 'backups');
      t.deepEqual(existsSync(backups) ? readdirSync(backups) : [], [], 'no backup file is left');
    } finally {
      await app.query('UNLOCK TABLES');
      await app.end();
    }
    await withDb(url, async (db) => {
      t.deepEqual((await db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version')).map((r) => r.revision), ['2'], 'the downgrade did not run');
      t.true(await db.tableExists('b'));
    });
    // Once the session has finished, the same downgrade takes its backup and runs.
    const again = await cli(['--url', url, '--dir', dir, '--yes', 'downgrade', '1'], { cwd });
    t.is(again.code, 0, again.stderr);
  },
  ['mariadb'],
);
