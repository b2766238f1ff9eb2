import test from 'ava';
import Database from 'better-sqlite3';
import { lintHistory, RULES } from '../src/engine/index.js';
import { projectOf } from './helpers/folders.js';

/**
 * What SQLite's ADD COLUMN rules say SQLite does, checked against SQLite itself: it refuses a
 * NOT NULL column without a default, or a non-constant default, only on a table that has rows
 * (the rules once said "on any table, even an empty one", which a fresh database disproves).
 */
const FACTS = [
  { code: 'SL303', sql: 'ALTER TABLE t ADD COLUMN c INTEGER NOT NULL', error: 'Cannot add a NOT NULL column with default value NULL' },
  { code: 'SL304', sql: 'ALTER TABLE t ADD COLUMN c TEXT DEFAULT CURRENT_TIMESTAMP', error: 'Cannot add a column with non-constant default' },
];

for (const fact of FACTS) {
  test(`${fact.code}: SQLite refuses it on a table with rows and accepts it on an empty one, as the rule says`, (t) => {
    const rule = RULES.find((r) => r.code === fact.code)!;
    t.truthy(rule);
    t.regex(rule.why, /on a table that has any row/);
    t.regex(rule.why, /on an empty table it works/);
    t.true(rule.why.includes(fact.error));

    const empty = new Database(':memory:');
    empty.exec('CREATE TABLE t (id INTEGER)');
    t.notThrows(() => empty.exec(fact.sql), 'an empty table takes it');
    empty.close();

    const filled = new Database(':memory:');
    filled.exec('CREATE TABLE t (id INTEGER); INSERT INTO t (id) VALUES (1)');
    // better-sqlite3's SqliteError is not a native Error to ava's t.throws: caught by hand.
    let message = 'it did not throw';
    try {
      filled.exec(fact.sql);
    } catch (error) {
      message = (error as Error).message;
    }
    t.true(message.includes(fact.error), message);
    filled.close();
  });
}

/**
 * Lint's exemption for a table that is empty at the statement (created earlier in the same
 * migration or plan, no rows put in it since), checked against SQLite: each migration runs on
 * a database whose `users` table has rows, and lint flags SL303/SL304 exactly where SQLite
 * refuses the migration.
 */
const USERS = 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);';
const ADDS = [
  { code: 'SL303', add: (table: string) => `ALTER TABLE ${table} ADD COLUMN c INTEGER NOT NULL;` },
  { code: 'SL304', add: (table: string) => `ALTER TABLE ${table} ADD COLUMN c TEXT DEFAULT CURRENT_TIMESTAMP;` },
];
/** Migrations (each a list of revisions' up files, run in order as one plan) and whether SQLite takes them. */
const MIGRATIONS = [
  { what: 'an existing table with rows', ups: (add: (t: string) => string) => [add('users')], works: false },
  { what: 'a table created earlier in the same migration', ups: (add: (t: string) => string) => [`CREATE TABLE t (id INTEGER);\n${add('t')}`], works: true },
  { what: 'a table created by an earlier revision of the same plan', ups: (add: (t: string) => string) => ['CREATE TABLE t (id INTEGER);', add('t')], works: true },
  { what: 'a new table given a row first', ups: (add: (t: string) => string) => [`CREATE TABLE t (id INTEGER);\nINSERT INTO t (id) VALUES (1);\n${add('t')}`], works: false },
  { what: 'a new table given a row by an earlier revision of the plan', ups: (add: (t: string) => string) => ['CREATE TABLE t (id INTEGER);\nINSERT OR IGNORE INTO "t" (id) VALUES (1);', add('t')], works: false },
  { what: 'a new table emptied again', ups: (add: (t: string) => string) => [`CREATE TABLE t (id INTEGER);\nINSERT INTO t (id) VALUES (1);\nDELETE FROM t;\n${add('t')}`], works: true },
  { what: 'a table created AS SELECT of one with rows', ups: (add: (t: string) => string) => [`CREATE TABLE t AS SELECT id FROM users;\n${add('t')}`], works: false },
  { what: 'a table rebuilt with its rows', ups: (add: (t: string) => string) => [`CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT);\nINSERT INTO users_new SELECT id, email FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;\n${add('users')}`], works: false },
  { what: 'a new table given rows by a trigger the migration creates', ups: (add: (t: string) => string) => [`CREATE TABLE t (id INTEGER);\nCREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN INSERT INTO t (id) VALUES (new.id); END;\nUPDATE users SET email = email;\n${add('t')}`], works: false },
  { what: 'a new table given rows by a trigger an earlier revision of the plan creates', ups: (add: (t: string) => string) => ['CREATE TABLE t (id INTEGER);\nCREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN REPLACE INTO main."t" (id) VALUES (new.id); END;', `UPDATE users SET email = email;\n${add('t')}`], works: false },
  { what: 'a new table filled from another with rows', ups: (add: (t: string) => string) => [`CREATE TABLE t (id INTEGER);\nWITH u AS (SELECT id FROM users) INSERT INTO t SELECT id FROM u;\n${add('t')}`], works: false },
];

for (const { code, add } of ADDS) {
  for (const m of MIGRATIONS) {
    test(`${code}: ${m.what}: lint flags it exactly when SQLite refuses it`, (t) => {
      const ups = m.ups(add);
      const db = new Database(':memory:');
      db.exec(`${USERS} INSERT INTO users (id, email) VALUES (1, 'a@example.com')`);
      let refused = '';
      try {
        db.exec(`BEGIN; ${ups.join('\n')} COMMIT;`);
      } catch (error) {
        refused = (error as Error).message;
      }
      db.close();
      t.is(refused === '', m.works, refused);

      // 001 is applied (creates users); 002… are the plan, linted as `upgrade` lints it.
      const files: Record<string, string> = { '001_users.up.sql': USERS + '\n', '001_users.down.sql': 'DROP TABLE users;\n' };
      const plan = ups.map((_, k) => String(k + 2).padStart(3, '0'));
      ups.forEach((sql, k) => {
        files[`${plan[k]}_step.up.sql`] = sql + '\n';
        files[`${plan[k]}_step.down.sql`] = '';
      });
      const project = projectOf(files);
      const found = lintHistory(project.graph, { dialects: ['sqlite'], revisions: new Set(plan), directions: ['up'], plan: true }).findings.filter((f) => f.code === code);
      t.is(found.length, m.works ? 0 : 1, JSON.stringify(found));
    });
  }
}

test('SL303 in a down: a table its up created may have rows by then (flagged); one the down creates is empty', (t) => {
  const project = projectOf({
    '001_t.up.sql': 'CREATE TABLE t (id INTEGER);\n',
    '001_t.down.sql': 'ALTER TABLE t ADD COLUMN c INTEGER NOT NULL;\nCREATE TABLE old_t (id INTEGER);\nALTER TABLE old_t ADD COLUMN c INTEGER NOT NULL;\nDROP TABLE t;\n',
  });
  const found = lintHistory(project.graph, { dialects: ['sqlite'], revisions: new Set(['001']), directions: ['down'], plan: true }).findings.filter((f) => f.code === 'SL303');
  t.deepEqual(
    found.map((f) => [f.line, f.table]),
    [[1, 't']],
  );
});
