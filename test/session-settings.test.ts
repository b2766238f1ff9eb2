import { connectDatabase, DEFAULT_STATE_TABLES, loadProject, Migrator, parseDatabaseUrl } from '../src/engine/index.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * The tool's own SQL under the session settings users run with, set on the server or by a
 * migration of the same run (which then holds for the steps after it): every state row must
 * be written, and read back, as it is.
 */
async function withMigrator<T>(url: string, dir: string, work: (m: Migrator) => Promise<T>): Promise<T> {
  const target = parseDatabaseUrl(url, 'test', process.cwd());
  const db = await connectDatabase(target, 'test');
  try {
    return await work(new Migrator(loadProject(dir), db, { tables: DEFAULT_STATE_TABLES, toolVersion: 'test', lockTimeoutMs: 10_000, connection: target }));
  } finally {
    await db.close();
  }
}

/**
 * A database whose default character set is latin1 (MariaDB's compiled-in default, or
 * character_set_server=latin1): the state tables took it, and the log kept a migration's text
 * outside Latin-1 as '?' (a resume from the log would run other SQL than the file's).
 */
eachDatabase('MariaDB: in a latin1 database the log keeps a migration\'s text whole (the state tables are utf8mb4)', async (t, url) => {
  await withDb(url, (db) => db.execute(`ALTER DATABASE \`${url.split('/').pop()}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`));
  const statement = "SELECT 'Zoë 🚀 日本' AS x";
  const dir = makeFolder({ '1_a.up.sql': `${statement};\n`, '1_a.down.sql': 'SELECT 1;\n' });
  const result = await withMigrator(url, dir, (m) => m.upgrade('heads'));
  t.is(result.error, undefined, result.error?.message);
  const kept = await withDb(url, async (db) => (await db.query<{ s: string }>("SELECT sql_text AS s FROM migrate_tui_log WHERE revision = '1'"))[0]!.s);
  t.is(kept, `${statement};`);
}, ['mariadb']);
