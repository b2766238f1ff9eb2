import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analysePostgres, loadPostgresParser, postgresParserLoaded, preloadPostgresParser } from '../src/engine/index.js';
import { binary } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * PostgreSQL's parser starts loading before lint needs it (its WebAssembly compile overlaps
 * reading the folder), through the package's CommonJS entry; the shipped binary's `lint` and
 * `check` still read every statement with it (nothing "not analysed", the parser's refusal
 * reported).
 */

const parserEntry = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes(`${'libpg-query'}`));

test.serial('preloadPostgresParser starts the load at once, through the CommonJS entry; the parser then reads', async (t) => {
  t.false(postgresParserLoaded());
  t.deepEqual(parserEntry(), []);
  const started = preloadPostgresParser();
  // Started in the call itself (not on a later turn): the package's entry is already required.
  t.true(parserEntry().some((path) => path.endsWith('index.cjs')));
  await started;
  t.true(await loadPostgresParser());
  t.true(postgresParserLoaded());
  const read = analysePostgres('CREATE TABLE t (id BIGINT PRIMARY KEY)', 1);
  t.true(read.analysed);
  t.is(read.actions[0]?.kind, 'create-table');
});

const FOLDER = {
  '001_users.up.sql': 'CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);\n',
  '001_users.down.sql': 'DROP TABLE users;\n',
  '002_bad.up.sql': 'ALTER TABLE users MODIFY email VARCHAR(10);\nCREATE INDEX users_email ON users (email);\n',
  '002_bad.down.sql': 'DROP INDEX users_email;\n',
};

test('the binary: lint --dialect postgres and check read every statement with the parser', (t) => {
  const dir = makeFolder(FOLDER);
  const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'migrate-tui-xdg-')) };
  const lint = binary(['--dir', dir, '--dialect', 'postgres', '--json', 'lint', '--max-severity', 'none'], { env });
  const report = JSON.parse(lint.stdout) as { findings: Array<{ code: string; revision: string }>; notAnalysed: unknown[]; statements: number };
  t.deepEqual(report.notAnalysed, []);
  t.is(report.statements, 5);
  // MODIFY is MySQL's: PostgreSQL's parser refuses it (PG100); the index on an existing table locks it (PG101).
  t.deepEqual(report.findings.map((f) => `${f.revision} ${f.code}`).sort(), ['002 PG100', '002 PG101']);
  const check = binary(['--dir', dir, '--dialect', 'postgres', '--json', 'check'], { env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'migrate-tui-xdg-')) } });
  const checked = JSON.parse(check.stdout) as { lint: { findings: Array<{ code: string }>; notAnalysed: number } };
  t.is(checked.lint.notAnalysed, 0);
  t.true(checked.lint.findings.some((f) => f.code === 'PG100'));
});
