import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What every benchmark shares: whole-process timing with the child's peak RSS, medians with
 * their min–max, and budget verdicts. Timings are of processes (start-up included), as a
 * user runs the tools.
 */
export interface Sample {
  readonly ms: number;
  /** Peak resident set of the process in MB (GNU time's %M), or NaN when /usr/bin/time is missing. */
  readonly rssMb: number;
  /** CPU time (user + sys, GNU time's %U %S: 10 ms steps) in ms, or NaN without /usr/bin/time. Less disturbed by a loaded machine than wall time. */
  readonly cpuMs: number;
  readonly ok: boolean;
  readonly output: string;
}

const TIME = '/usr/bin/time';
const scratch = mkdtempSync(join(tmpdir(), 'migrate-tui-bench-rss-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** Runs a command to its end; wall time from spawn to exit, and its peak RSS. */
export function timeProcess(command: string, args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): Sample {
  const rssFile = join(scratch, 'rss');
  const withTime = existsSync(TIME);
  const [cmd, argv] = withTime ? [TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, [...args]];
  const start = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ...options.env }, cwd: options.cwd, maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  let rssMb = Number.NaN;
  let cpuMs = Number.NaN;
  if (withTime) {
    const [kb, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    if (Number.isFinite(kb)) rssMb = kb! / 1024;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user! + sys!) * 1000;
  }
  return { ms, rssMb, cpuMs, ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** `1234 ms [1200–1300]`: the median and the range over the rounds. */
export function spread(xs: readonly number[], unit = 'ms', digits = 0): string {
  if (xs.length === 0) return 'not measured';
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return `${median(xs).toFixed(digits)} ${unit}${xs.length > 1 ? ` [${lo.toFixed(digits)}–${hi.toFixed(digits)}]` : ''}`;
}

/** `ratio 1.07 [0.98–1.15] (budget ≤ 1.10: met)`; the range is of the per-round ratios. */
export function ratio(ours: readonly number[], base: readonly number[], budget: number | null, quick: boolean): string {
  const r = median(ours) / median(base);
  const rounds = ours.length === base.length && ours.length > 1 ? ours.map((x, i) => x / base[i]!) : [];
  const range = rounds.length ? ` [${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}]` : '';
  const verdict = budget === null ? '' : quick ? ` (budget ≤ ${budget.toFixed(2)}; quick mode: not judged)` : ` (budget ≤ ${budget.toFixed(2)}: ${r <= budget ? 'met' : 'NOT MET'})`;
  return `${r.toFixed(2)}${range}${verdict}`;
}

/** Round r runs the items rotated by r, so no tool always runs first (or last) on a warm server. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * The TUI benchmarks' corpus: N revisions in a chain; every 100th starts a side branch that
 * a merge joins two revisions later (from the second hundred on, so every revised id exists).
 * `findings`: every 10th revision and the newest drop the previous revision's table too, so
 * the history shows lint marks (`▲`) once they are computed, the newest row among them.
 */
export function writeTuiCorpus(dir: string, count: number, options: { findings?: boolean } = {}): void {
  for (let i = 1; i <= count; i++) {
    const v = String(i).padStart(6, '0');
    const id = (k: number) => String(k).padStart(6, '0');
    const header = i > 100 && i % 100 === 2 ? `-- migrate:revises ${id(i - 2)}\n` : i > 100 && i % 100 === 3 ? `-- migrate:revises ${id(i - 1)}, ${id(i - 2)}\n` : '';
    // With findings: every 10th revision and the newest also drop the table before them (a lint warning, ▲ in the history).
    const drop = options.findings && i > 1 && (i % 10 === 0 || i === count) ? `DROP TABLE t_${id(i - 1)};\n` : '';
    writeFileSync(join(dir, `${v}_step_${v}.up.sql`), `${header}CREATE TABLE t_${v} (id INTEGER PRIMARY KEY, name TEXT);\n${drop}`);
    writeFileSync(join(dir, `${v}_step_${v}.down.sql`), `DROP TABLE t_${v};\n`);
  }
}
