import test from 'ava';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forgetAnalyses, lintFromStore, lintHistory, loadPostgresParser, type DialectName, type LintOptions, type LintReport } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { makeFolder, projectOf } from './helpers/folders.js';
import { memoryStore } from './helpers/memory-lint-store.js';

/**
 * The run path's plan lint (upgrade/downgrade print the plan's findings first) keeps its
 * results in the user's cache folder like `lint` does, under keys of its own (a plan counts
 * its revisions' tables as new: other findings than a lint of the same revisions). Read back,
 * they are exactly what a lint anew reports; the findings still print before the first step,
 * `--lint` still refuses before anything runs; `--read-only` and MIGRATE_TUI_LINT_CACHE=off
 * keep nothing. The parser compiled by the baseline compiler only (a run's load) reads alike.
 */

test.before(async () => {
  await loadPostgresParser();
});

const USERS = 'CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(100));\n';
const ADD_NOT_NULL = 'ALTER TABLE users ADD COLUMN c INT NOT NULL;\nCREATE INDEX users_email ON users (email);\n';

test('engine: a plan is stored under its own key, read back equal to a lint anew, apart from a lint of the same revisions', (t) => {
  const graph = projectOf({ '001_users.up.sql': USERS, '001_users.down.sql': 'DROP TABLE users;\n', '002_c.up.sql': ADD_NOT_NULL, '002_c.down.sql': 'ALTER TABLE users DROP COLUMN c;\n' }).graph;
  const store = memoryStore();
  const revisions = new Set(['001', '002']);
  const plan: LintOptions = { dialects: ['postgres'], revisions, plan: true, directions: ['up'] };
  const history: LintOptions = { dialects: ['postgres'], revisions, directions: ['up'] };
  forgetAnalyses();
  const planAnew = lintHistory(graph, plan);
  const historyAnew = lintHistory(graph, history);
  // The two questions have different answers: in the plan, users is created in this run (empty).
  t.notDeepEqual(planAnew.findings, historyAnew.findings);
  t.is(lintFromStore(graph, { ...plan, store }), null, 'nothing stored yet');
  t.deepEqual(lintHistory(graph, { ...plan, store }), planAnew);
  t.is(store.map.size, 1, 'the plan is stored');
  t.deepEqual(lintFromStore(graph, { ...plan, store }), planAnew, 'read back from the store');
  t.is(lintFromStore(graph, { ...history, store }), null, 'a lint of the same revisions is not the plan\'s entry');
  t.deepEqual(lintHistory(graph, { ...history, store }), historyAnew);
  t.is(store.map.size, 2);
  t.deepEqual(lintFromStore(graph, { ...history, store }), historyAnew);
  t.deepEqual(lintFromStore(graph, { ...plan, store }), planAnew);
  // A downgrade plan of the same revisions is another entry again.
  const down: LintOptions = { ...plan, directions: ['down'] };
  t.deepEqual(lintHistory(graph, { ...down, store }), lintHistory(graph, down));
  t.is(store.map.size, 3);
});

/** Statements a generated history's files hold (schema changes, DML, refused ones, transactions). */
const statements = fc.constantFrom(
  "INSERT INTO users (id, email) VALUES (1, 'a')",
  'INSERT INTO user (id) VALUES (1)',
  'UPDATE users SET email = NULL',
  'SELECT FROM WHERE',
  'DELETE FROM users',
  'CREATE TABLE t3 (id INT)',
  'DROP TABLE t3',
  'ALTER TABLE users ADD COLUMN c INT NOT NULL',
  'ALTER TABLE users ALTER COLUMN email TYPE TEXT',
  'ALTER TABLE users RENAME TO people',
  'ALTER TABLE people RENAME TO users',
  'CREATE INDEX i ON users (email)',
  'TRUNCATE users',
  '-- migrate:lint-ignore DS403 "empty here"\nTRUNCATE users',
  'BEGIN',
  'COMMIT',
);

test('engine: for generated histories and plans (upgrade or downgrade, any dialect), the stored plan equals a lint anew', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.array(statements, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
      fc.nat(),
      fc.constantFrom<'up' | 'down'>('up', 'down'),
      fc.constantFrom<DialectName>('postgres', 'mysql', 'mariadb', 'sqlite'),
      (files, from, direction, dialect) => {
        const folder: Record<string, string> = { '001_t.up.sql': USERS, '001_t.down.sql': 'DROP TABLE users;\n' };
        files.forEach((sqls, k) => {
          const v = String(k + 2).padStart(3, '0');
          folder[`${v}_step.up.sql`] = sqls.join(';\n') + ';\n';
          folder[`${v}_step.down.sql`] = [...sqls].reverse().join(';\n') + ';\n';
        });
        const graph = projectOf(folder).graph;
        const ids = graph.upgradeOrder(new Set(graph.ids()));
        // An upgrade plan runs the revisions after the applied ones; a downgrade's reverts the last ones.
        const revisions = new Set(ids.slice(from % ids.length));
        const ask: LintOptions = { dialects: [dialect], revisions, plan: true, directions: [direction] };
        forgetAnalyses();
        const anew: LintReport = lintHistory(graph, ask);
        const store = memoryStore();
        t.deepEqual(lintHistory(graph, { ...ask, store }), anew, 'computed and stored');
        t.deepEqual(lintFromStore(graph, { ...ask, store }), anew, 'read from the store');
        t.is(store.hits, 1);
      },
    ),
    { numRuns: 80 },
  );
});

