import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryAsync } from './helpers/cli.js';
import { eachDatabase, withDb, withMigrator } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { startMariadb } from './servers.js';

/**
 * The tool's own SQL under the session settings users run with, set on the server or by a
 * migration of the same run (which then holds for the steps after it): every state row must
 * be written, and read back, as it is.
 */

/**
 * `upgrade --sql` run by the database's own client in a session that reads backslashes
 * otherwise (MariaDB NO_BACKSLASH_ESCAPES, PostgreSQL standard_conforming_strings=off): the
 * script's log row doubled a migration's backslashes for MySQL's default sql_mode (and left
 * them single for PostgreSQL's default), so the log kept other SQL than the file's.
 */
eachDatabase('an upgrade --sql script run by psql / mariadb in a session that reads backslashes otherwise keeps the migration\'s text in the log', async (t, url, database) => {
  const statement = database.name === 'postgres' ? "SELECT E'a\\\\b' AS x, 'it''s' AS y" : "SELECT 'it''s a \\\\ b' AS x";
  const dir = makeFolder({ '1_a.up.sql': `${statement};\n`, '1_a.down.sql': 'SELECT 1;\n' });
  const script = await binaryAsync(['--dir', dir, 'upgrade', '--sql', '--dialect', database.name]);
  t.is(script.code, 0, script.stderr);
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const client =
    database.name === 'postgres'
      ? spawnSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-h', u.hostname, '-p', u.port, '-U', u.username, '-d', u.pathname.slice(1)], { input: script.stdout, encoding: 'utf8', env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password), PGOPTIONS: '-c standard_conforming_strings=off -c escape_string_warning=off' } })
      : spawnSync('mariadb', ['--no-defaults', '-h', u.hostname, '-P', u.port, '-u', u.username, "--init-command=SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'", u.pathname.slice(1)], { input: script.stdout, encoding: 'utf8', env: { ...process.env, MYSQL_PWD: decodeURIComponent(u.password) } });
  t.is(client.status, 0, client.stderr);
  const kept = await withDb(url, async (db) => (await db.query<{ s: string }>("SELECT sql_text AS s FROM migrate_tui_log WHERE revision = '1'"))[0]!.s);
  t.is(kept, `${statement};`);
}, ['postgres', 'mariadb']);

/**
 * sql_mode=NO_BACKSLASH_ESCAPES set by a migration: mysql2's escaping (`\'`) then ended the
 * string early in the next state row with a quote in it, here the failure's error ("Table
 * '…' doesn't exist"): the failure was not recorded and status said "no outcome was recorded".
 */
/** A migration's statement with a quote, a backslash and characters outside ASCII (no `\'`: the splitter reads MySQL's default sql_mode). */
const TEXT_STATEMENT = "INSERT INTO t2 VALUES ('it''s Zoë 🚀 \\n')";

