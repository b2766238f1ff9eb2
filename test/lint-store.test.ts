import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetAnalyses, lintHistory, lintStoreDir, loadPostgresParser, loadProject, type DialectName, type LintReport } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';
import { memoryStore } from './helpers/memory-lint-store.js';

/**
 * Lint results kept in the user's cache folder between processes: a second lint reports
 * exactly what a first (and an unstored one) does; any change to any file — one before the
 * revision (the replayed schema), one after it (a rebuild across revisions) — is linted anew;
 * `--read-only` writes nothing; a damaged entry is a miss; nothing lands in the project.
 */

const USERS = 'CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(100), status TEXT);\n';

test.before(async () => {
  await loadPostgresParser();
});

const cacheHome = () => mkdtempSync(join(tmpdir(), 'migrate-tui-xdg-'));
const entries = (xdg: string) => (existsSync(join(xdg, 'migrate-tui', 'lint')) ? readdirSync(join(xdg, 'migrate-tui', 'lint')).sort() : []);
const lintJson = async (dir: string, env: Record<string, string>, extra: string[] = []) => {
  const r = await cli(['--dir', dir, '--json', ...extra, 'lint', '--max-severity', 'none'], { env });
  return JSON.parse(r.stdout) as { findings: Array<{ code: string; message: string; revision: string }>; statements: number; revisions: number };
};
const listing = (dir: string) => readdirSync(dir).map((name) => `${name}:${statSync(join(dir, name)).mtimeMs}`).sort();

test('the folder: XDG_CACHE_HOME, else ~/.cache; none when off or without a home', (t) => {
  t.is(lintStoreDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }), '/c/migrate-tui/lint');
  t.is(lintStoreDir({ HOME: '/h' }), '/h/.cache/migrate-tui/lint');
  t.is(lintStoreDir({ XDG_CACHE_HOME: 'relative', HOME: '/h' }), '/h/.cache/migrate-tui/lint');
  t.is(lintStoreDir({ HOME: '/h', MIGRATE_TUI_LINT_CACHE: 'off' }), null);
  t.is(lintStoreDir({}), null);
});

test('CLI: a second lint is read from the store and equals the first and an unstored one; nothing is written in the project', async (t) => {
  const dir = makeFolder({ '001_users.up.sql': USERS, '001_users.down.sql': 'DROP TABLE users;\n', '002_idx.up.sql': 'CREATE INDEX users_email ON users (email);\nALTER TABLE users ALTER COLUMN email TYPE INTEGER;\n', '002_idx.down.sql': 'SELECT 1;\n' });
  const before = listing(dir);
  const xdg = cacheHome();
  const env = { XDG_CACHE_HOME: xdg };
  const first = await lintJson(dir, env);
  t.is(entries(xdg).length, 4, 'one entry per dialect');
  t.true(first.findings.some((f) => f.code === 'PG101'));
  const second = await lintJson(dir, env);
  t.deepEqual(second, first);
  t.deepEqual(await lintJson(dir, { MIGRATE_TUI_LINT_CACHE: 'off', XDG_CACHE_HOME: xdg }), first);
  // The second lint did read the store: entries whose results are altered are what it reports.
  for (const name of entries(xdg)) {
    const path = join(xdg, 'migrate-tui', 'lint', name);
    const entry = JSON.parse(readFileSync(path, 'utf8')) as { key: string; value: { raw: Array<{ message: string }> } };
    for (const f of entry.value.raw) f.message = `stored: ${f.message}`;
    writeFileSync(path, JSON.stringify(entry));
  }
  const stored = await lintJson(dir, env);
  t.true(stored.findings.length > 0 && stored.findings.every((f) => f.message.startsWith('stored: ')), 'the entries were read');
  t.deepEqual(listing(dir), before, 'the project folder is untouched');
});

test('CLI: changing an earlier file changes a later revision\'s findings (the replayed schema); the store does not hide it', async (t) => {
  const files = { '001_users.up.sql': USERS, '001_users.down.sql': 'DROP TABLE users;\n', '002_type.up.sql': 'ALTER TABLE users ALTER COLUMN email TYPE INTEGER;\n', '002_type.down.sql': 'SELECT 1;\n' };
  const dir = makeFolder(files);
  const env = { XDG_CACHE_HOME: cacheHome() };
  const was = (await lintJson(dir, env, ['--dialect', 'postgres'])).findings.find((f) => f.code === 'PG105')!;
  t.regex(was.message, /\(was VARCHAR\(100\)\)/);
  writeFileSync(join(dir, '001_users.up.sql'), USERS.replace('VARCHAR(100)', 'TEXT'));
  const now = await lintJson(dir, env, ['--dialect', 'postgres']);
  t.regex(now.findings.find((f) => f.code === 'PG105')!.message, /\(was TEXT\)/);
  t.deepEqual(now, await lintJson(dir, { MIGRATE_TUI_LINT_CACHE: 'off' }, ['--dialect', 'postgres']));
});

