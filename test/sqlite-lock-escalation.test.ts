import test from 'ava';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, start } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * SQLite's runner lock is a write transaction; writing escalates it to an exclusive lock,
 * which waits for readers (a starting runner, `status`) to finish. The holder once kept a
 * busy timeout of 0 after an uncontended lock, so a reader at that instant failed the run
 * with "database is locked" (seen in CI: 8 racing runners). Here a reader holds its shared
 * lock while the run escalates; the run must wait for it, not fail.
 */

/** Whether `pid` holds or waits on SQLite's PENDING byte (offset 0x40000000), per the kernel's /proc/locks. */
function pendingLockOf(pid: number): boolean {
  return readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .some((line) => {
      const f = line.replace(/->/, '').trim().split(/\s+/);
      return f[1] === 'POSIX' && Number(f[4]) === pid && f[6] === '1073741824';
    });
}

test('a run escalating its lock waits for a reader instead of failing with "database is locked"', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'migrate-tui-escalate-')), 'db.sqlite');
  const url = `sqlite:${file}`;
  const dir = makeFolder({
    '1_t.up.sql': '-- migrate:transaction off\nCREATE TABLE t (id int);\n',
    '1_t.down.sql': 'DROP TABLE t;\n',
  });
  t.is((await cli(['--url', url, '--dir', dir, 'init', '--tables-only'])).code, 0);
  const reader = new Database(file);
  t.is(reader.pragma('journal_mode', { simple: true }), 'delete', 'readers block writers only without WAL');
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM sqlite_master').get(); // holds a SHARED lock until COMMIT
  const run = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  let exited = false;
  void run.exit.then(() => (exited = true));
  try {
    // The run takes the PENDING byte when it escalates, and keeps it while it waits for us.
    while (!exited && !pendingLockOf(run.child.pid!)) await new Promise((resolve) => setTimeout(resolve, 10)); // polling the kernel's view
    t.false(exited, `the run ended before it waited for the reader: ${run.stderr()}`);
  } finally {
    reader.exec('COMMIT');
    reader.close();
  }
  t.is(await run.exit, 0, run.stderr());
  t.notRegex(run.stderr(), /database is locked/);
  const status = JSON.parse((await cli(['--url', url, '--dir', dir, 'status', '--json'])).stdout);
  t.deepEqual(status.current, ['1']);
  t.is(status.dirty, null);
});
