import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, binaryAsync } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * A team's deploy scripts switched to migrate-tui, headless: what a script's mistakes and
 * habits do to the database, read back from the database itself. The built binary.
 */
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text', 'migrate_tui_lock'];

/** Two branches from 001, so a count (`+5`) through the branch point cannot be planned either. */
const FOLDER = {
  '001_a.up.sql': 'CREATE TABLE a (id int);\n',
  '001_a.down.sql': 'DROP TABLE a;\n',
  '002_b.up.sql': 'CREATE TABLE b (id int);\n',
  '002_b.down.sql': 'DROP TABLE b;\n',
  '003_c.up.sql': '-- migrate:revises 001\nCREATE TABLE c (id int);\n',
  '003_c.down.sql': 'DROP TABLE c;\n',
};

const tablesThere = (url: string) => withDb(url, async (db) => (await Promise.all(STATE.map(async (name) => ((await db.tableExists(name)) ? name : null)))).filter((n) => n !== null));

eachDatabase('upgrade to a target the folder does not have makes no state tables (exit 2)', async (t, url, db) => {
  const dir = makeFolder(FOLDER);
  // A typo in a deploy script's target, an unknown label, a count through a branch point; and with the lease lock.
  const lease = db.name === 'sqlite' ? [] : [['--capabilities', 'advisoryLocks=false']];
  for (const extra of [[], ...lease]) {
    for (const target of ['999', 'nope@head', '001+5', '+5']) {
      const r = await binaryAsync([...extra, '--url', url, '--dir', dir, 'upgrade', target]);
      t.is(r.code, 2, `${target}: ${r.stderr}`);
      t.regex(r.stderr, target === '999' ? /no revision or branch label "999"/ : target === 'nope@head' ? /"nope"/ : /001 is a branch point/);
      t.deepEqual(await tablesThere(url), [], `upgrade ${target} ${extra.join(' ')} left tables`);
    }
  }
  // The same database then upgrades as it should.
  const ok = await binaryAsync(['--url', url, '--dir', dir, 'upgrade', '002']);
  t.is(ok.code, 0, ok.stderr);
  t.deepEqual(await tablesThere(url), ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text']);
  t.true(await withDb(url, (d) => d.tableExists('b')));
});

test('upgrade to a target the folder does not have creates no SQLite file', async (t) => {
  const dir = makeFolder(FOLDER);
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-deploy-'));
  for (const args of [['--url', 'sqlite:./app.sqlite'], []]) {
    const r = await binaryAsync([...args, '--dir', dir, 'upgrade', '999'], { cwd, env: { DATABASE_URL: undefined, DATABASE_PROVIDER: undefined } });
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, /no revision or branch label "999"/);
    t.notRegex(r.stderr, /created the SQLite database/);
  }
  t.false(existsSync(join(cwd, 'app.sqlite')));
  t.false(existsSync(join(cwd, 'migrate-tui.sqlite')), 'the embedded default');
});

