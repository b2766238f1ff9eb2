import test from 'ava';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS } from '../src/engine/dialects/registry.js';
import { dialectChecksum } from '../src/engine/files/checksum.js';
import { sourceStatements } from '../src/engine/files/migration-sql.js';
import { parseSqlSource } from '../src/engine/files/sql-source.js';
import { readStreamedSource } from '../src/engine/files/streamed-source.js';
import { summarise } from '../src/engine/files/transaction-mode.js';
import { splitText } from '../src/engine/files/sql-splitter.js';

/**
 * Issue 12 item 8 / issue 15 item 5: a large file is read a chunk at a time, and gives
 * exactly what reading it whole gives: statements, lines, problems, checksum.
 */

const FRAGMENTS = [
  "INSERT INTO t VALUES (1, 'a;b');",
  "INSERT INTO t VALUES (2, 'it''s; here');",
  '-- a comment; with a semicolon',
  '/* a block\ncomment; over lines */',
  'SELECT $$ a ; b $$;',
  'SELECT $tag$ x ; y $tag$ AS v;',
  "SELECT E'a\\'; b';",
  'CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;',
  '-- migrate:dialect postgres\nSELECT 1 AS pg;\n-- migrate:dialect default\nSELECT 2 AS other;\n-- migrate:end',
  "INSERT INTO t VALUES (3, 'é 漢 😀');",
  '',
  '   ',
  'SELECT 4;   ',
  `INSERT INTO t VALUES (5, '${'long '.repeat(60)}');`,
  'SELECT\n  5\n  ;',
  "SELECT 'unterminated",
  'BEGIN;',
  'COMMIT;',
  'DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //\nDELIMITER ;',
];

const writeTemp = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'migrate-tui-stream-')), 'x.up.sql');
  writeFileSync(path, text);
  return path;
};

test('a file read a chunk at a time gives the statements, lines, problems, checksum and transaction summary of the whole file, for every dialect', (t) => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 25 }), fc.constantFrom('\n', '\r\n'), fc.integer({ min: 16, max: 300 }), fc.boolean(), (parts, eol, chunk, finalNewline) => {
      const text = parts.join('\n').split('\n').join(eol) + (finalNewline ? eol : '');
      const path = writeTemp(text);
      const whole = parseSqlSource(path, text, 'up');
      const problems: never[] = [];
      const streamed = readStreamedSource(path, 'up', Buffer.byteLength(text), problems, null, chunk)!;
      t.truthy(streamed.streamed);
      t.deepEqual(streamed.headers, whole.headers);
      t.deepEqual(problems, [...whole.problems]);
      for (const dialect of DIALECTS) {
        const expected = sourceStatements(whole, dialect);
        const scan = streamed.streamed!.scan(dialect);
        const all = [...streamed.streamed!.batches(dialect, 0, Infinity)].flat();
        t.deepEqual(all, [...expected.statements], `${dialect.name}, chunk ${chunk}`);
        t.deepEqual(scan.problems, expected.problems, dialect.name);
        t.deepEqual(scan.summary, summarise(expected.statements, dialect), dialect.name);
        t.is(dialectChecksum(streamed, dialect.name), dialectChecksum(whole, dialect.name), dialect.name);
        // Cut at the scan's checkpoints, each text splits into exactly its statements.
        const fromTexts = [...streamed.streamed!.textBatches(dialect)].flatMap((b) => {
          const split = splitText(b.text, dialect.splitter, { lineOffset: b.lineOffset, delimiter: b.delimiter, more: false }).statements;
          t.is(split.length, b.count);
          return split;
        });
        t.deepEqual(fromTexts, [...expected.statements], `${dialect.name} text batches, chunk ${chunk}`);
        // A resume from statement k reads the same statements k…
        const k = Math.floor(expected.statements.length / 2);
        t.deepEqual([...streamed.streamed!.batches(dialect, k, Infinity)].flat(), expected.statements.slice(k));
      }
    }),
    { numRuns: 60 },
  );
});

test('a NUL byte or bad UTF-8 deep in a streamed file is a problem naming its line, and nothing is read', (t) => {
  const lines = Array.from({ length: 400 }, (_, k) => `INSERT INTO t VALUES (${k});`);
  for (const [bad, code] of [[Buffer.from([0]), 'nul-byte'], [Buffer.from([0xff, 0xfe]), 'not-utf8']] as const) {
    const path = writeTemp('');
    writeFileSync(path, Buffer.concat([Buffer.from(lines.slice(0, 300).join('\n') + '\nSELECT '), bad, Buffer.from('1;\n' + lines.slice(300).join('\n'))]));
    const problems: Array<{ code: string; line: number }> = [];
    t.is(readStreamedSource(path, 'up', 1, problems as never, null, 64), null);
    t.like(problems[0], { code, line: 301 });
  }
});

