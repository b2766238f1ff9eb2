import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskUrl, readConfigFile, redact, resolveConnection, parseDatabaseUrl } from '../src/engine/index.js';
import { makeFolder } from './helpers/folders.js';
import { cli } from './helpers/cli.js';

const resolveIn = (cwd: string, env: Record<string, string>, url?: string) => resolveConnection({ url, cwd, env, config: readConfigFile(cwd) });

test('the URL comes from --url, then DATABASE_URL, then DB_* variables, then the config file, then the default', (t) => {
  const cwd = makeFolder({ 'migrate-tui.config.json': JSON.stringify({ url: 'postgres://cfg@db/config_db' }) });
  const parts = { DATABASE_PROVIDER: 'mysql', DB_HOST: 'h', DB_PORT: '3307', DB_USER: 'u', DB_PASSWORD: 'p@ss:word', DB_NAME: 'parts_db' };
  t.is(resolveIn(cwd, { DATABASE_URL: 'postgres://env@db/env_db', ...parts }, 'sqlite:./flag.sqlite').source, '--url');
  t.is(resolveIn(cwd, { DATABASE_URL: 'postgres://env@db/env_db', ...parts }).databaseName, 'env_db');
  const fromParts = resolveIn(cwd, parts);
  t.is(fromParts.kind, 'mysql');
  t.is(fromParts.databaseName, 'parts_db');
  t.is(fromParts.display, 'mysql://u:***@h:3307/parts_db');
  t.is(resolveIn(cwd, {}).databaseName, 'config_db');
  const plain = makeFolder({});
  const fallback = resolveIn(plain, {});
  t.is(fallback.kind, 'sqlite');
  t.is(fallback.file, join(plain, 'migrate-tui.sqlite'));
  t.is(fallback.source, 'the embedded default');
});

test('URL forms: postgresql://, mariadb:// hints the dialect, sqlite absolute and relative', (t) => {
  t.is(parseDatabaseUrl('postgresql://a@b/c', 'x', '/w').kind, 'postgres');
  t.is(parseDatabaseUrl('mariadb://a@b/c', 'x', '/w').dialectHint, 'mariadb');
  t.is(parseDatabaseUrl('sqlite:///var/app.sqlite', 'x', '/w').file, '/var/app.sqlite');
  t.is(parseDatabaseUrl('sqlite:data/app.sqlite', 'x', '/w').file, '/w/data/app.sqlite');
  // SQLAlchemy's absolute spelling (alembic.ini), four slashes: the same file, and said as one path, not as host "var".
  const alchemy = parseDatabaseUrl('sqlite:////var/app.sqlite', 'x', '/w');
  t.is(alchemy.file, '/var/app.sqlite');
  t.is(alchemy.display, 'sqlite:/var/app.sqlite');
  t.is(alchemy.databaseName, 'app.sqlite');
  t.throws(() => parseDatabaseUrl('oracle://a@b/c', 'x', '/w'), { message: /unsupported database URL scheme "oracle:"/ });
  t.throws(() => parseDatabaseUrl('postgres://a@b', 'x', '/w'), { message: /names no database/ });
});

test('passwords are masked in displays and where credentials appear in driver messages', (t) => {
  t.is(maskUrl('postgres://app:s3cret@db:5432/app'), 'postgres://app:***@db:5432/app');
  t.is(maskUrl('mysql://app:p@ss@db/app'), 'mysql://app:***@db/app', 'an unencoded @ in the password is masked too');
  t.is(maskUrl('mysql://app@db:3306/app'), 'mysql://app@db:3306/app', 'no password: nothing to mask');
  const target = parseDatabaseUrl('postgres://app:s3cret@db:5432/app', 'x', '/w');
  t.is(redact('connect to postgres://app:s3cret@db:5432/app failed', target), 'connect to postgres://app:***@db:5432/app failed');
  t.is(redact('dial mysql://other:hunter2@h:3306/x: refused', target), 'dial mysql://other:***@h:3306/x: refused', 'any URL with a password');
  t.is(redact("host=db user=app password=s3cret dbname=app; password='s3cret'", target), "host=db user=app password=*** dbname=app; password=***");
});

