import test from 'ava';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialectSyntax, lintHistory, loadPostgresParser, migrationChecksum, readIgnores } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { makeFolder, projectOf } from './helpers/folders.js';

test.before(async () => {
  await loadPostgresParser();
});

const USERS = 'CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);\n';
const history = (sql: string) => ({ '001_users.up.sql': USERS, '001_users.down.sql': 'DROP TABLE users;\n', '002_change.up.sql': sql, '002_change.down.sql': '' });
const lint = (sql: string, config = {}) => lintHistory(projectOf(history(sql)).graph, { dialects: ['postgres'], revisions: new Set(['002']), directions: ['up'], config });

test('an ignore with a reason on the line before the statement silences that code there, and records the reason', (t) => {
  const report = lint('-- migrate:lint-ignore PG101 "users is empty at this point"\nCREATE INDEX users_email ON users (email);\nCREATE INDEX users_id2 ON users (id);\n');
  t.deepEqual(report.findings.map((f) => [f.code, f.line]), [['PG101', 3]]);
  t.deepEqual(report.suppressed.map((f) => [f.code, f.line, f.suppressed]), [['PG101', 2, 'users is empty at this point']]);
});

test('an ignore at the top of the file, followed by a blank line, covers the whole file', (t) => {
  const report = lint('-- migrate:lint-ignore PG101, DS401 "maintenance window"\n\nCREATE INDEX a ON users (email);\n\nCREATE INDEX b ON users (id);\n');
  t.deepEqual(report.findings.map((f) => f.code), []);
  t.is(report.suppressed.length, 2);
});

test('an ignore without a reason silences nothing and is itself a finding (LI901)', (t) => {
  const report = lint('-- migrate:lint-ignore PG101\nCREATE INDEX users_email ON users (email);\n');
  t.deepEqual(report.findings.map((f) => f.code).sort(), ['LI901', 'PG101']);
  t.is(report.findings.find((f) => f.code === 'LI901')!.line, 1);
});

test('an ignore that applies to nothing, or names an unknown code, is LI902', (t) => {
  t.deepEqual(lint('SELECT 1;\n-- migrate:lint-ignore PG101 "x"\n\nCREATE INDEX a ON users (email);\n').findings.map((f) => f.code).sort(), ['LI902', 'PG101']);
  t.deepEqual(lint('-- migrate:lint-ignore PG999 "x"\nCREATE INDEX a ON users (email);\n').findings.map((f) => f.code).sort(), ['LI902', 'PG101']);
});

test('readIgnores: codes, reason and target line', (t) => {
  t.deepEqual(readIgnores('-- migrate:lint-ignore pg101 DS401 "why not"\n-- more\nDROP TABLE x;\n'), [{ line: 1, codes: ['PG101', 'DS401'], reason: 'why not', target: 3 }]);
  t.deepEqual(readIgnores('-- migrate:lint-ignore PG101 ""\nx;\n')[0]!.reason, null);
});

test('config lint.disable and lint.severity', (t) => {
  const sql = 'CREATE INDEX a ON users (email);\nDROP TABLE users;\n';
  t.deepEqual(lint(sql, { disable: ['PG101'] }).findings.map((f) => f.code), ['DS401']);
  t.deepEqual(lint(sql, { severity: { DS401: 'error', PG101: 'off' } }).findings.map((f) => [f.code, f.severity]), [['DS401', 'error']]);
});

test('the directive is not an unknown-directive error, and does not change the checksum', (t) => {
  const plain = projectOf(history('CREATE INDEX a ON users (email);\n'));
  const ignored = projectOf(history('-- migrate:lint-ignore PG101 "empty"\nCREATE INDEX a ON users (email);\n'));
  t.deepEqual(ignored.problems.filter((p) => p.severity === 'error'), []);
  t.is(migrationChecksum(ignored.folder.migrations[1]!, dialectSyntax('postgres')), migrationChecksum(plain.folder.migrations[1]!, dialectSyntax('postgres')));
});

