import test from 'ava';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { analysePostgres, dialectSyntax, forgetAnalyses, lintHistory, loadPostgresParser, loadProject, type DialectName, type LintReport } from '../src/engine/index.js';
import { insertShape } from '../src/engine/lint/pg-shape.js';
import { classifyStatement, tokenize } from '../src/engine/safety/data-risk.js';
import { setReadingShortcuts } from '../src/engine/safety/prefilter.js';
import { replayedOnly } from '../src/engine/lint/replay-only.js';
import { readingGroups } from '../src/engine/lint/reading-groups.js';
import { projectOf } from './helpers/folders.js';
import { CASES } from './helpers/lint-cases.js';

/**
 * Lint's short cuts drop no finding: a statement whose first word is DML (INSERT, UPDATE,
 * SELECT…) is classified without reading the rest, by lint's tokenizer and by the data-risk
 * count; PostgreSQL INSERTs of one shape (pg-shape.ts) are parsed once. Each is checked
 * against the long way (every statement read whole, every text parsed): on generated
 * statements, on the example app, on the rule tests' corpus and on generated histories.
 */

const DIALECTS: readonly DialectName[] = ['postgres', 'mysql', 'mariadb', 'sqlite'];

test.before(async () => {
  await loadPostgresParser();
});

/** Lints with the short cuts on, then off, each from nothing remembered. */
function bothWays(lint: () => LintReport): { fast: LintReport; slow: LintReport } {
  forgetAnalyses();
  const fast = lint();
  forgetAnalyses();
  setReadingShortcuts(false);
  try {
    return { fast, slow: lint() };
  } finally {
    setReadingShortcuts(true);
    forgetAnalyses();
  }
}

const WORDS = ['INSERT', 'insert', 'UPDATE', 'SELECT', 'DELETE', 'DROP', 'ALTER', 'TRUNCATE', 'CREATE', 'WITH', 'REPLACE', 'PRAGMA', 'TABLE', 'FROM', 'WHERE', 'INTO', 'VALUES', 'BEGIN', 'COMMIT', 't', 'users', '"users"', '`t`', '[t]', '1', '0x1F', "'x'", "'it''s'", "E'a\\''", "'a\\'", '$$ body $$', '$tag$ x $tag$', '--c\n', '/* c */', '# c\n', ';', ',', '(', ')', '::', '-', ' ', '\n', '\t', 'é'];
const statement = fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 14 }).map((ws) => ws.join(' '));

test('tokenize with a limit gives the first tokens of a whole reading, on every dialect', (t) => {
  fc.assert(
    fc.property(statement, fc.constantFrom(...DIALECTS), fc.integer({ min: 1, max: 3 }), (sql, d, k) => {
      const syntax = dialectSyntax(d);
      t.deepEqual(tokenize(sql, syntax, k), tokenize(sql, syntax).slice(0, k), sql);
    }),
    { numRuns: 2000 },
  );
});

test('the data-risk count and lint\'s tokenizer read a statement alike with and without the first-word short cut', (t) => {
  fc.assert(
    fc.property(statement, fc.constantFrom<DialectName>('mysql', 'mariadb', 'sqlite', 'postgres'), (sql, d) => {
      const syntax = dialectSyntax(d);
      const fast = classifyStatement(sql, syntax);
      setReadingShortcuts(false);
      try {
        t.deepEqual(classifyStatement(sql, syntax), fast, sql);
      } finally {
        setReadingShortcuts(true);
      }
      if (d === 'postgres') return;
      const project = projectOf({ '001_a.up.sql': 'CREATE TABLE t (id INT);\n', '001_a.down.sql': 'DROP TABLE t;\n', '002_b.up.sql': `${sql}\n`, '002_b.down.sql': `${sql}\n` });
      const { fast: a, slow: b } = bothWays(() => lintHistory(project.graph, { dialects: [d] }));
      t.deepEqual(a, b, sql);
    }),
    { numRuns: 300 },
  );
});

