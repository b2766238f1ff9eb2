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

test("SL301's rebuild writes the columns as declared: numbers whole, DEFAULT NULL, a sign, a string's case and commas", (t) => {
  // As in Quackster/Kepler's dbmate files (MySQL): `int(11)` came out as INT(1 1), `DEFAULT NULL` as `DEFAULT ,`.
  const setup = "CREATE TABLE items (id int(11) NOT NULL, name varchar(255) DEFAULT NULL, price decimal(10,2) NOT NULL DEFAULT 0.5, n int DEFAULT -1, label text DEFAULT 'Ab, c''d');";
  const project = projectOf(history(setup, 'ALTER TABLE items ADD PRIMARY KEY (id);'));
  const f = lintHistory(project.graph, { dialects: ['sqlite'], revisions: new Set(['002']) }).findings.find((x) => x.code === 'SL301');
  t.truthy(f?.fix);
  t.regex(f!.fix!, /\n {2}id INT\(11\) NOT NULL,\n {2}name VARCHAR\(255\) DEFAULT NULL,\n {2}price DECIMAL\(10,2\) NOT NULL DEFAULT 0\.5,\n {2}n INT DEFAULT -1,\n {2}label TEXT DEFAULT 'Ab, c''d'\n/);
});

test("SL301's rebuild of PostgreSQL columns: character varying is a type, and ALTER COLUMN … TYPE t USING … changes the type to t", (t) => {
  // As in Jerome-JJT/ftlwatch3's Flyway files: `comment` came out with no type, final_mark as INTEGER USING(FINAL_MARK : : INTEGER).
  const setup = 'CREATE TABLE team_scale (id integer NOT NULL, "comment" character varying, final_mark character varying(10));';
  const project = projectOf(history(setup, 'ALTER TABLE team_scale ALTER COLUMN final_mark TYPE integer USING (final_mark::integer);'));
  const f = lintHistory(project.graph, { dialects: ['sqlite'], revisions: new Set(['002']) }).findings.find((x) => x.code === 'SL301');
  t.truthy(f?.fix);
  t.regex(f!.fix!, /\n {2}comment CHARACTER VARYING,\n {2}final_mark INTEGER\n/);
});

test("SL306: gophish's double-quoted strings (VALUES, SET and WHERE); names, columns, aliases and unknown tables are not flagged", (t) => {
  const setup = 'CREATE TABLE "roles" ("id" INTEGER PRIMARY KEY, "slug" VARCHAR(255), "name" VARCHAR(255));\nCREATE TABLE results (id integer, status varchar(255), email varchar(255));\nCREATE TABLE events (id integer, message varchar(255), email varchar(255));';
  const sl306 = (sql: string) => lintHistory(projectOf(history(setup, sql)).graph, { dialects: ['sqlite'], revisions: new Set(['002']) }).findings.filter((x) => x.code === 'SL306');
  const values = sl306('INSERT INTO "roles" ("slug", "name")\nVALUES\n    ("admin", "Admin"),\n    ("user", "User");');
  t.is(values.length, 1);
  t.regex(values[0]!.message, /^"admin", "Admin", "user" and 1 more where a value goes: .* write 'admin'$/);
  const update = sl306('UPDATE results SET status = "Submitted Data" WHERE id IN (SELECT results.id FROM results, events WHERE results.status = "Success" AND events.message="Submitted Data" AND results.email = events.email);');
  t.regex(update[0]!.message, /^"Submitted Data", "Success" where a value goes/);
  t.is(sl306('UPDATE "results" SET "status" = "email" WHERE "id" = 1;').length, 0, 'a column on the right is a name');
  t.is(sl306('UPDATE elsewhere SET status = "x";').length, 0, 'a table lint never saw: its columns are unknown');
  t.is(sl306("INSERT INTO \"roles\" (\"slug\") SELECT \"slug\" FROM \"roles\" WHERE \"name\" = 'a';").length, 0);
  t.is(sl306("UPDATE results SET status = 'done' WHERE email = 'a\"b';").length, 0, 'a double quote inside a string');
  t.is(sl306('INSERT INTO "roles" ("id", "slug") VALUES (1, \'a\') ON CONFLICT ("id") DO UPDATE SET "slug" = excluded."slug";').length, 0, 'an upsert names its columns');
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
