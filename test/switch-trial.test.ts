import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atlasSumEntries, formatAtlasSum } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { KEYS } from './helpers/screen.js';
import { withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen, panelText } from './helpers/screen.js';

/**
 * What a user switching from dbmate, Atlas or Alembic met, on SQLite in process: the first-contact
 * status bar at 80 columns, an Atlas folder whose atlas.sum does not match (the TUI's upgrade,
 * the hint's path), the diff tab and the rollback console after a stamp, SQLAlchemy's URLs.
 */
const DBMATE = {
  '20240101000000_create_users.sql': '-- migrate:up\nCREATE TABLE users (id integer PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE users;\n',
  '20240102000000_add_name.sql': '-- migrate:up\nALTER TABLE users ADD COLUMN name text;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN name;\n',
};

async function sqlite(statements: readonly string[]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'migrate-tui-switch-')), 'db.sqlite');
  writeFileSync(file, '');
  const url = `sqlite:${file}`;
  await withDb(url, async (db) => {
    for (const s of statements) await db.execute(s);
  });
  return url;
}

const dbmateDatabase = () =>
  sqlite(['CREATE TABLE users (id integer PRIMARY KEY, name text)', 'CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)', "INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240102000000')"]);

test('the status bar at 80 columns on a database dbmate migrated names the stamp that takes it over (the list of versions came first and hid it)', async (t) => {
  const s = await openScreen({ migrations: makeFolder(DBMATE), url: await dbmateDatabase(), width: 80, height: 24 });
  try {
    const frame = await s.waitFor(/migrated by dbmate/);
    t.regex(frame, /migrated by dbmate: stamp 20240102000000 \(s\) takes it over/);
  } finally {
    await s.close();
  }
});

test('after a stamp, the diff tab does not say the applied SQL matches the file (no SQL ran), and the rollback console says the step was a stamp', async (t) => {
  const dir = makeFolder(DBMATE);
  const url = await dbmateDatabase();
  t.is((await cli(['--url', url, '--dir', dir, 'stamp', '20240102000000'])).code, 0);
  const s = await openScreen({ migrations: dir, url, width: 120, height: 30 });
  try {
    await s.waitFor(/at 20240102000000/);
    await s.press('\t', '\t');
    const diff = await s.waitFor(/recorded as applied by a stamp/);
    t.notRegex(diff, /applied SQL matches the file/);
  } finally {
    await s.close();
  }
  const r = await openScreen({ migrations: dir, url, width: 120, height: 30, variant: 'rollback' });
  try {
    const frame = await r.waitFor(/Rollback console/);
    t.regex(frame, /latest 20240102000000 add name — stamped, no SQL ran · by /);
  } finally {
    await r.close();
  }
});

const ATLAS = { '1_first.sql': 'CREATE TABLE a (id int);\n', '2_second.sql': 'CREATE TABLE b (id int);\n' };
const atlasFolder = (edit: Record<string, string>) => {
  const sum = formatAtlasSum(atlasSumEntries(Object.entries(ATLAS).map(([name, text]) => ({ name, bytes: Buffer.from(text) }))));
  return makeFolder({ ...ATLAS, ...edit, 'atlas.sum': sum });
};

test("the TUI's upgrade on an Atlas folder whose atlas.sum does not match is refused before the confirmation (it was refused only after y)", async (t) => {
  const s = await openScreen({ migrations: atlasFolder({ '2_second.sql': 'CREATE TABLE b (id int, x int);\n' }), width: 120, height: 30 });
  try {
    await s.waitFor(/2 pending/);
    await s.press('U');
    const refused = panelText(await s.waitFor(/REFUSED — nothing ran/));
    t.regex(refused, /changed since atlas\.sum was written/);
    t.notRegex(refused, /Upgrade to heads\?/);
  } finally {
    await s.close();
  }
});

