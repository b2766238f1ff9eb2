import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cli } from './helpers/cli.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'migrate-tui-init-'));
const config = (cwd: string) => JSON.parse(readFileSync(join(cwd, 'migrate-tui.config.json'), 'utf8')) as Record<string, unknown>;

test('init scaffolds a new project, says what it created, and touches no database', async (t) => {
  const cwd = fresh();
  const r = await cli(['init'], { cwd });
  t.is(r.code, 0, r.stderr);
  for (const line of [/^created +migrations\/: migrations folder$/m, /^created +seeds\/: seeds folder/m, /^created +migrate-tui\.config\.json: dialects postgres, mysql, mariadb, sqlite; no url: the embedded default sqlite:\.\/migrate-tui\.sqlite/m, /^created +\.gitignore: ignores backups\/, migrate-tui\.sqlite/m, /^next: migrate-tui revision -m/m]) {
    t.regex(r.stdout, line);
  }
  t.true(existsSync(join(cwd, 'migrations')) && existsSync(join(cwd, 'seeds')));
  t.deepEqual(config(cwd), { migrations: 'migrations', seeds: 'seeds', backups: 'backups', dialects: ['postgres', 'mysql', 'mariadb', 'sqlite'] });
  t.regex(readFileSync(join(cwd, '.gitignore'), 'utf8'), /^backups\/$/m);
  t.false(existsSync(join(cwd, 'migrate-tui.sqlite')), 'no database is created by init');

  // The scaffolded project works: a first revision, then upgrade makes the database and tables.
  t.is((await cli(['revision', '-m', 'first', '--id', '1'], { cwd })).code, 0);
  const up = await cli(['--yes', 'upgrade'], { cwd });
  t.is(up.code, 0, up.stderr);
  t.regex((await cli(['status'], { cwd })).stdout, /applied: +1 of 1/);
});

test('init skips what exists, leaves the config alone, and appends to .gitignore only the missing lines', async (t) => {
  const cwd = fresh();
  mkdirSync(join(cwd, 'migrations'));
  writeFileSync(join(cwd, 'migrate-tui.config.json'), '{"url": "sqlite:./app.sqlite"}\n');
  writeFileSync(join(cwd, '.gitignore'), 'node_modules/\nbackups/');
  const r = await cli(['init'], { cwd });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^skipped +migrations\/: exists$/m);
  t.regex(r.stdout, /^created +seeds\//m);
  t.regex(r.stdout, /^skipped +migrate-tui\.config\.json: exists, left as it is$/m);
  t.regex(r.stdout, /^updated +\.gitignore: ignores app\.sqlite, app\.sqlite-journal$/m);
  t.is(readFileSync(join(cwd, 'migrate-tui.config.json'), 'utf8'), '{"url": "sqlite:./app.sqlite"}\n');
  t.is(readFileSync(join(cwd, '.gitignore'), 'utf8').split('\n').filter((l) => l === 'backups/').length, 1, 'backups/ not added twice');
  t.regex(readFileSync(join(cwd, '.gitignore'), 'utf8'), /^node_modules\/\nbackups\/\n# migrate-tui/);

  const again = await cli(['init'], { cwd });
  t.regex(again.stdout, /^nothing to do: the project is already set up$/m);
  t.false(/^(created|updated)/m.test(again.stdout));
});

test('init writes the --url only without a password, and takes the dialects from the URL or --dialects', async (t) => {
  const withPassword = fresh();
  const r = await cli(['--url', 'postgres://app:secret@localhost/app', 'init'], { cwd: withPassword });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(config(withPassword).dialects, ['postgres']);
  t.false('url' in config(withPassword));
  t.false(readFileSync(join(withPassword, 'migrate-tui.config.json'), 'utf8').includes('secret'));
  t.regex(r.stdout, /no url: the --url holds a password, so set DATABASE_URL instead/);

  const plain = fresh();
  await cli(['--url', 'mysql://app@localhost/app', 'init'], { cwd: plain });
  t.deepEqual(config(plain), { url: 'mysql://app@localhost/app', migrations: 'migrations', seeds: 'seeds', backups: 'backups', dialects: ['mysql', 'mariadb'] });

  const env = fresh();
  const fromEnv = await cli(['init', '--dialects', 'pg,sqlite'], { cwd: env, env: { DATABASE_URL: 'postgres://app@db/app' } });
  t.deepEqual(config(env).dialects, ['postgres', 'sqlite']);
  t.regex(fromEnv.stdout, /no url: it comes from DATABASE_URL/);

  const bad = await cli(['init', '--dialects', 'oracle'], { cwd: fresh() });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /unknown dialect "oracle"/);
});

test('init --tables-only creates the state tables (the former init)', async (t) => {
  const cwd = fresh();
  mkdirSync(join(cwd, 'migrations'));
  const r = await cli(['init', '--tables-only'], { cwd });
  t.is(r.code, 0, r.stderr);
  // Every table it made is named (the texts table was left out).
  t.regex(r.stdout, /tables migrate_tui_version, migrate_tui_log and migrate_tui_log_text are ready/);
  t.true(existsSync(join(cwd, 'migrate-tui.sqlite')));
  const made = new Database(join(cwd, 'migrate-tui.sqlite'), { readonly: true });
  t.deepEqual(made.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all().map((r) => (r as { name: string }).name), ['migrate_tui_log', 'migrate_tui_log_text', 'migrate_tui_version']);
  made.close();
  t.false(existsSync(join(cwd, 'migrate-tui.config.json')), 'no scaffolding with --tables-only');
  // --json names the tables it made, as the text does: it named the lease's lock table, which SQLite never makes, and not the texts table.
  const json = await cli(['--json', 'init', '--tables-only'], { cwd });
  t.is(json.code, 0, json.stderr);
  t.deepEqual(JSON.parse(json.stdout).tables, { version: 'migrate_tui_version', log: 'migrate_tui_log', texts: 'migrate_tui_log_text' });
});

test('init where a file it writes is a folder: exit 1 naming it, not exit 70 with a stack trace', async (t) => {
  const cwd = fresh();
  mkdirSync(join(cwd, '.gitignore'));
  const r = await cli(['init'], { cwd });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /cannot read \S*\.gitignore: EISDIR: it is a folder\n\s+→ /);
  t.notRegex(r.stderr, /internal error|\n\s+at /);
  t.true(existsSync(join(cwd, 'migrations')), 'what it did before stays, as the hint says');
});
