import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMariadb, startPostgres, type RunningServer } from '../test/servers.js';
import { BIN, binary, connectionSampler, EXAMPLE, freshTargets, loadAverage, median, peakRssMb, span, targetsFile } from './fleet-common.js';

/**
 * The TUI fleet view as a user sees it: the built binary (`migrate-tui --targets`) in a real
 * pseudo-terminal (tmux, 120×40) on many targets (200; `--quick`: 12), a third each on a
 * PostgreSQL server, a MariaDB server and SQLite files, all upgraded first (each has a log to
 * read). Timed from spawning the session to the first frame, and to the pane's title saying
 * `read N/N` (every row read), against the baseline of `--targets status` (the same reads, printed; process start
 * to exit), interleaved rounds, medians and min–max. Then keys: `j`/`k` alternately (the
 * cursor never stops at an end, where a key changes nothing), 100 ms apart as typed, each
 * from `send-keys` to the pane showing the cursor on the row the key moved it to. The pane is polled with `tmux capture-pane` (a few ms per poll,
 * printed as the resolution; figures are upper bounds by about one poll), yielding between
 * polls so that the connection sampler runs: the most sessions each server lists at once on
 * the fleet's databases while the view reads (never more than --parallel). Peak RSS: VmHWM of
 * the view's process from /proc, before `q`. Then `q`: the process ends with exit 0.
 */
const quick = process.argv.includes('--quick');
const size = quick ? 12 : 200;
const rounds = quick ? 1 : 3;
const presses = quick ? 10 : 30;
const parallel = 4;
if (spawnSync('tmux', ['-V']).status !== 0) {
  console.log('fleet view benchmark: NOT MEASURED (tmux is not installed)');
  if (process.env.CI === 'true') process.exitCode = 1;
  process.exit();
}
const root = mkdtempSync(join(tmpdir(), 'migrate-tui-bench-fleet-view-'));
const servers = { pg: null as unknown as RunningServer, my: null as unknown as RunningServer };

// A tmux server (socket) per session: a new one never races the last one's shutdown.
let sessions = 0;
let socket = '';
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'v').stdout;
const yieldOnce = () => new Promise((resolve) => setImmediate(resolve));

async function until(test: (s: string) => boolean, what: string, ms = 120_000): Promise<string> {
  const deadline = performance.now() + ms;
  for (;;) {
    const s = screen();
    if (test(s)) return s;
    if (performance.now() > deadline) throw new Error(`the pane never showed ${what}:\n${s}`);
    await yieldOnce();
  }
}

/** Reports: a Node diagnostic report asked of a view that outlived its quit (SIGUSR2; the flags only install the handler). */
const reports = join(root, 'reports');