test("an edited Atlas file's hint restores it by the path check printed (git checkout -- migrations/2_second.sql), not its bare name", async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'migrate-tui-switch-'));
  mkdirSync(join(work, 'migrations'));
  const dir = atlasFolder({ '2_second.sql': 'CREATE TABLE b (id int, x int);\n' });
  const run = await cli(['--dir', dir, 'check']);
  t.is(run.code, 1);
  t.true(run.stdout.includes(`git checkout -- ${join(dir, '2_second.sql')}`), run.stdout);
});

test("SQLAlchemy's URLs (alembic.ini's sqlalchemy.url): a dialect+driver scheme and sqlite:/// say how migrate-tui spells them", async (t) => {
  const driver = await cli(['--url', 'postgresql+psycopg2://app@localhost/app', 'status']);
  t.is(driver.code, 2);
  t.regex(driver.stderr, /"postgresql\+psycopg2" is SQLAlchemy's dialect\+driver spelling: write postgresql:\/\//);
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-switch-'));
  const dir = makeFolder(DBMATE);
  const file = await cli(['--url', 'sqlite:///no-such-app.db', '--dir', dir, 'status'], { cwd });
  t.regex(file.stderr, /no database at \/no-such-app\.db/);
  t.regex(file.stderr, /SQLAlchemy \(alembic\.ini\) reads sqlite:\/\/\/no-such-app\.db as no-such-app\.db in the working directory, migrate-tui as \/no-such-app\.db: write sqlite:\.\/no-such-app\.db/);
});

test("sqlite:///app.db with app.db in the working directory: upgrade refuses to create /app.db (SQLAlchemy reads that URL as ./app.db); a file it does create is said", async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-switch-'));
  const dir = makeFolder(DBMATE);
  const name = `migrate-tui-mixup-${process.pid}-${Date.now()}.db`;
  writeFileSync(join(cwd, name), '');
  try {
    const run = await cli(['--url', `sqlite:///${name}`, '--dir', dir, '--yes', 'upgrade'], { cwd });
    t.is(run.code, 2, run.stderr);
    t.regex(run.stderr, new RegExp(`sqlite:/${name.replace(/\./g, '\\.')} names /${name.replace(/\./g, '\\.')}, which does not exist yet, while ${join(cwd, name).replace(/\./g, '\\.')} does`));
    t.regex(run.stderr, new RegExp(`write sqlite:\\./${name.replace(/\./g, '\\.')} for `));
    t.false(existsSync(`/${name}`), 'nothing was created at the root');
    t.is(readFileSync(join(cwd, name), 'utf8'), '', 'the file in the working directory is untouched');
  } finally {
    rmSync(`/${name}`, { force: true });
  }
  // A SQLite file a command creates is said once, on the run that creates it.
  const first = await cli(['--url', 'sqlite:./new.db', '--dir', dir, '--yes', 'upgrade'], { cwd });
  t.is(first.code, 0, first.stderr);
  t.true(first.stderr.startsWith(`created the SQLite database ${join(cwd, 'new.db')} (it did not exist)\n`), first.stderr);
  const again = await cli(['--url', 'sqlite:./new.db', '--dir', dir, '--yes', 'upgrade'], { cwd });
  t.is(again.code, 0, again.stderr);
  t.false(again.stderr.includes('created the SQLite database'), again.stderr);
});

test("a Flyway folder with an R__ file: status still shows the database Flyway migrated and the stamp (it stopped with exit 3 and the TUI would not open), while upgrade refuses", async (t) => {
  const dir = makeFolder({ 'V1__a.sql': 'CREATE TABLE a (id int);\n', 'V2__b.sql': 'CREATE TABLE b (id int);\n', 'R__views.sql': 'CREATE VIEW v AS SELECT 1;\n' });
  const url = await sqlite([
    'CREATE TABLE a (id int)',
    'CREATE TABLE b (id int)',
    'CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TEXT NOT NULL, execution_time INT NOT NULL, success BOOLEAN NOT NULL)',
    "INSERT INTO flyway_schema_history VALUES (1, '1', 'a', 'SQL', 'V1__a.sql', 1, 'me', '2024-01-01', 1, 1), (2, '2', 'b', 'SQL', 'V2__b.sql', 1, 'me', '2024-01-01', 1, 1), (3, NULL, 'views', 'SQL', 'R__views.sql', 1, 'me', '2024-01-01', 1, 1)",
  ]);
  const status = await cli(['--url', url, '--dir', dir, 'status']);
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, /take it over with: migrate-tui --url <url> stamp 2/);
  t.regex(status.stderr, /warning: 1 error in .* \(upgrade and downgrade refuse until it is fixed\)/);
  const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 3);
  t.regex(up.stderr, /R__views\.sql: error: a Flyway repeatable migration/);
});

