import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { restrictKeySupported } from '../src/engine/index.js';
import { binaryAsync, cli, start } from './helpers/cli.js';
import { eachDatabase, withDb, type TestDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { until } from './helpers/until.js';

/**
 * `load` (dbmate's): a dump loaded into a fresh database gives the same version rows and dumps
 * to the same text; a file that fails part-way says what the database holds then (PostgreSQL
 * and SQLite: nothing, one transaction rolled back; MariaDB: the statements before the line
 * the client names stay); a database that holds tables is loaded only with consent; a missing
 * client, file or setting is said.
 */

/** Two branches on 001: a table with an auto-increment key, an index and a row; a second table; a third on its own branch. */
function folder(db: TestDatabase['name']): string {
  const key = db === 'postgres' ? 'id SERIAL PRIMARY KEY' : db === 'mariadb' ? 'id INT AUTO_INCREMENT PRIMARY KEY' : 'id INTEGER PRIMARY KEY AUTOINCREMENT';
  return makeFolder({
    '001_items.up.sql': `CREATE TABLE items (${key}, name VARCHAR(50) NOT NULL);\nCREATE INDEX items_name ON items (name);\nINSERT INTO items (name) VALUES ('first');\n`,
    '001_items.down.sql': 'DROP TABLE items;\n',
    // A view: on SQLite its dump carries the sqlite3 shell's `/* name(columns) */` line, which must not come back twice.
    '002_tags.up.sql': 'CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(20));\nCREATE VIEW tag_labels AS SELECT label FROM tags;\n',
    '002_tags.down.sql': 'DROP VIEW tag_labels;\nDROP TABLE tags;\n',
    '003_notes.up.sql': '-- migrate:revises 001\nCREATE TABLE notes (id INTEGER PRIMARY KEY);\n',
    '003_notes.down.sql': 'DROP TABLE notes;\n',
  });
}

/** The processes whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // The field after the command (in parentheses, which may hold spaces) is the state, then the parent's pid.
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const tmp = () => mkdtempSync(join(tmpdir(), 'migrate-tui-load-'));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A database migrated with `folder`, dumped: its URL, the folder and the dump file. */
async function dumped(t: { is: (a: unknown, b: unknown, m?: string) => void }, url: string, db: TestDatabase['name']): Promise<{ dir: string; file: string; text: string }> {
  const dir = folder(db);
  const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 0, up.stderr);
  const file = join(tmp(), 'schema.sql');
  const dump = await cli(['--url', url, '--dir', dir, 'dump', '--out', file]);
  t.is(dump.code, 0, dump.stderr);
  return { dir, file, text: readFileSync(file, 'utf8') };
}

/** The tables and views a database holds (the test's own look, not the tool's). */
const tablesOf = (url: string) =>
  withDb(url, async (d) => {
    const sql =
      d.syntax.name === 'postgres'
        ? "SELECT table_name AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        : d.syntax.name === 'sqlite'
          ? "SELECT name AS n FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY 1"
          : 'SELECT table_name AS n FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1';
    return (await d.query<{ n: string }>(sql)).map((r) => r.n);
  });

