import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import test from 'ava';
import { cli } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';

/**
 * `resolve --reverse` runs SQL that may drop tables: its preview counts what it destroys (as
 * a downgrade's does), and the CLI backs it up first, with downgrade's flags (`--backup-dir`,
 * `--no-backup`). A failed resume or reverse says that is what ran, not "upgrade of …".
 */
const run = (url: string, dir: string, ...args: string[]) => cli(['--url', url, '--dir', dir, ...args]);

/** An up that creates and fills a table, then fails: dirty with statements 1–2 applied. */
const HALF_DONE = {
  '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1), (2), (3);\nINSERT INTO nowhere VALUES (1);\n',
  '1_a.down.sql': 'DROP TABLE a;\n',
};

eachDatabase('resolve --reverse: the preview counts the rows its DROP destroys, and a backup is taken first (not without --yes)', async (t, url) => {
  const dir = makeFolder(HALF_DONE);
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 5);
  const backups = mkdtempSync(join(tmpdir(), 'migrate-tui-reverse-backups-'));

  // No terminal, no --yes: the preview (with the rows at risk) and the backup's path, then a refusal; nothing written.
  const asked = await run(url, dir, 'resolve', '1', '--reverse', '--backup-dir', backups);
  t.is(asked.code, 4, asked.stderr);
  t.regex(asked.stderr, /DATA AT RISK:\n {2}drops table a \(3 rows\) — 1, .*1_a\.down\.sql:1/);
  t.regex(asked.stderr, /a backup would be written first, to .*, once confirmed/);
  t.deepEqual(readdirSync(backups), [], 'nothing is written before the confirmation');

  const reversed = await run(url, dir, '--yes', 'resolve', '1', '--reverse', '--backup-dir', backups);
  t.is(reversed.code, 0, reversed.stderr);
  t.regex(reversed.stderr, /drops table a \(3 rows\)/);
  t.regex(reversed.stderr, /backup written: /);
  const manifests = readdirSync(backups).filter((f) => f.endsWith('.json'));
  t.is(manifests.length, 1, readdirSync(backups).join(', '));
  const manifest = JSON.parse(readFileSync(join(backups, manifests[0]!), 'utf8')) as { file: string; reason: string; size: number };
  t.is(manifest.reason, 'before resolve 1 --reverse');
  t.true(manifest.size > 0);
  t.regex(reversed.stdout, new RegExp(`backup: ${manifest.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  if (url.startsWith('sqlite:')) {
    // The backup holds what the reverse dropped.
    const copy = new Database(existsSync(manifest.file) ? manifest.file : join(backups, manifest.file), { readonly: true });
    try {
      t.is((copy.prepare('SELECT COUNT(*) AS n FROM a').get() as { n: number }).n, 3);
    } finally {
      copy.close();
    }
  }
  const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.is(status.dirty, null);
  t.deepEqual(status.current, []);
});

eachDatabase('a failed resume says "resume of", a failed reverse "reverse of" (not "upgrade of" / "downgrade of"); --no-backup says none is taken', async (t, url) => {
  const dir = makeFolder({
    ...HALF_DONE,
    '1_a.down.sql': 'DROP TABLE a;\nDROP TABLE b_never_made;\n',
  });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 5);

  const resumed = await run(url, dir, '--yes', 'resolve', '1', '--resume');
  t.is(resumed.code, 5, resumed.stderr);
  t.regex(resumed.stderr, /error: resume of 1 \(its up SQL\) failed at statement 3 of 3/);
  t.notRegex(resumed.stderr, /upgrade of 1 failed/);

  const reversed = await run(url, dir, '--yes', 'resolve', '1', '--reverse', '--no-backup');
  t.is(reversed.code, 5, reversed.stderr);
  t.regex(reversed.stderr, /NO BACKUP will be taken \(--no-backup\)/);
  t.regex(reversed.stderr, /error: reverse of 1 \(its down SQL\) failed at statement 2 of 2/);
  t.notRegex(reversed.stderr, /downgrade of 1 failed/);
});

test('TUI: R → reverse shows the rows its DROP destroys; esc goes back to the choices; confirmed, it backs up first', async (t) => {
  const s = await openScreen({ migrations: makeFolder(HALF_DONE) });
  try {
    t.is((await run(s.url, s.dir, '--yes', 'upgrade')).code, 5);
    await s.press('r');
    await s.waitFor('reloaded files and database state');
    await s.press('R');
    await s.waitFor(/Resolve the unfinished up of 1/);
    await s.press('v');
    const preview = await s.waitFor(/Resolve 1 \(reverse\)/);
    t.regex(preview, /DATA AT RISK/);
    t.regex(preview, /drops table a \(3 rows\)/);
    t.regex(preview, /esc goes back to the choices/);
    await s.press(KEYS.escape);
    const back = await s.waitFor(/Resolve the unfinished up of 1/, 'the choices again');
    t.regex(back, /reverse: run the down SQL of 1/);
    await s.press('v');
    await s.waitFor(/Resolve 1 \(reverse\)/);
    await s.press('screen.sqlite', KEYS.enter);
    const done = await s.waitFor(/resolve 1 \(reverse\): done/);
    t.regex(done, /backup: .*backups/);
  } finally {
    await s.close();
  }
});
