import test from 'ava';
import { dialectSyntax, splitStatements, type DialectName } from '../src/engine/index.js';

const split = (sql: string, dialect: DialectName) => splitStatements(sql.split('\n'), dialectSyntax(dialect).splitter);
const sqls = (sql: string, dialect: DialectName) => split(sql, dialect).statements.map((s) => s.sql);

test('a PostgreSQL $$ function body with semicolons is one statement', (t) => {
  const sql = [
    'CREATE FUNCTION touch() RETURNS trigger AS $$',
    'BEGIN',
    "  NEW.updated_at := now(); -- ; in a comment",
    "  RAISE NOTICE 'done;';",
    '  RETURN NEW;',
    'END;',
    '$$ LANGUAGE plpgsql;',
    'CREATE TABLE t (id int);',
  ].join('\n');
  const result = split(sql, 'postgres');
  t.is(result.statements.length, 2);
  t.true(result.statements[0]!.sql.endsWith('$$ LANGUAGE plpgsql'));
  t.deepEqual(result.statements.map((s) => s.line), [1, 8]);
  t.deepEqual(result.problems, []);
});

test('tagged dollar quotes nest other dollar quotes; $1 is not a dollar quote', (t) => {
  const sql = "DO $outer$ BEGIN EXECUTE $q$SELECT 1;$q$; END $outer$;\nPREPARE p AS SELECT $1;\nSELECT 2;";
  t.deepEqual(sqls(sql, 'postgres'), ['DO $outer$ BEGIN EXECUTE $q$SELECT 1;$q$; END $outer$', 'PREPARE p AS SELECT $1', 'SELECT 2']);
});

test('a SQLite trigger body (with CASE … END inside) is one statement', (t) => {
  const sql = [
    'CREATE TRIGGER users_touch AFTER UPDATE ON users',
    'BEGIN',
    "  UPDATE users SET updated_at = CASE WHEN NEW.x THEN 'a;' ELSE 'b' END WHERE id = NEW.id;",
    '  INSERT INTO audit VALUES (NEW.id);',
    'END;',
    'SELECT 1;',
  ].join('\n');
  const result = split(sql, 'sqlite');
  t.is(result.statements.length, 2);
  t.true(result.statements[0]!.sql.endsWith('END'));
  t.is(result.statements[1]!.line, 6);
});

test('a MySQL procedure with IF/WHILE and nested BEGIN splits without DELIMITER', (t) => {
  const sql = [
    'CREATE PROCEDURE p()',
    'BEGIN',
    '  DECLARE i INT DEFAULT 0;',
    '  WHILE i < 3 DO',
    '    IF i = 1 THEN SET i = i + 1; END IF;',
    '    BEGIN SELECT i; END;',
    '    SET i = i + 1;',
    '  END WHILE;',
    'END;',
    'DROP TABLE IF EXISTS x;',
  ].join('\n');
  t.deepEqual(sqls(sql, 'mysql').map((s) => s.split('\n')[0]), ['CREATE PROCEDURE p()', 'DROP TABLE IF EXISTS x']);
});

test('MySQL DELIMITER changes the terminator and is not sent', (t) => {
  const sql = ['DELIMITER //', 'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END//', 'DELIMITER ;', 'SELECT 1;'].join('\n');
  const result = split(sql, 'mysql');
  t.deepEqual(result.statements.map((s) => [s.line, s.sql]), [
    [2, 'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END'],
    [4, 'SELECT 1'],
  ]);
});

test('MySQL DELIMITER $$ glued to a word (END$$, `name`$$, 1$$) ends the statement, as in the mysql client and Flyway (conductor V8__update_pk.sql)', (t) => {
  const sql = ['DELIMITER $$', 'DROP PROCEDURE IF EXISTS `p`$$', 'CREATE PROCEDURE `p`(IN n INT)', 'BEGIN', '  IF n > 0 THEN', '    SELECT 1;', '  END IF;', 'END$$', 'SELECT 1$$', 'DELIMITER ;', "CALL p(1);"].join('\n');
  for (const dialect of ['mysql', 'mariadb'] as const) {
    t.deepEqual(split(sql, dialect).statements.map((s) => [s.line, s.sql]), [
      [2, 'DROP PROCEDURE IF EXISTS `p`'],
      [3, 'CREATE PROCEDURE `p`(IN n INT)\nBEGIN\n  IF n > 0 THEN\n    SELECT 1;\n  END IF;\nEND'],
      [9, 'SELECT 1'],
      [11, 'CALL p(1)'],
    ]);
  }
});

test('strings with -- and ; inside, quoted identifiers and comments do not split', (t) => {
  const sql = [
    "INSERT INTO t (a) VALUES ('x -- not a comment; still the string');",
    'SELECT "weird;name" FROM t; /* a ; comment',
    'over lines */ SELECT 2;',
    "SELECT 'it''s';",
  ].join('\n');
  t.deepEqual(sqls(sql, 'sqlite'), [
    "INSERT INTO t (a) VALUES ('x -- not a comment; still the string')",
    'SELECT "weird;name" FROM t',
    'SELECT 2',
    "SELECT 'it''s'",
  ]);
});

test('dialect-specific lexing: MySQL backslash escapes and # comments, SQLite brackets, PostgreSQL E-strings and nested comments', (t) => {
  t.deepEqual(sqls("SELECT 'a\\';b'; # c;\nSELECT `x;y`;", 'mysql'), ["SELECT 'a\\';b'", 'SELECT `x;y`']);
  t.deepEqual(sqls('SELECT [a;b] FROM t; SELECT 2;', 'sqlite'), ['SELECT [a;b] FROM t', 'SELECT 2']);
  t.deepEqual(sqls("SELECT E'a\\';b'; SELECT 2;", 'postgres'), ["SELECT E'a\\';b'", 'SELECT 2']);
  t.deepEqual(sqls('/* a /* nested; */ still; */ SELECT 1;', 'postgres'), ['SELECT 1']);
  // Without backslash escapes (SQLite) the backslash is a plain character.
  t.deepEqual(sqls("SELECT 'a\\'; SELECT 2;", 'sqlite'), ["SELECT 'a\\'", 'SELECT 2']);
});

test('statement lines and end lines are exact; leading comments are dropped; a last statement needs no ;', (t) => {
  const sql = ['-- header comment', '', 'CREATE TABLE a (', '  id INT', ');', '  -- trailing comment', 'SELECT 1'].join('\n');
  const { statements } = split(sql, 'postgres');
  t.deepEqual(statements.map((s) => [s.line, s.endLine]), [
    [3, 5],
    [7, 7],
  ]);
});

test('an unterminated string is reported with its line', (t) => {
  const result = split("SELECT 1;\nSELECT 'oops;\nSELECT 2;", 'postgres');
  t.is(result.problems.length, 1);
  t.is(result.problems[0]!.line, 2);
  t.regex(result.problems[0]!.message, /unterminated string/);
});

test('comment-only input has no statements', (t) => {
  t.deepEqual(sqls('-- nothing\n/* here */\n', 'postgres'), []);
});
