import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDb, eachDatabase } from './helpers/databases.js';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen } from './helpers/screen.js';
import type { DatabaseAdapter } from '../src/engine/index.js';

/**
 * Issue 15: the log keeps each SQL text once per content (the texts table, `<log>_text`),
 * and a database whose log has the first layout (texts in every row, no texts table) reads
 * the same, is never changed by looking, and is upgraded in place by the first run that
 * changes the database.
 */

const rows = (table: string, n: number) => Array.from({ length: n }, (_, k) => `INSERT INTO ${table} (id, v) VALUES (${k}, 'a value long enough to make the text big ${k}');`).join('\n');
const FILES = {
  '1_small.up.sql': 'CREATE TABLE t1 (id INTEGER PRIMARY KEY);\n',
  '1_small.down.sql': 'DROP TABLE t1;\n',
  '2_big.up.sql': '-- migrate:revises 1\nCREATE TABLE t2 (id INTEGER PRIMARY KEY, v VARCHAR(100));\n' + rows('t2', 20) + '\n',
  // A down SQL over the inline limit too: reverting with the files gone reads it from the log.
  '2_big.down.sql': Array.from({ length: 20 }, (_, k) => `DELETE FROM t2 WHERE id = ${k};`).join('\n') + '\nDROP TABLE t2;\n',
  '3_dirty.up.sql': '-- migrate:revises 2\n-- migrate:transaction off\nCREATE TABLE t3 (id INTEGER PRIMARY KEY, v VARCHAR(100));\n' + rows('t3', 12) + '\nINSERT INTO later (x) VALUES (1);\n',
  '3_dirty.down.sql': 'DROP TABLE t3;\n',
};

/** What the first layout's log table had: these columns, in this order. */
const FIRST_LAYOUT = ['id', 'revision', 'direction', 'kind', 'dialect', 'checksum', 'sql_text', 'down_sql', 'statements_total', 'statements_done', 'status', 'started_at', 'finished_at', 'duration_ms', 'os_user', 'host', 'tool_version', 'error'];

async function logColumns(db: DatabaseAdapter): Promise<string[]> {
  const snapshot = await db.schema([]);
  const table = Object.entries(snapshot.tables).find(([name]) => name.endsWith('migrate_tui_log'))?.[1] as { columns: Record<string, unknown> | Array<{ name: string }> } | undefined;
  if (!table) return [];
  return Array.isArray(table.columns) ? table.columns.map((c) => c.name) : Object.keys(table.columns);
}

const tableNames = (db: DatabaseAdapter) => db.schema([]).then((s) => Object.keys(s.tables).map((n) => n.replace(/^.*\./, '')).sort());

/** Turns a log written by this version into what the first layout held for the same steps: each text back in its row, no references, no texts table. */
async function toFirstLayout(db: DatabaseAdapter): Promise<void> {
  for (const [col, ref] of [['sql_text', 'sql_text_sha256'], ['down_sql', 'down_sql_sha256']]) {
    await db.execute(`UPDATE migrate_tui_log SET ${col} = (SELECT t.sql_text FROM migrate_tui_log_text t WHERE t.text_sha256 = migrate_tui_log.${ref}) WHERE ${ref} IS NOT NULL`);
    await db.execute(`ALTER TABLE migrate_tui_log DROP COLUMN ${ref}`);
  }
  await db.execute('DROP TABLE migrate_tui_log_text');
}

