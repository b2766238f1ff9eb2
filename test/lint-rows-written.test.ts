import test from 'ava';
import { dialectSyntax } from '../src/engine/dialects/registry.js';
import { insertInto } from '../src/engine/lint/rows-written.js';

/**
 * The table an INSERT or REPLACE writes into, as SL303/SL304 need it to tell a new table that
 * has rows from an empty one (lint-sqlite-facts.test.ts checks the rules against SQLite): the
 * plain shapes read without the tokenizer and the others (comments, quoted names, a WITH
 * first) with it must name the same table, and no other statement names one.
 */
const SQLITE: Array<[string, string | null]> = [
  ['INSERT INTO t (id) VALUES (1)', 't'],
  ['insert into T(id) values (1)', 'T'],
  ['INSERT OR IGNORE INTO "t" (id) VALUES (1)', 't'],
  ['INSERT OR REPLACE INTO main.t VALUES (1)', 't'],
  ['REPLACE INTO t VALUES (1)', 't'],
  ['INSERT INTO main . t\nSELECT 1', 't'],
  ['-- a comment\nINSERT INTO t VALUES (1)', 't'],
  ['/* x */ INSERT INTO t DEFAULT VALUES', 't'],
  ['WITH u AS (SELECT 1) INSERT INTO t SELECT * FROM u', 't'],
  ['INSERT INTO t', 't'],
  ['INSERT INTO "my table" VALUES (1)', 'my table'],
  ['UPDATE t SET a = 1', null],
  ['SELECT replace(a, b, c) FROM t', null],
  ['WITH u AS (SELECT 1) SELECT * FROM u', null],
  ['CREATE TABLE t (id INT)', null],
];
const MYSQL: Array<[string, string | null]> = [
  ['INSERT LOW_PRIORITY IGNORE INTO `db`.`t` VALUES (1)', 't'],
  ['INSERT IGNORE t VALUES (1)', 't'],
  ['INSERT INTO t SET a = 1', 't'],
];

test('insertInto names the table an INSERT or REPLACE writes into, and nothing for other statements', (t) => {
  for (const [sql, table] of SQLITE) t.is(insertInto(sql, dialectSyntax('sqlite')), table, sql);
  for (const [sql, table] of MYSQL) t.is(insertInto(sql, dialectSyntax('mysql')), table, sql);
});