test('CLI: lint exits 1 above --max-severity, 0 at or below, JSON lists findings; config lint is read', async (t) => {
  const dir = makeFolder(history('CREATE INDEX a ON users (email);\n'));
  const warn = await cli(['--dir', dir, '--dialect', 'postgres', 'lint']);
  t.is(warn.code, 0, warn.stdout + warn.stderr);
  t.regex(warn.stdout, /002_change\.up\.sql:1: warning PG101 \[postgres\]: CREATE INDEX a on existing table users blocks writes/);
  t.regex(warn.stdout, /why: PostgreSQL holds a SHARE lock/);
  t.regex(warn.stdout, /CREATE INDEX CONCURRENTLY a ON users \(email\);/);
  const strict = await cli(['--dir', dir, '--dialect', 'postgres', 'lint', '--max-severity', 'notice']);
  t.is(strict.code, 1);
  const json = await cli(['--dir', dir, '--dialect', 'postgres', '--json', 'lint', '002']);
  const parsed = JSON.parse(json.stdout) as { findings: Array<{ code: string; dialects: string[] }>; revisions: number };
  t.deepEqual(parsed.findings.map((f) => [f.code, f.dialects]), [['PG101', ['postgres']]]);
  t.is(parsed.revisions, 1);
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ lint: { severity: { PG101: 'error' } } }));
  const configured = await cli(['--dir', dir, '--dialect', 'postgres', 'lint'], { cwd });
  t.is(configured.code, 1);
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ lint: { severity: { PG101: 'loud' } } }));
  const bad = await cli(['--dir', dir, 'lint'], { cwd });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /"lint" must be an object/);
});

test('CLI: check fails on lint errors for the chosen dialects, warns when none were chosen', async (t) => {
  const dir = makeFolder(history('ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n'));
  const chosen = await cli(['--dir', dir, '--dialect', 'sqlite', 'check', '--offline']);
  t.is(chosen.code, 1, chosen.stdout);
  t.regex(chosen.stdout, /error SL301 \[sqlite\]/);
  const unchosen = await cli(['--dir', dir, 'check', '--offline']);
  t.is(unchosen.code, 0, unchosen.stdout);
  t.regex(unchosen.stdout, /warning SL301 \[sqlite\].*no dialects chosen/);
});

test('CLI: upgrade prints the plan\'s findings before running; --lint error refuses with exit 9 and runs nothing', async (t) => {
  const dir = makeFolder(history('ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n'));
  const cwd = makeFolder({});
  const url = `sqlite:${join(cwd, 'db.sqlite')}`;
  const refused = await cli(['--dir', dir, '--url', url, '--yes', 'upgrade', '--lint', 'error'], { cwd });
  t.is(refused.code, 9, refused.stdout + refused.stderr);
  t.regex(refused.stderr, /002_change\.up\.sql:1: error SL301/);
  t.regex(refused.stdout, /refused: the plan has 1 lint finding at error level or worse/);
  // Nothing ran, and the SQLite file it would have created was not made.
  t.false(existsSync(join(cwd, 'db.sqlite')));
  const upTo1 = await cli(['--dir', dir, '--url', url, '--yes', 'upgrade', '001', '--lint', 'error'], { cwd });
  t.is(upTo1.code, 0, upTo1.stderr);
  t.notRegex(upTo1.stderr, /SL301/);
});

test('CLI: reset prints its plan findings with the config file\'s lint settings, as downgrade base does', async (t) => {
  const dir = makeFolder({
    '1_t.up.sql': 'CREATE TABLE t (id INTEGER);\n',
    '1_t.down.sql': 'DROP TABLE t;\n',
    '2_i.up.sql': 'CREATE INDEX i ON t (id);\n',
    '2_i.down.sql': 'ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;\nDROP INDEX i;\n',
  });
  const cwd = makeFolder({});
  const url = `sqlite:${join(cwd, 'db.sqlite')}`;
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ lint: { severity: { SL303: 'notice' } } }));
  for (const command of [['downgrade', 'base'], ['reset']]) {
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd, env: { MIGRATE_TUI_LINT_CACHE: 'off' } })).code, 0);
    const r = await cli(['--url', url, '--dir', dir, '--yes', ...command, '--no-backup'], { cwd, env: { MIGRATE_TUI_LINT_CACHE: 'off' } });
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, /2_i\.down\.sql:1: notice SL303 \[sqlite\]/, command.join(' '));
  }
});
