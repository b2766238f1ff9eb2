import test from 'ava';
import fc from 'fast-check';
import { analysePostgres, analysePostgresMany, analyseStatement, forgetAnalyses, lintHistory, loadPostgresParser } from '../src/engine/index.js';
import { projectOf } from './helpers/folders.js';

/**
 * Lint's speed-ups change nothing it reports: PostgreSQL statements read many per parser
 * call give exactly what each gives alone (whatever the neighbours: comments, strings with
 * semicolons, multi-byte text, statements the parser refuses), and the memo of statements
 * already read gives the same findings as a first read.
 */
const CORPUS = [
  'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, note text DEFAULT \'héllo; wörld\' NOT NULL)',
  'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()',
  "ALTER TABLE users ADD COLUMN label text DEFAULT 'ünïcødé 🎉' NOT NULL",
  'CREATE INDEX users_email ON users (email) -- a comment with no newline',
  'CREATE INDEX CONCURRENTLY users_note ON users (note);',
  "INSERT INTO users (id, email) VALUES (1, 'a;b')",
  '-- only a comment',
  'SELEC broken FROM',
  "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
  'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
  'DROP TABLE users',
  '/* block */ ALTER TABLE users RENAME COLUMN email TO mail',
  'ALTER TABLE users ADD CONSTRAINT users_fk FOREIGN KEY (id) REFERENCES other (id)',
  'CREATE TABLE x (a int DEFAULT (1 + 2), b text DEFAULT \'x\')',
  "SELECT 'unterminated",
  '/* an open comment',
  'SELECT $$ open dollar',
  'SELECT "open identifier',
  "x' AS y",
  'SELECT 1; ALTER TABLE users DROP COLUMN note',
  '',
];

test.before(async () => {
  await loadPostgresParser();
});

test('many PostgreSQL statements per parser call give what each gives alone, in any order and mix', (t) => {
  const alone = new Map(CORPUS.map((sql) => {
    const { sql: _s, line: _l, ...a } = analysePostgres(sql, 1);
    return [sql, a] as const;
  }));
  t.truthy(alone.get('SELEC broken FROM')!.parseError, 'the corpus has a statement the parser refuses');
  t.is((alone.get(CORPUS[2]!)!.actions[0] as { column: { defaultText: string } }).column.defaultText, "'ünïcødé 🎉'");
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...CORPUS), { minLength: 1, maxLength: 40 }), (sqls) => {
      const many = analysePostgresMany(sqls)!;
      t.is(many.length, sqls.length);
      sqls.forEach((sql, k) => t.deepEqual(many[k], alone.get(sql), sql));
    }),
    { numRuns: 200 },
  );
});

test('a second lint of the same history (statements remembered) reports exactly what the first did', (t) => {
  const project = projectOf({
    '001_a.up.sql': 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n',
    '001_a.down.sql': 'DROP TABLE b;\nDROP TABLE a;\n',
    '002_b.up.sql': 'CREATE INDEX a_id ON a (id);\nALTER TABLE b ADD COLUMN c int NOT NULL;\nALTER TABLE a RENAME COLUMN id TO k;\n',
    '002_b.down.sql': 'ALTER TABLE a RENAME COLUMN k TO id;\nDROP INDEX a_id;\n',
  });
  const dialects = ['postgres', 'mysql', 'mariadb', 'sqlite'] as const;
  forgetAnalyses();
  const first = lintHistory(project.graph, { dialects });
  const again = lintHistory(project.graph, { dialects });
  t.true(first.findings.length >= 4);
  t.deepEqual(again, first);
  // MySQL and MariaDB read a statement alike: the second reader gets the first one's reading.
  t.deepEqual(analyseStatement('ALTER TABLE a ADD COLUMN z int', 7, 'mariadb'), analyseStatement('ALTER TABLE a ADD COLUMN z int', 7, 'mysql'));
});