eachDatabase('load: a dump loaded into a fresh empty database gives the same version rows, and a second dump of it is byte-identical', async (t, url, db) => {
  const { dir, file, text } = await dumped(t, url, db.name);
  const fresh = await db.fresh();
  const r = await cli(['--url', fresh, '--dir', dir, 'load', '--file', file]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`^loaded ${escape(file)} into \\S+ \\((psql \\d+\\.\\d+|mariadb \\d+\\.\\d+\\.\\d+-MariaDB|mysql [^;]+|SQLite \\d+\\.\\d+\\.\\d+); the version rows now: 002, 003\\)\\n$`));
  t.is(r.stderr, '', 'nothing said on stderr: no question, no warning');
  // The same state, as status reads it.
  const state = async (u: string) => {
    const s = JSON.parse((await cli(['--url', u, '--dir', dir, '--json', 'status'])).stdout) as Record<string, unknown>;
    return { current: s.current, applied: s.applied, pending: s.pending, dirty: s.dirty };
  };
  t.deepEqual(await state(fresh), await state(url));
  t.deepEqual((await state(fresh)).current, ['002', '003']);
  const again = await cli(['--url', fresh, '--dir', dir, 'dump']);
  t.is(again.code, 0, again.stderr);
  // Byte for byte, but for the database's name: mariadb-dump writes it (`-- Dumping routines for database 't_…'`, as for dbmate).
  const named = (dump: string, u: string) => dump.split(decodeURIComponent(new URL(u.replace(/^sqlite:/, 'sqlite://x/')).pathname.slice(1))).join('<database>');
  t.is(db.name === 'mariadb' ? named(again.stdout, fresh) : again.stdout, db.name === 'mariadb' ? named(text, url) : text, 'the loaded database dumps to the same bytes');
  if (db.name !== 'mariadb') t.false(text.includes(decodeURIComponent(new URL(url.replace(/^sqlite:/, 'sqlite://x/')).pathname.slice(1)).split('/').pop()!), 'no name to take out');
  // --json: the file, the client, the version rows.
  const json = await cli(['--url', await db.fresh(), '--dir', dir, '--json', 'load', '--file', file]);
  t.is(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
  t.like(parsed, { file, versionRows: ['002', '003'], stateTables: true });
  t.regex(String(parsed.tool), /^(psql|mariadb|mysql|SQLite) \d/);
});

/** The dump with `bad` put in on a line of its own before the statement that creates `tags`; returns its line number (1-based). */
function withBadLine(text: string, bad: string): { text: string; line: number } {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^CREATE TABLE \S*\btags\b/.test(l.replace(/[`"]/g, '')));
  if (at < 0) throw new Error(`no CREATE TABLE tags in:\n${text}`);
  // MariaDB's dump sets the client character set on the lines just before its CREATE TABLE: put the bad line before those.
  let before = at;
  while (before > 0 && /^\/\*!\d+ SET /.test(lines[before - 1]!)) before--;
  lines.splice(before, 0, bad);
  return { text: lines.join('\n'), line: before + 1 };
}

eachDatabase('load: a file with an error in the middle — PostgreSQL and SQLite load nothing (one transaction, rolled back), MariaDB keeps the statements before the line the client names and says so', async (t, url, db) => {
  const { dir, text } = await dumped(t, url, db.name);
  const broken = withBadLine(text, 'INSERT INTO no_such_table VALUES (1);');
  const file = join(tmp(), 'broken.sql');
  writeFileSync(file, broken.text);
  const fresh = await db.fresh();
  const r = await cli(['--url', fresh, '--dir', dir, '--json', 'load', '--file', file]);
  t.is(r.code, 1, r.stderr);
  const error = (JSON.parse(r.stdout) as { error: { code: string; message: string; meta: Record<string, unknown> } }).error;
  t.is(error.code, 'schema-load-failed');
  if (db.name === 'mariadb') {
    t.regex(error.message, new RegExp(`^loading ${escape(file)} into \\S+ failed at line ${broken.line} \\(mariadb [^)]+\\): ERROR 1146 \\(42S02\\) at line ${broken.line}: Table '\\w+\\.no_such_table' doesn't exist; each statement commits on MariaDB: the statements before line ${broken.line} ran and stay applied; the database may hold part of the schema: it now holds \\d+ objects it did not hold before \\(`));
    t.like(error.meta, { line: broken.line, nothingLoaded: false });
    const tables = await tablesOf(fresh);
    t.true(tables.includes('items'), `what ran before the line stays: ${tables.join(', ')}`);
    t.false(tables.includes('tags'), 'nothing after the line ran');
    t.true((error.meta.added as string[]).includes('table items'));
  } else {
    const client = db.name === 'postgres' ? `psql [^)]+\\): psql:${escape(file)}:${broken.line}: ERROR: +relation "no_such_table" does not exist` : 'SQLite [^)]+\\): no such table: no_such_table';
    // SQLite's line is ours (its statements run one by one); psql names its own.
    const at = ` at line ${broken.line}`;
    t.regex(error.message, new RegExp(`^loading ${escape(file)} into \\S+ failed${at} \\(${client}.*; nothing was loaded \\(one transaction, rolled back\\)$`));
    t.like(error.meta, { nothingLoaded: true, added: [], removed: [] });
    t.deepEqual(await tablesOf(fresh), [], 'the database is as empty as before');
  }
  const status = JSON.parse((await cli(['--url', fresh, '--dir', dir, '--json', 'status'])).stdout) as { current: string[] };
  t.deepEqual(status.current, [], 'no version rows');
});

