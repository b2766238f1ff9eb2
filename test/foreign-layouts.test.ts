import test from 'ava';
import { dialectChecksum, dialectSyntax, fullCheck, loadProject, migrationRun, migrationStatements, type DialectName, type Migration } from '../src/engine/index.js';
import { makeFolder } from './helpers/folders.js';

/** goose, dbmate and popx folders read as they ship, and golang-migrate's odd names. */

const sqls = (m: Migration, direction: 'up' | 'down', dialect: DialectName = 'postgres') => migrationStatements(m, direction, dialectSyntax(dialect)).map((s) => [s.line, s.sql]);
const load = (files: Record<string, string>) => {
  const dir = makeFolder(files);
  const project = loadProject(dir);
  return { dir, project, problems: fullCheck(project).map((p) => ({ ...p, rel: p.path.slice(dir.length + 1) })) };
};

const GOOSE_1 = [
  '-- a comment before the sections',
  '-- +goose Up',
  'CREATE TABLE a (id int);',
  '-- +goose StatementBegin',
  'CREATE FUNCTION f() RETURNS int AS',
  "'SELECT 1; SELECT 2' LANGUAGE sql;",
  'WEIRD ; NOT ; SPLIT;',
  '-- +goose StatementEnd',
  'CREATE TABLE b (id int);',
  '',
  '-- +goose Down',
  'DROP TABLE b;',
  'DROP FUNCTION f;',
  'DROP TABLE a;',
  '',
].join('\n');

test('goose: one file is one revision, version from the name, up and down from the sections, lines of the file', (t) => {
  const { project, problems } = load({
    '00001_create_a.sql': GOOSE_1,
    '00002_no_tx.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON a (id);\n-- +goose Down\nDROP INDEX i;\n',
  });
  t.deepEqual(problems, []);
  const [one, two] = project.folder.migrations;
  t.is(one!.id, '00001');
  t.is(one!.message, 'create a');
  t.deepEqual(two!.parents, ['00001']);
  t.is(one!.upPath, one!.downPath!);
  t.deepEqual(sqls(one!, 'up'), [
    [3, 'CREATE TABLE a (id int)'],
    [5, "CREATE FUNCTION f() RETURNS int AS\n'SELECT 1; SELECT 2' LANGUAGE sql;\nWEIRD ; NOT ; SPLIT"],
    [9, 'CREATE TABLE b (id int)'],
  ]);
  t.deepEqual(sqls(one!, 'down'), [
    [12, 'DROP TABLE b'],
    [13, 'DROP FUNCTION f'],
    [14, 'DROP TABLE a'],
  ]);
  t.false(one!.irreversible);
  // NO TRANSACTION: like `-- migrate:transaction off`, both directions, every dialect.
  t.true(one!.transaction);
  t.false(two!.transaction);
  for (const direction of ['up', 'down'] as const) {
    const run = migrationRun(two!, direction, dialectSyntax('sqlite'));
    t.false(run.transactional);
    t.regex(run.reason!, /goose NO TRANSACTION.*line 1/);
  }
  // The checksum is of the up section only: editing the down section does not change it.
  const edited = loadProject(makeFolder({ '00001_create_a.sql': GOOSE_1.replace('DROP TABLE a;', 'DROP TABLE a CASCADE;') }));
  t.is(dialectChecksum(edited.folder.migrations[0]!.up, 'postgres'), dialectChecksum(one!.up, 'postgres'));
});

test('goose and dbmate: a missing or empty down section makes the revision irreversible, with the usual warning', (t) => {
  const { project, problems } = load({
    '1_a.sql': '-- +goose Up\nCREATE TABLE a (id int);\n',
    '2_b.sql': '-- +goose Up\nCREATE TABLE b (id int);\n-- +goose Down\n-- nothing to undo\n',
    '3_c.sql': '-- migrate:up\nCREATE TABLE c (id int);\n-- migrate:down\n',
  });
  t.deepEqual(
    problems.map((p) => [p.code, p.severity, p.rel]),
    [
      ['up-without-down', 'warning', '1_a.sql'],
      ['up-without-down', 'warning', '2_b.sql'],
      ['up-without-down', 'warning', '3_c.sql'],
    ],
  );
  t.regex(problems[1]!.message, /down section \(line 3\) has no SQL/);
  t.true(project.folder.migrations.every((m) => m.irreversible && m.down === null));
});

test('goose: marker mistakes are errors at their line', (t) => {
  const { problems } = load({
    '1_a.sql': 'SELECT 1;\n-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE a (id int);\n-- +goose Down\n-- +goose Frobnicate\n-- +goose StatementEnd\n-- +goose ENVSUB ON\n',
  });
  t.deepEqual(
    problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.line]),
    [
      ['bad-section-marker', 1],
      ['bad-section-marker', 3],
      ['bad-section-marker', 6],
      ['bad-section-marker', 7],
      ['bad-section-marker', 8],
    ],
  );
});