eachDatabase('MariaDB: after a migration sets sql_mode=NO_BACKSLASH_ESCAPES, the state rows keep quotes and backslashes, and a failure is recorded', async (t, url) => {
  const dir = makeFolder({
    '1_mode.up.sql': "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES';\nCREATE TABLE t1 (id int);\n",
    '1_mode.down.sql': 'DROP TABLE t1;\n',
    '2_text.up.sql': `CREATE TABLE t2 (v text CHARACTER SET utf8mb4);\n${TEXT_STATEMENT};\n`,
    '2_text.down.sql': 'DROP TABLE t2;\n',
    '3_fails.up.sql': 'CREATE TABLE t3 (id int);\nINSERT INTO nope VALUES (1);\n',
    '3_fails.down.sql': 'DROP TABLE t3;\n',
  });
  const result = await withMigrator(url, dir, (m) => m.upgrade('heads'));
  t.deepEqual(result.steps.map((s) => `${s.revision} ${s.status}`), ['1 done', '2 done', '3 failed']);
  const state = await withMigrator(url, dir, (m) => m.readState());
  t.deepEqual(state.versionRows, ['2']);
  t.is(state.dirty?.revision, '3');
  t.is(state.dirty?.statementsDone, 1);
  t.is(state.dirty?.uncertain, null, 'the failure was recorded');
  t.regex(state.dirty?.error ?? '', /Table '.*nope' doesn't exist/);
  const kept = await withDb(url, async (db) => (await db.query<{ s: string }>("SELECT sql_text AS s FROM migrate_tui_log WHERE revision = '2'"))[0]!.s);
  t.true(kept.includes(TEXT_STATEMENT), `the text is kept as it is in the file: ${kept}`);
  // The server read the file's \n as two characters (NO_BACKSLASH_ESCAPES held for this step).
  t.is(await withDb(url, async (db) => (await db.query<{ v: string }>('SELECT v FROM t2'))[0]!.v), "it's Zoë 🚀 \\n");
}, ['mariadb']);

/**
 * `SET autocommit = 0` in a migration: every state row after it stayed in a transaction that
 * nothing committed, rolled back when the run closed its connection: the run said "applied 3"
 * and the database read dirty at the step after the SET.
 */
eachDatabase('MariaDB: a migration that sets autocommit=0 does not leave the next steps\' state rows uncommitted', async (t, url) => {
  const dir = makeFolder({
    '1_ac.up.sql': 'SET autocommit = 0;\nCREATE TABLE t1 (id int);\nINSERT INTO t1 VALUES (1);\n',
    '1_ac.down.sql': 'DROP TABLE t1;\n',
    '2_b.up.sql': 'INSERT INTO t1 VALUES (2);\n',
    '2_b.down.sql': 'DELETE FROM t1 WHERE id = 2;\n',
    '3_c.up.sql': 'INSERT INTO t1 VALUES (3);\n',
    '3_c.down.sql': 'DELETE FROM t1 WHERE id = 3;\n',
  });
  const result = await withMigrator(url, dir, (m) => m.upgrade('heads'));
  t.is(result.error, undefined, result.error?.message);
  const state = await withMigrator(url, dir, (m) => m.readState());
  t.is(state.dirty, null);
  t.deepEqual(state.versionRows, ['3']);
  t.deepEqual(await withDb(url, async (db) => (await db.query<{ id: number }>('SELECT id FROM t1 ORDER BY id')).map((r) => Number(r.id))), [1, 2, 3]);
}, ['mariadb']);

/**
 * A server whose new sessions have autocommit off (autocommit=0 in its configuration) and
 * sql_mode NO_BACKSLASH_ESCAPES: a private server, as these are global. The run said "applied
 * 2 revisions" while the database kept 1 and read dirty; stamp said "stamped" and changed nothing.
 */
test('MariaDB with global autocommit=0 and sql_mode=NO_BACKSLASH_ESCAPES: upgrade, stamp and downgrade write what they say', async (t) => {
  let server;
  try {
    server = await startMariadb();
  } catch (error) {
    t.log(`MARIADB NOT AVAILABLE: not tested (${String(error).split('\n')[0]})`);
    if (process.env.CI === 'true') t.fail('MariaDB not available');
    else t.pass();
    return;
  }
  try {
    await withDb(server.url, async (db) => {
      await db.execute('CREATE DATABASE app');
      await db.execute("SET GLOBAL autocommit = 0, GLOBAL sql_mode = 'NO_BACKSLASH_ESCAPES'");
    });
    const url = server.url.replace(/\/mysql$/, '/app');
    const dir = makeFolder({
      '1_a.up.sql': "CREATE TABLE t1 (name varchar(50));\nINSERT INTO t1 VALUES ('O''Brien');\n",
      '1_a.down.sql': 'DROP TABLE t1;\n',
      '2_b.up.sql': 'INSERT INTO t1 VALUES (\'b\');\n',
      '2_b.down.sql': "DELETE FROM t1 WHERE name = 'b';\n",
    });
    const up = await withMigrator(url, dir, (m) => m.upgrade('heads'));
    t.is(up.error, undefined, up.error?.message);
    let state = await withMigrator(url, dir, (m) => m.readState());
    t.is(state.dirty, null);
    t.deepEqual(state.versionRows, ['2']);
    await withMigrator(url, dir, (m) => m.stamp('1'));
    t.deepEqual((await withMigrator(url, dir, (m) => m.readState())).versionRows, ['1']);
    const down = await withMigrator(url, dir, (m) => m.downgrade('base'));
    t.is(down.error, undefined, down.error?.message);
    state = await withMigrator(url, dir, (m) => m.readState());
    t.deepEqual(state.versionRows, []);
    t.is(state.dirty, null);
  } finally {
    await server.stop();
  }
});

/**
 * A database whose default character set is latin1 (MariaDB's compiled-in default, or
 * character_set_server=latin1): the state tables took it, and the log kept a migration's text
 * outside Latin-1 as '?' (a resume from the log would run other SQL than the file's).
 */
eachDatabase('MariaDB: in a latin1 database the log keeps a migration\'s text whole (the state tables are utf8mb4)', async (t, url) => {
  await withDb(url, (db) => db.execute(`ALTER DATABASE \`${url.split('/').pop()}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`));
  const statement = "SELECT 'Zoë 🚀 日本' AS x";
  const dir = makeFolder({ '1_a.up.sql': `${statement};\n`, '1_a.down.sql': 'SELECT 1;\n' });
  const result = await withMigrator(url, dir, (m) => m.upgrade('heads'));
  t.is(result.error, undefined, result.error?.message);
  const kept = await withDb(url, async (db) => (await db.query<{ s: string }>("SELECT sql_text AS s FROM migrate_tui_log WHERE revision = '1'"))[0]!.s);
  t.is(kept, `${statement};`);
}, ['mariadb']);

/**
 * A migration that moves the session elsewhere (PostgreSQL `SET search_path`, MySQL `USE`):
 * the state rows after it were written, unqualified, where the session now pointed. PostgreSQL
 * rolled the step back ('relation "migrate_tui_version" does not exist', with a hint about
 * dropping migrate-tui's tables); MariaDB said statement 3 of 4 had failed, and status read
 * dirty with no outcome recorded, for a migration that had run whole.
 */
/**
 * A step's state rows are timed by the server in the same write as its statements (one round
 * trip): a statement putting a schema with its own now() before pg_catalog in search_path
 * must not change how the rows are timed (unqualified, the duration overflowed and the step failed).
 */
eachDatabase('PostgreSQL: a migration whose search_path puts its own now() before pg_catalog: the step\'s rows are still timed by the server\'s clock', async (t, url) => {
  const dir = makeFolder({
    '1_shadow.up.sql': "CREATE SCHEMA shadow;\nCREATE FUNCTION shadow.now() RETURNS timestamptz AS $$ SELECT '2000-01-01 00:00:00+00'::timestamptz $$ LANGUAGE sql;\nSET search_path = shadow, pg_catalog, public;\nCREATE TABLE public.t1 (id int);\n",
    '1_shadow.down.sql': 'DROP TABLE public.t1;\nDROP SCHEMA shadow CASCADE;\n',
  });
  const result = await withMigrator(url, dir, (m) => m.upgrade('heads'));
  t.is(result.error, undefined, result.error?.message);
  const row = await withDb(url, async (db) => (await db.query<{ s: string; f: string; d: number }>("SELECT started_at AS s, finished_at AS f, duration_ms AS d FROM public.migrate_tui_log WHERE revision = '1' AND status = 'done'"))[0]!);
  t.true(row.d >= 0 && row.d < 60_000, `duration ${row.d} ms`);
  t.true(Date.parse(row.f) - Date.parse(row.s) === Number(row.d) || Math.abs(Date.parse(row.f) - Date.parse(row.s) - Number(row.d)) <= 1, `${row.s} → ${row.f}, ${row.d} ms`);
}, ['postgres']);

eachDatabase('a migration that sets search_path (PostgreSQL) or USEs another database (MariaDB): the state rows stay where they were', async (t, url, database) => {
  const other = `${url.split('/').pop()}_other`;
  const move = database.name === 'postgres' ? `CREATE SCHEMA ${other};\nSET search_path = ${other};\n` : `CREATE DATABASE ${other};\nUSE ${other};\n`;
  const dir = makeFolder({
    '1_move.up.sql': `${move}CREATE TABLE t1 (id int);\n`,
    '1_move.down.sql': `DROP TABLE ${other}.t1;\n`,
    '2_b.up.sql': 'CREATE TABLE t2 (id int);\n',
    '2_b.down.sql': `DROP TABLE ${other}.t2;\n`,
    '3_c.up.sql': 'CREATE TABLE t3 (id int);\n',
    '3_c.down.sql': `DROP TABLE ${other}.t3;\n`,
  });
  try {
    const result = await withMigrator(url, dir, async (m) => {
      const up = await m.upgrade('heads');
      // The same session, after the move: what a TUI session reads next.
      return { up, state: await m.readState() };
    });
    t.is(result.up.error, undefined, result.up.error?.message);
    t.deepEqual(result.up.steps.map((s) => `${s.revision} ${s.status}`), ['1 done', '2 done', '3 done']);
    t.deepEqual(result.state.versionRows, ['3']);
    const state = await withMigrator(url, dir, (m) => m.readState());
    t.is(state.dirty, null);
    t.deepEqual(state.versionRows, ['3']);
    const down = await withMigrator(url, dir, (m) => m.downgrade('base'));
    t.is(down.error, undefined, down.error?.message);
    t.deepEqual((await withMigrator(url, dir, (m) => m.readState())).versionRows, []);
  } finally {
    if (database.name === 'mariadb') await withDb(url, (db) => db.execute(`DROP DATABASE IF EXISTS ${other}`));
  }
}, ['postgres', 'mariadb']);

/**
 * A database whose sessions are read-only (default_transaction_read_only = on; a standby
 * answers the same): looking works, and a command that would write says the database takes
 * no writes and that nothing was written, with what to change (it said "the database said:
 * cannot execute CREATE TABLE in a read-only transaction").
 */
eachDatabase('PostgreSQL with default_transaction_read_only = on: status works; upgrade and stamp say the database takes no writes and nothing was written', async (t, url) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE t1 (id int);\n', '1_a.down.sql': 'DROP TABLE t1;\n', '2_b.up.sql': 'CREATE TABLE t2 (id int);\n', '2_b.down.sql': 'DROP TABLE t2;\n' });
  t.is((await withMigrator(url, dir, (m) => m.upgrade('1'))).error, undefined);
  const name = url.split('/').pop()!;
  await withDb(url, (db) => db.execute(`ALTER DATABASE ${name} SET default_transaction_read_only = on`));
  try {
    const status = await binaryAsync(['--dir', dir, '--url', url, 'status']);
    t.is(status.code, 0, status.stderr);
    t.regex(status.stdout, /pending:\s+2 b/);
    // A downgrade refuses before its backup: no dump of a database the run could never write to.
    const backups = mkdtempSync(join(tmpdir(), 'migrate-tui-ro-backups-'));
    for (const args of [['upgrade'], ['stamp', 'base'], ['downgrade', 'base', '--backup-dir', backups]]) {
      const run = await binaryAsync(['--dir', dir, '--url', url, '--yes', '--json', ...args]);
      const error = (JSON.parse(run.stdout) as { error?: { code: string; message: string; hint: string } }).error;
      t.is(error?.code, 'read-only-database', args.join(' '));
      t.regex(error?.message ?? '', /takes no writes \(cannot execute .* in a read-only transaction\); nothing was written/);
      t.regex(error?.hint ?? '', /default_transaction_read_only/);
    }
    t.deepEqual(readdirSync(backups), [], 'no backup was written');
    const down = await binaryAsync(['--dir', dir, '--url', url, '--yes', 'downgrade', 'base', '--backup-dir', backups]);
    t.regex(down.stderr, /nothing was written to it, and no backup was taken/);
  } finally {
    await withDb(url, async (db) => {
      await db.execute('SET default_transaction_read_only = off');
      await db.execute(`ALTER DATABASE ${name} SET default_transaction_read_only = off`);
    });
  }
  const state = await withMigrator(url, dir, (m) => m.readState());
  t.deepEqual(state.versionRows, ['1']);
  t.is(state.log.length, 1);
}, ['postgres']);

