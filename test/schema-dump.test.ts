import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import mysql from 'mysql2/promise';
import Database from 'better-sqlite3';
import { findExecutable, restrictKeySupported, trimLeadingComments } from '../src/engine/index.js';
import { binaryAsync, cli } from './helpers/cli.js';
import { eachDatabase, withDb, type TestDatabase } from './helpers/databases.js';
import { makeFolder, pair } from './helpers/folders.js';
import { KEYS, openScreen, panelText } from './helpers/screen.js';

/**
 * `dump` and "schemaFile": the schema as dbmate writes it (its dump flags, what it strips),
 * then the version rows; loading it into an empty database gives the same schema and the same
 * version rows; dump changes nothing; with "schemaFile" a run that changes the database writes
 * the file again, and a dump that fails after it says the run stands and the file was not written.
 */

/** Two revisions: a table with an auto-increment key, a row (AUTO_INCREMENT=2 on MariaDB), an index and a view; then a second table. */
function folder(db: TestDatabase['name'], branch = false): string {
  const key = db === 'postgres' ? 'id SERIAL PRIMARY KEY' : db === 'mariadb' ? 'id INT AUTO_INCREMENT PRIMARY KEY' : 'id INTEGER PRIMARY KEY AUTOINCREMENT';
  return makeFolder({
    '001_items.up.sql': `CREATE TABLE items (${key}, name VARCHAR(50) NOT NULL);\nCREATE INDEX items_name ON items (name);\nCREATE VIEW item_names AS SELECT name FROM items;\nINSERT INTO items (name) VALUES ('first');\n`,
    '001_items.down.sql': 'DROP VIEW item_names;\nDROP TABLE items;\n',
    // SQLite: a trigger and a quoted table name too (the sqlite3 shell prints that one as CREATE TABLE IF NOT EXISTS).
    '002_tags.up.sql': 'CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(20));\n' + (db === 'sqlite' ? `CREATE TABLE "odd name" (x);\nCREATE TRIGGER tags_touch AFTER INSERT ON tags BEGIN UPDATE tags SET label = 'x' WHERE id = NEW.id; END;\n` : ''),
    '002_tags.down.sql': (db === 'sqlite' ? 'DROP TABLE "odd name";\n' : '') + 'DROP TABLE tags;\n',
    // A second branch on 001: two heads, so two version rows.
    ...(branch ? { '003_notes.up.sql': '-- migrate:revises 001\nCREATE TABLE notes (id INTEGER PRIMARY KEY);\n', '003_notes.down.sql': 'DROP TABLE notes;\n' } : {}),
  });
}

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/** Loads a dump with the database's own client (sqlite3 if installed, else better-sqlite3's exec). */
function load(db: TestDatabase['name'], url: string, file: string): void {
  if (db === 'sqlite') {
    const path = url.replace(/^sqlite:/, '');
    if (findExecutable('sqlite3')) {
      const r = spawnSync('sqlite3', ['-bail', path], { input: readFileSync(file), encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
      return;
    }
    const conn = new Database(path);
    conn.exec(readFileSync(file, 'utf8'));
    conn.close();
    return;
  }
  const u = new URL(url);
  const r =
    db === 'postgres'
      ? spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file, url], { encoding: 'utf8' })
      : spawnSync('mariadb', ['--no-defaults', `--host=${u.hostname}`, `--port=${u.port}`, '--protocol=TCP', `--user=${decodeURIComponent(u.username)}`, databaseOf(url)], { input: readFileSync(file), encoding: 'utf8', env: { ...process.env, MYSQL_PWD: decodeURIComponent(u.password) } });
  if (r.status !== 0) throw new Error(`${db} client: ${r.stderr}`);
}

const snapshot = (url: string) => withDb(url, async (db) => ({ schema: await db.schema([]), log: await db.query('SELECT count(*) AS n FROM migrate_tui_log') }));
/** JSON with every object's keys sorted: the same schema whatever order its tables were made in. */
const canonical = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
const tmp = () => mkdtempSync(join(tmpdir(), 'migrate-tui-dump-'));

