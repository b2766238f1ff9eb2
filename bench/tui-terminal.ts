import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, spread, writeTuiCorpus } from './harness.js';

/**
 * The TUI as a user sees it: the built binary in a real pseudo-terminal (tmux, 120×40) on N
 * revisions (10,000; --quick: 1,000), whole process. First frame: from spawning the session
 * to the pane showing the screen's first frame ("migrate-tui — opening", drawn before the
 * folder, Ink and the database load); history shown: to the pane showing the newest revision
 * (its row in the history, `010000 (head) step 010000`, or the detail pane's title: start-up,
 * indexing and the database read all included; the early frame draws the history before Ink
 * loads); screen shown: to Ink's first frame (the detail pane's title, `010000 step 010000`);
 * the database's state (the status bar) with it or after it, timed as "state shown". The
 * corpus has lint findings (every 10th revision and the newest), so the history's marks
 * (`▲`, computed after the first frame) show when lint is done: "marks shown" is the pane showing a pending revision's mark (`○▲`). Key: from
 * `send-keys` to the pane showing the revision the key selects (its id in the detail pane's
 * title), once the state and the newest revision's detail are shown: first `j` and `k`
 * alternately while the marks are computed (so the newest row stays on screen), timed apart
 * as "while marking", then `j` presses after the marks are shown. Both are detected by
 * polling `tmux capture-pane` in a tight loop; one poll (a tmux client process) takes a few
 * ms here, printed as the resolution, so figures are upper bounds by about one poll.
 * Peak RSS: VmHWM of the node process from /proc, read at the end of the session (after the
 * marks are shown and every key is answered), so it covers the computation of the marks.
 * The lint results kept between runs (lint-store.ts) live in a fresh XDG_CACHE_HOME of the run:
 * the sessions are --read-only, which keeps none, so the marks are computed in every round
 * (a cold start); with --warm, `migrate-tui lint` fills it first, and the TUI reads the marks
 * from it (a warm start: no statement analysed).
 * Baseline in the same run: `node -e 0` in
 * the same kind of tmux session, to the pane showing its exit. Budgets (issue 15): first
 * frame ≤ 500 ms, key ≤ 50 ms, ≤ 200 MB.
 */
const quick = process.argv.includes('--quick');
const warm = process.argv.includes('--warm');
const count = quick ? 1000 : 10_000;
const rounds = quick ? 1 : 3;
const presses = quick ? 10 : 30;
// --cli <main.js>: another build's binary, driven the same way (e.g. main's, to compare in the same period).
const cliArg = process.argv.indexOf('--cli');
const cli = cliArg > 0 ? process.argv[cliArg + 1]! : fileURLToPath(new URL('../bin/main.js', import.meta.url));
if (spawnSync('tmux', ['-V']).status !== 0) {
  console.log('tui terminal benchmark: NOT MEASURED (tmux is not installed)');
  if (process.env.CI === 'true') process.exitCode = 1;
  process.exit();
}
const root = mkdtempSync(join(tmpdir(), 'migrate-tui-tui-term-'));
const dir = join(root, 'migrations');
mkdirSync(dir);
writeTuiCorpus(dir, count, { findings: true });
const check = spawnSync(process.execPath, [cli, '--dir', dir, 'heads'], { encoding: 'utf8' });
if (check.status !== 0) throw new Error(`the CLI refuses the corpus: ${check.stderr}`);
// The tmux sessions inherit this environment: the lint store of this run only.
process.env.XDG_CACHE_HOME = join(root, 'cache');
if (warm) {
  const db = join(root, 'lint.sqlite');
  writeFileSync(db, '');
  const lint = spawnSync(process.execPath, [cli, '--url', `sqlite:${db}`, '--dir', dir, 'lint'], { encoding: 'utf8' });
  if (!/warning/.test(lint.stdout)) throw new Error(`lint found nothing to keep: ${lint.stdout}${lint.stderr}`);
}

// A server (socket) per session: a new one never races the last one's shutdown.
let sessions = 0;
let socket = '';
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
// A run that fails (a pane that never shows what is awaited) leaves no TUI running, nor its folder.
process.on('exit', () => {
  if (socket) spawnSync('tmux', ['-L', socket, 'kill-server']);
  rmSync(root, { recursive: true, force: true });
});
const screen = () => tmux('capture-pane', '-p', '-t', 'b').stdout;

function session(command: string): number {
  socket = `migrate-tui-bench-${process.pid}-${++sessions}`;
  const start = performance.now();
  const r = tmux('new-session', '-d', '-s', 'b', '-x', '120', '-y', '40', '-c', root, command);
  if (r.status !== 0) throw new Error(`tmux: ${r.stderr}`);
  return start;
}
async function until(test: (s: string) => boolean, what: string): Promise<string> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const s = screen();
    if (test(s)) return s;
    if (performance.now() > deadline) throw new Error(`the pane never showed ${what}:\n${s}`);
  }
}

/** VmHWM of a process, in MB. */
const peakMb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;

const pollMs: number[] = [];
for (let k = 0; k < 20; k++) {
  const t = performance.now();
  spawnSync('tmux', ['-V']);
  pollMs.push(performance.now() - t);
}

