import test from 'ava';
import { classifyStatement, dialectSyntax, type DialectName } from '../src/engine/index.js';

const risks = (sql: string, dialect: DialectName = 'postgres') => classifyStatement(sql, dialectSyntax(dialect)).map((r) => [r.kind, r.table, ...(r.column ? [r.column] : [])]);

test('DROP TABLE in its forms: IF EXISTS, several tables, quoted and schema-qualified names, TEMPORARY', (t) => {
  t.deepEqual(risks('DROP TABLE users'), [['drop-table', 'users']]);
  t.deepEqual(risks('drop table if exists Users, "Order Items" cascade'), [
    ['drop-table', 'Users'],
    ['drop-table', 'Order Items'],
  ]);
  t.deepEqual(risks('DROP TABLE sales."line items"'), [['drop-table', 'sales.line items']]);
  t.deepEqual(risks('DROP TABLE `app`.`users`', 'mysql'), [['drop-table', 'app.users']]);
  t.deepEqual(risks('DROP TEMPORARY TABLE IF EXISTS tmp', 'mysql'), [['drop-table', 'tmp']]);
  t.deepEqual(risks('DROP TABLE [weird name]', 'sqlite'), [['drop-table', 'weird name']]);
});

/**
 * MySQL/MariaDB with sql_mode ANSI_QUOTES (on the server, or set by a migration): "t1" names a
 * table. The preview said "data at risk: none found (no DROP TABLE …)" before a downgrade whose
 * DROP TABLE "t1" then dropped a table of 2 rows. In the default sql_mode a string cannot stand
 * there, so reading it as a name is right under either mode.
 */
test('MySQL: a double-quoted name (sql_mode ANSI_QUOTES) is a table or column at risk; a double-quoted string elsewhere is not', (t) => {
  t.deepEqual(risks('DROP TABLE "t1"', 'mysql'), [['drop-table', 't1']]);
  t.deepEqual(risks('DROP TABLE IF EXISTS "app"."Order Items", t2', 'mariadb'), [['drop-table', 'app.Order Items'], ['drop-table', 't2']]);
  t.deepEqual(risks('TRUNCATE "t1"', 'mysql'), [['truncate', 't1']]);
  t.deepEqual(risks('DELETE FROM "t1"', 'mysql'), [['delete-all', 't1']]);
  t.deepEqual(risks('ALTER TABLE "t1" DROP COLUMN "c"', 'mysql'), [['drop-column', 't1', 'c']]);
  t.deepEqual(risks('DELETE FROM t1 WHERE note = "DROP TABLE x"', 'mysql'), []);
});

test('ALTER TABLE … DROP COLUMN in each dialect syntax; other DROPs are not columns', (t) => {
  t.deepEqual(risks('ALTER TABLE users DROP COLUMN email'), [['drop-column', 'users', 'email']]);
  t.deepEqual(risks('ALTER TABLE IF EXISTS ONLY public.users DROP COLUMN IF EXISTS "E-mail" CASCADE'), [['drop-column', 'public.users', 'E-mail']]);
  t.deepEqual(risks('ALTER TABLE users DROP email, DROP COLUMN phone, ADD COLUMN x INT', 'mysql'), [
    ['drop-column', 'users', 'email'],
    ['drop-column', 'users', 'phone'],
  ]);
  t.deepEqual(risks('ALTER TABLE users DROP COLUMN email', 'sqlite'), [['drop-column', 'users', 'email']]);
  t.deepEqual(risks('ALTER TABLE users DROP INDEX ix, DROP PRIMARY KEY, DROP FOREIGN KEY fk, DROP CONSTRAINT c', 'mysql'), []);
  t.deepEqual(risks('ALTER TABLE users ALTER COLUMN email DROP NOT NULL, ALTER COLUMN id DROP DEFAULT'), []);
  t.deepEqual(risks('ALTER TABLE t ADD CONSTRAINT c CHECK (a IN (1, 2)), DROP COLUMN b'), [['drop-column', 't', 'b']]);
});

test('TRUNCATE and DELETE without WHERE count; DELETE with WHERE does not', (t) => {
  t.deepEqual(risks('TRUNCATE TABLE a, b'), [
    ['truncate', 'a'],
    ['truncate', 'b'],
  ]);
  t.deepEqual(risks('TRUNCATE audit_log', 'mysql'), [['truncate', 'audit_log']]);
  t.deepEqual(risks('DELETE FROM sessions'), [['delete-all', 'sessions']]);
  t.deepEqual(risks("DELETE FROM sessions WHERE created_at < '2020-01-01'"), []);
});

test('a DROP inside a string literal, a comment or a dollar quote does not count', (t) => {
  t.deepEqual(risks("INSERT INTO notes VALUES ('DROP TABLE users')"), []);
  t.deepEqual(risks("INSERT INTO notes VALUES ('it''s; DROP TABLE users')"), []);
  t.deepEqual(risks("INSERT INTO notes VALUES ('a\\' DROP TABLE users')", 'mysql'), []);
  t.deepEqual(risks('-- DROP TABLE users\nSELECT 1'), []);
  t.deepEqual(risks('/* DROP TABLE users */ SELECT 1'), []);
  t.deepEqual(risks("CREATE FUNCTION f() RETURNS void AS $$ BEGIN DROP TABLE users; END $$ LANGUAGE plpgsql"), []);
  t.deepEqual(risks('DROP INDEX users_email_key'), []);
  t.deepEqual(risks('DROP VIEW v'), []);
});
