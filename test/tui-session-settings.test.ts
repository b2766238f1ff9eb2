import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';

/**
 * The TUI under the session settings a migration sets (SET NAMES, SET search_path, USE): they
 * hold for the rest of that migration's run only, as on the CLI (where each command is a new
 * session) — not for the screen's reads and the runs after it, which used to go on in the
 * session the migration left.
 */

/**
 * A migration's SET NAMES latin1: the TUI read the dirty step's recorded SQL back in latin1
 * afterwards, so resolve showed `→` as `?` and the resume said "the file changed" (recorded
 * `'?'` against the file's `'→'`), offering to replay the garbled SQL from the log.
 */
eachDatabase('TUI: after a migration\'s SET NAMES latin1 and a failure, resolve shows the recorded SQL as it is and the resume finds the file unchanged', async (t, url) => {
  const dir = makeFolder({
    '1_names.up.sql': 'SET NAMES latin1;\nCREATE TABLE t1 (id int);\n',
    '1_names.down.sql': 'DROP TABLE t1;\n',
    '2_text.up.sql': "-- migrate:transaction off\nCREATE TABLE t2 (v varchar(20)) DEFAULT CHARACTER SET utf8mb4;\nINSERT INTO t2 VALUES ('a → Zoë');\nINSERT INTO nowhere VALUES (1);\n",
    '2_text.down.sql': 'DROP TABLE t2;\n',
  });
  const s = await openScreen({ migrations: dir, url });
  try {
    await s.waitFor(/2 text/);
    await s.press('U');
    await s.waitFor(/Upgrade to heads\?/);
    await s.press('y');
    await s.waitFor(/upgrade to heads: FAILED/);
    await s.press(KEYS.escape);
    await s.waitFor(/DIRTY/);
    await s.press('R');
    const choices = await s.waitFor(/Resolve the unfinished up of 2/);
    t.regex(choices, /2\. INSERT INTO t2 VALUES \('a → Zoë'\)/, 'the recorded SQL as the database keeps it');
    await s.press('r');
    const preview = await s.waitFor(/Resolve 2 \(resume\) on|Resume 2: the file changed/);
    t.notRegex(preview, /the file changed/);
    t.regex(preview, /INSERT INTO nowhere VALUES \(1\)/);
  } finally {
    await s.close();
  }
}, ['mariadb']);

/**
 * A migration that moves the session (PostgreSQL SET search_path, MySQL USE): the next run
 * started from the same screen created its tables where that migration had pointed, where the
 * CLI (a new session) creates them in the URL's schema / database.
 */
eachDatabase('TUI: a migration\'s SET search_path / USE does not move the next run started from the screen', async (t, url, database) => {
  const other = `${url.split('/').pop()}_other`;
  const move = database.name === 'postgres' ? `CREATE SCHEMA ${other};\nSET search_path = ${other};\n` : `CREATE DATABASE ${other};\nUSE ${other};\n`;
  const dir = makeFolder({
    '1_move.up.sql': `${move}CREATE TABLE t1 (id int);\n`,
    '1_move.down.sql': `DROP TABLE ${other}.t1;\n`,
    '2_next.up.sql': 'CREATE TABLE t2 (id int);\n',
    '2_next.down.sql': 'DROP TABLE t2;\n',
  });
  const s = await openScreen({ migrations: dir, url });
  try {
    await s.waitFor(/2 next/);
    await s.press('j', 'u');
    await s.waitFor(/Upgrade to 1\?/);
    await s.press('y');
    await s.waitFor(/upgrade to 1: done/);
    await s.press(KEYS.escape);
    await s.waitFor(/at 1 · 1 pending/);
    await s.press('U');
    await s.waitFor(/Upgrade to heads\?/);
    await s.press('y');
    await s.waitFor(/upgrade to heads: done/);
    await withDb(url, async (db) => {
      t.true(await db.tableExists(`${other}.t1`), 'the migration that moved ran where it said');
      const home = database.name === 'postgres' ? 'public' : url.split('/').pop()!;
      t.true(await db.tableExists(`${home}.t2`), `the next run created t2 in ${home}, as the CLI does`);
      t.false(await db.tableExists(`${other}.t2`));
    });
  } finally {
    await s.close();
    if (database.name === 'mariadb') await withDb(url, (db) => db.execute(`DROP DATABASE IF EXISTS ${other}`));
  }
}, ['postgres', 'mariadb']);

