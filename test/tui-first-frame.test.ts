import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, BIN } from './helpers/cli.js';
import { notRun } from './helpers/not-run.js';
import { hasTmux, Tmux } from './helpers/tmux.js';

/**
 * The TUI's first screen on the built binary, in a real terminal (tmux), after the start-up
 * cuts (issue 15): the history drawn from the index (down files unread), the engine required by
 * the TUI's bundle, React's production build, the lint marks and the SQL formatter after the
 * first frame. What the screen promises must survive them: each revision's state mark (applied,
 * pending, current head, drift), the lint marks, the selected revision's up SQL, and its down
 * SQL once the down tab is chosen (a file read only then); --read-only leaves the database
 * file as it was, byte for byte.
 */
test('the built TUI in tmux: state and drift marks, lint marks, the up SQL, then the down SQL of another revision; --read-only writes nothing', async (t) => {
  if (!hasTmux) return notRun(t, 'TMUX NOT INSTALLED: the TUI first-frame test did NOT run (apt-get install tmux)');
  const work = mkdtempSync(join(tmpdir(), 'migrate-tui-first-'));
  const dir = join(work, 'migrations');
  mkdirSync(dir);
  const id = (k: number) => String(k).padStart(6, '0');
  for (let k = 1; k <= 30; k++) {
    // Every 10th drops the table before it: a lint warning (▲ in the history).
    writeFileSync(join(dir, `${id(k)}_step_${id(k)}.up.sql`), `CREATE TABLE t_${id(k)} (id INTEGER PRIMARY KEY);\n${k % 10 === 0 ? `DROP TABLE t_${id(k - 1)};\n` : ''}`);
    writeFileSync(join(dir, `${id(k)}_step_${id(k)}.down.sql`), `DROP TABLE t_${id(k)}; -- undo ${id(k)}\n`);
  }
  const db = join(work, 'db.sqlite');
  const url = `sqlite:${db}`;
  t.is(binary(['--url', url, '--dir', dir, '--yes', 'upgrade', id(20)]).code, 0);
  // Applied, then edited: drift (`~`).
  writeFileSync(join(dir, `${id(15)}_step_${id(15)}.up.sql`), `CREATE TABLE t_${id(15)} (id INTEGER PRIMARY KEY, extra TEXT);\n`);
  const sha = () => createHash('sha256').update(readFileSync(db)).digest('hex');
  const before = { sha: sha(), files: readdirSync(work).sort() };

  // A lint store of its own (the marks are computed, none kept: --read-only).
  const cache = mkdtempSync(join(tmpdir(), 'migrate-tui-first-cache-'));
  const tmux = new Tmux(`XDG_CACHE_HOME='${cache}' node ${BIN} --url '${url}' --dir migrations --read-only; echo "EXIT=$?"; sleep 600`, work);
  try {
    // The newest revision, selected, with its up SQL; the state (the status bar) and the lint marks.
    const first = await tmux.waitFor(/○▲\* 000030 \(head\) step 000030/);
    t.regex(first, /History \(30\)/);
    const shown = await tmux.waitFor(/-- .*000030_step_000030\.up\.sql:2/);
    t.regex(shown, /CREATE TABLE t_000030 \(id INTEGER PRIMARY KEY\);/);
    t.regex(shown, /DROP TABLE t_000029;/);
    t.regex(shown, /READ-ONLY sqlite:\S+ · sqlite · at 000020 · 10 pending/);
    t.regex(shown, /○ \* 000021 step 000021/, 'pending');
    t.regex(shown, /◆▲\* 000020 step 000020/, 'the current head, with its lint mark');
    t.regex(shown, /~ \* 000015 step 000015/, 'drift: applied, then the file changed');
    t.regex(shown, /● \* 000014 step 000014/, 'applied');
    // Two down (000028), then the down tab: that revision's down file, read only now.
    tmux.keys('j', 'j');
    await tmux.waitFor(/-- .*000028_step_000028\.up\.sql:1/);
    tmux.keys('Tab');
    const down = await tmux.waitFor(/-- .*000028_step_000028\.down\.sql:1/);
    t.regex(down, /DROP TABLE t_000028;/);
    t.notRegex(down, /000030_step_000030/, 'the detail pane follows the selection');
    tmux.keys('q');
    await tmux.waitFor('EXIT=0');
  } finally {
    tmux.kill();
  }
  t.is(sha(), before.sha, '--read-only: the database file is unchanged');
  t.deepEqual(readdirSync(work).sort(), before.files, 'no journal or other file left beside it');
});