eachDatabase('load: a database that already holds a table is not loaded without consent — exit 4 without a terminal and --yes, no at the question; y (or --yes) loads', async (t, url, db) => {
  const { dir, file } = await dumped(t, url, db.name);
  const target = await db.fresh();
  await withDb(target, (d) => d.execute('CREATE TABLE legacy (id INTEGER)'));
  const refused = await cli(['--url', target, '--dir', dir, 'load', '--file', file]);
  t.is(refused.code, 4, refused.stderr);
  t.regex(refused.stderr, /^\S+ already holds 1 table or view: (public\.)?legacy\n {2}a statement of \S+ that creates one of them again fails: the load then (fails and is rolled back whole|stops there, and the statements before it stay applied \(each statement commits\))\n/);
  t.regex(refused.stderr, /error: loading \S+ into \S+ \(it already holds 1 table or view\) needs a confirmation, but there is no terminal to ask on; nothing was changed\n {2}→ pass --yes/);
  t.deepEqual(await tablesOf(target), ['legacy'], 'unchanged');
  const declined = await cli(['--url', target, '--dir', dir, 'load', '--file', file], { tty: true, answers: ['n'] });
  t.is(declined.code, 4, declined.stderr);
  t.regex(declined.stderr, /load \S+ into \S+ anyway\? \[y\/N\] /);
  t.deepEqual(await tablesOf(target), ['legacy'], 'unchanged after no');
  const yes = await cli(['--url', target, '--dir', dir, 'load', '--file', file], { tty: true, answers: ['y'] });
  t.is(yes.code, 0, yes.stderr);
  t.regex(yes.stdout, /the version rows now: 002, 003\)\n$/);
  t.true((await tablesOf(target)).includes('legacy') && (await tablesOf(target)).includes('tags'));
  // migrate-tui's own state tables count too, and --yes stands for the answer: the load then fails on them.
  const stateOnly = await db.fresh();
  t.is((await cli(['--url', stateOnly, '--dir', dir, 'init', '--tables-only'])).code, 0);
  const again = await cli(['--url', stateOnly, '--dir', dir, 'load', '--file', file]);
  t.is(again.code, 4);
  t.regex(again.stderr, /already holds 3 tables or views: .*migrate_tui_version/);
  const forced = await cli(['--url', stateOnly, '--dir', dir, '--yes', 'load', '--file', file]);
  if (db.name === 'sqlite') {
    // The sqlite3 shell's text creates a quoted table name IF NOT EXISTS: the state tables are taken as they are.
    t.is(forced.code, 0, forced.stderr);
    return;
  }
  t.is(forced.code, 1, forced.stderr);
  t.regex(forced.stderr, /already exists/);
});

eachDatabase('load: the client missing is exit 8 naming what to install, and nothing is loaded; SQLite needs no client', async (t, url, db) => {
  const { dir, file } = await dumped(t, url, db.name);
  const fresh = await db.fresh();
  const r = await binaryAsync(['--url', fresh, '--dir', dir, 'load', '--file', file], { env: { PATH: tmp() } });
  if (db.name === 'sqlite') {
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /the version rows now: 002, 003/);
    return;
  }
  t.is(r.code, 8, r.stderr);
  t.regex(r.stderr, db.name === 'postgres' ? /error: psql is not installed \(not on PATH\), so the schema file cannot be loaded\n {2}→ install the PostgreSQL \d+ client tools \(Debian: postgresql-client-\d+\)/ : /error: mariadb or mysql is not installed \(not on PATH\), so the schema file cannot be loaded\n {2}→ install the MariaDB client tools \(Debian: mariadb-client\)/);
  t.deepEqual(await tablesOf(fresh), []);
}, undefined, { serial: true });