/**
 * A database whose sessions take no writes (default_transaction_read_only = on): the TUI's
 * downgrade took its backup (pg_dump only reads), then the run stopped with "takes no writes;
 * nothing was written to it" — and the result no longer named the backup file it had written.
 */
eachDatabase('TUI: a downgrade on a read-only database says nothing was written, and takes no backup first (the refusal comes before the dump)', async (t, url) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE t0 (id int);\n', '1_a.down.sql': 'DROP TABLE t0;\n', '2_b.up.sql': 'CREATE TABLE t1 (id int);\nINSERT INTO t1 VALUES (1);\n', '2_b.down.sql': 'DROP TABLE t1;\n' });
  const name = url.split('/').pop()!;
  const s0 = await openScreen({ migrations: dir, url });
  try {
    await s0.press('U');
    await s0.waitFor(/Upgrade to heads\?/);
    await s0.press('y');
    await s0.waitFor(/upgrade to heads: done/);
  } finally {
    await s0.close();
  }
  await withDb(url, (db) => db.execute(`ALTER DATABASE ${name} SET default_transaction_read_only = on`));
  const s = await openScreen({ migrations: dir, url, work: s0.work, width: 160 });
  try {
    await s.waitFor(/at 2 · 0 pending/);
    await s.press('j', 'd');
    await s.waitFor(/drops table t1 \(1 row\)/);
    await s.press(name, KEYS.enter);
    const result = await s.waitFor(/downgrade to 1: REFUSED — nothing ran/);
    t.regex(result, /takes no writes \(cannot execute .* in a read-only transaction\); nothing was written to it/);
    t.notRegex(result, /backup: /);
    t.false(existsSync(join(s.work, 'backups')) && readdirSync(join(s.work, 'backups')).length > 0, 'no backup was written');
    t.true(await withDb(url, (db) => db.tableExists('t1')));
  } finally {
    await s.close();
  }
}, ['postgres']);

/**
 * The schema tab's rehearsal (t) of a migration that sets search_path: the schema after it was
 * read where the migration had moved the session, so the diff said every table of the schema was
 * removed ("-table a") and left out the schema it created (the current one is not listed).
 */
eachDatabase('TUI: the rehearsal of a migration that sets search_path compares the same schema before and after', async (t, url) => {
  const dir = makeFolder({
    '1_a.up.sql': 'CREATE TABLE a (id int);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
    '2_move.up.sql': 'CREATE SCHEMA other;\nSET search_path = other, public;\nCREATE TABLE b (id int);\nCREATE INDEX a_id ON a (id);\n',
    '2_move.down.sql': 'DROP SCHEMA other CASCADE;\nDROP INDEX public.a_id;\n',
  });
  const s = await openScreen({ migrations: dir, url, width: 140, height: 40 });
  try {
    await s.waitFor(/2 move/);
    await s.press('G', 'u');
    await s.waitFor(/Upgrade to 1\?/);
    await s.press('y');
    await s.waitFor(/upgrade to 1: done/);
    await s.press(KEYS.escape);
    await s.waitFor(/at 1 · 1 pending/);
    await s.press('g', KEYS.tab, KEYS.tab, KEYS.tab);
    await s.waitFor(/press t to rehearse the up of 2/);
    await s.press('t');
    const diff = await s.waitFor(/\+\+\+ schema with 2/);
    t.notRegex(diff, /-table a|-column a\.id/, 'table a is still there after the migration');
    t.regex(diff, /\+index a_id on a/);
    t.regex(diff, /\+schema other/);
  } finally {
    await s.close();
  }
}, ['postgres']);