/**
 * A migration that changes the client's character set (PostgreSQL `SET client_encoding`, MySQL
 * `SET NAMES`): the drivers still send UTF-8, and the server read the next state rows in the
 * other encoding: the log kept 'Zoë' as 'ZoÃ«'.
 */
eachDatabase('a migration that sets client_encoding / SET NAMES latin1: the next steps\' log rows keep their text', async (t, url, database) => {
  const statement = "INSERT INTO t1 VALUES ('Zoë ünïcödé 日本')";
  const dir = makeFolder({
    '1_enc.up.sql': `${database.name === 'postgres' ? "SET client_encoding = 'LATIN1'" : 'SET NAMES latin1'};\nCREATE TABLE t1 (v varchar(40));\nSELECT 'für Zoë';\n`,
    '1_enc.down.sql': 'DROP TABLE t1;\n',
    '2_text.up.sql': `${statement};\n`,
    '2_text.down.sql': 'DELETE FROM t1;\n',
  });
  const result = await withMigrator(url, dir, (m) => m.upgrade('heads'));
  t.is(result.error, undefined, result.error?.message);
  const kept = await withDb(url, async (db) => (await db.query<{ s: string }>("SELECT sql_text AS s FROM migrate_tui_log WHERE revision = '2'"))[0]!.s);
  t.is(kept, `${statement};`);
  // The step that changed the encoding: its own row too (on PostgreSQL it is sent before its statements have run).
  const own = await withDb(url, async (db) => (await db.query<{ s: string }>("SELECT sql_text AS s FROM migrate_tui_log WHERE revision = '1'"))[0]!.s);
  t.regex(own, /SELECT 'für Zoë'/);
  // PostgreSQL sets UTF-8 back after such a step, so the next step's text reaches the table whole (MariaDB keeps the migration's SET NAMES for the session, as its client does).
  if (database.name === 'postgres') t.deepEqual(await withDb(url, async (db) => (await db.query<{ v: string }>('SELECT v FROM t1')).map((r) => r.v)), ['Zoë ünïcödé 日本']);
}, ['postgres', 'mariadb']);