/** The binary with its stdout's reader gone before it writes (`migrate-tui dump | head -1` once head has its line). */
function withStdoutClosed(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

eachDatabase('dump to stdout says it wrote the schema only when its reader took it all', async (t, url) => {
  const dir = makeFolder(FOLDER);
  t.is((await binaryAsync(['--url', url, '--dir', dir, 'upgrade', '002'])).code, 0);
  for (const json of [[], ['--json']]) {
    const gone = await withStdoutClosed(['--url', url, '--dir', dir, ...json, 'dump']);
    t.is(gone.code, 1, gone.stderr);
    t.notRegex(gone.stderr, /wrote the schema/);
    t.notRegex(gone.stderr, /EPIPE|Unhandled|\bat /);
    t.regex(gone.stderr, /the schema of .* was NOT fully written to stdout: its reader closed the pipe before the end\n/);
    if (json.length === 0) t.regex(gone.stderr, /before the end\n  → .*dump --out <file>/);
  }
  // Read to the end: the whole schema, then the line that says so.
  const whole = await binaryAsync(['--url', url, '--dir', dir, 'dump']);
  t.is(whole.code, 0, whole.stderr);
  t.regex(whole.stdout, /CREATE TABLE [^\n]*\bb\b/);
  t.regex(whole.stderr, /^wrote the schema of .* to stdout \(.*; 1 version row\)\n$/);
});

/** A Flyway project as its deploy ran it: `flyway -configFiles=flyway.conf migrate` with the V files in sql/. */
const FLYWAY = {
  'sql/V1__init.sql': 'CREATE TABLE accounts (id int primary key);\n',
  'sql/V1_1__note.sql': 'CREATE TABLE notes (id int);\n',
};

eachDatabase("--dir takes Flyway's location spelling, filesystem:sql", async (t, url) => {
  const cwd = makeFolder({ ...FLYWAY, 'flyway.conf': 'flyway.locations=filesystem:sql\n' });
  const r = await binaryAsync(['--url', url, '--dir', 'filesystem:sql', '--yes', 'upgrade'], { cwd });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /applied 2 revisions\nheads now: 1\.1\n/);
  t.true(await withDb(url, (db) => db.tableExists('notes')));
});