eachDatabase('dump writes the schema as dbmate does, then the version rows; loaded into an empty database it gives the same schema and version rows; it changes nothing', async (t, url, db) => {
  const dir = folder(db.name, true);
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  const before = await snapshot(url);
  const out = join(tmp(), 'schema.sql');
  const r = await cli(['--url', url, '--dir', dir, 'dump', '--out', out]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`^wrote the schema of \\S+ to ${out.replace(/[.]/g, '\\.')} \\((pg_dump|mariadb-dump|mysqldump|sqlite_master)[^;]*; 2 version rows\\)\\n$`));
  const text = readFileSync(out, 'utf8');
  for (const name of ['items', 'items_name', 'item_names', 'tags', 'notes', 'migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text']) t.true(text.includes(name), name);
  // The version rows are the current heads: one per branch here.
  t.regex(text, /INSERT INTO \S*migrate_tui_version\S* \(\S*revision\S*\) VALUES\n +\('002'\),\n +\('003'\);\n/);
  t.is(text.match(/INSERT INTO/g)?.length, 1, 'the version rows only: no log or texts rows, no table data');
  t.false(text.includes('first'), 'no table data');
  t.false(/^--/.test(text) || text.startsWith('\n'), 'leading comments are trimmed');
  t.false(/[ \t]$/m.test(text), 'no spaces at line ends');
  if (db.name === 'mariadb') {
    t.notRegex(text, /AUTO_INCREMENT=\d/, 'AUTO_INCREMENT=N is stripped');
    t.notRegex(text, /Dump completed on \d/, 'no dump date');
  }
  if (db.name === 'postgres') {
    t.notRegex(text, /OWNER TO|GRANT |REVOKE /, 'no owner, no privileges');
    const version = /(\d+)\.(\d+)/.exec(spawnSync('pg_dump', ['--version'], { encoding: 'utf8' }).stdout)!;
    if (restrictKeySupported(Number(version[1]), Number(version[2]))) t.regex(text, /^\\restrict dbmate$/m, "dbmate's fixed restrict key: the same file every time, and the same lines as dbmate's");
  }
  const json = await cli(['--url', url, '--dir', dir, '--json', 'dump']);
  t.deepEqual({ ...JSON.parse(json.stdout), tool: 'x' }, { tool: 'x', versionRows: ['002', '003'], stateTables: true, file: null, schema: text });
  t.deepEqual(await snapshot(url), before, 'dump changed nothing');
  // The same file the second time (no dates, no random keys, no counters).
  t.is((await cli(['--url', url, '--dir', dir, 'dump', '--out', out])).code, 0);
  t.is(readFileSync(out, 'utf8'), text);

  const empty = await db.fresh();
  load(db.name, empty, out);
  // Compared with each database's name taken out (MariaDB's views name it) and, on SQLite, without the
  // `/* view(columns) */` comments the sqlite3 shell adds after a view (loaded, they become part of its text, as with sqlite3 itself).
  const same = (x: unknown, url: string) => (typeof x === 'string' ? x : canonical(x)).split(databaseOf(url)).join('DB').replace(/(\s|\\n)*\/\* \w+\([^)]*\) \*\//g, '');
  const loaded = await withDb(empty, (d) => d.schema([]));
  t.is(same(loaded, empty), same(before.schema, url), 'the loaded database has the same schema');
  const current = await cli(['--url', empty, '--dir', dir, 'current']);
  t.is(current.stdout, '002 (head) tags\n003 (head) notes\n', current.stderr);
  const again = await cli(['--url', empty, '--dir', dir, 'dump']);
  t.is(again.code, 0, again.stderr);
  t.is(same(again.stdout, empty), same(text, url), 'the loaded database dumps to the same text');
  if (db.name === 'sqlite' && findExecutable('sqlite3')) {
    // What dbmate writes: `sqlite3 <file> '.schema --nosys'`, then its rows.
    const shell = spawnSync('sqlite3', [url.replace(/^sqlite:/, ''), '.schema --nosys'], { encoding: 'utf8' }).stdout;
    t.is(text, `${shell}-- migrate-tui version rows\nINSERT INTO "migrate_tui_version" ("revision") VALUES\n  ('002'),\n  ('003');\n`, 'as the sqlite3 shell prints it');
  }
});

eachDatabase('dump of a database without migrate-tui state tables: the schema only, it says so, and creates nothing', async (t, url, db) => {
  await withDb(url, (d) => d.execute('CREATE TABLE legacy (id INTEGER PRIMARY KEY)'));
  const dir = folder(db.name);
  const r = await cli(['--url', url, '--dir', dir, 'dump']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /wrote the schema of \S+ to stdout \([^;]+; no version rows: the database has no migrate-tui state tables \(migrate_tui_version\), so it holds the schema only\)/);
  t.regex(r.stdout, /CREATE TABLE \S*legacy/);
  t.false(r.stdout.includes('migrate_tui'), 'no INSERT into a table the dump does not create');
  t.false(await withDb(url, (d) => d.tableExists('migrate_tui_version')), 'no state table was created');
  t.false(await withDb(url, (d) => d.tableExists('migrate_tui_log')));
  if (db.name === 'sqlite') {
    const missing = join(tmp(), 'missing.sqlite');
    const refused = await cli(['--url', `sqlite:${missing}`, '--dir', dir, 'dump']);
    t.not(refused.code, 0);
    t.regex(refused.stderr, /no database at /);
    t.false(existsSync(missing), 'a missing SQLite file is not created');
  }
});