test('CLI: a later file can change an earlier revision\'s findings (a rebuild across revisions); the store does not hide it', async (t) => {
  const dir = makeFolder({ '001_t.up.sql': USERS + 'CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT);\n', '001_t.down.sql': 'SELECT 1;\n', '002_drop.up.sql': 'DROP TABLE users;\n', '002_drop.down.sql': 'SELECT 1;\n' });
  const env = { XDG_CACHE_HOME: cacheHome() };
  const codes002 = async () => (await lintJson(dir, env, ['--dialect', 'sqlite'])).findings.filter((f) => f.revision === '002').map((f) => f.code);
  t.true((await codes002()).includes('DS401'));
  writeFileSync(join(dir, '003_rename.up.sql'), 'ALTER TABLE users_new RENAME TO users;\n');
  writeFileSync(join(dir, '003_rename.down.sql'), 'SELECT 1;\n');
  t.false((await codes002()).includes('DS401'), 'DROP TABLE users is part of a rebuild now');
});

test('CLI: --read-only reads the store and writes nothing to it; a damaged entry is a miss', async (t) => {
  const dir = makeFolder({ '001_users.up.sql': USERS, '001_users.down.sql': 'DROP TABLE users;\n', '002_drop.up.sql': 'DROP TABLE users;\n', '002_drop.down.sql': USERS });
  const xdg = cacheHome();
  const env = { XDG_CACHE_HOME: xdg };
  const readOnly = await lintJson(dir, env, ['--read-only']);
  t.deepEqual(entries(xdg), [], '--read-only kept nothing');
  t.false(existsSync(join(xdg, 'migrate-tui')));
  const first = await lintJson(dir, env);
  t.deepEqual(first, readOnly);
  const kept = entries(xdg);
  t.is(kept.length, 4);
  for (const name of kept) writeFileSync(join(xdg, 'migrate-tui', 'lint', name), '{"key": "not this one", "value": {"raw": []');
  t.deepEqual(await lintJson(dir, env, ['--read-only']), first, 'damaged entries are misses');
  t.deepEqual(await lintJson(dir, env), first);
  rmSync(xdg, { recursive: true, force: true });
});

test('engine: with a store, lint reports what it reports without, for any revisions, directions and dialects asked; a plan has its own entry', (t) => {
  const dir = makeFolder({
    '001_users.up.sql': USERS,
    '001_users.down.sql': 'DROP TABLE users;\n',
    '002_b.up.sql': "-- migrate:lint-ignore DS402 \"unused since v3\"\nALTER TABLE users DROP COLUMN status;\nCREATE INDEX users_email ON users (email);\n-- migrate:dialect mysql\nALTER TABLE users MODIFY email INT;\n-- migrate:end\n",
    '002_b.down.sql': 'ALTER TABLE users ADD COLUMN status TEXT;\n',
    '003_c.up.sql': 'DELETE FROM users;\nALTER TABLE users RENAME TO people;\n',
    '003_c.down.sql': 'SELECT 1;\n',
  });
  const graph = loadProject(dir).graph;
  const store = memoryStore();
  const asks: Array<{ dialects: DialectName[]; revisions?: Set<string>; directions?: Array<'up' | 'down'> }> = [
    { dialects: ['postgres', 'mysql', 'mariadb', 'sqlite'] },
    { dialects: ['postgres'], revisions: new Set(['002']) },
    { dialects: ['mysql', 'sqlite'], revisions: new Set(['003', '001']), directions: ['up'] },
    { dialects: ['sqlite'], directions: ['down'] },
  ];
  for (const ask of asks) {
    forgetAnalyses();
    const plain: LintReport = lintHistory(graph, ask);
    const hitsBefore = store.hits;
    t.deepEqual(lintHistory(graph, { ...ask, store }), plain, 'first, computed and stored');
    t.deepEqual(lintHistory(graph, { ...ask, store }), plain, 'then read from the store');
    t.is(store.hits - hitsBefore, ask.dialects.length, 'each dialect read from the store the second time');
  }
  t.is(store.map.size, 4 + 1 + 2 + 1, 'one entry per dialect and question');
  const size = store.map.size;
  const plan = { dialects: ['postgres'] as DialectName[], revisions: new Set(['003']), plan: true };
  t.deepEqual(lintHistory(graph, { ...plan, store }), lintHistory(graph, plan));
  t.is(store.map.size, size + 1, 'a plan is stored under its own key (plan-lint-store.test.ts)');
});