eachDatabase('load: a psql older than the \\restrict line of the file is exit 8 before anything runs', async (t, url, db) => {
  const { dir, file, text } = await dumped(t, url, 'postgres');
  const version = /(\d+)\.(\d+)/.exec(spawnSync('pg_dump', ['--version'], { encoding: 'utf8' }).stdout)!;
  if (!restrictKeySupported(Number(version[1]), Number(version[2]))) return void t.log('pg_dump writes no \\restrict line here: not tested');
  t.regex(text, /^\\restrict dbmate$/m);
  const bin = tmp();
  const old = join(bin, 'psql');
  writeFileSync(old, '#!/bin/sh\necho "psql (PostgreSQL) 15.13"\n');
  chmodSync(old, 0o755);
  const fresh = await db.fresh();
  const r = await binaryAsync(['--url', fresh, '--dir', dir, 'load', '--file', file], { env: { PATH: bin } });
  t.is(r.code, 8, r.stderr);
  t.regex(r.stderr, /error: psql 15\.13 does not know the \\restrict line \S+ starts with \(written by pg_dump 13\.22, 14\.19, 15\.14, 16\.10, 17\.6 and later\), so it cannot load it/);
  t.deepEqual(await tablesOf(fresh), []);
}, ['postgres']);

test('load: no file given is exit 2; a missing file or a folder is exit 1 naming it, and a missing SQLite database is not created for it', async (t) => {
  const cwd = tmp();
  const db = join(cwd, 'new.sqlite');
  const none = await cli(['--url', `sqlite:${db}`, 'load'], { cwd });
  t.is(none.code, 2);
  t.regex(none.stderr, /^error: load needs a schema file: give it with --file <path>, or set "schemaFile" in migrate-tui\.config\.json\n {2}→ e\.g\. /);
  const missing = await cli(['--url', `sqlite:${db}`, 'load', '--file', 'db/schema.sql'], { cwd });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /^error: the schema file db\/schema\.sql does not exist; nothing was loaded\n {2}→ give the file with --file/);
  t.false(missing.stderr.includes('    at '), 'no stack trace');
  mkdirSync(join(cwd, 'db', 'schema.sql'), { recursive: true });
  const folderFile = await cli(['--url', `sqlite:${db}`, 'load', '--file', 'db/schema.sql'], { cwd });
  t.is(folderFile.code, 1);
  t.regex(folderFile.stderr, /the schema file db\/schema\.sql is a folder, not a file; nothing was loaded/);
  t.false(existsSync(db), 'the SQLite database was not created for a file that cannot be loaded');
  // dbmate's default file is named when it is there, not loaded unasked.
  mkdirSync(join(cwd, 'other', 'db'), { recursive: true });
  writeFileSync(join(cwd, 'other', 'db', 'schema.sql'), 'CREATE TABLE x (y);\n');
  const dbmate = await cli(['--url', `sqlite:${db}`, 'load'], { cwd: join(cwd, 'other') });
  t.is(dbmate.code, 2);
  t.regex(dbmate.stderr, /→ db\/schema\.sql is here \(dbmate's default\): `migrate-tui --url <url> load --file db\/schema\.sql`/);
  t.false(existsSync(db));
});

test('load: "schemaFile" from the config when --file is not given; a missing SQLite database is created and said; dbmate\'s own schema.sql is taken over with the stamp status names', async (t) => {
  const cwd = tmp();
  mkdirSync(join(cwd, 'db'));
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ schemaFile: 'db/schema.sql' }));
  // What dbmate's own dump of SQLite writes: the schema, then schema_migrations' rows.
  writeFileSync(join(cwd, 'db', 'schema.sql'), 'CREATE TABLE IF NOT EXISTS "schema_migrations" (version varchar(128) primary key);\nCREATE TABLE users (id integer primary key);\n-- Dbmate schema migrations\nINSERT INTO "schema_migrations" (version) VALUES\n  (\'20240101000000\');\n');
  const dir = makeFolder({ '20240101000000_users.sql': '-- migrate:up\nCREATE TABLE users (id integer primary key);\n\n-- migrate:down\nDROP TABLE users;\n' });
  const db = join(cwd, 'app.sqlite');
  const r = await cli(['--url', `sqlite:${db}`, '--dir', dir, 'load'], { cwd });
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, `created the SQLite database ${db} (it did not exist)\n`);
  t.regex(r.stdout, /^loaded db\/schema\.sql into \S+ \(SQLite [\d.]+; no version rows: db\/schema\.sql made no migrate-tui state tables \(migrate_tui_version\)\)\nOTHER: {4}this database .*dbmate.*\n {10}take it over with: migrate-tui --url <url> stamp 20240101000000 \(runs no SQL\)/);
  t.is((await cli(['--url', `sqlite:${db}`, '--dir', dir, '--yes', 'stamp', '20240101000000'], { cwd })).code, 0);
  t.is((await cli(['--url', `sqlite:${db}`, '--dir', dir, 'current'], { cwd })).stdout, '20240101000000 (head) users\n');
});

