import test from 'ava';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));

/** A SQLite database at heads with one backup taken into an existing, world-readable folder. */
async function backedUp() {
  const work = mkdtempSync(join(tmpdir(), 'migrate-tui-backup-files-'));
  const url = `sqlite:${join(work, 'app.sqlite')}`;
  const backups = join(work, 'backups');
  mkdirSync(backups, { mode: 0o755 });
  chmodSync(backups, 0o755);
  const run = (...args: string[]) => cli(['--url', url, '--dir', EXAMPLE, ...args], { cwd: work });
  if ((await run('--yes', 'upgrade')).code !== 0) throw new Error('upgrade failed');
  const backup = await run('backup', '--backup-dir', backups, '--json');
  return { work, backups, run, file: JSON.parse(backup.stdout).backup.file as string };
}

test('an existing backup folder that others can read is tightened to 0700 before a backup is written into it', async (t) => {
  const { backups, file } = await backedUp();
  t.is(statSync(backups).mode & 0o777, 0o700);
  t.is(statSync(file).mode & 0o777, 0o600);
});

test('a shared folder (it holds other files) is left as it is: the backup is 0600 in it, the folder keeps its mode', async (t) => {
  const { work, run } = await backedUp();
  const shared = join(work, 'shared');
  mkdirSync(shared, { mode: 0o755 });
  chmodSync(shared, 0o755);
  writeFileSync(join(shared, 'notes.txt'), 'not a backup\n');
  const r = await run('backup', '--backup-dir', shared, '--json');
  t.is(r.code, 0, r.stderr);
  t.is(statSync(shared).mode & 0o777, 0o755);
  t.is(statSync(JSON.parse(r.stdout).backup.file as string).mode & 0o777, 0o600);
});

test('a backup folder that is a file is refused, naming it, and the file keeps its mode (it was once chmod 0700, as /dev/null was)', async (t) => {
  const { work, run } = await backedUp();
  const file = join(work, 'not-a-folder');
  writeFileSync(file, '');
  chmodSync(file, 0o644);
  const r = await run('backup', '--backup-dir', file);
  t.not(r.code, 0);
  t.not(r.code, 70, r.stderr);
  const quoted = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  t.regex(r.stderr, new RegExp(`cannot create the backup folder ${quoted}: ${quoted} is a file, not a folder`));
  t.is(statSync(file).mode & 0o777, 0o644);
  // A folder below the file: the file is named, not a bare ENOTDIR.
  const below = await run('backup', '--backup-dir', join(file, 'sub'));
  t.is(below.code, 1, below.stderr);
  t.regex(below.stderr, new RegExp(`cannot create the backup folder ${quoted}/sub: ${quoted} is a file, not a folder`));
  t.notRegex(below.stderr, /ENOTDIR/);
});

test('a manifest that is not JSON, or has a bad field, is refused before restoring: a clear error, not exit 70', async (t) => {
  const { run, file } = await backedUp();
  const manifest = `${file}.json`;
  const good = readFileSync(manifest, 'utf8');
  writeFileSync(manifest, '{ not json');
  let r = await run('--yes', 'restore', file);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /is not valid JSON, so it cannot say what the backup holds/);
  t.notRegex(r.stderr, /at .*\.js:\d+/);
  writeFileSync(manifest, good.replace(/"applied": \[/, '"applied": [\n    "../../etc/passwd",'));
  r = await run('--yes', 'restore', file);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /not a valid migrate-tui manifest \(bad or missing: applied\)/);
  writeFileSync(manifest, good);
  t.is((await run('--yes', 'restore', file)).code, 0);
});