test('dbmate: sections, transaction:false per direction, our headers and dialect blocks inside, problems at the file’s lines', (t) => {
  const { project, problems } = load({
    '20240101000000_first.sql': '-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n',
    '20240102000000_second.sql': [
      '-- migrate:message second one',
      '-- migrate:up transaction:false',
      '-- migrate:dialect postgres',
      'CREATE INDEX CONCURRENTLY i ON a (id);',
      '-- migrate:dialect default',
      'CREATE INDEX i ON a (id);',
      '-- migrate:end',
      "SELECT 'unterminated;",
      '-- migrate:down',
      'DROP INDEX i;',
    ].join('\n'),
  });
  const [first, second] = project.folder.migrations;
  t.is(second!.message, 'second one');
  t.deepEqual(sqls(first!, 'up'), [[2, 'CREATE TABLE a (id int)']]);
  t.deepEqual(sqls(first!, 'down'), [[5, 'DROP TABLE a']]);
  t.deepEqual(sqls(second!, 'up', 'sqlite')[0], [6, 'CREATE INDEX i ON a (id)']);
  t.deepEqual(sqls(second!, 'down', 'sqlite'), [[10, 'DROP INDEX i']]);
  t.true(first!.transaction);
  t.false(second!.transaction);
  t.regex(migrationRun(second!, 'up', dialectSyntax('postgres')).reason!, /transaction:false.*line 2/);
  // The unterminated string is reported at the line of the dbmate file, not of a section.
  const quote = problems.find((p) => p.code === 'unterminated-quote')!;
  t.is(quote.rel, '20240102000000_second.sql');
  t.is(quote.line, 8);
  // `-- migrate:up` is no longer an unknown directive.
  t.false(problems.some((p) => p.code === 'unknown-header'));
});

test('dbmate: SQL outside the sections is an error at its line; an unknown option too', (t) => {
  const { problems } = load({ '1_a.sql': 'CREATE TABLE x (id int);\n-- migrate:up fast:yes\nSELECT 1;\n' });
  t.deepEqual(
    problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.line]),
    [
      ['bad-section-marker', 1],
      ['bad-section-marker', 2],
    ],
  );
});

test('layouts mix in one folder; one version in two layouts is a duplicate', (t) => {
  const { project, problems } = load({
    '1_pair.up.sql': 'CREATE TABLE p (id int);\n',
    '1_pair.down.sql': 'DROP TABLE p;\n',
    '2_goose.sql': '-- +goose Up\nCREATE TABLE g (id int);\n-- +goose Down\nDROP TABLE g;\n',
    '3_dbmate.sql': '-- migrate:up\nCREATE TABLE d (id int);\n-- migrate:down\nDROP TABLE d;\n',
    '4_x.up.sql': 'CREATE TABLE x (id int);\n',
    '4_x.down.sql': 'DROP TABLE x;\n',
  });
  t.deepEqual(problems, []);
  t.deepEqual(
    project.folder.migrations.map((m) => [m.id, m.parents]),
    [
      ['1', []],
      ['2', ['1']],
      ['3', ['2']],
      ['4', ['3']],
    ],
  );
  const dup = load({ '1_a.up.sql': 'SELECT 1;', '1_a.down.sql': 'SELECT 1;', '1_b.sql': '-- +goose Up\nSELECT 2;\n' });
  t.deepEqual(dup.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.message]), [['duplicate-version', 'version 1 is used twice: 1_a and 1_b']]);
});

const POPX = {
  '1_init.postgres.up.sql': 'CREATE TABLE t (id BIGSERIAL PRIMARY KEY);\n',
  '1_init.postgres.down.sql': 'DROP TABLE t;\n',
  '1_init.mysql.up.sql': '\nCREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY);\n',
  '1_init.mysql.down.sql': 'DROP TABLE t;\n',
  '1_init.sqlite3.up.sql': '\n\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n',
  '1_init.sqlite3.down.sql': 'DROP TABLE t;\n',
  '1_init.cockroach.up.sql': 'CREATE TABLE t (id UUID PRIMARY KEY);\n',
  '1_init.cockroach.down.sql': 'DROP TABLE t;\n',
  '2_index.up.sql': 'CREATE INDEX i ON t (id);\n',
  '2_index.down.sql': 'DROP INDEX i;\n',
  '2_index.mysql.up.sql': 'CREATE INDEX i ON t (id);\nSELECT 2;\n',
  '2_index.mysql.down.sql': 'DROP INDEX i ON t;\n',
  '3_concurrently.postgres.autocommit.up.sql': 'CREATE INDEX CONCURRENTLY j ON t (id);\n',
  '3_concurrently.postgres.autocommit.down.sql': 'DROP INDEX CONCURRENTLY j;\n',
  '3_concurrently.up.sql': 'CREATE INDEX j ON t (id);\n',
  '3_concurrently.down.sql': 'DROP INDEX j;\n',
  '4_crdb_only.cockroach.up.sql': 'SELECT 1;\n',
  '4_crdb_only.cockroach.down.sql': 'SELECT 1;\n',
};