/**
 * standard_conforming_strings = off (on the database, role or server): the schema snapshot's
 * `nspname NOT LIKE 'pg\_%'` read its backslash as an escape, leaving `pg_%`, whose `_` matches
 * any character: a schema named pgq or pgaudit was left out of the rehearsal's schema diff and
 * of verify's comparisons (a down that forgot to drop it round-tripped ✓).
 */
eachDatabase('PostgreSQL with standard_conforming_strings = off: the schema snapshot keeps a schema whose name starts with pg (not pg_)', async (t, url) => {
  const name = url.split('/').pop()!;
  await withDb(url, (db) => db.execute(`ALTER DATABASE ${name} SET standard_conforming_strings = off`));
  const other = await withDb(url, async (db) => {
    t.is((await db.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings'))[0]?.standard_conforming_strings, 'off');
    await db.execute('CREATE SCHEMA pgq');
    return Object.keys((await db.schema([])).other);
  });
  t.true(other.includes('schema pgq'), other.join(', '));
  t.false(other.some((o) => o.startsWith('schema pg_')), 'the server\'s own schemas (pg_catalog, pg_toast) stay out');
}, ['postgres']);

/**
 * A database or server whose sessions default to client_encoding LATIN1 (ALTER DATABASE … SET
 * client_encoding, or postgresql.conf): pg_dump dumped in that encoding, so a row with text
 * outside Latin-1 ('→') failed the backup ("has no equivalent in encoding LATIN1") and with it
 * the downgrade. The dump is taken in UTF8 and restores the row as it was.
 */
eachDatabase('PostgreSQL with client_encoding = LATIN1 on the database: the backup before a downgrade takes text outside Latin-1, and restores it', async (t, url) => {
  const name = url.split('/').pop()!;
  const dir = makeFolder({ '1_a.up.sql': "CREATE TABLE t1 (v text);\nINSERT INTO t1 VALUES ('a → Zoë 日本');\n", '1_a.down.sql': 'DROP TABLE t1;\n' });
  t.is((await withMigrator(url, dir, (m) => m.upgrade('heads'))).error, undefined);
  await withDb(url, (db) => db.execute(`ALTER DATABASE ${name} SET client_encoding = 'LATIN1'`));
  const backups = mkdtempSync(join(tmpdir(), 'migrate-tui-latin1-backups-'));
  const manifest = await withMigrator(url, dir, (m) => m.backup({ dir: backups, reason: 'test' }));
  t.is((await withMigrator(url, dir, (m) => m.downgrade('base'))).error, undefined);
  const restored = await withMigrator(url, dir, (m) => m.restore(manifest));
  t.is(restored.error, undefined, restored.error?.message);
  t.deepEqual(await withDb(url, async (db) => (await db.query<{ v: string }>('SELECT v FROM t1')).map((r) => r.v)), ['a → Zoë 日本']);
}, ['postgres']);

/**
 * A restore that pg_restore cannot finish (here a view made since depends on a table it drops)
 * says what failed; its hint said "--no-backup skips the backup", a flag restore does not have.
 */
eachDatabase('PostgreSQL: a restore that pg_restore cannot finish does not suggest --no-backup', async (t, url) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE t1 (v text);\n', '1_a.down.sql': 'DROP TABLE t1;\n' });
  t.is((await withMigrator(url, dir, (m) => m.upgrade('heads'))).error, undefined);
  const backups = mkdtempSync(join(tmpdir(), 'migrate-tui-restore-hint-'));
  const manifest = await withMigrator(url, dir, (m) => m.backup({ dir: backups, reason: 'test' }));
  await withDb(url, (db) => db.execute('CREATE VIEW v1 AS SELECT v FROM t1'));
  const restore = await binaryAsync(['--dir', dir, '--url', url, '--yes', '--json', 'restore', manifest.file]);
  const error = (JSON.parse(restore.stdout) as { error?: { code: string; message: string; hint: string } }).error;
  t.is(error?.code, 'backup-tool', restore.stdout);
  t.regex(error?.message ?? '', /pg_restore failed/);
  t.notRegex(error?.hint ?? '', /--no-backup/);
}, ['postgres']);

/**
 * verify on PostgreSQL runs a revision's up and down on one scratch session: after an up that
 * sets search_path (and a down that drops that schema), the schema was read where the session
 * now pointed, and verify said "after the down of 2 (postgres), table a is missing" for a table
 * that neither touched.
 */
eachDatabase('verify: a migration that sets search_path round-trips; the schemas compared are the one the session opened in', async (t, url) => {
  const dir = makeFolder({
    '1_a.up.sql': 'CREATE TABLE a (id int);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
    '2_move.up.sql': 'CREATE SCHEMA other;\nSET search_path = other;\nCREATE TABLE b (id int);\n',
    '2_move.down.sql': 'DROP SCHEMA other CASCADE;\n',
    '3_leaves.up.sql': 'CREATE SCHEMA third;\nSET search_path = third;\nCREATE TABLE c (id int);\n',
    '3_leaves.down.sql': 'DROP TABLE third.c;\n',
  });
  const run = await binaryAsync(['--dir', dir, '--url', url, 'verify', '--dialects', 'postgres', '--json']);
  const report = JSON.parse(run.stdout) as { cells: Record<string, Record<string, { status: string; differences?: string[] }>> };
  t.is(report.cells['2']!.postgres!.status, 'ok', (report.cells['2']!.postgres!.differences ?? []).join('\n'));
  // A down that leaves the schema it made is still caught.
  t.is(report.cells['3']!.postgres!.status, 'differs');
  t.deepEqual(report.cells['3']!.postgres!.differences, ['down of 3 (postgres) leaves schema third']);
}, ['postgres']);