test("a Flyway project's config names its folder when migrations/ is not there", async (t) => {
  for (const [file, text] of [
    ['flyway.conf', 'flyway.url=jdbc:postgresql://localhost/app\nflyway.locations=filesystem:sql\n'],
    ['flyway.toml', '[environments.default]\nurl = "jdbc:postgresql://localhost/app"\n\n[flyway]\nlocations = ["filesystem:sql"]\n'],
  ] as const) {
    const cwd = makeFolder({ ...FLYWAY, [file]: text });
    const r = await binaryAsync(['--dir', 'migrations', 'history'], { cwd });
    t.is(r.code, 3, r.stderr);
    t.regex(r.stderr, new RegExp(`migrations: the migrations folder does not exist\\n  → ${file.replace('.', '\\.')} names filesystem:sql \\(Flyway's locations\\): its files are read as they are, so pass --dir sql,`));
  }
  // Locations that are not one folder of the source tree: said, nothing read.
  const cwd = makeFolder(FLYWAY);
  const classpath = await binaryAsync(['--dir', 'classpath:db/migration', 'history'], { cwd });
  t.is(classpath.code, 2);
  t.regex(classpath.stderr, /a Flyway classpath location, a folder inside the application's jar\n  → in the source tree it is usually src\/main\/resources\/db\/migration: --dir src\/main\/resources\/db\/migration/);
  const several = await binaryAsync(['--dir', 'filesystem:sql,filesystem:more', 'history'], { cwd });
  t.is(several.code, 2);
  t.regex(several.stderr, /names several Flyway locations; migrate-tui reads one folder/);
});

test('an empty DATABASE_URL (a deploy secret that is missing) is refused, not taken for the embedded default', async (t) => {
  const dir = makeFolder(FOLDER);
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-deploy-'));
  const env = { DATABASE_URL: '', DATABASE_PROVIDER: undefined };
  for (const args of [['--yes', 'upgrade'], ['status'], ['--yes', 'stamp', '001']]) {
    const r = await binaryAsync(['--dir', dir, ...args], { cwd, env });
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /^error: DATABASE_URL is set but empty, and nothing else names a database: migrate-tui would use the embedded default sqlite:\.\/migrate-tui\.sqlite instead\n  → set DATABASE_URL to the database's URL/);
    t.is(r.stdout, '');
  }
  // It upgraded a new ./migrate-tui.sqlite and exited 0: the deploy passed with the real database untouched.
  t.false(existsSync(join(cwd, 'migrate-tui.sqlite')));
  // What only reads the files goes on; a named database is used as before.
  t.is((await binaryAsync(['--dir', dir, 'history'], { cwd, env })).code, 0);
  const named = await binaryAsync(['--dir', dir, '--url', 'sqlite:./app.sqlite', 'upgrade', '002'], { cwd, env });
  t.is(named.code, 0, named.stderr);
  t.true(existsSync(join(cwd, 'app.sqlite')));
});

test("--json: commander's own usage errors are JSON on stdout too, as every error is", async (t) => {
  const dir = makeFolder(FOLDER);
  const cases: Array<[string[], RegExp]> = [
    [['upgrade', '--frob'], /^unknown option '--frob'/],
    [['downgrade'], /^missing required argument 'target'$/],
    [['--lock-timeout', 'x', 'status'], /^option '--lock-timeout <seconds>' argument 'x' is invalid/],
    [['status', 'extra'], /^too many arguments for 'status'/],
  ];
  for (const [args, message] of cases) {
    const r = await binaryAsync(['--dir', dir, '--url', 'sqlite::memory:', '--json', ...args]);
    t.is(r.code, 2, args.join(' '));
    const parsed = JSON.parse(r.stdout) as { error: { code: unknown; message: unknown; hint: unknown; meta: unknown } };
    t.is(parsed.error.code, 'usage', args.join(' '));
    t.regex(String(parsed.error.message), message);
    t.is(typeof parsed.error.hint, 'string');
    t.is(typeof parsed.error.meta, 'object');
  }
});

/** golang-migrate's layout (`migrate create -seq -digits 6`): it numbers the versions 1, 2, 3. */
const GOLANG = {
  '000001_a.up.sql': 'CREATE TABLE a (id int);\n',
  '000001_a.down.sql': 'DROP TABLE a;\n',
  '000002_b.up.sql': 'CREATE TABLE b (id int);\n',
  '000002_b.down.sql': 'DROP TABLE b;\n',
  '000003_c.up.sql': 'CREATE TABLE c (id int);\n',
  '000003_c.down.sql': 'DROP TABLE c;\n',
};

eachDatabase("a golang-migrate folder's versions are targets by their number, as `migrate goto 2` names them", async (t, url) => {
  const dir = makeFolder(GOLANG);
  const heads = async () => JSON.parse((await binaryAsync(['--url', url, '--dir', dir, '--json', 'status'])).stdout).current as string[];
  const up = await binaryAsync(['--url', url, '--dir', dir, 'upgrade', '2']);
  t.is(up.code, 0, up.stderr);
  t.deepEqual(await heads(), ['000002']);
  t.true(await withDb(url, (db) => db.tableExists('b')));
  t.false(await withDb(url, (db) => db.tableExists('c')));
  const down = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'downgrade', '1', '--no-backup']);
  t.is(down.code, 0, down.stderr);
  t.deepEqual(await heads(), ['000001']);
  t.false(await withDb(url, (db) => db.tableExists('b')));
  // A number no version has is still unknown.
  const none = await binaryAsync(['--url', url, '--dir', dir, 'upgrade', '4']);
  t.is(none.code, 2);
  t.regex(none.stderr, /no revision or branch label "4"/);
});