test('popx: the files of one version are one revision; each dialect runs its own file, else the file without a dialect', (t) => {
  const { project, problems, dir } = load(POPX);
  t.deepEqual(problems.map((p) => [p.code, p.severity]), [['foreign-dialect-files', 'warning']]);
  t.regex(problems[0]!.message, /^4 files are for CockroachDB/);
  const [one, two, three, ...rest] = project.folder.migrations;
  t.deepEqual(rest, []); // version 4 exists only for CockroachDB
  t.deepEqual([one!.id, two!.id, three!.id], ['1', '2', '3']);
  t.deepEqual(sqls(one!, 'up', 'postgres'), [[1, 'CREATE TABLE t (id BIGSERIAL PRIMARY KEY)']]);
  t.deepEqual(sqls(one!, 'up', 'mysql'), [[2, 'CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY)']]);
  t.deepEqual(sqls(one!, 'up', 'mariadb'), [[2, 'CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY)']]);
  t.deepEqual(sqls(one!, 'up', 'sqlite'), [[3, 'CREATE TABLE t (id INTEGER PRIMARY KEY)']]);
  t.is(one!.up.pathFor('sqlite'), `${dir}/1_init.sqlite3.up.sql`);
  t.is(one!.down!.pathFor('mysql'), `${dir}/1_init.mysql.down.sql`);
  t.deepEqual(sqls(two!, 'up', 'sqlite'), [[1, 'CREATE INDEX i ON t (id)']]);
  t.deepEqual(sqls(two!, 'up', 'mariadb'), [[1, 'CREATE INDEX i ON t (id)'], [2, 'SELECT 2']]);
  t.deepEqual(sqls(two!, 'down', 'mysql'), [[1, 'DROP INDEX i ON t']]);
  t.is(two!.upPath, `${dir}/2_index.up.sql`);
  // Checksums per dialect follow the file the dialect runs.
  t.not(dialectChecksum(two!.up, 'mysql'), dialectChecksum(two!.up, 'postgres'));
  // .autocommit: without a transaction on the dialect whose file says so only.
  const pg = migrationRun(three!, 'up', dialectSyntax('postgres'));
  t.false(pg.transactional);
  t.regex(pg.reason!, /\.autocommit` in the file name \(3_concurrently\.postgres\.autocommit\.up\.sql\)/);
  t.false(migrationRun(three!, 'down', dialectSyntax('postgres')).transactional);
  t.true(migrationRun(three!, 'up', dialectSyntax('sqlite')).transactional);
  t.true(three!.transaction);
});

test('popx: a problem in one dialect’s file is reported at that file and line', (t) => {
  const { problems } = load({ '1_a.up.sql': 'SELECT 1;\n', '1_a.down.sql': 'SELECT 1;\n', '1_a.sqlite3.up.sql': "SELECT 1;\nSELECT 'open;\n", '1_a.sqlite3.down.sql': 'SELECT 1;\n' });
  const p = problems.find((x) => x.code === 'unterminated-quote' && x.severity === 'error')!;
  t.is(p.rel, '1_a.sqlite3.up.sql');
  t.is(p.line, 2);
});

test('golang-migrate odd names: `.up..sql` is read as golang-migrate reads it, with a warning naming the file', (t) => {
  const { project, problems } = load({ '1_a.up.sql': 'SELECT 1;', '1_a.down.sql': 'SELECT 1;', '2_b.up..sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\n' });
  t.deepEqual(problems.map((p) => [p.code, p.rel]), [['odd-file-name', '2_b.up..sql']]);
  t.deepEqual(sqls(project.graph.get('2'), 'up'), [[1, 'CREATE TABLE b (id int)']]);
  // A dot in the slug that is not a dialect stays in the slug, as before.
  t.is(load({ '3_v1.2.up.sql': 'SELECT 1;', '3_v1.2.down.sql': 'SELECT 1;' }).project.folder.migrations[0]!.slug, 'v1.2');
});

test('a folder of .sql files none of which is read is an error, not an ok with 0 revisions', (t) => {
  // (Plain <number>_<name>.sql files alone are an sqlx folder, read: sqlx-layout.test.ts. A name that is not one keeps them unread.)
  const { project, problems } = load({ '001_init.sql': 'CREATE TABLE a (id int);\n', 'more.sql': 'CREATE TABLE b (id int);\n' });
  t.is(project.folder.migrations.length, 0);
  const errors = problems.filter((p) => p.severity === 'error');
  t.deepEqual(errors.map((p) => [p.code, p.rel]), [['no-migrations-read', '']]);
  t.regex(errors[0]!.message, /none of the 2 \.sql files/);
  // With some migrations read, skipped files stay warnings, and one line sums them up.
  const some = load({ '1_a.up.sql': 'SELECT 1;', '1_a.down.sql': 'SELECT 1;', 'notes.sql': 'SELECT 1;' });
  t.deepEqual(some.problems.map((p) => [p.code, p.severity]), [['skipped-files', 'warning'], ['bad-file-name', 'warning']]);
  t.is(some.project.folder.skippedFiles, 1);
  // A folder of only CockroachDB files is not silently empty either.
  t.true(load({ '1_a.cockroach.up.sql': 'SELECT 1;', '1_a.cockroach.down.sql': 'SELECT 1;' }).problems.some((p) => p.code === 'no-migrations-read'));
});
