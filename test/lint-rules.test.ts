import test from 'ava';
import { lintHistory, loadPostgresParser, RULES, type DialectName, type Finding } from '../src/engine/index.js';
import { projectOf } from './helpers/folders.js';
import { CASES, MY_USERS, USERS } from './helpers/lint-cases.js';

/**
 * Every rule: the dangerous statement is flagged, its safe counterpart is not, and (where the
 * rule is about existing data) the same statement on a table created in the same migration
 * is exempt. Each case is a two-migration history: `setup` (001) then `sql` (002).
 */

/** The codes lint reports for migration 002 of a history. */
function codesFor(dialect: DialectName, files: Record<string, string>): string[] {
  const project = projectOf(files);
  return lintHistory(project.graph, { dialects: [dialect], revisions: new Set(['002']) }).findings.map((f: Finding) => f.code);
}

const history = (setup: string, sql: string, down = '') => ({ '001_setup.up.sql': setup + '\n', '001_setup.down.sql': '', '002_change.up.sql': sql + '\n', '002_change.down.sql': down + '\n' });

test.before(async () => {
  await loadPostgresParser();
});

for (const c of CASES) {
  test(`${c.code} on ${c.dialect}: ${c.bad.split('\n')[0]}`, (t) => {
    t.true(codesFor(c.dialect, history(c.setup, c.bad, c.down)).includes(c.code), 'the dangerous statement is flagged');
    if (c.safe !== undefined) t.false(codesFor(c.dialect, history(c.setup, c.safe, c.down ?? '')).includes(c.code), 'the safe counterpart is not');
    if (c.exempt !== false) t.false(codesFor(c.dialect, history('SELECT 1;', c.setup + '\n' + c.bad)).includes(c.code), 'a table created in the same migration is exempt');
  });
}

test('RV601: a down that drops what the up created is not flagged', (t) => {
  t.false(codesFor('postgres', history(USERS, 'ALTER TABLE users ADD COLUMN phone TEXT;', 'ALTER TABLE users DROP COLUMN phone;')).includes('RV601'));
  t.false(codesFor('sqlite', history(USERS, 'CREATE TABLE x (id INT);\nCREATE INDEX x_id ON x (id);', 'DROP TABLE x;')).includes('RV601'));
});

test('every rule in the catalogue has a case here (or LI9xx, tested with suppression)', (t) => {
  const covered = new Set(CASES.map((c) => c.code));
  t.deepEqual(RULES.map((r) => r.code).filter((code) => !covered.has(code) && !code.startsWith('LI')), []);
});

test('DS404 DELETE without WHERE; a table lint never saw created counts as existing', (t) => {
  t.true(codesFor('postgres', history('SELECT 1;', 'DELETE FROM sessions;')).includes('DS404'));
  t.false(codesFor('postgres', history('SELECT 1;', 'DELETE FROM sessions WHERE id < 10;')).includes('DS404'));
});

test('SL301 suggests the table rebuild from the replayed schema', (t) => {
  const project = projectOf(history(USERS, 'ALTER TABLE users ALTER COLUMN email TYPE TEXT;'));
  const f = lintHistory(project.graph, { dialects: ['sqlite'], revisions: new Set(['002']) }).findings.find((x) => x.code === 'SL301');
  t.truthy(f?.fix);
  t.regex(f!.fix!, /CREATE TABLE users_new \(\n {2}id BIGINT PRIMARY KEY,\n {2}email TEXT,/);
  t.regex(f!.fix!, /INSERT INTO users_new \(id, email, org_id, status\) SELECT id, email, org_id, status FROM users;/);
  t.regex(f!.fix!, /PRAGMA foreign_key_check;/);
});

test('findings name the table and column, and the line of the statement', (t) => {
  const project = projectOf(history(USERS, '-- a comment\n\nALTER TABLE users ALTER COLUMN email SET NOT NULL;'));
  const f = lintHistory(project.graph, { dialects: ['postgres'], revisions: new Set(['002']) }).findings.find((x) => x.code === 'PG106')!;
  t.is(f.table, 'users');
  t.is(f.column, 'email');
  t.is(f.line, 3);
  t.regex(f.message, /users\.email/);
  t.regex(f.path, /002_change\.up\.sql$/);
});

test('MySQL and MariaDB findings that say the same are one finding listing both', (t) => {
  const project = projectOf(history(MY_USERS, 'ALTER TABLE users MODIFY org_id INT;'));
  const found = lintHistory(project.graph, { dialects: ['mysql', 'mariadb'], revisions: new Set(['002']) }).findings.filter((x) => x.code === 'MY201');
  t.is(found.length, 1);
  t.deepEqual(found[0]!.dialects, ['mysql', 'mariadb']);
});

test('a statement lint cannot read is counted as not analysed, not guessed', (t) => {
  const project = projectOf(history(MY_USERS, 'ALTER TABLE users FROBNICATE email;'));
  const report = lintHistory(project.graph, { dialects: ['mysql'], revisions: new Set(['002']) });
  t.deepEqual(report.findings.map((f) => f.code), []);
  t.is(report.notAnalysed.length, 1);
  t.is(report.notAnalysed[0]!.line, 1);
});

test('a table rebuild carries the rows over: its DROP TABLE and RENAME are not data loss (DS401, DS405)', (t) => {
  const renameOver = 'CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT);\nINSERT INTO users_new SELECT id, email FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;';
  const renameAway = 'ALTER TABLE users RENAME TO _users_old;\nCREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\nINSERT INTO users SELECT id, email FROM _users_old;\nDROP TABLE _users_old;';
  for (const sql of [renameOver, renameAway]) {
    const codes = codesFor('sqlite', history(USERS, sql));
    t.false(codes.includes('DS401'), sql);
    t.false(codes.includes('DS405'), sql);
  }
  t.true(codesFor('sqlite', history(USERS, 'ALTER TABLE users RENAME TO _users_old;\nDROP TABLE _users_old;')).includes('DS401'));
});

test('linting a plan: a table created earlier in the same plan counts as new', (t) => {
  const project = projectOf(history(USERS, 'CREATE INDEX users_email ON users (email);'));
  const alone = lintHistory(project.graph, { dialects: ['postgres'], revisions: new Set(['002']) });
  const plan = lintHistory(project.graph, { dialects: ['postgres'], revisions: new Set(['001', '002']), plan: true });
  t.true(alone.findings.some((f) => f.code === 'PG101'));
  t.false(plan.findings.some((f) => f.code === 'PG101'));
});
