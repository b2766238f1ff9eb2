import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EXCERPT_MARK } from '../src/engine/run/statement-cursor.js';
import { spawn } from 'node:child_process';
import { BIN } from './helpers/cli.js';
import { withDb, eachDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/** Issue 12 item 8 / issue 15 item 5: large files applied a chunk at a time, on every database (the threshold lowered so the files stay small). */

const STREAM = { MIGRATE_TUI_STREAM_ABOVE: '2048' };

/** The built binary, without blocking this worker (other tests connect to servers meanwhile). */
function binary(args: string[], options: { env: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}
const ROWS = 3000;
const inserts = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `INSERT INTO big (id, v) VALUES (${from + k}, 'row ${from + k}; with a semicolon');`).join('\n');
const table = { '1_big.up.sql': 'CREATE TABLE big (id INTEGER PRIMARY KEY, v VARCHAR(100));\n', '1_big.down.sql': 'DROP TABLE big;\n' };

const count = async (url: string, sql: string) => withDb(url, async (db) => Number(Object.values((await db.query(sql))[0]!)[0]));

eachDatabase('a large migration streams: every statement applied, the log row keeps an excerpt with the size and checksum', async (t, url) => {
  const body = inserts(0, ROWS) + '\n';
  const dir = makeFolder({ ...table, '2_rows.up.sql': body, '2_rows.down.sql': 'DELETE FROM big;\n' });
  const up = await binary(['--dir', dir, '--url', url, '--yes', 'upgrade'], { env: STREAM });
  t.is(up.code, 0, up.stderr);
  t.regex(up.stderr, new RegExp(`\\(${ROWS} statements\\)`));
  t.is(await count(url, 'SELECT COUNT(*) FROM big'), ROWS);
  const log = await withDb(url, (db) => db.query<{ sql_text: string; statements_total: number; checksum: string }>("SELECT t.sql_text, l.statements_total, l.checksum FROM migrate_tui_log l JOIN migrate_tui_log_text t ON t.text_sha256 = l.sql_text_sha256 WHERE l.revision = '2' AND l.sql_text IS NULL"));
  t.is(Number(log[0]!.statements_total), ROWS);
  t.true(log[0]!.sql_text.startsWith(EXCERPT_MARK));
  t.true(log[0]!.sql_text.includes(`${Buffer.byteLength(body)} bytes`) && log[0]!.sql_text.includes(log[0]!.checksum));
  t.true(log[0]!.sql_text.length < body.length, 'an excerpt, not the whole file');
  // The checksum is the one a whole read gives: status sees no drift.
  const status = await binary(['--dir', dir, '--url', url, 'status'], { env: STREAM });
  t.is(status.code, 0, status.stdout + status.stderr);
  t.notRegex(status.stdout, /drift|changed/i);
});

eachDatabase('a failing statement deep in a large file names its path:line, and the migration rolls back', async (t, url) => {
  const body = inserts(0, 2000) + '\nINSERT INTO missing_table VALUES (1);\n' + inserts(2000, 2100) + '\n';
  const dir = makeFolder({ ...table, '2_rows.up.sql': body, '2_rows.down.sql': 'DELETE FROM big;\n' });
  const up = await binary(['--dir', dir, '--url', url, '--yes', 'upgrade'], { env: STREAM });
  t.is(up.code, 1, up.stderr);
  t.true(up.stderr.includes(`${join(dir, '2_rows.up.sql')}:2001`), up.stderr);
  t.regex(up.stderr, /statement 2001 of 2101/);
  t.is(await count(url, 'SELECT COUNT(*) FROM big'), 0);
}, ['sqlite', 'postgres']);

test('sqlite: a large file without a transaction that stops part-way is dirty at the exact statement, and resolve --resume finishes it from the file', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'migrate-tui-stream-')), 'db.sqlite');
  const url = `sqlite:${file}`;
  const body = '-- migrate:transaction off\n' + inserts(0, 150) + '\nINSERT INTO later VALUES (1);\n' + inserts(150, 250) + '\n';
  const dir = makeFolder({ ...table, '2_rows.up.sql': body, '2_rows.down.sql': 'DELETE FROM big;\n' });
  const up = await binary(['--dir', dir, '--url', url, '--yes', 'upgrade'], { env: STREAM });
  t.is(up.code, 5, up.stderr);
  t.regex(up.stderr, /statements? 1[–-]150 of 251/);
  const db = new Database(file);
  t.is((db.prepare('SELECT COUNT(*) AS n FROM big').get() as { n: number }).n, 150);
  t.like(db.prepare("SELECT statements_done, status FROM migrate_tui_log WHERE revision = '2'").get() as object, { statements_done: 150, status: 'dirty' });
  db.exec('CREATE TABLE later (x INTEGER)');
  db.close();
  const resume = await binary(['--dir', dir, '--url', url, '--yes', 'resolve', '2', '--resume'], { env: STREAM });
  t.is(resume.code, 0, resume.stdout + resume.stderr);
  const after = new Database(file, { readonly: true });
  t.is((after.prepare('SELECT COUNT(*) AS n FROM big').get() as { n: number }).n, 250);
  t.is((after.prepare('SELECT COUNT(*) AS n FROM later').get() as { n: number }).n, 1);
  t.deepEqual(after.prepare('SELECT revision FROM migrate_tui_version').all(), [{ revision: '2' }]);
  after.close();
});

eachDatabase('a large seed file streams too: every row inserted, the log row an excerpt; unchanged, it is skipped the next time', async (t, url) => {
  const root = mkdtempSync(join(tmpdir(), 'migrate-tui-stream-seed-'));
  const dir = makeFolder(table);
  const seeds = join(root, 'seeds');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(seeds);
  writeFileSync(join(seeds, '001_rows.sql'), inserts(0, 1200) + '\n');
  t.is((await binary(['--dir', dir, '--url', url, '--yes', 'upgrade'], { env: STREAM })).code, 0);
  const first = await binary(['--dir', dir, '--url', url, '--yes', 'seed', '--seeds', seeds], { env: STREAM });
  t.is(first.code, 0, first.stderr);
  t.is(await count(url, 'SELECT COUNT(*) FROM big'), 1200);
  const log = await withDb(url, (db) => db.query<{ sql_text: string; statements_total: number }>("SELECT t.sql_text, l.statements_total FROM migrate_tui_log l JOIN migrate_tui_log_text t ON t.text_sha256 = l.sql_text_sha256 WHERE l.kind = 'seed' AND l.sql_text IS NULL"));
  t.is(Number(log[0]!.statements_total), 1200);
  t.true(log[0]!.sql_text.startsWith(EXCERPT_MARK));
  const again = await binary(['--dir', dir, '--url', url, '--yes', 'seed', '--seeds', seeds], { env: STREAM });
  t.is(again.code, 0, again.stderr);
  t.is(await count(url, 'SELECT COUNT(*) FROM big'), 1200, 'the unchanged seed was skipped (its streamed checksum matched)');
}, ['sqlite', 'postgres']);