eachDatabase('load: SIGTERM while the client runs stops it as Ctrl-C does; exit 130 and the true state (PostgreSQL: rolled back, nothing loaded; MariaDB: what ran before stays); the client has no password in its arguments and no terminal for input', async (t, url, db) => {
  const { dir, text } = await dumped(t, url, db.name);
  const slow = withBadLine(text, db.name === 'postgres' ? 'SELECT pg_sleep(60);' : 'SELECT SLEEP(60);');
  const file = join(tmp(), 'slow.sql');
  writeFileSync(file, slow.text);
  const fresh = await db.fresh();
  const name = decodeURIComponent(new URL(fresh).pathname.slice(1));
  const run = start(['--url', fresh, '--dir', dir, 'load', '--file', file]);
  const started = Date.now();
  if (db.name === 'postgres') {
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await until(async () => (await admin`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${name} AND application_name = 'migrate-tui load' AND query LIKE '%pg_sleep%'`)[0]!.n, (n) => n > 0, 'psql running pg_sleep');
    await admin.end();
  } else {
    const conn = await mysql.createConnection(url);
    await until(async () => ((await conn.query("SELECT count(*) AS n FROM information_schema.processlist WHERE db = ? AND info LIKE 'SELECT SLEEP%'", [name]))[0] as Array<{ n: number }>)[0]!.n, (n) => Number(n) > 0, 'the client running SLEEP');
    await conn.end();
  }
  // The client as it runs: the password is in no argument, and its input is the file (MariaDB) or nothing, never a terminal.
  const [client] = childrenOf(run.child.pid!);
  t.truthy(client, 'the client runs as a child of migrate-tui');
  const argv = readFileSync(`/proc/${client}/cmdline`, 'utf8').split('\0');
  const password = decodeURIComponent(new URL(fresh).password);
  t.true(password.length > 0 && !argv.some((a) => a.includes(password)), `no password in ${argv.join(' ')}`);
  t.true(db.name === 'postgres' ? ['-X', '-w', 'ON_ERROR_STOP=1', '--single-transaction', '-f', file].every((a) => argv.includes(a)) : argv[1] === '--no-defaults', argv.join(' '));
  const stdin = readlinkSync(`/proc/${client}/fd/0`);
  // Node's pipe to a child is a socket pair: the file is streamed into it.
  t.regex(stdin, db.name === 'postgres' ? /^\/dev\/null$/ : /^(pipe|socket):/);
  run.child.kill('SIGTERM');
  const code = await run.exit;
  t.is(code, 130, run.stderr());
  t.true(Date.now() - started < 30_000, 'stopped well before the 60 s statement ended');
  t.regex(run.stderr(), /SIGTERM: stopping the load…/);
  if (db.name === 'postgres') {
    t.regex(run.stderr(), new RegExp(`error: loading ${escape(file)} into \\S+ was cancelled \\(psql [^)]+\\); nothing was loaded \\(one transaction, rolled back\\)`));
    t.deepEqual(await tablesOf(fresh), []);
  } else {
    t.regex(run.stderr(), new RegExp(`error: loading ${escape(file)} into \\S+ was cancelled \\(mariadb [^)]+\\); each statement commits on MariaDB: the statements before line ${slow.line} ran and stay applied; the database may hold part of the schema: it now holds \\d+ objects it did not hold before`));
    t.true((await tablesOf(fresh)).includes('items'));
  }
}, ['postgres', 'mariadb'], { serial: true });