test('engine: the key of every dialect changes when any file of the history changes, is added or is removed', async (t) => {
  const { default: fc } = await import('fast-check');
  const { lintKeysInSteps } = await import('../src/engine/lint/lint-store.js');
  const { drain } = await import('../src/engine/lint/drain.js');
  const dialects: DialectName[] = ['postgres', 'mysql', 'mariadb', 'sqlite'];
  const keysOf = (dir: string) => {
    const graph = loadProject(dir).graph;
    return drain(lintKeysInSteps(graph, dialects, {}))!;
  };
  const sql = fc.constantFrom('CREATE TABLE a (id INT);', 'DROP TABLE a;', 'SELECT 1;', "INSERT INTO a VALUES (1, 'x');", '-- migrate:dialect postgres\nSELECT 2;\n-- migrate:end', '');
  fc.assert(
    fc.property(fc.array(fc.tuple(sql, sql), { minLength: 2, maxLength: 4 }), fc.nat(), sql, (pairs, which, replacement) => {
      const files: Record<string, string> = {};
      pairs.forEach(([up, down], k) => {
        files[`00${k + 1}_m.up.sql`] = `${up}\n`;
        files[`00${k + 1}_m.down.sql`] = `${down}\n`;
      });
      // One folder, changed in place: paths are part of the key, so a new folder would differ anyway.
      const dir = makeFolder(files);
      const before = keysOf(dir);
      t.deepEqual(keysOf(dir), before, 'the same files give the same keys');
      const differs = (what: string) => {
        const after = keysOf(dir);
        for (const d of dialects) t.not(after.get(d), before.get(d), `${d}: ${what}`);
      };
      const names = Object.keys(files).sort();
      const name = names[which % names.length]!;
      writeFileSync(join(dir, name), `${replacement}\n-- changed\n`);
      differs(`${name} changed`);
      writeFileSync(join(dir, name), files[name]!);
      t.deepEqual(keysOf(dir), before, 'restored');
      const next = `00${pairs.length + 1}_m`;
      writeFileSync(join(dir, `${next}.up.sql`), 'SELECT 3;\n');
      writeFileSync(join(dir, `${next}.down.sql`), '');
      differs('a revision added');
      rmSync(join(dir, `${next}.up.sql`));
      rmSync(join(dir, `${next}.down.sql`));
      const last = `00${pairs.length}_m`;
      rmSync(join(dir, `${last}.up.sql`));
      rmSync(join(dir, `${last}.down.sql`));
      differs('the last revision removed');
    }),
    { numRuns: 40 },
  );
});

test('a cache folder under /proc (mkdir says ENOENT under a folder that exists): lint still reports, keeps nothing, and never spins', async (t) => {
  const dir = makeFolder({ '001_users.up.sql': USERS, '001_users.down.sql': 'DROP TABLE users;\n' });
  const r = await cli(['--dir', dir, '--dialect', 'sqlite', 'lint', '--max-severity', 'none'], { env: { XDG_CACHE_HOME: '/proc/self/no-such-folder' } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /1 revision/);
});

test('the build stamp reads migrate-tui\'s own package.json (the nearest above that names it), never a project\'s', async (t) => {
  const { ownPackage } = await import('../src/engine/lint/lint-store.js');
  const found = ownPackage(join(process.cwd(), 'dist', 'src', 'engine', 'lint'));
  t.truthy(found);
  t.is((JSON.parse(readFileSync(found!, 'utf8')) as { name: string }).name, 'migrate-tui');
  const project = mkdtempSync(join(tmpdir(), 'migrate-tui-project-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'someone-elses-app', version: '9.9.9' }));
  t.is(ownPackage(project), null);
  rmSync(project, { recursive: true, force: true });
});