test("no migrations/ folder, but dbmate's db/migrations or an alembic.ini beside it: the error names what to do with them", async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-switch-'));
  mkdirSync(join(cwd, 'db', 'migrations'), { recursive: true });
  writeFileSync(join(cwd, 'db', 'migrations', '20240101000000_a.sql'), DBMATE['20240101000000_create_users.sql']);
  const dbmate = await cli(['--url', 'sqlite::memory:', 'status'], { cwd });
  t.is(dbmate.code, 3);
  t.true(dbmate.stderr.includes(`${join(cwd, 'db/migrations')} is there (dbmate's default folder, and golang-migrate's usual one): its files are read as they are, so pass --dir ${join(cwd, 'db/migrations')}`), dbmate.stderr);
  const alembic = mkdtempSync(join(tmpdir(), 'migrate-tui-switch-'));
  writeFileSync(join(alembic, 'alembic.ini'), '[alembic]\nscript_location = alembic\n');
  const run = await cli(['--url', 'sqlite::memory:', 'status'], { cwd: alembic });
  t.is(run.code, 3);
  t.regex(run.stderr, /an alembic\.ini is there: .*`migrate-tui --dir sql --dialect <d> import alembic`/);
});

test("golang-migrate's MySQL URL (tcp(host:port)) and Flyway's JDBC URL say how migrate-tui spells them (the first blamed the password's percent-encoding)", async (t) => {
  const go = await cli(['--url', 'mysql://app:secret@tcp(127.0.0.1:3306)/app', 'status']);
  t.is(go.code, 2);
  t.regex(go.stderr, /its tcp\(…\) host is the Go MySQL driver's spelling \(golang-migrate's URLs\)/);
  t.regex(go.stderr, /write it as mysql:\/\/user:pass@host:3306\/db/);
  t.notRegex(go.stderr, /percent-encoded/);
  t.false(go.stderr.includes('secret'));
  const jdbc = await cli(['--url', 'jdbc:postgresql://127.0.0.1:5432/app', 'status']);
  t.is(jdbc.code, 2);
  t.regex(jdbc.stderr, /a JDBC URL \(Flyway's\) is written without `jdbc:`, with the user and password in it: postgresql:\/\/user:pass@host\/db/);
});

test("golang-migrate's URL settings (x-migrations-table) and pgx5:// say what to do; the server refused the first as an unknown parameter, and a renamed table hides what golang-migrate applied", async (t) => {
  const table = await cli(['--url', 'postgres://app@127.0.0.1:1/app?sslmode=disable&x-migrations-table=my_migrations', 'status']);
  t.is(table.code, 2);
  t.regex(table.stderr, /has x-migrations-table, a setting of golang-migrate's/);
  t.regex(table.stderr, /rename that table to schema_migrations before anything else/);
  const pgx = await cli(['--url', 'pgx5://app@127.0.0.1:1/app', 'status']);
  t.is(pgx.code, 2);
  t.regex(pgx.stderr, /"pgx5:" is golang-migrate's pgx driver: write postgres:\/\//);
});

test('revision -m on a dbmate head writes a dbmate file (as `dbmate new` does), not an .up.sql/.down.sql pair dbmate refuses; --revises elsewhere adds the header; --branch writes our layout', async (t) => {
  const dir = makeFolder(DBMATE);
  const run = await cli(['--dir', dir, '--json', 'revision', '-m', 'add posts', '--id', '20240103000000']);
  t.is(run.code, 0, run.stderr);
  const path = join(dir, '20240103000000_add_posts.sql');
  t.like(JSON.parse(run.stdout), { id: '20240103000000', upPath: path, downPath: path, revises: ['20240102000000'] });
  t.is(readFileSync(path, 'utf8'), '-- migrate:up\n\n\n-- migrate:down\n\n');
  const text = await cli(['--dir', dir, 'revision', '-m', 'fork', '--id', '20240104000000', '--revises', '20240101000000']);
  t.is(text.stdout, `created revision 20240104000000\n  ${join(dir, '20240104000000_fork.sql')}\n`);
  t.true(readFileSync(join(dir, '20240104000000_fork.sql'), 'utf8').startsWith('-- migrate:revises 20240101000000\n\n-- migrate:up\n'));
  const check = await cli(['--dir', dir, '--json', 'heads']);
  t.regex(check.stdout, /20240103000000/);
  t.regex(check.stdout, /20240104000000/);
  t.is((await cli(['--dir', dir, 'revision', '-m', 'labelled', '--id', '20240105000000', '--revises', '20240103000000', '--branch', 'extra'])).code, 0);
  t.true(existsSync(join(dir, '20240105000000_labelled.up.sql')));
});

test('the status bar at 80 columns on a database golang-migrate left DIRTY says DIRTY before the line is cut', async (t) => {
  const dir = makeFolder({ '000001_a.up.sql': 'CREATE TABLE a (id int);\n', '000001_a.down.sql': 'DROP TABLE a;\n', '000002_b.up.sql': 'CREATE TABLE b (id int);\n', '000002_b.down.sql': 'DROP TABLE b;\n' });
  const url = await sqlite(['CREATE TABLE a (id int)', 'CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)', 'INSERT INTO schema_migrations VALUES (2, 1)']);
  const s = await openScreen({ migrations: dir, url, width: 80, height: 24 });
  try {
    t.regex(await s.waitFor(/migrated by golang-migrate/), /sqlite · migrated by golang-migrate \(DIRTY\): no stamp fits/);
  } finally {
    await s.close();
  }
});

test('a new revision in an Atlas folder (CLI and the TUI n) says to run migrate-tui hash once its SQL is written: until then nothing runs', async (t) => {
  const cli1 = await cli(['--dir', atlasFolder({}), 'revision', '-m', 'add c']);
  t.is(cli1.code, 0, cli1.stderr);
  t.regex(cli1.stdout, /after writing its SQL, run `migrate-tui hash` \(or `atlas migrate hash`\): until atlas\.sum is written again, the folder does not match it and nothing runs\n$/);
  const s = await openScreen({ migrations: atlasFolder({}), width: 120, height: 30 });
  try {
    await s.waitFor(/History \(2\)/);
    await s.press('n');
    await s.waitFor(/New revision/);
    await s.press(...'add c'.split(''), KEYS.enter);
    await s.waitFor(/> branch label/);
    await s.press(KEYS.enter);
    const done = await s.waitFor(/revision \d{14} written/);
    t.regex(done, /atlas\.sum \(written again\)/);
    t.regex(done, /run `migrate-tui hash` \(or `atlas migrate hash`\) in a shell/);
  } finally {
    await s.close();
  }
});

test("a .env that sets DATABASE_URL (dbmate reads it; migrate-tui does not) and nothing else naming a database: commands of the database refuse instead of using the embedded SQLite default; file-only commands go on", async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-switch-'));
  writeFileSync(join(cwd, '.env'), 'export DATABASE_URL="postgres://app@127.0.0.1:1/app?sslmode=disable"\n');
  const dir = makeFolder(DBMATE);
  for (const args of [['status'], ['--yes', 'upgrade']]) {
    const run = await cli(['--dir', dir, ...args], { cwd });
    t.is(run.code, 2, args.join(' '));
    t.regex(run.stderr, /^error: \.\/\.env sets DATABASE_URL, but migrate-tui reads the environment only \(dbmate reads \.env; migrate-tui does not\)/);
    t.regex(run.stderr, /export it first \(`set -a; \. \.\/\.env; set \+a`\), or pass --url/);
  }
  t.false(existsSync(join(cwd, 'migrate-tui.sqlite')));
  t.is((await cli(['--dir', dir, 'check', '--offline'], { cwd })).code, 0);
  // check without --offline checks the files and says the database meant was not checked (it said only "0 errors").
  const check = await cli(['--dir', dir, 'check'], { cwd });
  t.is(check.code, 0, check.stderr);
  t.regex(check.stdout, /\ndatabase: NOT checked: \.\/\.env sets DATABASE_URL, but migrate-tui reads the environment only/);
  t.false(existsSync(join(cwd, 'migrate-tui.sqlite')));
  t.is((await cli(['--dir', dir, '--url', 'sqlite:./migrate-tui.sqlite', '--yes', 'upgrade'], { cwd })).code, 0);
  t.is((await cli(['--dir', dir, 'status'], { cwd, env: { DATABASE_URL: 'sqlite:./migrate-tui.sqlite' } })).code, 0);
});

test('a downgrade refused for an irreversible revision says what can be done: no target passes the first step (an Atlas head), else the target that keeps it; the TUI names its keys, not resolve (nothing is dirty)', async (t) => {
  const dir = atlasFolder({});
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'migrate-tui-switch-')), 'db.sqlite')}`;
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  const head = await cli(['--url', url, '--dir', dir, '--yes', 'downgrade', '-1']);
  t.is(head.code, 1);
  t.regex(head.stderr, /→ 2 is the first step of any downgrade from here, so none can run: restore a backup taken before it \(`migrate-tui --url <url> backups` lists them\), or write a new revision that undoes it/);
  const mixed = makeFolder({ ...pairOf('1', true), ...pairOf('2', false), ...pairOf('3', true) });
  const url2 = `sqlite:${join(mkdtempSync(join(tmpdir(), 'migrate-tui-switch-')), 'db.sqlite')}`;
  t.is((await cli(['--url', url2, '--dir', mixed, '--yes', 'upgrade'])).code, 0);
  const past = await cli(['--url', url2, '--dir', mixed, '--yes', 'downgrade', 'base']);
  t.regex(past.stderr, /→ downgrade to 2 or a later revision instead \(it stays applied\)/);
  const s = await openScreen({ migrations: dir, url, width: 120, height: 30 });
  try {
    await s.waitFor(/at 2 · 0 pending/);
    await s.press('j', 'd');
    const refused = panelText(await s.waitFor(/REFUSED — nothing ran/));
    t.regex(refused, /restore a backup taken before it \(press b for the b/);
    t.regex(refused, /or write a new revision that undoes it \(n\)/);
    t.notRegex(refused, /press R/);
  } finally {
    await s.close();
  }
});

/** A golang-migrate pair, or an up alone (irreversible). */
function pairOf(version: string, withDown: boolean): Record<string, string> {
  return { [`${version}_t${version}.up.sql`]: `CREATE TABLE t${version} (id int);\n`, ...(withDown ? { [`${version}_t${version}.down.sql`]: `DROP TABLE t${version};\n` } : {}) };
}

test('revision -m on a goose head writes a goose file (-- +goose Up / Down), which migrate-tui reads back as the new head', async (t) => {
  const dir = makeFolder({ '00001_a.sql': '-- +goose Up\nCREATE TABLE a (id int);\n\n-- +goose Down\nDROP TABLE a;\n' });
  const run = await cli(['--dir', dir, 'revision', '-m', 'add b']);
  t.is(run.code, 0, run.stderr);
  const id = /created revision (\d{14})/.exec(run.stdout)![1]!;
  t.is(readFileSync(join(dir, `${id}_add_b.sql`), 'utf8'), '-- +goose Up\n\n\n-- +goose Down\n\n');
  t.false(existsSync(join(dir, `${id}_add_b.up.sql`)));
  const heads = await cli(['--dir', dir, 'heads']);
  t.regex(heads.stdout, new RegExp(`${id} \\(head\\) add b`));
});