eachDatabase('with "schemaFile", upgrade, downgrade and stamp write the file again; a no-op upgrade does not; dump without --out writes it', async (t, url, db) => {
  const dir = folder(db.name);
  const cwd = tmp();
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ schemaFile: 'db/schema.sql' }));
  const file = join(cwd, 'db', 'schema.sql');
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, '--yes', ...args], { cwd });
  const first = await run('upgrade', '001');
  t.is(first.code, 0, first.stderr);
  t.is(first.stdout, 'applied 1 revision\nheads now: 001\nschema file written: db/schema.sql (1 version row)\n');
  t.regex(readFileSync(file, 'utf8'), /\('001'\);/);
  t.false(readFileSync(file, 'utf8').includes('tags'));
  t.is((await run('upgrade')).code, 0);
  t.regex(readFileSync(file, 'utf8'), /VALUES\n +\('002'\);/);
  t.true(readFileSync(file, 'utf8').includes('tags'));
  writeFileSync(file, 'untouched');
  const noop = await run('upgrade');
  t.is(noop.code, 0);
  t.false(noop.stdout.includes('schema file'), noop.stdout);
  t.is(readFileSync(file, 'utf8'), 'untouched', 'a run that changed nothing does not write it');
  const down = await run('downgrade', '-1', '--no-backup');
  t.is(down.code, 0, down.stderr);
  t.regex(down.stdout, /schema file written: db\/schema\.sql \(1 version row\)\n$/);
  t.false(readFileSync(file, 'utf8').includes('tags'));
  writeFileSync(file, 'untouched');
  t.is((await run('stamp', '002')).code, 0);
  t.regex(readFileSync(file, 'utf8'), /\('002'\);/, 'stamp writes it too');
  writeFileSync(file, 'untouched');
  const dump = await cli(['--url', url, '--dir', dir, 'dump'], { cwd });
  t.is(dump.code, 0, dump.stderr);
  t.regex(dump.stdout, /to db\/schema\.sql \(/);
  t.regex(readFileSync(file, 'utf8'), /\('002'\);/);
});

eachDatabase('a dump that fails after a successful upgrade says the migrations DID apply and the file was NOT written (exit 12)', async (t, url, db) => {
  const dir = folder(db.name);
  const cwd = tmp();
  writeFileSync(join(cwd, 'blocker'), 'a file where the folder should be');
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ schemaFile: 'blocker/schema.sql' }));
  const r = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '001'], { cwd });
  t.is(r.code, 12, r.stderr);
  t.regex(r.stderr, /the migrations DID apply \(heads now: 001\), but the schema file blocker\/schema\.sql was NOT written: cannot create the schema file folder \S*blocker: \S+ is a file, not a folder\n {2}→ .*; then write it with `migrate-tui --url <url> dump`\n/);
  t.is(r.stdout, 'applied 1 revision\nheads now: 001\nschema file blocker/schema.sql NOT written (see above)\n');
  t.is((await cli(['--url', url, '--dir', dir, 'current'], { cwd })).stdout, '001 items\n', 'the migration stands');
  if (db.name === 'sqlite') return;
  // No dump tool: the upgrade stands (exit 12), and `dump` alone says what to install (exit 8).
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ schemaFile: 'schema.sql' }));
  const emptyPath = tmp();
  const up = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd, env: { PATH: emptyPath } });
  t.is(up.code, 12, up.stderr);
  t.regex(up.stderr, /the migrations DID apply \(heads now: 002\), but the schema file schema\.sql was NOT written: (pg_dump|mariadb-dump or mysqldump) is not installed \(not on PATH\), so the schema cannot be dumped\n {2}→ install the (PostgreSQL \d+|MariaDB) client tools \(Debian: [a-z0-9-]+\); then write it with `migrate-tui --url <url> dump`/);
  t.false(existsSync(join(cwd, 'schema.sql')));
  const dump = await binaryAsync(['--url', url, '--dir', dir, 'dump'], { cwd, env: { PATH: emptyPath } });
  t.is(dump.code, 8, dump.stderr);
  t.regex(dump.stderr, /is not installed \(not on PATH\), so the schema cannot be dumped\n {2}→ install the /);
}, undefined, { serial: true });