test('--json of a run with "schemaFile" set says whether the file was written, as the README documents', async (t) => {
  const dir = makeFolder(FOLDER);
  const cwd = makeFolder({ 'migrate-tui.config.json': '{"schemaFile": "db/schema.sql"}' });
  const run = async (...args: string[]) => {
    const r = await binaryAsync(['--url', 'sqlite:./app.sqlite', '--dir', dir, '--json', ...args], { cwd });
    return { code: r.code, json: JSON.parse(r.stdout) as { schemaFile?: Record<string, unknown>; headsAfter: string[] } };
  };
  const ok = await run('upgrade', '001');
  t.is(ok.code, 0);
  t.deepEqual(ok.json.schemaFile, { file: join(cwd, 'db/schema.sql'), written: true, tool: ok.json.schemaFile?.tool, versionRows: ['001'] });
  t.is(typeof ok.json.schemaFile?.tool, 'string');
  t.true(existsSync(join(cwd, 'db/schema.sql')));
  // A path that cannot be written (a folder there): the run stands, exit 12.
  rmSync(join(cwd, 'db/schema.sql'));
  mkdirSync(join(cwd, 'db/schema.sql'));
  const failed = await run('upgrade', '002');
  t.is(failed.code, 12);
  t.deepEqual(failed.json.headsAfter, ['002']);
  const sf = failed.json.schemaFile as { file: string; written: boolean; error: { code: unknown; message: unknown; hint: unknown } };
  t.is(sf.written, false);
  t.is(sf.file, join(cwd, 'db/schema.sql'));
  t.deepEqual(Object.keys(sf.error).sort(), ['code', 'hint', 'message']);
});

eachDatabase("stamp on first contact warns only when the revisions it leaves are not where the other tool's table says", async (t, url, db) => {
  const dir = makeFolder(GOLANG);
  for (const [target, warned] of [['000003-1', null], ['2', null], ['000002', null], ['1', '000001'], ['heads', '000003']] as const) {
    await withDb(url, async (d) => {
      for (const table of ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text', 'schema_migrations']) await d.execute(`DROP TABLE IF EXISTS ${table}`);
      await d.execute('CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)');
      await d.execute(`INSERT INTO schema_migrations (version, dirty) VALUES (2, ${db.name === 'sqlite' ? 0 : 'false'})`);
    });
    const r = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'stamp', target]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, /taking over from golang-migrate: its schema_migrations is left as it was/);
    // `stamp 2` and `stamp 000003-1` name 000002: they were warned "… says the database is at 000002, not 2".
    if (warned === null) t.notRegex(r.stderr, /warning/, target);
    else t.regex(r.stderr, new RegExp(`^warning: golang-migrate's schema_migrations says the database is at 000002, not ${warned}: check the schema before going on$`, 'm'), target);
    const current = JSON.parse((await binaryAsync(['--url', url, '--dir', dir, '--json', 'status'])).stdout).current as string[];
    t.deepEqual(current, [warned ?? '000002'], target);
  }
});

test("a Flyway project's flyway.conf (or flyway.toml) url is not read: with nothing else naming a database, no embedded default is migrated instead", async (t) => {
  for (const [file, text] of [
    ['flyway.conf', 'flyway.url=jdbc:postgresql://db.internal:5432/app\nflyway.user=app\nflyway.locations=filesystem:sql\n'],
    ['flyway.toml', '[environments.default]\nurl = "jdbc:postgresql://db.internal:5432/app"\n\n[flyway]\nlocations = ["filesystem:sql"]\n'],
  ] as const) {
    const cwd = makeFolder({ ...FLYWAY, [file]: text });
    const env = { DATABASE_URL: undefined, DATABASE_PROVIDER: undefined };
    const r = await binaryAsync(['--dir', 'sql', '--yes', 'upgrade'], { cwd, env });
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, new RegExp(`^error: \\./${file.replace('.', '\\.')} sets Flyway's url, which migrate-tui does not read, and nothing else names a database: it would use the embedded default sqlite:\\./migrate-tui\\.sqlite instead\\n  → pass --url \\(or set DATABASE_URL\\)`));
    t.false(existsSync(join(cwd, 'migrate-tui.sqlite')), file);
    // The files alone are still read; a URL given is used.
    t.is((await binaryAsync(['--dir', 'sql', 'history'], { cwd, env })).code, 0);
    const given = await binaryAsync(['--dir', 'sql', '--url', 'sqlite:./app.sqlite', '--yes', 'upgrade'], { cwd, env });
    t.is(given.code, 0, given.stderr);
  }
});

