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

test("check: a transaction-control warning that only some dialects read names them (END; inside PostgreSQL's DO $$ … $$ is no COMMIT)", (t) => {
  // As in kestra's Flyway folder: a DO block with a nested BEGIN … EXCEPTION … END;
  const dir = makeFolder({ 'V1__do.sql': 'DO $$\n  BEGIN\n    BEGIN\n      CREATE TYPE mood AS ENUM (\'ok\');\n    EXCEPTION\n      WHEN duplicate_object THEN null;\n    END;\n  END;\n$$;\n' });
  const [problem, ...more] = fullCheck(loadProject(dir)).filter((p) => p.code === 'transaction-control');
  t.is(more.length, 0);
  t.regex(problem!.message, /controls transactions itself \(line 7, 8\).* \(as mysql, mariadb, sqlite read it; postgres reads no transaction control in it\)$/);
  t.deepEqual(fullCheck(loadProject(dir, { dialects: ['postgres'] })).filter((p) => p.code === 'transaction-control'), []);
});

test('check: "dialects" in the config decides what is an error; --strict fails on warnings; unknown names are refused', async (t) => {
  const { cli } = await import('./helpers/cli.js');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = makeFolder(SQLITE_ONLY);
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-cwd-'));
  const everything = await cli(['--dir', dir, 'check', '--offline'], { cwd });
  t.is(everything.code, 1);
  t.regex(everything.stdout, /error: unterminated/);
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ dialects: ['sqlite'] }));
  const sqliteOnly = await cli(['--dir', dir, 'check', '--offline'], { cwd });
  t.is(sqliteOnly.code, 0, sqliteOnly.stdout);
  t.regex(sqliteOnly.stdout, /warning: unterminated.*not among the project's dialects: sqlite/);
  const strict = await cli(['--dir', dir, 'check', '--offline', '--strict'], { cwd });
  t.is(strict.code, 1);
  t.regex(strict.stdout, /\(--strict: warnings fail\)/);
  // A SQLite database runs it: the folder is valid for its dialect.
  const up = await cli(['--url', `sqlite:${join(cwd, 'app.sqlite')}`, '--dir', dir, '--yes', 'upgrade'], { cwd });
  t.is(up.code, 0, up.stderr);
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ dialects: ['sqlite', 'oracle'] }));
  const bad = await cli(['--dir', dir, 'check', '--offline'], { cwd });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /unknown dialect in "dialects": oracle/);
});

test("check against a database, with no dialects in the config, takes that database's dialect (as lint does): a quote only another dialect's lexer opens is a warning", async (t) => {
  // As in a dbmate folder of MySQL files (Quackster/Kepler) checked against its MariaDB: `\'` escapes no quote in PostgreSQL.
  const { cli } = await import('./helpers/cli.js');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = makeFolder(SQLITE_ONLY);
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-cwd-'));
  const db = join(cwd, 'app.sqlite');
  writeFileSync(db, '');
  const online = await cli(['--url', `sqlite:${db}`, '--dir', dir, 'check'], { cwd });
  t.is(online.code, 0, online.stdout + online.stderr);
  t.regex(online.stdout, /warning: unterminated.*not among the project's dialects: sqlite/);
  // --dialect chooses too; with nothing chosen every dialect's problem is an error, as before.
  const chosen = await cli(['--dialect', 'mysql', '--dir', dir, 'check', '--offline'], { cwd });
  t.is(chosen.code, 1);
  t.regex(chosen.stdout, /error: unterminated string \(opened with '\) in the mysql SQL/);
  const none = await cli(['--dir', dir, 'check', '--offline'], { cwd });
  t.is(none.code, 1);
});

test("an unterminated quote only some dialects read says which read it closed, and how to say the files are theirs", (t) => {
  // Quackster/Kepler's dbmate files are MySQL's: `It\'s` is a closed string there, an open one for PostgreSQL and SQLite.
  const dir = makeFolder({ '1_a.sql': "-- migrate:up\nINSERT INTO pages VALUES (1, 'It\\'s packed');\nINSERT INTO pages VALUES (2, 'b');\n-- migrate:down\nDELETE FROM pages;\n" });
  const [quote, ...more] = fullCheck(loadProject(dir)).filter((p) => p.code === 'unterminated-quote' && p.severity === 'error');
  t.is(more.length, 0);
  t.is(quote!.line, 3);
  t.regex(quote!.hint, /; mysql, mariadb read it closed: if the files are for those databases only, say so with "dialects": \["mysql", "mariadb"\] in migrate-tui\.config\.json \(or --dialect\)/);
  t.notThrows(() => requireValid(loadProject(dir, { dialects: ['mariadb'] })));
  // A quote no dialect closes keeps the plain hint.
  const open = fullCheck(loadProject(makeFolder({ '1_a.up.sql': "SELECT 'x;\n", '1_a.down.sql': 'SELECT 1;\n' }))).find((p) => p.code === 'unterminated-quote')!;
  t.is(open.hint, 'close it; everything after it would be sent as one statement');
});

test('a revision id longer than the state column (64) is an error in check, not a failure on the server', (t) => {
  const id = '1'.repeat(65);
  const dir = makeFolder({ [`${id}_a.up.sql`]: 'SELECT 1;\n', [`${id}_a.down.sql`]: 'SELECT 1;\n' });
  const p = fullCheck(loadProject(dir)).find((x) => x.code === 'revision-id-too-long');
  t.truthy(p);
  t.is(p!.severity, 'error');
  t.regex(p!.message, /65 characters; the state tables hold at most 64/);
  t.throws(() => requireValid(loadProject(dir), 'sqlite'));
});

test('versionTable and logTable must differ', async (t) => {
  const { stateTableNames } = await import('../src/engine/index.js');
  t.throws(() => stateTableNames('migrate_tui_log', 'MIGRATE_TUI_LOG'), { message: /versionTable and logTable are both/ });
  t.deepEqual(stateTableNames('v', 'l'), { version: 'v', log: 'l', lock: 'migrate_tui_lock' });
  t.throws(() => stateTableNames('v', 'l', 'V'), { message: /versionTable and lockTable are both "v"/ });
});