eachDatabase('dump waits for a lock at most the lock timeout, then fails and says so; the database is unchanged', async (t, url, db) => {
  const dir = folder(db.name);
  const cwd = tmp();
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd })).code, 0);
  const started = Date.now();
  let r;
  if (db.name === 'postgres') {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const holder = await sql.reserve();
    await holder`BEGIN`;
    await holder`LOCK TABLE items IN ACCESS EXCLUSIVE MODE`;
    try {
      r = await cli(['--url', url, '--dir', dir, 'dump'], { cwd });
    } finally {
      await holder`ROLLBACK`;
      holder.release();
      await sql.end();
    }
  } else {
    const conn = await mysql.createConnection(url);
    await conn.query('LOCK TABLES items WRITE');
    try {
      r = await cli(['--url', url, '--dir', dir, 'dump'], { cwd });
    } finally {
      await conn.query('UNLOCK TABLES');
      await conn.end();
    }
  }
  t.is(r.code, 8, r.stderr);
  t.regex(r.stderr, /error: (pg_dump|mariadb-dump|mysqldump) failed \(exit \d+\): .*(lock|timeout|interrupted|max_statement_time)/i);
  t.true(Date.now() - started < 60_000, 'it did not wait for ever');
}, ['postgres', 'mariadb']);

eachDatabase('PostgreSQL: a search_path in the URL dumps those schemas only, as dbmate (pg_dump --schema for each)', async (t, url) => {
  await withDb(url, async (d) => {
    await d.execute('CREATE SCHEMA app_one');
    await d.execute('CREATE TABLE app_one.inside (id INTEGER PRIMARY KEY)');
    await d.execute('CREATE TABLE public.outside (id INTEGER)');
  });
  const u = new URL(url);
  u.searchParams.set('search_path', 'app_one');
  const dir = folder('postgres');
  t.is((await cli(['--url', u.toString(), '--dir', dir, '--yes', 'upgrade', '001'])).code, 0);
  const r = await cli(['--url', u.toString(), '--dir', dir, 'dump']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /CREATE TABLE app_one\.inside /);
  t.regex(r.stdout, /CREATE TABLE app_one\.items /);
  t.regex(r.stdout, /INSERT INTO "app_one"\."migrate_tui_version"/);
  t.false(r.stdout.includes('outside'), 'a schema outside the search_path is not dumped');
  t.false(r.stdout.includes('public.'), r.stdout);
}, ['postgres']);

eachDatabase('SQLite: printed as the sqlite3 shell prints it: keywords quoted in the columns comment, a virtual table with its comment, a comment at a statement end closed before its ;', async (t, url) => {
  const path = url.replace(/^sqlite:/, '');
  const conn = new Database(path);
  conn.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, "group" TEXT, x TEXT)');
  conn.exec('CREATE VIEW "order" AS SELECT id, "group", x AS "key", id AS rowid_x, 1+1 FROM t');
  conn.exec('CREATE VIRTUAL TABLE docs USING fts5(title, body)');
  conn.exec('CREATE INDEX t_x ON t (x) -- the x index');
  conn.exec('CREATE INDEX t_g ON t ("group") /* open');
  // A view whose table was dropped: its columns cannot be read, so no comment (the shell's), and no error.
  conn.exec('CREATE TABLE gone (y); CREATE VIEW broken AS SELECT y FROM gone; DROP TABLE gone;');
  conn.close();
  const dir = folder('sqlite');
  const out = join(tmp(), 'schema.sql');
  const r = await cli(['--url', url, '--dir', dir, 'dump', '--out', out]);
  t.is(r.code, 0, r.stderr);
  const text = readFileSync(out, 'utf8');
  t.true(text.includes('CREATE VIEW "order" AS SELECT id, "group", x AS "key", id AS rowid_x, 1+1 FROM t\n/* "order"(id,"group","key",rowid_x,"1+1") */;\n'), text);
  t.true(text.includes('CREATE VIRTUAL TABLE docs USING fts5(title, body)\n/* docs(title,body) */;\n'), text);
  t.true(text.includes("CREATE TABLE IF NOT EXISTS 'docs_data'(id INTEGER PRIMARY KEY, block BLOB);\n"), text);
  t.true(text.includes('CREATE INDEX t_x ON t (x) -- the x index\n;\n'), text);
  t.true(text.includes('CREATE INDEX t_g ON t ("group") /* open*/;\n'), text);
  t.true(text.includes('CREATE VIEW broken AS SELECT y FROM gone;\n'), text);
  if (findExecutable('sqlite3')) {
    const shell = spawnSync('sqlite3', [path, '.schema --nosys'], { encoding: 'utf8' }).stdout;
    t.is(text, shell.split('\n').map((l) => l.trimEnd()).join('\n'), 'as the sqlite3 shell prints it');
    // Loaded, every statement runs (no ; left inside a comment).
    const copy = join(tmp(), 'copy.sqlite');
    load('sqlite', `sqlite:${copy}`, out);
    t.is(spawnSync('sqlite3', [copy, "SELECT count(*) FROM sqlite_master WHERE name IN ('t_x', 't_g', 'order', 'docs')"], { encoding: 'utf8' }).stdout, '4\n');
  }
}, ['sqlite']);