test('load on SQLite: a file with its own transaction (the sqlite3 shell\'s .dump) loads in that one, and one that fails in it loads nothing', async (t) => {
  const cwd = tmp();
  const dir = makeFolder({});
  const run = async (text: string) => {
    const file = join(cwd, `${Math.random().toString(36).slice(2)}.sql`);
    writeFileSync(file, text);
    const url = `sqlite:${join(tmp(), 'x.sqlite')}`;
    return { url, r: await cli(['--url', url, '--dir', dir, 'load', '--file', file], { cwd }) };
  };
  const ok = await run("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE a (x);\nCREATE TRIGGER a_touch AFTER INSERT ON a\nBEGIN\n  UPDATE a SET x = 2 WHERE x = 1;\nEND;\nINSERT INTO a VALUES (1);\nCOMMIT;\n");
  t.is(ok.r.code, 0, ok.r.stderr);
  t.deepEqual(await withDb(ok.url, (d) => d.query('SELECT x FROM a')), [{ x: 2 }]);
  const bad = await run('BEGIN TRANSACTION;\nCREATE TABLE a (x);\nINSERT INTO nowhere VALUES (1);\nCOMMIT;\n');
  t.is(bad.r.code, 1, bad.r.stderr);
  t.regex(bad.r.stderr, /no such table: nowhere; nothing was loaded \(one transaction, rolled back\)/);
  // The line of the statement that failed, as psql and mariadb name theirs (the driver alone named none).
  t.regex(bad.r.stderr, /failed at line 3 \(SQLite [\d.]+\): no such table: nowhere/);
  t.regex(bad.r.stderr, /→ fix line 3 of /);
  t.deepEqual(await tablesOf(bad.url), []);
  // A trigger's BEGIN is not a transaction's: the file runs in load's own.
  const trigger = await run('CREATE TABLE b (x);\nCREATE TRIGGER b_touch AFTER INSERT ON b\nBEGIN\n  UPDATE b SET x = 2;\nEND;\nINSERT INTO nowhere VALUES (1);\n');
  t.is(trigger.r.code, 1);
  t.regex(trigger.r.stderr, /nothing was loaded \(one transaction, rolled back\)/);
  t.regex(trigger.r.stderr, /failed at line 6 /, 'the trigger (lines 2–5) is one statement');
  t.deepEqual(await tablesOf(trigger.url), []);
});

eachDatabase("load: what the client says although it succeeds (a WARNING) is passed on; a file without migrate-tui's state tables says so", async (t, url) => {
  const file = join(tmp(), 'plain.sql');
  writeFileSync(file, "CREATE TABLE plain (id integer);\nDO $$ BEGIN RAISE WARNING 'careful'; END $$;\n");
  const r = await cli(['--url', url, '--dir', makeFolder({}), 'load', '--file', file]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, new RegExp(`^psql:${escape(file)}:2: WARNING: +careful\\n$`));
  t.regex(r.stdout, new RegExp(`^loaded ${escape(file)} into \\S+ \\(psql [\\d.]+; no version rows: ${escape(file)} made no migrate-tui state tables \\(migrate_tui_version\\)\\)\\n$`));
  t.deepEqual(await tablesOf(url), ['plain']);
}, ['postgres']);