test("goose's GOOSE_DBSTRING is not read: with nothing else naming a database, no embedded default is migrated instead", async (t) => {
  const dir = makeFolder(GOLANG);
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-deploy-'));
  const env = { DATABASE_URL: undefined, DATABASE_PROVIDER: undefined, GOOSE_DRIVER: 'postgres', GOOSE_DBSTRING: 'user=app dbname=app sslmode=disable' };
  const r = await binaryAsync(['--dir', dir, '--yes', 'upgrade'], { cwd, env });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /^error: GOOSE_DBSTRING \(goose's connection string\) is set, which migrate-tui does not read, and nothing else names a database: it would use the embedded default sqlite:\.\/migrate-tui\.sqlite instead\n  → pass --url \(or set DATABASE_URL\) with that database as a URL: goose's driver and DSN as one URL/);
  t.false(existsSync(join(cwd, 'migrate-tui.sqlite')));
});

eachDatabase(
  "a URL that insists on SSL against a server without it says so, as psql does (it was Node's 'socket disconnected before secure TLS connection')",
  async (t, url) => {
    const [row] = await withDb(url, (db) => db.query<{ ssl: string }>('SHOW ssl'));
    if (row?.ssl === 'on') {
      t.log('this PostgreSQL server accepts SSL: the refusal cannot be shown on it');
      t.pass();
      return;
    }
    const dir = makeFolder(GOLANG);
    for (const setting of ['sslmode=require', 'sslmode=verify-full', 'ssl=true']) {
      const r = await binaryAsync(['--url', `${url}?${setting}`, '--dir', dir, '--wait-timeout', '30', 'status']);
      t.is(r.code, 1, setting);
      t.regex(r.stderr, new RegExp(`^error: cannot connect to postgres://[^ ]*\\?${setting}: [^ ]+ does not accept SSL connections \\(it answered N to the SSL request\\), but the URL's ${setting} asks for SSL\\n  → enable SSL on the server;`), setting);
      t.notRegex(r.stderr, /waiting for|socket disconnected/, setting);
    }
    // prefer goes on without SSL, as libpq does.
    const prefer = await binaryAsync(['--url', `${url}?sslmode=prefer`, '--dir', dir, 'status']);
    t.is(prefer.code, 0, prefer.stderr);
  },
  ['postgres'],
);

eachDatabase(
  "a MySQL URL with another driver's TLS setting (golang-migrate's tls=true) is refused, not connected without TLS",
  async (t, url) => {
    const dir = makeFolder(GOLANG);
    for (const setting of ['tls=true', 'tls=skip-verify', 'ssl-mode=REQUIRED']) {
      const r = await binaryAsync(['--url', `${url}?${setting}`, '--dir', dir, '--yes', 'upgrade']);
      t.is(r.code, 2, setting);
      t.regex(r.stderr, new RegExp(`^error: the database URL from --url has ${setting}, .*which migrate-tui's MySQL/MariaDB driver does not read: it would connect without TLS\\n  → to require TLS, write ssl=`), setting);
      t.notRegex(r.stderr, /Ignoring invalid configuration option/);
    }
    t.false(await withDb(url, (db) => db.tableExists('migrate_tui_version')), 'nothing was written');
    // The spelling it names is read: this server has no TLS, and says so, instead of a plain connection.
    const ssl = await binaryAsync(['--url', `${url}?ssl=%7B%22rejectUnauthorized%22%3Atrue%7D`, '--dir', dir, 'status']);
    const [row] = await withDb(url, (db) => db.query<{ Value: string }>("SHOW VARIABLES LIKE 'have_ssl'"));
    if (row?.Value === 'YES') t.is(ssl.code, 0, ssl.stderr);
    else t.regex(ssl.stderr, /Server does not support secure connection/);
    // Off is off.
    t.is((await binaryAsync(['--url', `${url}?tls=false`, '--dir', dir, 'status'])).code, 0);
  },
  ['mariadb'],
);
