import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { notRun } from './helpers/not-run.js';
import { hasTmux, Tmux } from './helpers/tmux.js';

/**
 * The built binary in a real terminal (tmux): open the example app, move to a revision,
 * downgrade with a backup (typed confirmation), upgrade back, quit — and the terminal has
 * left the alternate screen with one line saying what happened.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
eachDatabase(
  'the binary in tmux: open, move, downgrade with backup, upgrade back, quit; the terminal is restored',
  async (t, url, db) => {
    if (!hasTmux) return notRun(t, 'TMUX NOT INSTALLED: the end-to-end terminal test did NOT run (apt-get install tmux)');
    const work = mkdtempSync(join(tmpdir(), 'migrate-tui-e2e-'));
    cpSync(EXAMPLE, join(work, 'migrations'), { recursive: true });
    const command = `node ${BIN} --url '${url}' --yes upgrade >/dev/null 2>&1; node ${BIN} --url '${url}'; echo "EXIT=$?"; sleep 600`;
    const tmux = new Tmux(command, work);
    try {
      await tmux.waitFor(/History \(9\)/);
      t.true(tmux.alternateScreen(), 'the TUI runs on the alternate screen');
      t.regex(tmux.screen(), /◆ \* 20260115090000 \(head\) merge documents/);
      // Move to "create permissions" (5 revisions down; j skips the connector lines) and downgrade to it.
      for (let i = 0; i < 5; i++) tmux.keys('j');
      await tmux.waitFor('-- migrations/20260105093000_create_permissions.up.sql');
      tmux.keys('d');
      await tmux.waitFor(/Downgrade \S+ to 20260105093000\?/);
      const confirm = tmux.screen();
      t.regex(confirm, /DATA AT RISK \(\d+\)/);
      t.regex(confirm, /Backup first: \[x\] yes/);
      const name = /Type the database name (\S+) and press enter/.exec(confirm)![1]!;
      tmux.type(name);
      await tmux.waitFor(`> ${name}`);
      tmux.keys('Enter');
      const done = await tmux.waitFor(/downgrade to 20260105093000: done \(5 steps\)/);
      t.regex(done, /backup: /);
      t.is(readdirSync(join(work, 'backups')).filter((f) => f.endsWith('.json')).length, 1);
      tmux.keys('Enter');
      await tmux.waitFor(/at 20260105093000 · 5 pending/);
      tmux.keys('U');
      await tmux.waitFor(/Upgrade to heads\?/);
      tmux.keys('y');
      await tmux.waitFor(/upgrade to heads: done \(5 steps\)/);
      tmux.keys('Enter');
      await tmux.waitFor(/at 20260115090000 · 0 pending/);
      tmux.keys('q');
      const after = await tmux.waitFor('EXIT=0');
      t.false(tmux.alternateScreen(), 'the terminal left the alternate screen');
      t.regex(after, /migrate-tui: quit; .* is at 20260115090000/);
      t.notRegex(after, /History \(9\)/, 'nothing of the TUI is left on the normal screen');
    } finally {
      tmux.kill();
    }
    t.log(`ran against ${db.name}`);
  },
  ['sqlite', 'postgres'],
);

/**
 * Ctrl-C outside a run quits as `q` does, but with the exit code the README's table gives
 * ctrl-c (130), as the CLI's Ctrl-C at a question does; it exited 0, as if nothing interrupted it.
 */
eachDatabase(
  'the binary in tmux: ctrl-c on the main screen (no run) restores the terminal and exits 130; q exits 0',
  async (t, url) => {
    if (!hasTmux) return notRun(t, 'TMUX NOT INSTALLED: the end-to-end terminal test did NOT run (apt-get install tmux)');
    const work = mkdtempSync(join(tmpdir(), 'migrate-tui-e2e-'));
    cpSync(EXAMPLE, join(work, 'migrations'), { recursive: true });
    const tmux = new Tmux(`node ${BIN} --url '${url}' --yes upgrade >/dev/null 2>&1; node ${BIN} --url '${url}'; echo "EXIT=$?"; read -r _; node ${BIN} --url '${url}'; echo "AGAIN=$?"; sleep 600`, work);
    try {
      await tmux.waitFor(/History \(9\)/);
      tmux.keys('C-c');
      const after = await tmux.waitFor(/EXIT=\d+/);
      t.regex(after, /EXIT=130\b/);
      t.regex(after, /migrate-tui: interrupted \(ctrl-c\); .* is at 20260115090000/);
      // The second TUI starts only when told: started at once, its alternate screen could hide
      // EXIT= before a loaded machine's poll saw it (a CI run failed so).
      tmux.keys('Enter');
      await tmux.waitFor(/History \(9\)/);
      tmux.keys('q');
      t.regex(await tmux.waitFor(/AGAIN=\d+/), /AGAIN=0\b/);
    } finally {
      tmux.kill();
    }
  },
  ['sqlite'],
);
