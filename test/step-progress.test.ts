import { connectDatabase, DEFAULT_STATE_TABLES, loadProject, Migrator, parseDatabaseUrl, type RunEvent } from '../src/engine/index.js';
import { eachDatabase, withDb, testLockName } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/** Runs an upgrade through the engine API and returns what it emitted. */
async function upgradeWithEvents(url: string, dir: string) {
  const events: RunEvent[] = [];
  const target = parseDatabaseUrl(url, 'test', process.cwd());
  const db = await connectDatabase(target, testLockName(target));
  try {
    const migrator = new Migrator(loadProject(dir), db, { tables: DEFAULT_STATE_TABLES, toolVersion: 'test', lockTimeoutMs: 10_000, connection: target, onEvent: (e) => events.push(e) });
    return { result: await migrator.upgrade('heads'), events };
  } finally {
    await db.close();
  }
}

eachDatabase('progress names the statement that is running: each starts only after the one before it ended', async (t, url) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\nSELECT 1;\n', '1_a.down.sql': 'DROP TABLE a;\n' });
  const { result, events } = await upgradeWithEvents(url, dir);
  t.is(result.error, undefined);
  const order = events.filter((e) => e.type === 'statement-start' || e.type === 'statement-end').map((e) => `${e.type === 'statement-start' ? 'start' : 'end'} ${e.index}`);
  t.deepEqual(order, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
});

eachDatabase('a step of thousands of statements runs in bounded batches; a failure deep in it names its statement and rolls back', async (t, url, db) => {
  const count = 2500;
  const inserts = Array.from({ length: count }, (_, k) => (k === 1700 ? 'INSERT INTO no_such_table VALUES (1);' : `INSERT INTO big VALUES (${k});`));
  const dir = makeFolder({
    '1_big.up.sql': 'CREATE TABLE big (id int);\n',
    '1_big.down.sql': 'DROP TABLE big;\n',
    '2_many.up.sql': inserts.join('\n') + '\n',
    '2_many.down.sql': 'DELETE FROM big;\n',
  });
  const { result } = await upgradeWithEvents(url, dir);
  t.truthy(result.error);
  t.regex(result.error!.message, new RegExp(`failed at statement 1701 of ${count} \\(.*2_many\\.up\\.sql:1701\\)`));
  // Rolled back where the database has transactional DDL; MariaDB keeps what ran, and says so.
  const rows = await withDb(url, async (d) => Number(Object.values((await d.query<Record<string, unknown>>('SELECT COUNT(*) AS n FROM big'))[0]!)[0]));
  if (db.name === 'mariadb') {
    t.is(rows, 1700);
    t.regex(result.error!.message, /DIRTY: statements 1–1700 of 2500 ran and stay applied/);
  } else {
    t.is(rows, 0);
    t.regex(result.error!.message, /rolled back: the database is as it was before 2/);
  }
});
