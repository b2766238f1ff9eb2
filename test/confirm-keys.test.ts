import test from 'ava';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { BIN, binary } from './helpers/cli.js';
import { notRun } from './helpers/not-run.js';
import { hasTmux, Tmux } from './helpers/tmux.js';

/**
 * The CLI's [y/N] question in a real terminal: Ctrl-C there was exit 70 with readline's
 * AbortError stack trace, and so was ctrl-d. Ctrl-C is a cancel (exit 130), ctrl-d no answer
 * (the default No, exit 4); neither changes the database.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));

for (const [key, exit, said] of [
  ['C-c', 130, /downgrade test\.sqlite to -1: cancelled at the question \(Ctrl-C\); nothing was changed/],
  ['C-d', 4, /downgrade test\.sqlite to -1: not confirmed, nothing was changed/],
] as const) {
  test(`${key} at downgrade's [y/N] question: exit ${exit}, says nothing was changed, no stack trace, the database as it was`, async (t) => {
    if (!hasTmux) return notRun(t, 'TMUX NOT INSTALLED: the confirmation-key test did NOT run');
    const work = mkdtempSync(join(tmpdir(), 'migrate-tui-confirm-'));
    cpSync(EXAMPLE, join(work, 'migrations'), { recursive: true });
    t.is(binary(['--url', 'sqlite:./test.sqlite', '--yes', 'upgrade'], { cwd: work }).code, 0);
    const tmux = new Tmux(`node ${BIN} --url sqlite:./test.sqlite downgrade -1; echo "EXIT=$?"; sleep 600`, work);
    try {
      await tmux.waitFor('[y/N]');
      tmux.keys(key);
      const screen = await tmux.waitFor(/EXIT=\d+/);
      t.regex(screen, new RegExp(`EXIT=${exit}\\b`));
      t.regex(screen.replace(/\n/g, ''), said);
      t.notRegex(screen, /internal error|AbortError|\n\s+at /);
      const db = new Database(join(work, 'test.sqlite'), { readonly: true });
      t.deepEqual(db.prepare('SELECT revision FROM migrate_tui_version').all(), [{ revision: '20260115090000' }]);
      db.close();
    } finally {
      tmux.kill();
    }
  });
}
