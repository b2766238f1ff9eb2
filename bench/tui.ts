import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { DEFAULT_STATE_TABLES, loadProject, parseDatabaseUrl } from '../src/engine/index.js';
import { App } from '../src/tui/app.js';
import { TuiSession } from '../src/tui/session.js';
import { historyLintReady } from '../src/tui/lint-view.js';
import { writeTuiCorpus } from './harness.js';

/**
 * The TUI on N revisions (10,000; --quick: 1,000), in this process with a fake 120×40
 * terminal: time to the first frame, time from a key press to the redrawn frame (median of
 * 50 presses), and peak RSS. Baseline in the same run: indexing the same folder alone.
 * Budgets (DESIGN §9): first frame 0.5 s, key to redraw 50 ms, under 200 MB. The history's
 * lint marks are computed after the first frame, in slices between keys: the presses below
 * run while they are computed, and the time until they are up is printed.
 */
const quick = process.argv.includes('--quick');
const count = quick ? 1000 : 10_000;
const root = mkdtempSync(join(tmpdir(), 'migrate-tui-tui-bench-'));
const dir = join(root, 'migrations');
mkdirSync(dir);
writeTuiCorpus(dir, count);
// An empty database file: the TUI never creates one by looking (an empty file is an empty SQLite database).
writeFileSync(join(root, 'bench.sqlite'), '');

const indexStart = performance.now();
loadProject(dir);
const indexMs = performance.now() - indexStart;

const start = performance.now();
const session = await TuiSession.open({
  dir,
  target: parseDatabaseUrl(`sqlite:${join(root, 'bench.sqlite')}`, 'bench', root),
  tables: DEFAULT_STATE_TABLES,
  toolVersion: 'bench',
  lockTimeoutMs: 1000,
  backupDir: join(root, 'backups'),
  readOnly: true,
});
const screen = render(createElement(App, { session, width: 120, height: 40, readOnly: true, onQuit: () => {} }));
const frameShows = async (text: string) => {
  for (;;) {
    if ((screen.lastFrame() ?? '').includes(text)) return;
    await new Promise((r) => setImmediate(r));
  }
};
const newest = String(count).padStart(6, '0');
await frameShows(`${newest} step ${newest}`);
const firstFrameMs = performance.now() - start;

let lintMs: number | null = null;
const lintDone = (async () => {
  while (!historyLintReady(session.project, session.db.syntax.name)) await new Promise((r) => setTimeout(r, 5));
  lintMs = performance.now() - start;
})();
const presses: number[] = [];
for (let k = 1; k <= 50; k++) {
  const before = screen.lastFrame();
  const t = performance.now();
  screen.stdin.write('j');
  for (;;) {
    if (screen.lastFrame() !== before) break;
    await new Promise((r) => setImmediate(r));
  }
  presses.push(performance.now() - t);
}
presses.sort((a, b) => a - b);
const keyMs = presses[Math.floor(presses.length / 2)]!;
const pressesDoneMs = performance.now() - start;
await lintDone;
const rssMb = process.resourceUsage().maxRSS / 1024;
screen.unmount();
await session.close();
rmSync(root, { recursive: true, force: true });

const verdict = (ok: boolean) => (quick ? '(quick mode: not judged)' : ok ? 'OK' : 'OVER BUDGET');
console.log(`tui benchmark: ${count} revisions, fake 120×40 terminal`);
console.log(`  baseline (index the folder alone): ${indexMs.toFixed(0)} ms`);
console.log(`  first frame: ${firstFrameMs.toFixed(0)} ms (${(firstFrameMs / indexMs).toFixed(2)}× baseline; budget 500 ms) ${verdict(firstFrameMs <= 500)}`);
console.log(`  key press to redraw: median ${keyMs.toFixed(1)} ms, worst ${presses[presses.length - 1]!.toFixed(1)} ms (budget 50 ms) ${verdict(keyMs <= 50)}`);
console.log(`  lint marks in the history: up ${lintMs!.toFixed(0)} ms after start (the 50 presses ended at ${pressesDoneMs.toFixed(0)} ms; ${(lintMs! / indexMs).toFixed(1)}× baseline)`);
console.log(`  peak RSS: ${rssMb.toFixed(0)} MB (budget 200 MB) ${verdict(rssMb <= 200)}`);