test('a short or common password never mangles identifiers, SQL or messages', (t) => {
  const messages = [
    'relation "no_such_migrate_table" does not exist',
    "Table 'app.migrate_tui_version' doesn't exist",
    'column "version" of relation "a_tui" does not exist',
    "Access denied for user 'app'@'127.0.0.1' (using password: YES)",
    "UPDATE users SET password = 'other' WHERE id = 1",
  ];
  for (const password of ['migrate', 'a', 'tui', 'version', 'YES', 'app']) {
    const target = parseDatabaseUrl(`postgres://app:${password}@db:5432/app`, 'x', '/w');
    for (const message of messages) t.is(redact(message, target), message, `password ${password}`);
    t.is(redact(`password=${password} and postgres://app:${password}@db:5432/app`, target), 'password=*** and postgres://app:***@db:5432/app');
  }
});

test('a bad config file is a clear error naming the setting', (t) => {
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'migrate-tui.config.json'), '{"url": 5}');
  t.throws(() => readConfigFile(cwd), { message: /"url" must be a string/ });
  writeFileSync(join(cwd, 'migrate-tui.config.json'), '{"urll": "x"}');
  t.throws(() => readConfigFile(cwd), { message: /unknown setting "urll"/ });
  writeFileSync(join(cwd, 'migrate-tui.config.json'), '{oops');
  t.throws(() => readConfigFile(cwd), { message: /not valid JSON/ });
});

test('URLs: a raw @ in a password never shows; a bad percent-escape or a raw # is a usage error naming the part, not its text', async (t) => {
  const { cli } = await import('./helpers/cli.js');
  const target = parseDatabaseUrl('postgres://app:s3@cr@t@127.0.0.1:1/db', '--url', '/');
  t.is(target.display, 'postgres://app:***@127.0.0.1:1/db');
  const refused = await cli(['--url', 'postgres://app:s3@cr@t@127.0.0.1:1/db', 'status', '--json']);
  t.false(refused.stdout.includes('cr@t') || refused.stderr.includes('cr@t'));
  for (const [url, pattern] of [
    ['postgres://app:p%zzword@127.0.0.1:1/db', /bad percent-escape in its password/],
    ['mysql://app:pa#ss@127.0.0.1:1/db', /cannot read the database URL from --url/],
  ] as const) {
    const r = await cli(['--url', url, 'status']);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, pattern);
    t.regex(r.stderr, /percent-encoded/);
    t.false(r.stderr.includes('zzword') || r.stderr.includes('pa#ss'));
  }
});

test('a config file whose "lint" names an unknown rule code is refused (exit 2) naming it: a misspelt code silenced nothing, without a word', async (t) => {
  const cwd = makeFolder({});
  writeFileSync(join(cwd, '1_a.up.sql'), 'CREATE TABLE a (id int);\n');
  writeFileSync(join(cwd, '1_a.down.sql'), 'DROP TABLE a;\n');
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ migrations: '.', lint: { disable: ['DS4O1', 'pg101'], severity: { XX1: 'error', DS401: 'off' } } }));
  for (const command of [['lint'], ['check', '--offline'], ['status']]) {
    const r = await cli(command, { cwd });
    t.is(r.code, 2, `${command.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /migrate-tui\.config\.json: "lint" names unknown rule codes: DS4O1, XX1\n\s+→ use the codes `migrate-tui lint` prints/);
  }
  // Known codes, in any case, pass.
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ migrations: '.', lint: { disable: ['pg101'], severity: { DS401: 'off' } } }));
  const ok = await cli(['lint'], { cwd });
  t.is(ok.code, 0, ok.stderr);
});
