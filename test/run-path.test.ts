import test from 'ava';
import { checksumOfLines, connectDatabase, DEFAULT_STATE_TABLES, dialectChecksum, loadProject, Migrator, parseDatabaseUrl, parseSqlSource, type DialectName } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * What the run path does before and per step (issue 15, apply/revert 1,000 near the bare
 * driver loop): lint asked for exactly the planned revisions, checksums computed once per
 * file and dialect, and on PostgreSQL the log row a prepared statement (no Describe round
 * trip per step).
 */

/** 002 and 003 each drop the table the revision before made (DS401 when it exists); the downs of 002 and 004 leave their tables (RV601). */
const FOLDER = {
  '001_a.up.sql': 'CREATE TABLE a (id INTEGER);\n',
  '001_a.down.sql': 'DROP TABLE a;\n',
  '002_b.up.sql': 'CREATE TABLE b (id INTEGER);\nDROP TABLE a;\n',
  '002_b.down.sql': 'CREATE TABLE a (id INTEGER);\n',
  '003_c.up.sql': 'CREATE TABLE c (id INTEGER);\nDROP TABLE b;\n',
  '003_c.down.sql': 'CREATE TABLE b (id INTEGER);\nDROP TABLE c;\n',
  '004_d.up.sql': 'CREATE TABLE d (id INTEGER);\n',
  '004_d.down.sql': 'SELECT 1;\n',
};

eachDatabase('the findings printed before a run are those of the revisions it runs, in its direction, and no others', async (t, url) => {
  const dir = makeFolder(FOLDER);
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, '--yes', ...args]);
  t.is((await run('upgrade', '001')).code, 0);
  const second = await run('upgrade', '002');
  t.is(second.code, 0, second.stderr);
  t.regex(second.stderr, /002_b\.up\.sql:2: warning DS401/);
  t.notRegex(second.stderr, /00[134]_/);
  // The findings come before the first step's progress line.
  t.true(second.stderr.indexOf('DS401') < second.stderr.indexOf('↑ [1/1]'), second.stderr);
  const rest = await run('upgrade');
  t.is(rest.code, 0, rest.stderr);
  t.regex(rest.stderr, /003_c\.up\.sql:2: warning DS401/);
  t.notRegex(rest.stderr, /002_b|RV601/);
  const back = await run('downgrade', '-1', '--no-backup');
  t.is(back.code, 0, back.stderr);
  t.regex(back.stderr, /004_d\.down\.sql:\d+: warning RV601/);
  t.notRegex(back.stderr, /DS401|002_b|003_c/);
  // A gate still refuses before anything runs (002's down).
  const refused = await run('downgrade', 'base', '--no-backup', '--lint', 'warning');
  t.is(refused.code, 9, refused.stdout + refused.stderr);
  t.regex(refused.stderr, /002_b\.down\.sql:\d+: warning RV601/);
  const status = JSON.parse((await cli(['--url', url, '--dir', dir, '--json', 'status'])).stdout) as { applied: string[] };
  t.deepEqual(status.applied, ['001', '002', '003']);
});

test('checksums are remembered per file and dialect: each dialect still gets its own', (t) => {
  const text = ['-- migrate:dialect pg', 'SELECT 1;', '-- migrate:dialect mysql, sqlite', 'SELECT 2;', '-- migrate:end', 'SELECT 3;'].join('\n');
  const source = parseSqlSource('f.up.sql', text, 'up');
  const expected = (d: DialectName) => checksumOfLines(source.selectedLines(d));
  for (const d of ['postgres', 'sqlite', 'postgres', 'mysql', 'sqlite'] as const) t.is(dialectChecksum(source, d), expected(d), d);
  t.not(dialectChecksum(source, 'postgres'), dialectChecksum(source, 'sqlite'));
  t.is(dialectChecksum(source, 'sqlite'), dialectChecksum(source, 'mysql'));
  // Another source with another text is its own entry.
  t.not(dialectChecksum(parseSqlSource('f.up.sql', text.replace('SELECT 3', 'SELECT 4'), 'up'), 'postgres'), dialectChecksum(source, 'postgres'));
});

eachDatabase(
  "a step's log row is one prepared statement on the run's connection: after the first step none is described again",
  async (t, url) => {
    const dir = makeFolder(Object.fromEntries(Object.entries(FOLDER).filter(([name]) => !name.startsWith('004'))));
    const target = parseDatabaseUrl(url, 'test', process.cwd());
    const db = await connectDatabase(target, 'test');
    try {
      const m = new Migrator(loadProject(dir), db, { tables: DEFAULT_STATE_TABLES, toolVersion: 'test', lockTimeoutMs: 10_000, connection: target });
      t.is((await m.upgrade('heads')).error, undefined);
      t.is((await m.downgrade('base')).error, undefined);
      // Unprepared, a query with parameters is Parse + Describe, a wait for the answer, then Bind: a round trip more per step, and none is listed here.
      const prepared = await db.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO \"migrate_tui_log\"%'");
      t.is(prepared.length, 1, JSON.stringify(prepared));
      const log = await db.query<{ revision: string; direction: string; status: string; statements_done: unknown }>('SELECT revision, direction, status, statements_done FROM migrate_tui_log ORDER BY id');
      t.deepEqual(
        log.map((r) => `${r.direction} ${r.revision} ${r.status} ${Number(r.statements_done)}`),
        ['up 001 done 1', 'up 002 done 2', 'up 003 done 2', 'down 003 done 2', 'down 002 done 1', 'down 001 done 1'],
      );
      t.is((await db.query('SELECT revision FROM migrate_tui_version')).length, 0);
    } finally {
      await db.close();
    }
  },
  ['postgres'],
);

eachDatabase(
  'statement-by-statement steps share one setting of the session limits for the run, reset at its end, also after a failure',
  async (t, url) => {
    const files = { ...Object.fromEntries(Object.entries(FOLDER).filter(([name]) => !name.startsWith('004'))), '004_bad.up.sql': 'INSERT INTO no_such_table VALUES (1);\n', '004_bad.down.sql': 'SELECT 1;\n' };
    const target = parseDatabaseUrl(url, 'test', process.cwd());
    const db = await connectDatabase(target, 'test');
    try {
      const m = new Migrator(loadProject(makeFolder(files)), db, { tables: DEFAULT_STATE_TABLES, toolVersion: 'test', lockTimeoutMs: 10_000, connection: target });
      // The server's own count of SET statements on this connection, and whether the session is back at the server's default.
      const sets = async () => Number((await db.query<{ Value: string }>("SHOW SESSION STATUS LIKE 'Com_set_option'"))[0]!.Value);
      const atDefault = async () => Number((await db.query<{ d: unknown }>('SELECT @@SESSION.lock_wait_timeout = @@GLOBAL.lock_wait_timeout AS d'))[0]!.d) === 1;
      const before = await sets();
      t.is((await m.upgrade('003')).error, undefined);
      // SET lock_wait_timeout before the first step and back to DEFAULT after the last: 2, not 2 per step (6).
      t.is((await sets()) - before, 2);
      t.true(await atDefault());
      const failed = await m.upgrade('heads');
      t.regex(failed.error!.message, /no_such_table/);
      t.true(await atDefault());
      t.is((await m.downgrade('base')).error, undefined);
      t.true(await atDefault());
      t.is((await sets()) - before, 6);
    } finally {
      await db.close();
    }
  },
  ['mariadb'],
);