/** Everything that reads the log, as the CLI prints it (the rollback console's text form, status, resolve's preview). */
async function readings(args: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, command] of [
    ['status', ['--json', 'status']],
    ['statusText', ['status']],
    ['rollback', ['rollback', '--last', '10']],
    ['resolve', ['resolve', '3', '--resume']],
    ['current', ['current']],
    ['check', ['check']],
  ] as const) {
    const r = await cli([...args, ...command]);
    out[name] = `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
  }
  // The TUI, read-only: the main screen with the dirty step's detail, and the rollback console.
  for (const variant of ['main', 'rollback'] as const) {
    const s = await openScreen({ migrations: args[1]!, url: args[3]!, readOnly: true, variant });
    try {
      if (variant === 'main') await s.press('G');
      out[`tui ${variant}`] = (await s.waitFor(/DIRTY|dirty/)).split(s.work).join('<work>');
    } finally {
      await s.close();
    }
  }
  return out;
}

eachDatabase('a log of the first layout reads the same, is not changed by looking, and is upgraded in place by the first run that changes the database', async (t, url) => {
  const dir = makeFolder(FILES);
  const args = ['--dir', dir, '--url', url];
  t.is((await cli([...args, '--yes', 'upgrade', '2'])).code, 0);
  const failed = await cli([...args, '--yes', 'upgrade']);
  t.is(failed.code, 5, failed.stderr);

  // This version: texts over 512 characters are in the texts table, once; the rows refer to them.
  const stored = await withDb(url, (db) => db.query<{ revision: string; direction: string; inline: unknown; ref: unknown; down_inline: unknown; down_ref: unknown }>(
    'SELECT revision, direction, sql_text AS inline, sql_text_sha256 AS ref, down_sql AS down_inline, down_sql_sha256 AS down_ref FROM migrate_tui_log ORDER BY id',
  ));
  const big = stored.find((r) => r.revision === '2')!;
  t.true(big.inline === null && typeof big.ref === 'string' && big.down_inline === null && typeof big.down_ref === 'string', JSON.stringify(big));
  const small = stored.find((r) => r.revision === '1')!;
  t.true(typeof small.inline === 'string' && small.ref === null, 'a short text stays in its row');
  t.is(stored.find((r) => r.revision === '3')!.inline, null, 'the dirty step\'s SQL is in the texts table');
  const now = await readings(args);
  if (process.env.SHOW_READINGS) console.log(now);
  t.regex(now.status!, /"dirty":/);
  t.regex(now.resolve!, /INSERT INTO later/);

  // The same database as the first layout wrote it.
  await withDb(url, toFirstLayout);
  t.deepEqual(await withDb(url, logColumns), FIRST_LAYOUT);
  const before = await withDb(url, tableNames);
  t.false(before.includes('migrate_tui_log_text'));

  // Looking (status, rollback, check, resolve's preview, --read-only) reads the same and changes nothing.
  t.deepEqual(await readings(args), now);
  t.is((await cli([...args, '--read-only', 'status'])).code, 0);
  t.deepEqual(await withDb(url, tableNames), before);
  t.deepEqual(await withDb(url, logColumns), FIRST_LAYOUT);

  // The first run that changes the database (here: resolve --resume, after fixing the cause) upgrades the tables in place.
  await withDb(url, (db) => db.execute('CREATE TABLE later (x INTEGER)'));
  const resumed = await cli([...args, '--yes', 'resolve', '3', '--resume']);
  t.is(resumed.code, 0, resumed.stdout + resumed.stderr);
  t.deepEqual(await withDb(url, logColumns), [...FIRST_LAYOUT, 'sql_text_sha256', 'down_sql_sha256']);
  t.true((await withDb(url, tableNames)).includes('migrate_tui_log_text'));
  const old = await withDb(url, (db) => db.query<{ inline: unknown; ref: unknown }>("SELECT sql_text AS inline, sql_text_sha256 AS ref FROM migrate_tui_log WHERE revision = '2'"));
  t.true(typeof old[0]!.inline === 'string' && old[0]!.ref === null, 'rows written before the upgrade stay as they were');
  const status = JSON.parse((await cli([...args, '--json', 'status'])).stdout);
  t.is(status.dirty, null);
  t.deepEqual(status.current, ['3']);
  const rollback = await cli([...args, 'rollback', '--last', '10']);
  t.is(rollback.code, 0, rollback.stderr);

  // Files gone: the stored down SQL (an old row's, in its row) still reverts revision 3, then 2.
  const copy = mkdtempSync(join(tmpdir(), 'migrate-tui-texts-'));
  cpSync(dir, copy, { recursive: true });
  rmSync(join(copy, '2_big.up.sql'));
  rmSync(join(copy, '2_big.down.sql'));
  rmSync(join(copy, '3_dirty.up.sql'));
  rmSync(join(copy, '3_dirty.down.sql'));
  const missing = JSON.parse((await cli(['--dir', copy, '--url', url, '--json', 'status'])).stdout);
  t.deepEqual(missing.missing.map((m: { revision: string }) => m.revision), ['3', '2']);
  t.true(missing.missing.find((m: { revision: string }) => m.revision === '2').canRevert, 'the down SQL stored in the old row');
  const reverted = await cli(['--dir', copy, '--url', url, '--yes', 'downgrade', '1', '--no-backup']);
  t.is(reverted.code, 0, reverted.stdout + reverted.stderr);
  t.deepEqual((await withDb(url, tableNames)).filter((n) => /^t\d$/.test(n)), ['t1']);
});

eachDatabase('the same SQL applied again is stored once; a reverted migration whose files are gone reverts from the texts table', async (t, url) => {
  const files = { ...FILES, '3_dirty.up.sql': FILES['3_dirty.up.sql'].replace('INSERT INTO later (x) VALUES (1);\n', '') };
  const dir = makeFolder(files);
  const args = ['--dir', dir, '--url', url];
  for (let round = 0; round < 3; round++) {
    t.is((await cli([...args, '--yes', 'upgrade'])).code, 0);
    t.is((await cli([...args, '--yes', 'downgrade', 'base', '--no-backup'])).code, 0);
  }
  t.is((await cli([...args, '--yes', 'upgrade'])).code, 0);
  const counts = await withDb(url, async (db) => ({
    texts: Number(Object.values((await db.query('SELECT COUNT(*) AS n FROM migrate_tui_log_text'))[0]!)[0]),
    refs: Number(Object.values((await db.query('SELECT COUNT(DISTINCT sql_text_sha256) AS n FROM migrate_tui_log'))[0]!)[0]),
    downRefs: Number(Object.values((await db.query("SELECT COUNT(DISTINCT down_sql_sha256) AS n FROM migrate_tui_log WHERE direction = 'up'"))[0]!)[0]),
    upRows: Number(Object.values((await db.query("SELECT COUNT(*) AS n FROM migrate_tui_log WHERE direction = 'up' AND kind = 'migrate' AND revision = '2'"))[0]!)[0]),
  }));
  // Up SQL of 2 and 3, down SQL of 2 (2's down runs as the down step's SQL, the same text): each once, 4 applies later.
  t.is(counts.upRows, 4);
  t.is(counts.texts, 3, JSON.stringify(counts));
  t.is(counts.refs, 3);
  t.is(counts.downRefs, 1);

  // The files of 2 and 3 gone: downgrade reverts them from the down SQL stored once.
  const copy2 = mkdtempSync(join(tmpdir(), 'migrate-tui-texts-'));
  cpSync(dir, copy2, { recursive: true });
  for (const f of ['2_big.up.sql', '2_big.down.sql', '3_dirty.up.sql', '3_dirty.down.sql']) rmSync(join(copy2, f));
  const reverted = await cli(['--dir', copy2, '--url', url, '--yes', 'downgrade', 'base', '--no-backup']);
  t.is(reverted.code, 0, reverted.stdout + reverted.stderr);
  t.deepEqual((await withDb(url, tableNames)).filter((n) => /^t\d$/.test(n)), []);
});
