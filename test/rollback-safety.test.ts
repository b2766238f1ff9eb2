import { mkdtempSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryAsync, cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'];
const run = (url: string, ...args: string[]) => cli(['--url', url, '--dir', EXAMPLE, ...args]);


/** Schema and every row of every table (state tables aside), for before/after comparison. */
const snapshot = (url: string) =>
  withDb(url, async (db) => {
    const schema = await db.schema(STATE);
    const data: Record<string, string[]> = {};
    for (const table of Object.keys(schema.tables)) {
      const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${db.syntax.quoteIdentifier(table)}`);
      data[table] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
    }
    return { schema, data };
  });

async function seeded(url: string) {
  const up = await run(url, '--yes', 'upgrade');
  if (up.code !== 0) throw new Error(up.stderr);
  const seed = await run(url, 'seed', '--seeds', SEEDS);
  if (seed.code !== 0) throw new Error(seed.stderr);
}

eachDatabase('the downgrade preview names every dropped table with its row count, and the formatted SQL', async (t, url) => {
  await seeded(url);
  const dry = await run(url, 'downgrade', 'base', '--dry-run', '--json');
  t.is(dry.code, 0, dry.stderr);
  const { preview } = JSON.parse(dry.stdout);
  const dropped = Object.fromEntries(preview.dataAtRisk.filter((r: { kind: string }) => r.kind === 'drop-table').map((r: { table: string; rows: number }) => [r.table, r.rows]));
  t.deepEqual(dropped, { application_settings: 0, audit_log: 0, documents: 0, permissions: 11, role_permissions: 20, roles: 3, user_roles: 0, users: 0 });
  t.true(preview.destructive);
  t.is(preview.steps.length, 9);
  t.is(preview.steps[0].revision, '20260115090000');
  t.regex(preview.steps.find((s: { revision: string }) => s.revision === '20260105092000').statements[0].formatted, /^DROP TABLE roles$/m);
  const text = await run(url, 'downgrade', 'base', '--dry-run');
  t.regex(text.stdout, /DATA AT RISK:\n(.*\n)*  drops table roles \(3 rows\) — 20260105092000, .*20260105092000_create_roles\.down\.sql:1/);
  t.is(JSON.parse((await run(url, 'status', '--json')).stdout).applied.length, 9, 'a dry run changes nothing');
  const sql = await run(url, 'downgrade', 'base', '--sql');
  t.regex(sql.stdout, /^-- DATA AT RISK:\n(-- .*\n)*-- {3}drops table permissions \(11 rows\)/m);
});

eachDatabase('backup → downgrade base → restore gives back the same schema, data and version rows', async (t, url) => {
  await seeded(url);
  const before = await snapshot(url);
  const backups = mkdtempSync(join(tmpdir(), 'migrate-tui-backups-'));
  const backup = await run(url, 'backup', '--backup-dir', backups, '--json');
  t.is(backup.code, 0, backup.stderr);
  const manifest = JSON.parse(backup.stdout).backup;
  t.is(statSync(manifest.file).mode & 0o777, 0o600);
  t.is(statSync(`${manifest.file}.json`).mode & 0o777, 0o600);
  t.deepEqual(manifest.versionRows, ['20260115090000']);
  t.regex(manifest.file, /\d{8}T\d{6}Z_.+_20260115090000\.(sqlite|pgdump|sql)$/);

  const down = await run(url, '--yes', 'downgrade', 'base', '--no-backup');
  t.is(down.code, 0, down.stderr);
  t.deepEqual((await snapshot(url)).schema.tables, {});

  const refused = await run(url, 'restore', manifest.file);
  t.is(refused.code, 4);
  const restored = await run(url, '--yes', 'restore', manifest.file);
  t.is(restored.code, 0, restored.stderr);
  t.deepEqual(await snapshot(url), before);
  const status = JSON.parse((await run(url, 'status', '--json')).stdout);
  t.deepEqual(status.current, ['20260115090000']);
  t.is(status.applied.length, 9);
  // The log kept its history: the downgrade is still there, then the restore.
  const kinds = await withDb(url, (db) => db.query<{ kind: string; direction: string }>('SELECT kind, direction FROM migrate_tui_log ORDER BY id'));
  t.is(kinds.filter((k) => k.kind === 'migrate' && k.direction === 'down').length, 9);
  t.is(kinds.filter((k) => k.kind === 'restore' && k.direction === 'up').length, 9);
  const list = JSON.parse((await run(url, 'backups', '--backup-dir', backups, '--json')).stdout).backups;
  t.is(list.length, 1);
});

eachDatabase('--yes without a terminal takes the backup and proceeds; without --yes it refuses (exit 4)', async (t, url) => {
  await seeded(url);
  const backups = mkdtempSync(join(tmpdir(), 'migrate-tui-backups-'));
  const refused = await run(url, 'downgrade', '-1', '--backup-dir', backups);
  t.is(refused.code, 4);
  t.deepEqual(readdirSync(backups), [], 'no backup when the downgrade is refused');
  t.notRegex(refused.stderr, /backup first:|backup written/, 'a refusal never names a backup as taken');
  t.regex(refused.stderr, /a backup would be written first, to .*, once confirmed\n/);
  t.notRegex(refused.stderr, /backup will be written/, 'no promise of a backup that a refusal never writes');
  t.regex(refused.stderr, /needs a confirmation, but there is no terminal to ask on; nothing was changed\n  → pass --yes to confirm in scripts and CI \(the preview above is what it would do; `downgrade -1 --dry-run` prints it alone\)/);
  const done = await run(url, '--yes', 'downgrade', '-1', '--backup-dir', backups, '--json');
  t.is(done.code, 0, done.stderr);
  const out = JSON.parse(done.stdout);
  t.is(statSync(out.backup.file).mode & 0o777, 0o600);
  t.deepEqual(out.headsAfter, ['20260112100000', '20260112110000']);
  t.regex(done.stderr, /a backup will be written first, to .*\n(.*\n)*backup written: /);
});

eachDatabase(
  'a missing dump tool refuses the downgrade with a clear message, unless --no-backup',
  async (t, url) => {
    await seeded(url);
    const emptyPath = mkdtempSync(join(tmpdir(), 'migrate-tui-nopath-'));
    const args = ['--url', url, '--dir', EXAMPLE, '--yes', 'downgrade', '-1', '--backup-dir', join(emptyPath, 'b')];
    const refused = await binaryAsync(args, { env: { PATH: emptyPath } });
    t.is(refused.code, 8, refused.stderr);
    t.regex(refused.stderr, /(pg_dump|mariadb-dump or mysqldump) is not installed \(not on PATH\)/);
    t.regex(refused.stderr, /pass --no-backup/);
    t.is(JSON.parse((await run(url, 'status', '--json')).stdout).applied.length, 9, 'nothing was reverted');
    const without = await binaryAsync([...args, '--no-backup'], { env: { PATH: emptyPath } });
    t.is(without.code, 0, without.stderr);
    t.regex(without.stderr, /NO BACKUP will be taken/);
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  'a missing restore tool refuses the restore, naming the tool and not --no-backup (restore has no such flag)',
  async (t, url) => {
    await seeded(url);
    const backups = mkdtempSync(join(tmpdir(), 'migrate-tui-backups-'));
    const backup = await run(url, 'backup', '--backup-dir', backups, '--json');
    t.is(backup.code, 0, backup.stderr);
    const manifest = JSON.parse(backup.stdout).backup;
    const emptyPath = mkdtempSync(join(tmpdir(), 'migrate-tui-nopath-'));
    const refused = await binaryAsync(['--url', url, '--dir', EXAMPLE, '--yes', 'restore', manifest.file], { env: { PATH: emptyPath } });
    t.is(refused.code, 8, refused.stderr);
    t.regex(refused.stderr, /(pg_restore|mariadb or mysql) is not installed \(not on PATH\), so no backup can be restored\n {2}→ install the (PostgreSQL \d+|MariaDB) client tools \(Debian: [a-z0-9-]+\)\n/);
    t.notRegex(refused.stderr, /--no-backup/);
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  'a pg_dump older than the server refuses the backup and says which version is needed',
  async (t, url) => {
    await seeded(url);
    const fakeBin = mkdtempSync(join(tmpdir(), 'migrate-tui-oldtools-'));
    writeFileSync(join(fakeBin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n', { mode: 0o755 });
    const refused = await binaryAsync(['--url', url, '--dir', EXAMPLE, '--yes', 'downgrade', '-1', '--backup-dir', join(fakeBin, 'b')], { env: { PATH: `${fakeBin}:${process.env.PATH}` } });
    t.is(refused.code, 8, refused.stderr);
    t.regex(refused.stderr, /pg_dump 9\.6\.24 is older than the server \(PostgreSQL \d+\) and cannot dump it/);
    t.regex(refused.stderr, /install the PostgreSQL \d+ client tools, or pass --no-backup/);
  },
  ['postgres'],
);

eachDatabase('rollback shows the last steps with who and when, and the preview of undoing the latest', async (t, url) => {
  await seeded(url);
  const r = await run(url, 'rollback', '--last', '3');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /applied steps on .*, newest first \(last 3\):\n {2}● 20260115090000 merge documents and audit — migrate, by \S+@\S+, \d{4}-\d\d-\d\dT/);
  t.regex(r.stdout, /rolling back the latest step \(downgrade -1\) would do this:/);
  t.regex(r.stdout, /to do it: migrate-tui --url <url> downgrade -1/);
  const json = JSON.parse((await run(url, 'rollback', '--json')).stdout);
  t.is(json.preview.steps[0].revision, '20260115090000');
});

eachDatabase('a dirty database refuses downgrade (and --dry-run) with the dirty error before any preview', async (t, url) => {
  const dir = makeFolder({
    '1_base.up.sql': 'CREATE TABLE base (id INTEGER);\n',
    '1_base.down.sql': 'DROP TABLE base;\n',
    '2_half.up.sql': '-- migrate:transaction off\nCREATE TABLE half (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '2_half.down.sql': 'DROP TABLE half;\n',
  });
  const inDir = (...args: string[]) => cli(['--url', url, '--dir', dir, ...args]);
  // Statement 1 stays applied: the failing run exits as a dirty database does.
  t.is((await inDir('--yes', 'upgrade')).code, 5);
  const before = await snapshot(url);
  for (const args of [['--yes', 'downgrade', 'base'], ['downgrade', 'base', '--dry-run'], ['--yes', 'downgrade', '-1', '--no-backup']] as const) {
    const refused = await inDir(...args);
    t.is(refused.code, 5, `${args.join(' ')}: ${refused.stderr}`);
    t.regex(refused.stderr, /is dirty: the up of 2 stopped after 1 of 2 statements/);
    t.regex(refused.stderr, /`migrate-tui --url <url> resolve 2 --resume`/);
    const output = refused.stdout + refused.stderr;
    t.notRegex(output, /downgrade .* to (base|-1): \d+ revisions?, in this order|data at risk|DROP TABLE|backup will be written/i, 'no preview, no backup');
  }
  const json = await inDir('--json', '--yes', 'downgrade', 'base');
  t.is(json.code, 5);
  t.is(JSON.parse(json.stdout).error.code, 'dirty');
  t.false('preview' in JSON.parse(json.stdout));
  t.deepEqual(await snapshot(url), before, 'nothing changed');
  t.is(JSON.parse((await inDir('status', '--json')).stdout).dirty.revision, '2');
});

eachDatabase('a restore over the same version rows says it restored (it said "nothing to do: the database is already there" after replacing the data)', async (t, url) => {
  await seeded(url);
  const before = await snapshot(url);
  const backups = mkdtempSync(join(tmpdir(), 'migrate-tui-backups-'));
  const manifest = JSON.parse((await run(url, 'backup', '--backup-dir', backups, '--json')).stdout).backup;
  await withDb(url, (db) => db.query('DELETE FROM role_permissions'));
  const restored = await run(url, '--yes', 'restore', manifest.file);
  t.is(restored.code, 0, restored.stderr);
  t.deepEqual(await snapshot(url), before, 'the rows are back');
  t.notRegex(restored.stdout, /nothing to do/);
  t.regex(restored.stdout, new RegExp(`^restored ${manifest.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the version rows were already the backup's \\(20260115090000\\), so no revision was recorded again\nheads now: 20260115090000\n$`));
});

/**
 * On call: a backup taken before a reverse of an unfinished step, then restored. The backup
 * has the data of the statements that had run, but (on servers) not the state tables: the
 * restore said the database was clean with the revision pending, and the next upgrade failed
 * on the table those statements had created. The manifest records the unfinished step and
 * the restore marks it unfinished again, saying so; resolve then works from it.
 */
eachDatabase('a restore of a backup taken while a step was unfinished marks it unfinished again (it said clean, and upgrade then failed)', async (t, url) => {
  const dir = makeFolder({
    '1_base.up.sql': 'CREATE TABLE base (id INTEGER);\n',
    '1_base.down.sql': 'DROP TABLE base;\n',
    '2_half.up.sql': '-- migrate:transaction off\nCREATE TABLE half (id INTEGER);\nINSERT INTO half VALUES (1);\nINSERT INTO nowhere VALUES (1);\n',
    '2_half.down.sql': 'DROP TABLE half;\n',
  });
  const inDir = (...args: string[]) => cli(['--url', url, '--dir', dir, ...args]);
  t.is((await inDir('--yes', 'upgrade')).code, 5, 'dirty after statement 2 of 3');
  const backups = mkdtempSync(join(tmpdir(), 'migrate-tui-backups-'));
  const manifest = JSON.parse((await inDir('backup', '--backup-dir', backups, '--json')).stdout).backup;
  t.like(manifest.dirty, { revision: '2', direction: 'up', statementsDone: 2, statementsTotal: 3 });
  const reversed = await inDir('--yes', 'resolve', '2', '--reverse', '--no-backup');
  t.is(reversed.code, 0, reversed.stderr);
  t.is(JSON.parse((await inDir('status', '--json')).stdout).dirty, null, 'clean after the reverse');
  const restored = await inDir('--yes', 'restore', manifest.file);
  t.is(restored.code, 0, restored.stderr);
  t.regex(restored.stderr, /taken while the up of 2 was unfinished \(2 of 3 statements had run\): the restored data has what they did, so 2 is marked unfinished again/);
  t.regex(restored.stdout, /DIRTY, as when the backup was taken: the up of 2 stopped after 2 of 3 statements/);
  t.deepEqual((await withDb(url, (db) => db.query<{ id: number }>('SELECT id FROM half'))).map((r) => Number(r.id)), [1], 'the data of the statements that ran is back');
  const status = JSON.parse((await inDir('status', '--json')).stdout);
  t.like(status.dirty, { revision: '2', direction: 'up', statementsDone: 2, statementsTotal: 3 });
  // The way on works from it: the reverse again, then a clean upgrade attempt fails where it did, not on `half` existing.
  const again = await inDir('--yes', 'resolve', '2', '--reverse', '--no-backup');
  t.is(again.code, 0, again.stderr);
  t.deepEqual(JSON.parse((await inDir('status', '--json')).stdout).dirty, null);
});
