import test from 'ava';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { eachDatabase, withDb } from './helpers/databases.js';
import { exampleWith } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';

/**
 * Issue 14 in the TUI: `V` opens the verify matrix and fills it in; `v` verifies the
 * revision under the cursor; a failing cell opens its schema diff. Frames are awaited, never slept on.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));


test('V: the matrix fills in and the example round-trips; the connected SQLite file is not touched', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE, height: 30 });
  try {
    await s.waitFor('History (9)');
    const before = await withDb(s.url, (db) => db.schema([]));
    await s.press('V');
    await s.waitFor('scratch databases only; the connected database is never touched.');
    const done = await s.waitFor('every checked revision round-trips; scratch databases dropped');
    t.regex(done, /20260105093000\s+\[✓ \d+ ms\]\s+create permissions|20260105093000\s+ ✓ \d+ ms/);
    t.regex(done, /20260115090000\s+ –\s+merge documents and audit/);
    t.deepEqual(await withDb(s.url, (db) => db.schema([])), before, 'the connected database is as it was');
    await s.press(KEYS.escape);
    await s.waitFor('History (9)');
  } finally {
    await s.close();
  }
});

test('v verifies the revision under the cursor; enter on its ✗ cell shows what differs and the schema diff', async (t) => {
  const dir = exampleWith({
    '20260120090000_index_permissions.up.sql': 'CREATE INDEX permissions_code_idx ON permissions (name);\n',
    '20260120090000_index_permissions.down.sql': '-- (forgot DROP INDEX)\n',
  });
  const s = await openScreen({ migrations: dir, height: 30 });
  try {
    await s.waitFor('History (10)');
    await s.press('v');
    await s.waitFor('verify 20260120090000: up, down, up again on scratch databases');
    const frame = await s.waitFor('✗ some revisions do not round-trip');
    t.notRegex(frame, /20260105090000/, 'only the selected revision is checked (its ancestors are applied first)');
    await s.press(KEYS.enter);
    const diff = await s.waitFor('+index permissions_code_idx on permissions');
    t.true(diff.includes('down of 20260120090000 (sqlite) leaves index permissions_code_idx on permissions'));
    t.true(diff.includes('--- before 20260120090000') && diff.includes('+++ after the down of 20260120090000'), 'the diff says which is which');
    await s.press(KEYS.escape);
    await s.waitFor('✗ some revisions do not round-trip');
    await s.press(KEYS.escape);
    await s.waitFor('History (10)');
  } finally {
    await s.close();
  }
});

eachDatabase(
  'V on a server: a scratch database on the same server gets its own column; the connected database is untouched; nothing is left',
  async (t, url, database) => {
    const s = await openScreen({ migrations: EXAMPLE, url, height: 30 });
    try {
      await s.waitFor('History (9)');
      await s.press('V');
      await s.waitFor(`${database.name === 'postgres' ? 'postgres' : 'mariadb'}: a new database on`);
      const done = await s.waitFor('every checked revision round-trips; scratch databases dropped', 'the finished matrix');
      t.regex(done, /revision\s+sqlite\s+(postgres|mariadb)/);
      t.deepEqual(Object.keys((await withDb(url, (db) => db.schema([]))).tables), [], 'nothing was created in the connected database');
      const prefix = `migrate_tui_verify_${process.pid}_`;
      const left =
        database.name === 'postgres'
          ? await (async () => {
              const sql = postgres(process.env.TEST_POSTGRES_URL!, { max: 1, onnotice: () => {} });
              const rows = await sql.unsafe<Array<{ n: string }>>('SELECT datname AS n FROM pg_database');
              await sql.end();
              return rows.map((r) => r.n);
            })()
          : (await withDb(url, (db) => db.query<Record<string, string>>('SHOW DATABASES'))).map((r) => Object.values(r)[0]!);
      t.deepEqual(left.filter((n) => n.startsWith(prefix)), []);
    } finally {
      await s.close();
    }
  },
  ['postgres', 'mariadb'],
);

test('--read-only keeps verify to SQLite on a server connection and says why', async (t) => {
  if (!process.env.TEST_POSTGRES_URL) return t.pass();
  const sql = postgres(process.env.TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  await sql.unsafe('CREATE DATABASE tui_verify_ro');
  await sql.end();
  const url = process.env.TEST_POSTGRES_URL.replace(/\/[^/]*$/, '/tui_verify_ro');
  const s = await openScreen({ migrations: EXAMPLE, url, height: 30, readOnly: true });
  try {
    await s.press('V');
    await s.waitFor('postgres: not checked (--read-only: verify would create a scratch database on');
    const done = await s.waitFor('every checked revision round-trips');
    t.regex(done, /revision\s+sqlite\s*│/);
  } finally {
    await s.close();
    const admin = postgres(process.env.TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe('DROP DATABASE tui_verify_ro');
    await admin.end();
  }
});
