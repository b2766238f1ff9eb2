import test from 'ava';
import { dialectSyntax, loadProject, migrationRun, splitStatements, transactionControl, transactionMode } from '../src/engine/index.js';
import { makeFolder } from './helpers/folders.js';

const postgres = dialectSyntax('postgres');
const sqlite = dialectSyntax('sqlite');
const mariadb = dialectSyntax('mariadb');
const statements = (sql: string, dialect = postgres) => splitStatements(sql.split('\n'), dialect.splitter).statements;

test('transaction control is recognised; routine bodies, compound statements and savepoints are not', (t) => {
  for (const sql of ['BEGIN', 'begin transaction', 'BEGIN IMMEDIATE', 'BEGIN EXCLUSIVE TRANSACTION', 'START TRANSACTION', 'start transaction read write', 'BEGIN ISOLATION LEVEL SERIALIZABLE']) {
    t.is(transactionControl(sql), 'begin', sql);
  }
  for (const sql of ['COMMIT', 'commit work', 'END', 'END TRANSACTION']) t.is(transactionControl(sql), 'commit', sql);
  for (const sql of ['ROLLBACK', 'rollback work']) t.is(transactionControl(sql), 'rollback', sql);
  for (const sql of ['ROLLBACK TO SAVEPOINT a', 'BEGIN NOT ATOMIC SELECT 1; END', "DO $$ BEGIN PERFORM 1; END $$", 'END IF', 'SELECT 1', 'COMMITTED']) {
    t.is(transactionControl(sql), null, sql);
  }
});

test('a file wrapped whole in BEGIN … COMMIT runs in our transaction, without the wrapper', (t) => {
  const mode = transactionMode(statements('BEGIN;\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nCOMMIT;\n'), postgres, true);
  t.true(mode.transactional);
  t.true(mode.wrapperRemoved);
  t.deepEqual(mode.statements.map((s) => s.line), [2, 3]);
  t.regex(mode.reason!, /BEGIN \(line 1\) … COMMIT \(line 4\)/);
});

test('transaction control anywhere else: the file runs as written, statement by statement', (t) => {
  const mode = transactionMode(statements('BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n'), postgres, true);
  t.false(mode.transactional);
  t.false(mode.wrapperRemoved);
  t.is(mode.statements.length, 4);
  t.deepEqual(mode.controlLines, [1, 3]);
  t.regex(mode.reason!, /controls transactions itself \(line 1, 3\)/);
  // SQLite's bare COMMIT (golang-migrate files that end the driver's transaction).
  t.false(transactionMode(statements('CREATE TABLE a (id int);\nCOMMIT;\n', sqlite), sqlite, true).transactional);
});

test('statements PostgreSQL refuses in a transaction block make the migration run without one, saying why', (t) => {
  for (const sql of ['CREATE INDEX CONCURRENTLY i ON t (a)', 'create unique index concurrently i on t (a)', 'DROP INDEX CONCURRENTLY i', 'REINDEX TABLE CONCURRENTLY t', 'VACUUM ANALYZE t', 'CREATE DATABASE d', 'ALTER SYSTEM SET work_mem = 1']) {
    const mode = transactionMode(statements(`CREATE TABLE t (a int);\n${sql};\n`), postgres, true);
    t.false(mode.transactional, sql);
    t.regex(mode.reason!, /\(line 2\) cannot run inside a transaction on postgres/, sql);
  }
  t.true(transactionMode(statements('CREATE INDEX i ON t (a);\n'), postgres, true).transactional);
  // SQLite ignores a foreign_keys pragma inside a transaction: it must run outside one.
  t.false(transactionMode(statements('PRAGMA foreign_keys = OFF;\nCREATE TABLE t (a);\n', sqlite), sqlite, true).transactional);
  t.false(transactionMode(statements('VACUUM;\n', sqlite), sqlite, true).transactional);
  t.true(transactionMode(statements('PRAGMA foreign_keys;\n', sqlite), sqlite, true).transactional);
});

test('MySQL/MariaDB keep the file as written (DDL commits implicitly there)', (t) => {
  const mode = transactionMode(statements('BEGIN;\nINSERT INTO a VALUES (1);\nCOMMIT;\n', mariadb), mariadb, true);
  t.false(mode.transactional);
  t.is(mode.statements.length, 3);
});

test('the header wins: `transaction off` runs as written; a migration reports its mode per dialect', (t) => {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
    '2_b.up.sql': 'CREATE INDEX CONCURRENTLY i ON a (id);\n',
    '2_b.down.sql': 'DROP INDEX i;\n',
  });
  const project = loadProject(dir);
  const a = migrationRun(project.graph.get('1'), 'up', postgres);
  t.false(a.transactional);
  t.is(a.statements.length, 3);
  t.is(a.reason, '`-- migrate:transaction off`');
  t.false(migrationRun(project.graph.get('2'), 'up', postgres).transactional);
  t.true(migrationRun(project.graph.get('2'), 'down', postgres).transactional);
  t.true(migrationRun(project.graph.get('2'), 'up', sqlite).transactional);
});