/** What keeps a process alive: its libuv handles, from a diagnostic report it writes on SIGUSR2. */
async function stillOpen(pid: number): Promise<string> {
  mkdirSync(reports, { recursive: true });
  try {
    process.kill(pid, 'SIGUSR2');
  } catch (error) {
    return `the process ${pid} is gone (${(error as Error).message})`;
  }
  const deadline = performance.now() + 10_000;
  for (;;) {
    const [file] = readdirSync(reports);
    if (file) {
      // The report is written in one go; a partial read is retried.
      try {
        const report = JSON.parse(readFileSync(join(reports, file), 'utf8')) as { libuv: { type: string; is_active: boolean; is_referenced?: boolean; localEndpoint?: unknown; remoteEndpoint?: unknown; repeat?: number; firesInMsFromNow?: number }[] };
        const live = report.libuv.filter((h) => h.is_active && h.is_referenced !== false);
        return `its active referenced libuv handles:\n${live.map((h) => `  ${JSON.stringify(h)}`).join('\n')}`;
      } catch {
        // not complete yet
      }
    }
    if (performance.now() > deadline) return `the process ${pid} wrote no diagnostic report within 10 s`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How a pane's process ended: tmux's status, or a zombie's from /proc/<pid>/stat (field 52, as waitpid reports it); null while unknown. */
function exitOf(pid: number, dead: RegExpExecArray | null): { status: number | null; signal: number | null } | null {
  if (dead === null) return null;
  if (dead[1] !== '') return { status: Number(dead[1]), signal: null };
  if (dead[2] !== '') return { status: null, signal: Number(dead[2]) };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z') return null;
    const code = Number(fields[49]);
    console.error(`fleet view bench: tmux had not reaped the view's process (a zombie): its exit status read from /proc/${pid}/stat`);
    return (code & 0x7f) === 0 ? { status: code >> 8, signal: null } : { status: null, signal: code & 0x7f };
  } catch {
    return null; // reaped by now: tmux has the status at its next read
  }
}

/** Whether a process still exists, and in what state (its threads' kernel waits too). */
function processState(pid: number): string {
  try {
    const state = /^State:\s*(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    const threads = readdirSync(`/proc/${pid}/task`).map((t) => {
      const read = (f: string) => { try { return readFileSync(`/proc/${pid}/task/${t}/${f}`, 'utf8').trim(); } catch { return '?'; } };
      return `${read('comm')}:${read('wchan')}`;
    });
    return `process ${pid} still exists, state ${state}; threads ${threads.join(', ')}`;
  } catch {
    return `process ${pid} no longer exists`;
  }
}

async function main(): Promise<void> {
  [servers.pg, servers.my] = await Promise.all([startPostgres(), startMariadb()]);
  const targets = await freshTargets(servers, root, 'fv_', 'tenant', size);
  for (const t of targets) if (t.kind === 'sqlite') writeFileSync(t.url.slice('sqlite:'.length), '');
  const file = targetsFile(join(root, 'migrate-tui.targets.json'), targets);
  const up = await binary(['--dir', EXAMPLE, '--targets', file, '--yes', 'upgrade'], root);
  if (up.code !== 0) throw new Error(`the fleet upgrade before the bench failed:\n${up.stdout.slice(-1500)}`);

  const pollMs: number[] = [];
  for (let k = 0; k < 20; k++) {
    const t = performance.now();
    spawnSync('tmux', ['-V']);
    pollMs.push(performance.now() - t);
  }
  const status: number[] = [];
  const statusRss: number[] = [];
  const first: number[] = [];
  const filled: number[] = [];
  const keys: number[] = [];
  const rss: number[] = [];
  const peaks = { postgres: 0, mariadb: 0, samples: 0, autovacuum: 0, otherTypes: new Set<string>(), over: [] as string[] };
  const all = new RegExp(`read ${size}/${size}`);
  for (let r = 0; r < rounds; r++) {
    // Baseline: the same reads through `--targets status` (no terminal: it prints).
    const baseline = await binary(['--dir', EXAMPLE, '--targets', file, 'status'], root);
    if (baseline.code !== 0 || !baseline.stdout.includes(`status on ${size} targets: ${size} up to date`)) throw new Error(`--targets status: exit ${baseline.code}\n${baseline.stdout.slice(-800)}`);
    status.push(baseline.ms);
    statusRss.push(baseline.peakRssMb);

    // The fleet view: spawned in a terminal, until every row is read.
    socket = `migrate-tui-bench-fv-${process.pid}-${++sessions}`;
    const stop = connectionSampler(servers, 'fv_', parallel);
    const start = performance.now();
    const opened = tmux('new-session', '-d', '-s', 'v', '-x', '120', '-y', '40', '-c', root, `exec ${process.execPath} --report-on-signal --report-signal=SIGUSR2 --report-directory=${reports} ${BIN} --dir ${EXAMPLE} --targets ${file} --parallel ${parallel}`);
    if (opened.status !== 0) throw new Error(`tmux: ${opened.stderr}`);
    const pid = Number(tmux('display-message', '-p', '-t', 'v', '#{pane_pid}').stdout.trim());
    tmux('set-option', '-t', 'v', 'remain-on-exit', 'on');
    await until((s) => s.includes('migrate-tui — opening') || s.includes('Fleet '), 'the first frame');
    first.push(performance.now() - start);
    await until((s) => all.test(s), `read ${size}/${size}`);
    filled.push(performance.now() - start);
    const peak = await stop();
    peaks.postgres = Math.max(peaks.postgres, peak.postgres);
    peaks.mariadb = Math.max(peaks.mariadb, peak.mariadb);
    peaks.samples += peak.samples;
    peaks.autovacuum = Math.max(peaks.autovacuum, peak.autovacuum);
    for (const type of peak.otherTypes) peaks.otherTypes.add(type);
    peaks.over.push(...peak.overLimit.slice(0, 3));

    for (let k = 0; k < presses; k++) {
      // The frame with the cursor where the key puts it: "any change" was fooled by a frame
      // the terminal was still drawing, and two keys read at once draw only the second.
      const cursorOn = new RegExp(`^> \\[ \\] tenant-${k % 2 === 0 ? 1 : 0} `, 'm');
      // Keys 100 ms apart, as typed: Ink draws at most 30 frames a second, so a key sent the
      // moment the last frame showed waits for the next slot (up to 33 ms) instead.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const t = performance.now();
      tmux('send-keys', '-t', 'v', k % 2 === 0 ? 'j' : 'k');
      await until((s) => cursorOn.test(s), `the cursor on tenant-${k % 2 === 0 ? 1 : 0} (press ${k + 1})`, 10_000);
      keys.push(performance.now() - t);
    }
    rss.push(peakRssMb(pid));
    tmux('send-keys', '-t', 'v', 'q');
    // The pane stays after the process ends (remain-on-exit) and says how it ended.
    // A process ended by a signal has an empty status and the signal's number instead.
    const dead = () => /^1:(\d*):(\d*)$/.exec(tmux('display-message', '-p', '-t', 'v', '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}').stdout.trim());
    const ended = await until(() => dead() !== null, 'the view to end after q', 20_000).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await stillOpen(pid)}`);
    });
    // tmux 3.3 marks a pane dead when its terminal closes, which can be before it has the
    // process's exit status (tmux PR #4841); under load it was seen not to reap the process
    // for 20 s and more (a zombie). The zombie's status is then read from /proc (what waitpid
    // would give), else tmux's is waited for.
    const statusDeadline = performance.now() + 20_000;
    let exit: { status: number | null; signal: number | null } | null = null;
    while (!(exit = exitOf(pid, dead()))) {
      if (performance.now() > statusDeadline) throw new Error(`the fleet view's terminal closed after q but its exit status is unknown after 20 s; ${processState(pid)}:\n${ended}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (exit.status !== 0) throw new Error(`the fleet view ended with ${exit.status !== null ? `exit ${exit.status}` : `signal ${exit.signal}`} after q:\n${ended}`);
    tmux('kill-server');
    console.error(`fleet view bench: round ${r + 1}: status ${baseline.ms.toFixed(0)} ms, view filled ${filled[r]!.toFixed(0)} ms`);
  }
  const pad = (s: string) => s.padEnd(44);
  console.log(`fleet view: ${size} targets (a third each on PostgreSQL, MariaDB, SQLite files; all upgraded), --parallel ${parallel}, the binary in tmux 120×40, ${rounds} round${rounds === 1 ? '' : 's'}, load ${loadAverage()}`);
  console.log(`  ${pad('baseline: --targets status (same reads)')} median ${median(status).toFixed(0)} ms (${span(status)}), peak RSS ${Math.max(...statusRss).toFixed(0)} MB`);
  console.log(`  ${pad('fleet view: spawn to the first frame')} median ${median(first).toFixed(0)} ms (${span(first)})`);
  console.log(`  ${pad('fleet view: spawn to every row read')} median ${median(filled).toFixed(0)} ms (${span(filled)}), peak RSS ${Math.max(...rss).toFixed(0)} MB; ratio ${(median(filled) / median(status)).toFixed(2)}`);
  console.log(`  ${pad(`key (j/k, 100 ms apart) to the cursor drawn, ${keys.length} presses`)} median ${median(keys).toFixed(1)} ms (${span(keys, 1)}); one poll ${median(pollMs).toFixed(1)} ms`);
  console.log(`  most connections at once while reading: PostgreSQL ${peaks.postgres}, MariaDB ${peaks.mariadb} (limit ${parallel}; ${peaks.samples} samples; client backends only; other PostgreSQL backends seen, not counted: up to ${peaks.autovacuum}, ${[...peaks.otherTypes].join(', ') || 'none'})`);
  for (const sample of peaks.over) console.log(`    over ${parallel}: ${sample}`);
  if (peaks.postgres > parallel || peaks.mariadb > parallel) console.log('  WARNING: a server listed more sessions than --parallel at once (see the sessions above)');
}

try {
  await main();
} finally {
  if (socket) tmux('kill-server');
  await Promise.all([servers.pg, servers.my].filter(Boolean).map((s) => s.stop().catch(() => undefined)));
  rmSync(root, { recursive: true, force: true });
}
