import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * Issue 9, item 6: migrations see SQLite's foreign-key behaviour as the sqlite3 shell gives
 * it; the documented table rebuild keeps the rows that reference the rebuilt table.
 */
const PARENT_CHILD = {
  '1_tables.up.sql':
    'CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n' +
    'CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE);\n' +
    "INSERT INTO parent VALUES (1, 'a'), (2, 'b');\nINSERT INTO child VALUES (10, 1), (11, 2), (12, 2);\n",
  '1_tables.down.sql': 'DROP TABLE child;\nDROP TABLE parent;\n',
  // https://www.sqlite.org/lang_altertable.html#otheralter, as written there.
  '2_rebuild.up.sql':
    'PRAGMA foreign_keys = OFF;\nBEGIN TRANSACTION;\n' +
    'CREATE TABLE new_parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT \'\');\n' +
    'INSERT INTO new_parent SELECT id, name FROM parent;\nDROP TABLE parent;\nALTER TABLE new_parent RENAME TO parent;\n' +
    'PRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;\n',
  '2_rebuild.down.sql': 'SELECT 1;\n',
};

const fresh = () => join(mkdtempSync(join(tmpdir(), 'migrate-tui-fk-')), 'app.sqlite');
const rows = (file: string, sql: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
};
const userSchema = (file: string) => rows(file, "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'migrate_tui_%' AND name NOT LIKE 'sqlite_%' ORDER BY name");

/** The same files applied by the sqlite3 shell, one file per invocation, in version order. */
function shellApply(dir: string): string {
  const file = fresh();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.up.sql')).sort()) {
    const r = spawnSync('sqlite3', ['-bail', file], { input: readFileSync(join(dir, name)), encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`sqlite3 failed on ${name}: ${r.stderr}`);
  }
  return file;
}

for (const foreignKeys of [false, true]) {
  test(`the documented table rebuild keeps every referencing row, as the sqlite3 shell does (sqlite.foreignKeys ${foreignKeys})`, async (t) => {
    const dir = makeFolder(PARENT_CHILD);
    const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-cwd-'));
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ sqlite: { foreignKeys } }));
    const file = fresh();
    const up = await cli(['--url', `sqlite:${file}`, '--dir', dir, '--yes', 'upgrade'], { cwd });
    t.is(up.code, 0, up.stderr);
    const shell = shellApply(dir);
    t.deepEqual(rows(file, 'SELECT * FROM child ORDER BY id'), rows(shell, 'SELECT * FROM child ORDER BY id'));
    t.is(rows(file, 'SELECT * FROM child').length, 3);
    t.deepEqual(userSchema(file), userSchema(shell));
  });
}

test('with sqlite.foreignKeys on, a migration that leaves a broken reference fails naming the rows, and is rolled back', async (t) => {
  const dir = makeFolder({ ...PARENT_CHILD, '2_rebuild.up.sql': 'INSERT INTO child VALUES (13, 99);\n' });
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-cwd-'));
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ sqlite: { foreignKeys: true } }));
  const file = fresh();
  const up = await cli(['--url', `sqlite:${file}`, '--dir', dir, '--yes', 'upgrade'], { cwd });
  t.is(up.code, 1, up.stderr);
  t.regex(up.stderr, /FOREIGN KEY constraint failed|break a foreign key: child rowid 13 → parent/);
  t.deepEqual(rows(file, 'SELECT id FROM child WHERE id = 13'), []);
});

test('with enforcement off (the default), a broken reference is applied as in the sqlite3 shell and reported as a warning naming the rows', async (t) => {
  const dir = makeFolder({ ...PARENT_CHILD, '2_rebuild.up.sql': 'INSERT INTO child VALUES (13, 99);\n' });
  const file = fresh();
  const up = await cli(['--url', `sqlite:${file}`, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 0, up.stderr);
  t.regex(up.stderr, /warning \(2\): 1 row break a foreign key .*child rowid 13 → parent/);
  t.deepEqual(rows(file, 'SELECT id FROM child WHERE id = 13'), [{ id: 13 }]);
  t.deepEqual(rows(file, 'SELECT * FROM child ORDER BY id'), rows(shellApply(dir), 'SELECT * FROM child ORDER BY id'));
});

test('a migration’s PRAGMA foreign_keys lasts for that migration only; the next one sees the project setting', async (t) => {
  const dir = makeFolder({
    ...PARENT_CHILD,
    '2_rebuild.up.sql': 'PRAGMA foreign_keys = ON;\nDELETE FROM parent WHERE id = 1;\n',
    '3_after.up.sql': 'DELETE FROM parent WHERE id = 2;\n',
    '3_after.down.sql': 'SELECT 1;\n',
  });
  const file = fresh();
  const up = await cli(['--url', `sqlite:${file}`, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 0, up.stderr);
  // Enforced in 2 (child 10 cascaded away), not in 3 (children 11 and 12 stay, dangling): as the shell does.
  t.deepEqual(rows(file, 'SELECT id FROM child ORDER BY id'), [{ id: 11 }, { id: 12 }]);
  t.deepEqual(rows(file, 'SELECT id FROM child ORDER BY id'), rows(shellApply(dir), 'SELECT id FROM child ORDER BY id'));
});

test('a bad sqlite setting in the config file is a clear error', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-cwd-'));
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ sqlite: { foreignKeys: 'yes' } }));
  const r = await cli(['--url', `sqlite:${fresh()}`, '--dir', makeFolder(PARENT_CHILD), 'status'], { cwd });
  t.is(r.code, 2);
  t.regex(r.stderr, /"sqlite" must be an object like \{"foreignKeys": true\}/);
});