const cacheHome = () => mkdtempSync(join(tmpdir(), 'migrate-tui-xdg-'));
const entries = (xdg: string) => (existsSync(join(xdg, 'migrate-tui', 'lint')) ? readdirSync(join(xdg, 'migrate-tui', 'lint')).sort() : []);
const FOLDER = {
  '001_users.up.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n',
  '001_users.down.sql': 'DROP TABLE users;\n',
  '002_change.up.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n',
  '002_change.down.sql': 'SELECT 1;\n',
};

test('CLI: upgrade keeps its plan\'s lint; a second run reads it, prints it before the first step, and --lint refuses on it with nothing run', async (t) => {
  const dir = makeFolder(FOLDER);
  const cwd = makeFolder({});
  const xdg = cacheHome();
  const env = { XDG_CACHE_HOME: xdg };
  const first = await cli(['--dir', dir, '--url', `sqlite:${join(cwd, 'a.sqlite')}`, '--yes', 'upgrade'], { cwd, env });
  t.is(first.code, 1, first.stderr);
  t.regex(first.stderr, /002_change\.up\.sql:1: error SL301/);
  t.is(entries(xdg).length, 1, 'the plan\'s results are kept');
  // Mark the kept results: what the next run prints is what it read.
  const path = join(xdg, 'migrate-tui', 'lint', entries(xdg)[0]!);
  const entry = JSON.parse(readFileSync(path, 'utf8')) as { key: string; value: { raw: Array<{ message: string }> } };
  t.true(entry.value.raw.length > 0);
  for (const f of entry.value.raw) f.message = `stored: ${f.message}`;
  writeFileSync(path, JSON.stringify(entry));
  const second = await cli(['--dir', dir, '--url', `sqlite:${join(cwd, 'b.sqlite')}`, '--yes', 'upgrade', '001'], { cwd, env });
  t.is(second.code, 0, second.stderr);
  t.notRegex(second.stderr, /SL301/, 'a plan of other revisions is another entry');
  const third = await cli(['--dir', dir, '--url', `sqlite:${join(cwd, 'c.sqlite')}`, '--yes', 'upgrade'], { cwd, env });
  t.regex(third.stderr, /002_change\.up\.sql:1: error SL301 \[sqlite\]: stored: /, 'read from the cache folder');
  const findingAt = third.stderr.indexOf('stored: ');
  const firstStep = third.stderr.indexOf('↑ [1/');
  t.true(firstStep > 0 && findingAt < firstStep, 'the findings print before the first step');
  const refused = await cli(['--dir', dir, '--url', `sqlite:${join(cwd, 'd.sqlite')}`, '--yes', 'upgrade', '--lint', 'error'], { cwd, env });
  t.is(refused.code, 9, refused.stdout + refused.stderr);
  t.regex(refused.stderr, /stored: /);
  t.regex(refused.stdout, /refused: the plan has 1 lint finding at error level or worse/);
  t.notRegex(refused.stderr, /↑ \[/, 'no step ran');
  t.is(refused.stderr.split('stored: ').length - 1, 1, 'the finding is said once');
  // Refused before the file was made (it was left behind, empty, saying it was created).
  t.false(existsSync(join(cwd, 'd.sqlite')));
  t.notRegex(refused.stderr, /created the SQLite database/);
  t.is(entries(xdg).length, 2, 'the plan up to 001 and the whole plan');
});

test('CLI: a run with --read-only or MIGRATE_TUI_LINT_CACHE=off keeps nothing, and still prints the plan\'s findings first', async (t) => {
  const dir = makeFolder(FOLDER);
  const cwd = makeFolder({});
  for (const [name, extra, env] of [['read-only', ['--read-only'], {}], ['off', [], { MIGRATE_TUI_LINT_CACHE: 'off' }]] as const) {
    const xdg = cacheHome();
    const run = await cli(['--dir', dir, '--url', `sqlite:${join(cwd, `${name}.sqlite`)}`, ...extra, '--yes', 'upgrade', '--lint', 'error'], { cwd, env: { XDG_CACHE_HOME: xdg, ...env } });
    t.is(run.code, 9, run.stderr);
    t.regex(run.stderr, /error SL301/);
    t.deepEqual(entries(xdg), [], name);
  }
});

test('the parser compiled by the baseline compiler only (a run\'s load) reads the rule tests\' statements as the tiered one does', async (t) => {
  const { CASES } = await import('./helpers/lint-cases.js');
  const sqls = CASES.flatMap((c: { setup: string; bad: string; safe?: string; down?: string }) => [c.setup, c.bad, c.safe ?? '', c.down ?? '']).filter((s: string) => s.trim() !== '');
  const engine = fileURLToPath(new URL('../src/engine/index.js', import.meta.url));
  const script = `const e = await import(${JSON.stringify(engine)}); await e.loadPostgresParser({ baselineOnly: true }); const sqls = JSON.parse(process.argv[1]); process.stdout.write(JSON.stringify({ many: e.analysePostgresMany(sqls), one: sqls.map((s) => e.analysePostgres(s, 1)) }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(sqls)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  t.is(child.status, 0, child.stderr);
  const { analysePostgres, analysePostgresMany } = await import('../src/engine/index.js');
  const here = JSON.parse(JSON.stringify({ many: analysePostgresMany(sqls), one: sqls.map((s: string) => analysePostgres(s, 1)) }));
  t.true(sqls.length > 50);
  t.deepEqual(JSON.parse(child.stdout), here);
});