test('trimLeadingComments drops the leading comment and blank lines and the spaces at line ends, as dbmate', (t) => {
  t.is(trimLeadingComments('--\n-- host x\n\nCREATE TABLE a (x int);  \n-- kept\n\nSELECT 1;\n'), 'CREATE TABLE a (x int);\n-- kept\n\nSELECT 1;\n');
});

test('pg_dump --restrict-key: from the August 2025 minor releases on', (t) => {
  t.deepEqual([[15, 13], [15, 14], [16, 10], [17, 5], [17, 6], [18, 0], [13, 22], [14, 18]].map(([a, b]) => restrictKeySupported(a!, b!)), [false, true, true, false, true, true, true, false]);
});

eachDatabase('with "schemaFile": a step that fails dirty changes no version row and writes no file; resolve --applied writes it', async (t, url) => {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
  });
  const cwd = tmp();
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ schemaFile: 'schema.sql' }));
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, '--yes', ...args], { cwd });
  const dirty = await run('upgrade');
  t.is(dirty.code, 5, dirty.stderr);
  t.false(existsSync(join(cwd, 'schema.sql')), 'no version row changed: not written');
  const resolved = await run('resolve', '1', '--applied');
  t.is(resolved.code, 0, resolved.stderr);
  t.regex(resolved.stdout, /schema file written: schema\.sql \(1 version row\)\n$/);
  const text = readFileSync(join(cwd, 'schema.sql'), 'utf8');
  t.regex(text, /CREATE TABLE \S*\ba\b/);
  t.regex(text, /VALUES\n +\('1'\);/);
}, ['sqlite', 'postgres']);

eachDatabase('a fleet run does not write "schemaFile" (every target would overwrite it) and says so', async (t, url) => {
  const dir = folder('sqlite');
  const cwd = tmp();
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ schemaFile: 'schema.sql' }));
  writeFileSync(join(cwd, 'migrate-tui.targets.json'), JSON.stringify([{ name: 'one', url }]));
  const r = await cli(['--targets', '--dir', dir, '--yes', 'upgrade'], { cwd });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout + r.stderr, /schema file schema\.sql not written: a fleet run has many databases; write it from one with `migrate-tui --url <url> dump`/);
  t.false(existsSync(join(cwd, 'schema.sql')));
}, ['sqlite']);

test('the TUI: with "schemaFile", an upgrade run from the TUI writes the file and its result says so; one that fails to write it says the run stands and the file was NOT written', async (t) => {
  const dir = makeFolder({ ...pair('001'), ...pair('002') });
  const s = await openScreen({ migrations: dir, schemaFile: 'db/schema.sql' });
  try {
    await s.waitFor(/History \(2\)/);
    await s.press('U');
    await s.waitFor(/Upgrade to heads\?/);
    await s.press('y');
    const done = panelText(await s.waitFor(/upgrade to heads: done/));
    t.regex(done, /schema file written: db\/schema\.sql/);
    const written = readFileSync(join(s.work, 'db', 'schema.sql'), 'utf8');
    t.regex(written, /CREATE TABLE t_002/);
    t.regex(written, /INSERT INTO "migrate_tui_version" \("revision"\) VALUES\n {2}\('002'\);/);
    await s.press(KEYS.escape);
    await s.waitFor(/at 002 · 0 pending/);
  } finally {
    await s.close();
  }
  // A schema file that cannot be written (its folder is a file): the downgrade stands, and the result says the file was not written.
  const blocked = await openScreen({ migrations: dir, schemaFile: 'blocker/schema.sql' });
  try {
    writeFileSync(join(blocked.work, 'blocker'), 'a file where the folder should be');
    await blocked.waitFor(/History \(2\)/);
    await blocked.press('U');
    await blocked.waitFor(/Upgrade to heads\?/);
    await blocked.press('y');
    const shown = panelText(await blocked.waitFor(/upgrade to heads: done/));
    t.regex(shown, /the run stands, but the schema file blocker\/schema\.sql was NOT written/);
    t.regex(shown, /then write it with `migrate-tui dump`/);
    t.regex(shown, /now at: 002/);
  } finally {
    await blocked.close();
  }
});
