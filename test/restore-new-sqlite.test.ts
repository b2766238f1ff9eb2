import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';

/**
 * A restore that is refused creates no SQLite file. Restoring another database's backup into a
 * SQLite URL whose file did not exist said `created the SQLite database … (it did not exist)`,
 * then refused it (exit 2, `other-database`), leaving an empty file behind; a backup of another
 * dialect likewise. A SQLite database is named by its URL alone, so both are refused before the
 * file is made.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));

async function sqliteBackup(cwd: string): Promise<{ file: string; manifest: string }> {
  const url = 'sqlite:./source.sqlite';
  const up = await cli(['--url', url, '--dir', EXAMPLE, '--yes', 'upgrade'], { cwd });
  if (up.code !== 0) throw new Error(up.stderr);
  const taken = await cli(['--url', url, '--dir', EXAMPLE, '--json', 'backup', '--backup-dir', join(cwd, 'backups')], { cwd });
  if (taken.code !== 0) throw new Error(taken.stderr);
  const file = JSON.parse(taken.stdout).backup.file as string;
  return { file, manifest: `${file}.json` };
}

test('restore of another database\'s backup into a SQLite file that does not exist refuses (exit 2) and creates no file', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-restore-new-'));
  const { file } = await sqliteBackup(cwd);
  const refused = await cli(['--url', 'sqlite:./other.sqlite', '--dir', EXAMPLE, '--yes', 'restore', file], { cwd });
  t.is(refused.code, 2, refused.stderr);
  t.regex(refused.stderr, /not from the connected database other\.sqlite \(sqlite, sqlite:\.\/other\.sqlite\)/);
  t.notRegex(refused.stderr, /created the SQLite database/);
  t.false(existsSync(join(cwd, 'other.sqlite')), 'no file is created for a refused restore');

  const allowed = await cli(['--url', 'sqlite:./other.sqlite', '--dir', EXAMPLE, '--yes', 'restore', file, '--into-other-database'], { cwd });
  t.is(allowed.code, 0, allowed.stderr);
  t.regex(allowed.stderr, /created the SQLite database .*other\.sqlite \(it did not exist\)/);
  t.true(existsSync(join(cwd, 'other.sqlite')));
  // The new file had no version rows: they came with the backup's state tables, not "already" (as it said).
  t.regex(allowed.stdout, /: the version rows came back with the backup's state tables \([^;]+; they were base\), so no revision was recorded again\n/);
  t.notRegex(allowed.stdout, /were already/);
});

test('restore of another dialect\'s backup into a SQLite file that does not exist refuses and creates no file', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-restore-new-'));
  const { file, manifest } = await sqliteBackup(cwd);
  // The manifest says where the backup came from; its checksum covers the backup file only.
  const data = JSON.parse(readFileSync(manifest, 'utf8'));
  writeFileSync(manifest, JSON.stringify({ ...data, dialect: 'postgres', database: 'postgres://app:***@db/app', databaseName: 'app' }));
  const refused = await cli(['--url', 'sqlite:./new.sqlite', '--dir', EXAMPLE, '--yes', 'restore', file, '--into-other-database'], { cwd });
  t.not(refused.code, 0, refused.stderr);
  t.regex(refused.stderr, /is a postgres backup; this database is sqlite/);
  t.false(existsSync(join(cwd, 'new.sqlite')), 'no file is created for a refused restore');
});
