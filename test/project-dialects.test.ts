import test from 'ava';
import { fullCheck, loadProject, requireValid } from '../src/engine/index.js';
import { makeFolder } from './helpers/folders.js';

// `--don't` is a comment everywhere but MySQL/MariaDB, whose `--` needs a space after it: there it is a quote.
const SQLITE_ONLY = { '1_a.up.sql': "CREATE TABLE a (id int); --don't worry\nCREATE TABLE b (id int);\n", '1_a.down.sql': 'DROP TABLE b;\nDROP TABLE a;\n' };

test('a problem only an undeclared dialect has is a warning; for a declared dialect it is an error', (t) => {
  const dir = makeFolder(SQLITE_ONLY);
  const sqliteProject = loadProject(dir, { dialects: ['sqlite'] });
  const quotes = fullCheck(sqliteProject).filter((p) => p.code === 'unterminated-quote');
  t.true(quotes.length > 0);
  t.true(quotes.every((p) => p.severity === 'warning'));
  t.regex(quotes[0]!.message, /is not among the project's dialects: sqlite/);
  t.notThrows(() => requireValid(sqliteProject));
  const everything = loadProject(dir);
  t.true(fullCheck(everything).some((p) => p.code === 'unterminated-quote' && p.severity === 'error'));
  t.throws(() => requireValid(everything));
  // Running against a database validates that database's dialect.
  t.notThrows(() => requireValid(everything, 'sqlite'));
  t.throws(() => requireValid(everything, 'mysql'));
});

test('check warns about files that control transactions, saying what will happen', (t) => {
  const dir = makeFolder({
    '1_wrapped.up.sql': 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n',
    '1_wrapped.down.sql': 'DROP TABLE a;\n',
    '2_mixed.up.sql': 'BEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\nCREATE TABLE c (id int);\n',
    '2_mixed.down.sql': 'DROP TABLE c;\nBEGIN;\nDROP TABLE b;\n',
  });
  const problems = fullCheck(loadProject(dir)).filter((p) => p.code === 'transaction-control');
  t.deepEqual(
    problems.map((p) => [p.path.slice(dir.length + 1), p.line, p.severity]),
    [
      ['1_wrapped.up.sql', 1, 'warning'],
      ['2_mixed.down.sql', 2, 'warning'],
      ['2_mixed.up.sql', 1, 'warning'],
    ],
  );
  t.regex(problems[0]!.message, /recognises it and runs the file in its own transaction/);
  t.regex(problems[1]!.message, /opened at line 2 is never closed, so it is committed at the end of the file/);
  t.regex(problems[2]!.message, /controls transactions itself \(line 1, 3\): it runs as written/);
});