/** INSERTs with plain and not-so-plain row items, names PostgreSQL accepts and refuses. */
const item = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 14n }).map(String),
  fc.tuple(fc.nat(999), fc.nat(99)).map(([a, b]) => `${a}.${b}`),
  fc.string({ unit: fc.constantFrom('a', "'", "''", '\\', ';', '\n', '$', 'é', '🎉', '"', '--', '/*', '\0', ' ') }).map((s) => `'${s.replace(/'/g, "''")}'`),
  fc.string({ unit: fc.constantFrom('a', "'", '\\', ';') }).map((s) => `'${s}'`),
  fc.constantFrom('NULL', 'true', 'False', 'DEFAULT', '- 5', '+7', '1e5', '1_000', '0x1F', "E'a\\'b'", "U&'d\\0061t'", "B'101'", "X'1F'", "'a' 'b'", "'a'\n'b'", "'1'::float(0)", 'CAST(1 AS float(0))', 'now()', '$1', '$$x$$', '.5', '5.', '1..2', 'nul', "'x' -- c\n", '/* c */ 1', '99999999999', '2147483648', '-2147483648'),
);
const insert = fc
  .tuple(fc.constantFrom('users', '"user"', 'user', 's.t', 'select', 't1', '"my table"'), fc.constantFrom('', ' (id, name)', ' ("id", "v")', ' (id, values_x)'), fc.array(fc.array(item, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), fc.constantFrom('', ' ON CONFLICT DO NOTHING', ' RETURNING id', ' ;', ' -- end', ' 1'), fc.constantFrom('INSERT INTO', 'insert into', '  INSERT\nINTO', '-- c\nINSERT INTO', 'INSERT  INTO'))
  .map(([table, cols, rows, tail, head]) => `${head} ${table}${cols} VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')}${tail}`);

const analysisOf = (sql: string) => {
  const { sql: _s, line: _l, ...a } = analysePostgres(sql, 1);
  return a;
};

test('two INSERTs of one shape parse alike (PostgreSQL): one parsing means all do, with the same reading', (t) => {
  let shaped = 0;
  let parsed = 0;
  fc.assert(
    fc.property(insert, insert, (a, b) => {
      const shape = insertShape(a);
      if (shape === null) return;
      shaped++;
      // The shape itself is a statement of that shape: compare a statement with it, and with any other of its shape.
      t.is(insertShape(shape), shape, a);
      const mine = analysisOf(a);
      const canonical = analysisOf(shape);
      t.is(!!mine.parseError, !!canonical.parseError, `${a}\n${shape}`);
      if (!mine.parseError) {
        parsed++;
        t.deepEqual(mine, canonical, a);
      }
      if (insertShape(b) === shape) t.deepEqual(analysisOf(b).parseError === undefined, mine.parseError === undefined, `${a}\n${b}`);
    }),
    { numRuns: 3000 },
  );
  t.true(shaped > 500, `${shaped} INSERTs had a shape`);
  t.true(parsed > 100, `${parsed} of them parsed`);
});

test('lint with the short cuts reports exactly what it reports without, on generated INSERT-heavy histories (every dialect)', (t) => {
  fc.assert(
    fc.property(fc.array(fc.array(insert, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), (files) => {
      const folder: Record<string, string> = { '001_t.up.sql': 'CREATE TABLE users (id INT, name TEXT);\nCREATE TABLE t1 (id INT);\n', '001_t.down.sql': 'DROP TABLE t1;\nDROP TABLE users;\n' };
      files.forEach((sqls, k) => {
        const v = String(k + 2).padStart(3, '0');
        folder[`${v}_rows.up.sql`] = sqls.join(';\n') + ';\n';
        folder[`${v}_rows.down.sql`] = 'DELETE FROM users;\n';
      });
      const project = projectOf(folder);
      const { fast, slow } = bothWays(() => lintHistory(project.graph, { dialects: DIALECTS }));
      t.deepEqual(fast, slow);
    }),
    { numRuns: 60 },
  );
});

test('lint with the short cuts reports exactly what it reports without, on the example app and the rule tests\' corpus', (t) => {
  const app = loadProject(fileURLToPath(new URL('../../migrations', import.meta.url)));
  t.true(app.graph.ids().length >= 9, 'the example app is read');
  const { fast, slow } = bothWays(() => lintHistory(app.graph, { dialects: DIALECTS }));
  t.deepEqual(fast, slow);
  t.true(fast.statements > 0);
  let findings = 0;
  for (const c of CASES) {
    for (const sql of [c.bad, c.safe ?? '']) {
      const files = { '001_setup.up.sql': c.setup + '\n', '001_setup.down.sql': '', '002_change.up.sql': sql + '\n', '002_change.down.sql': (c.down ?? '') + '\n' };
      const project = projectOf(files);
      const both = bothWays(() => lintHistory(project.graph, { dialects: DIALECTS }));
      t.deepEqual(both.fast, both.slow, `${c.code}: ${sql}`);
      findings += both.fast.findings.length;
    }
  }
  t.true(findings > CASES.length, 'the corpus has findings to keep');
});

test('a seed file of INSERTs read by shape still reports each refused row (PG100) with its own line and error', (t) => {
  const rows = Array.from({ length: 200 }, (_, k) => `INSERT INTO users (id, name) VALUES (${k}, 'n${k}');`);
  rows.push("INSERT INTO user (id, name) VALUES (1, 'reserved word');");
  rows.push("INSERT INTO users (id, name) VALUES (1, 'x') 'y';");
  const project = projectOf({ '001_t.up.sql': 'CREATE TABLE users (id INT, name TEXT);\n', '001_t.down.sql': 'DROP TABLE users;\n', '002_seed.up.sql': rows.join('\n') + '\n', '002_seed.down.sql': 'DELETE FROM users;\n' });
  const { fast, slow } = bothWays(() => lintHistory(project.graph, { dialects: ['postgres'] }));
  t.deepEqual(fast, slow);
  const refused = fast.findings.filter((f) => f.code === 'PG100');
  t.deepEqual(refused.map((f) => f.line), [201, 202]);
  t.regex(refused[0]!.message, /"user"/);
});

test('PostgreSQL: an INSERT, UPDATE or SELECT alone in its text is replayed unparsed only where no rule sees it', (t) => {
  const pg = dialectSyntax('postgres');
  for (const sql of ['INSERT INTO t VALUES (1)', "-- c\nupdate t SET a = 'x'", 'SELECT 1', 'select * into t2 from t', 'INSERT INTO user VALUES (1)']) t.true(replayedOnly(sql, pg), sql);
  for (const sql of ["INSERT INTO t VALUES (';')", 'WITH d AS (DELETE FROM t) SELECT 1', 'DELETE FROM t', 'CREATE TABLE t (id INT)', 'BEGIN', "SELECT 1; DROP TABLE t"]) t.false(replayedOnly(sql, pg), sql);
  t.false(replayedOnly('INSERT INTO t VALUES (1)', dialectSyntax('mysql')));
  setReadingShortcuts(false);
  try {
    t.false(replayedOnly('INSERT INTO t VALUES (1)', pg));
  } finally {
    setReadingShortcuts(true);
  }
});

/** Statements a replayed-only up file may hold: DML PostgreSQL reads, refuses, or must not be skipped for. */
const replayed = fc.constantFrom(
  "INSERT INTO users (id, name) VALUES (1, 'a')",
  'INSERT INTO user (id) VALUES (1)',
  "INSERT INTO users (name) VALUES (';')",
  'UPDATE users SET name = NULL',
  'UPDATE users SET = 1',
  'SELECT 1',
  'SELECT * INTO t2 FROM users',
  'SELECT FROM WHERE',
  '-- a comment\nINSERT INTO users (id) VALUES (2)',
  'DELETE FROM users',
  'WITH d AS (DELETE FROM users RETURNING id) SELECT 1',
  'CREATE TABLE t3 (id INT)',
  'DROP TABLE t3',
  'ALTER TABLE users ADD COLUMN c INT NOT NULL',
  'ALTER TABLE users RENAME TO people',
  'ALTER TABLE people RENAME TO users',
  'CREATE INDEX i ON users (name)',
  'BEGIN',
  'COMMIT',
);

test('lint of some revisions (lint <rev>, upgrade and downgrade plans) reports exactly what it reports the long way (PostgreSQL)', (t) => {
  fc.assert(
    fc.property(fc.array(fc.array(replayed, { minLength: 1, maxLength: 5 }), { minLength: 2, maxLength: 5 }), fc.nat(), (files, pick) => {
      const folder: Record<string, string> = { '001_t.up.sql': 'CREATE TABLE users (id INT, name TEXT);\n', '001_t.down.sql': 'DROP TABLE users;\n' };
      files.forEach((sqls, k) => {
        const v = String(k + 2).padStart(3, '0');
        folder[`${v}_step.up.sql`] = sqls.join(';\n') + ';\n';
        folder[`${v}_step.down.sql`] = 'SELECT 1;\n';
      });
      const project = projectOf(folder);
      const ids = project.graph.ids();
      const revisions = new Set(ids.filter((_, k) => k === pick % ids.length || k === ids.length - 1));
      for (const options of [{ revisions }, { revisions, plan: true, directions: ['up' as const] }, { revisions, plan: true, directions: ['down' as const] }]) {
        const { fast, slow } = bothWays(() => lintHistory(project.graph, { dialects: ['postgres'], ...options }));
        t.deepEqual(fast, slow);
      }
    }),
    { numRuns: 60 },
  );
});

test('lint of the last revision only reports exactly what it reports the long way, on the rule tests\' corpus (every dialect)', (t) => {
  let findings = 0;
  for (const c of CASES) {
    for (const sql of [c.bad, c.safe ?? '']) {
      const files = { '001_setup.up.sql': c.setup + '\n', '001_setup.down.sql': '', '002_change.up.sql': sql + '\n', '002_change.down.sql': (c.down ?? '') + '\n' };
      const project = projectOf(files);
      const both = bothWays(() => lintHistory(project.graph, { dialects: DIALECTS, revisions: new Set(['002']) }));
      t.deepEqual(both.fast, both.slow, `${c.code}: ${sql}`);
      findings += both.fast.findings.length;
    }
  }
  t.true(findings > CASES.length, 'the last revisions have findings to keep');
});

test('MySQL and MariaDB are read in one pass when every file gives them the same SQL, apart otherwise; the reports equal the long way', (t) => {
  const plain = projectOf({
    '001_t.up.sql': 'CREATE TABLE users (id INT, name TEXT);\nCREATE INDEX users_name ON users (name);\n',
    '001_t.down.sql': 'DROP TABLE users;\n',
    '002_c.up.sql': 'ALTER TABLE users ADD COLUMN age INT NOT NULL;\nALTER TABLE users MODIFY name VARCHAR(10);\n-- migrate:dialect mysql\nALTER TABLE users RENAME COLUMN age TO years;\n-- migrate:end\n',
    '002_c.down.sql': 'ALTER TABLE users DROP COLUMN age;\n',
  });
  const order = plain.graph.upgradeOrder(new Set(plain.graph.ids()));
  const downs = (id: string) => plain.graph.get(id).down;
  t.deepEqual(readingGroups(plain.graph, order, DIALECTS, [0, 1, 2, 3], downs, false), [[0], [1, 2], [3]]);
  t.deepEqual(readingGroups(plain.graph, order, DIALECTS, [0, 2, 3], downs, false), [[0], [2], [3]], 'MariaDB alone when MySQL came from the store');
  t.deepEqual(readingGroups(plain.graph, order, DIALECTS, [0, 1, 2, 3], downs, true), [[0], [1], [2], [3]], 'a light lint reads apart');
  const both = bothWays(() => lintHistory(plain.graph, { dialects: DIALECTS }));
  t.deepEqual(both.fast, both.slow);
  t.true(both.fast.findings.some((f) => f.dialects.includes('mysql') && f.dialects.includes('mariadb')), 'findings shared by both dialects');
  // A MariaDB section: the two read different SQL, so apart.
  const sections = projectOf({
    '001_t.up.sql': 'CREATE TABLE users (id INT, name TEXT);\n',
    '001_t.down.sql': 'DROP TABLE users;\n',
    '002_c.up.sql': '-- migrate:dialect mariadb\nALTER TABLE users DROP COLUMN name;\n-- migrate:dialect default\nALTER TABLE users ADD COLUMN age INT NOT NULL;\n-- migrate:end\n',
    '002_c.down.sql': 'SELECT 1;\n',
  });
  const order2 = sections.graph.upgradeOrder(new Set(sections.graph.ids()));
  t.deepEqual(readingGroups(sections.graph, order2, DIALECTS, [0, 1, 2, 3], (id) => sections.graph.get(id).down, false), [[0], [1], [2], [3]]);
  const apart = bothWays(() => lintHistory(sections.graph, { dialects: DIALECTS }));
  t.deepEqual(apart.fast, apart.slow);
  t.not(JSON.stringify(apart.fast.findings.filter((f) => f.dialects.includes('mariadb'))), JSON.stringify(apart.fast.findings.filter((f) => f.dialects.includes('mysql'))));
});