const base: number[] = [];
const first: number[] = [];
const withState: number[] = [];
const history: number[] = [];
const inkShown: number[] = [];
const keys: number[] = [];
const marking: number[] = [];
const marked: number[] = [];
const rss: number[] = [];
const rssAtMarks: number[] = [];
const markShown = (s: string) => /○[✖▲·]/.test(s);
const newest = String(count).padStart(6, '0');
for (let round = 0; round < rounds; round++) {
  // Baseline: a bare node process printing a line in the same terminal.
  {
    const start = session(`${process.execPath} -e "console.log('ready')"; sleep 30`);
    await until((s) => s.includes('ready'), 'ready');
    base.push(performance.now() - start);
    tmux('kill-server');
  }
  const db = join(root, `db-${round}.sqlite`);
  writeFileSync(db, ''); // the TUI never creates a database by looking
  const start = session(`${process.execPath} ${cli} --url sqlite:${db} --dir ${dir} --read-only`);
  // The first frame: the screen saying what it is doing (before the folder, Ink and the database load).
  await until((s) => s.includes('migrate-tui — opening') || s.includes(`${newest} step ${newest}`) || s.includes(`${newest} (head) step ${newest}`), 'the first frame');
  first.push(performance.now() - start);
  await until((s) => s.includes(`${newest} (head) step ${newest}`) || s.includes(`${newest} step ${newest}`), `revision ${newest}`);
  history.push(performance.now() - start);
  await until((s) => s.includes(`${newest} step ${newest}`), `Ink's frame (the title of revision ${newest})`);
  inkShown.push(performance.now() - start);
  // The first frame shows the folder; the database's state follows ("reading state…" until then).
  await until((s) => !s.includes('reading state…') && s.includes(' pending'), 'the state read');
  withState.push(performance.now() - start);
  const pid = Number(tmux('display-message', '-p', '-t', 'b', '#{pane_pid}').stdout.trim());
  // A key's answer is the frame that selects the revision it moves to (the detail pane's title
  // on the first line under the tabs names it): not any change of the pane, which could be the
  // detail's SQL arriving after the first frame, the marks, or an earlier key's frame — a key
  // then timed against the wrong frame, and the next one sent before its own (j then k drawn
  // as one unchanged frame: the "lost" j of earlier runs).
  let at = 0; // rows below the newest
  const selected = (s: string) => /(\d{6}) step \d{6}\s*$/.exec(s.split('\n')[1] ?? '')?.[1];
  const press = async (key: 'j' | 'k') => {
    at += key === 'j' ? 1 : -1;
    const want = String(count - at).padStart(6, '0');
    const t = performance.now();
    tmux('send-keys', '-t', 'b', key);
    await until((s) => selected(s) === want, `revision ${want} selected after ${key}`);
    return performance.now() - t;
  };
  await until((s) => selected(s) === newest && !s.includes('loading…'), 'the newest revision selected, its detail shown');
  // Keys while the marks are computed (j, k, j, …: the newest row stays on screen).
  for (let k = 0; !markShown(screen()); k++) {
    const before = screen();
    const ms = await press(k % 2 ? 'k' : 'j');
    // Timed while computing when the marks were not yet up as the key went.
    if (!markShown(before)) marking.push(ms);
  }
  await until(markShown, 'the lint marks');
  marked.push(performance.now() - start);
  rssAtMarks.push(peakMb(pid));
  for (let k = 0; k < presses; k++) keys.push(await press('j'));
  rss.push(peakMb(pid));
  tmux('kill-server');
}
rmSync(root, { recursive: true, force: true });

const verdict = (ok: boolean) => (quick ? '(quick mode: not judged)' : ok ? 'met' : 'NOT MET');
console.log(`tui terminal benchmark: ${cliArg > 0 ? cli : 'built binary'} in tmux 120×40, ${count} revisions, ${warm ? 'warm (the marks read from the lint store)' : 'cold (the marks computed)'}, ${rounds} round${rounds === 1 ? '' : 's'}, ${presses} key presses each; one tmux client process ≈ ${median(pollMs).toFixed(1)} ms (poll resolution)`);
console.log(`  baseline (node prints a line in the same terminal): ${spread(base)}`);
console.log(`  first frame: ${spread(first)} (${(median(first) / median(base)).toFixed(2)}× baseline; budget 500 ms) ${verdict(median(first) <= 500)}`);
console.log(`  history shown (the newest revision on screen): ${spread(history)} (${(median(history) / median(base)).toFixed(2)}× baseline)`);
console.log(`  screen shown (Ink's first frame: the detail pane's title): ${spread(inkShown)}`);
console.log(`  state shown (status bar no longer "reading state…"): ${spread(withState)}`);
console.log(`  marks shown (lint done, ○▲ on screen): ${spread(marked)}`);
console.log(`  key j/k while the marks are computed: ${marking.length ? `median ${median(marking).toFixed(1)} ms, min–max ${Math.min(...marking).toFixed(1)}–${Math.max(...marking).toFixed(1)} ms over ${marking.length} presses` : 'none (the marks were up when the state was)'} (budget 50 ms) ${verdict(marking.length === 0 || median(marking) <= 50)}`);
console.log(`  key j to changed pane, marks shown: median ${median(keys).toFixed(1)} ms, min–max ${Math.min(...keys).toFixed(1)}–${Math.max(...keys).toFixed(1)} ms (budget 50 ms) ${verdict(median(keys) <= 50)}`);
console.log(`  peak RSS when the marks show (${marking.length} keys pressed while they were computed, all rounds): ${spread(rssAtMarks, 'MB')}`);
console.log(`  peak RSS over the whole session (marks computed, then ${presses} more keys): ${spread(rss, 'MB')} (budget 200 MB) ${verdict(Math.max(...rss) <= 200)}`);
