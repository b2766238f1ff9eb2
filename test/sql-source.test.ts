import test from 'ava';
import { checksumOfLines, dialectChecksum, parseSqlSource, splitStatements, dialectSyntax, type DialectName } from '../src/engine/index.js';

const file = [
  'CREATE TABLE a (id INT);',
  '-- migrate:dialect postgres',
  'CREATE TABLE t (id BIGSERIAL PRIMARY KEY, doc JSONB);',
  '-- migrate:dialect mysql',
  'CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, doc JSON);',
  '-- migrate:dialect default',
  'CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT);',
  '-- migrate:end',
  'CREATE TABLE z (id INT);',
].join('\n');

const run = (text: string, dialect: DialectName) => {
  const source = parseSqlSource('f.up.sql', text, 'up');
  return splitStatements(source.resolvedLines(dialect), dialectSyntax(dialect).splitter).statements;
};

test('each dialect runs the common text and exactly one section of a block', (t) => {
  t.deepEqual(
    run(file, 'postgres').map((s) => [s.line, s.sql]),
    [
      [1, 'CREATE TABLE a (id INT)'],
      [3, 'CREATE TABLE t (id BIGSERIAL PRIMARY KEY, doc JSONB)'],
      [9, 'CREATE TABLE z (id INT)'],
    ],
  );
  t.is(run(file, 'mysql')[1]!.sql, 'CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, doc JSON)');
  t.is(run(file, 'sqlite')[1]!.sql, 'CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT)');
  t.is(run(file, 'sqlite')[1]!.line, 7);
});

test('mariadb falls back to mysql sections, and prefers its own', (t) => {
  t.is(run(file, 'mariadb')[1]!.sql, 'CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, doc JSON)');
  const own = ['-- migrate:dialect mysql', 'SELECT 1;', '-- migrate:dialect mariadb', 'SELECT 2;', '-- migrate:end'].join('\n');
  t.deepEqual(run(own, 'mariadb').map((s) => s.sql), ['SELECT 2']);
  t.deepEqual(run(own, 'mysql').map((s) => s.sql), ['SELECT 1']);
});

test('a block without default runs nothing for unnamed dialects; sections may name several; aliases work', (t) => {
  const text = ['-- migrate:dialect pg', 'SELECT 1;', '-- migrate:dialect mysql, sqlite', 'SELECT 2;', '-- migrate:end'].join('\n');
  t.deepEqual(run(text, 'postgres').map((s) => s.sql), ['SELECT 1']);
  t.deepEqual(run(text, 'sqlite').map((s) => s.sql), ['SELECT 2']);
  t.deepEqual(run(text, 'mariadb').map((s) => s.sql), ['SELECT 2']);
  const onlyPg = ['-- migrate:dialect postgresql', 'SELECT 1;', '-- migrate:end'].join('\n');
  t.deepEqual(run(onlyPg, 'sqlite'), []);
});

test('checksums are per dialect: editing the sqlite section leaves the postgres checksum alone', (t) => {
  const before = parseSqlSource('f', file, 'up');
  const after = parseSqlSource('f', file.replace('doc TEXT', 'doc BLOB').replace('-- migrate:dialect default', '-- migrate:dialect default\n\n'), 'up');
  t.is(dialectChecksum(before, 'postgres'), dialectChecksum(after, 'postgres'));
  t.is(dialectChecksum(before, 'mysql'), dialectChecksum(after, 'mysql'));
  t.not(dialectChecksum(before, 'sqlite'), dialectChecksum(after, 'sqlite'));
  t.regex(dialectChecksum(before, 'sqlite'), /^v1:[0-9a-f]{64}$/);
});

test('checksums ignore line endings and trailing white space, not content', (t) => {
  t.is(checksumOfLines(['SELECT 1;  ', 'SELECT 2;', '']), checksumOfLines(['SELECT 1;', 'SELECT 2;']));
  const crlf = parseSqlSource('f', 'SELECT 1;\r\nSELECT 2;\r\n', 'up');
  const lf = parseSqlSource('f', 'SELECT 1;\nSELECT 2;\n', 'up');
  t.is(dialectChecksum(crlf, 'sqlite'), dialectChecksum(lf, 'sqlite'));
  t.not(checksumOfLines(['SELECT 1;']), checksumOfLines(['SELECT 2;']));
});

test('headers are read from the top of an up file', (t) => {
  const source = parseSqlSource('f', ['-- migrate:revises a, b', '-- a plain comment', '-- migrate:message hello there', 'SELECT 1;'].join('\n'), 'up');
  t.deepEqual(
    source.headers.map((h) => [h.name, h.value, h.line]),
    [
      ['revises', 'a, b', 1],
      ['message', 'hello there', 3],
    ],
  );
  t.deepEqual(source.problems, []);
});
