import { sinceInput } from './input-activity.js';
import { findRule, lintFromStoreSteps, lintHistory, lintHistorySteps, lintKeysInSteps, loadPostgresParser, severityRank, sortFindings, type DialectName, type Finding, type LintReport, type LintStore, type Project, type Severity } from '../engine/index.js';

/**
 * What the TUI shows of lint: the lint tab of a revision, and the findings a confirmation
 * screen lists above the SQL (errors first, each with its fix). Plain functions, no React.
 */

const reports = new WeakMap<Project, Map<DialectName, LintReport>>();

/** The whole history's report for one dialect, computed once per loaded project. */
export function historyLint(project: Project, dialect: DialectName): LintReport {
  let byDialect = reports.get(project);
  if (!byDialect) reports.set(project, (byDialect = new Map()));
  let report = byDialect.get(dialect);
  if (!report) byDialect.set(dialect, (report = lintHistory(project.graph, { dialects: [dialect], light: true })));
  return report;
}

/** How long lint holds the event loop at a time while the marks are computed (a key waits at most about this long). */
export const LINT_SLICE_MS = 5;
/** After a key, lint waits this long (the key's frame is drawn first, not shared with lint). */
export const LINT_KEY_QUIET_MS = 20;

/**
 * The history's report computed without holding the screen: lint's steps (10 files each) for
 * up to LINT_SLICE_MS, then the event loop (keys, frames), then the next slice; none within
 * LINT_KEY_QUIET_MS of a key. Light: down
 * files and splits are not kept on the project, only the report. Fills historyLint's cache;
 * `stale()` stops it (the project was reloaded, the screen closed). With a `store` (the lint
 * results kept between runs, see lint-store.ts): the history's key is hashed in slices the
 * same way, and results kept by an earlier lint of the same history (the TUI's or `lint`'s)
 * are read instead of computed — no statement analysed, no parser needed; results computed
 * here are written there (unless the store is read-only).
 */
export function historyLintInSlices(project: Project, dialect: DialectName, stale: () => boolean, store: LintStore | null = null): Promise<LintReport | null> {
  const cached = reports.get(project)?.get(dialect);
  if (cached) return Promise.resolve(cached);
  // One computation per project and dialect: a second caller (the lint tab) waits for the first; if that one stops, it computes alone.
  let running = inFlight.get(project);
  if (!running) inFlight.set(project, (running = new Map()));
  const first = running.get(dialect);
  if (first) return first.then((report) => report ?? historyLintInSlices(project, dialect, stale, store));
  const computing = lintInSlices(project, dialect, stale, store).finally(() => running.delete(dialect));
  running.set(dialect, computing);
  return computing;
}

const inFlight = new WeakMap<Project, Map<DialectName, Promise<LintReport | null>>>();

/**
 * PostgreSQL statements per parser call while the marks are computed: about 1–4 ms a call
 * here, so a key waits for at most one (400 a call, lint's default, held a key 40–150 ms).
 */
export const MARKS_PARSE_BATCH = 25;

async function lintInSlices(project: Project, dialect: DialectName, stale: () => boolean, store: LintStore | null): Promise<LintReport | null> {
  const options = { dialects: [dialect], light: true, parseBatch: MARKS_PARSE_BATCH, ...(store ? { store } : {}) };
  const done = (report: LintReport) => {
    let byDialect = reports.get(project);
    if (!byDialect) reports.set(project, (byDialect = new Map()));
    byDialect.set(dialect, report);
    return report;
  };
  if (store) {
    if ((await inSlices(lintKeysInSteps(project.graph, options.dialects, options), stale)) === STOPPED) return null;
    const known = await inSlices(lintFromStoreSteps(project.graph, { ...options, store }), stale);
    if (known === STOPPED) return null;
    if (known) return done(known);
  }
  // V8's baseline compiler only (as a run's plan lint): with tiering, the parser's first calls
  // compiled its grammar on the main thread and re-compiled it while keys waited.
  if (dialect === 'postgres') await loadPostgresParser({ baselineOnly: true });
  const report = await inSlices(lintHistorySteps(project.graph, options), stale);
  return report === STOPPED ? null : done(report);
}

const STOPPED = Symbol('stopped');

/** Runs a generator's steps for up to LINT_SLICE_MS at a time between turns of the event loop (none within LINT_KEY_QUIET_MS of a key). */
async function inSlices<T>(steps: Generator<void, T>, stale: () => boolean): Promise<T | typeof STOPPED> {
  for (;;) {
    // The event loop first: the first frame (and any key) is drawn before lint starts.
    await new Promise((resolve) => setImmediate(resolve));
    for (let quiet = LINT_KEY_QUIET_MS - sinceInput(); quiet > 0; quiet = LINT_KEY_QUIET_MS - sinceInput()) await new Promise((resolve) => setTimeout(resolve, quiet));
    if (stale()) return STOPPED;
    const until = performance.now() + LINT_SLICE_MS;
    let step = steps.next();
    while (!step.done && performance.now() < until) step = steps.next();
    if (step.done) return step.value;
  }
}

/** The history's report for this dialect is computed (the marks are up). */
export const historyLintReady = (project: Project, dialect: DialectName): boolean => reports.get(project)?.has(dialect) ?? false;

/** The most severe finding of each revision (the history's marks). */
export function worstByRevision(report: LintReport): Map<string, Severity> {
  const worst = new Map<string, Severity>();
  for (const f of report.findings) {
    const seen = worst.get(f.revision);
    if (!seen || severityRank(f.severity) < severityRank(seen)) worst.set(f.revision, f.severity);
  }
  return worst;
}

/** The findings of a plan's revisions, in the plan's direction (tables created earlier in the plan count as new). */
export function planLint(project: Project, dialect: DialectName, revisions: readonly string[], direction: 'up' | 'down'): readonly Finding[] {
  const known = revisions.filter((id) => project.graph.has(id));
  if (known.length === 0) return [];
  return lintHistory(project.graph, { dialects: [dialect], revisions: new Set(known), directions: [direction], plan: true }).findings;
}

/**
 * A confirmation's lint: the plan's findings (errors first), the one under focus (`]`/`[`),
 * whether its suggested fix is open (`f`), and whether live figures are still being read.
 */
export interface ConfirmLint {
  readonly findings: readonly Finding[];
  readonly focus: number;
  readonly showFix: boolean;
  readonly counting: boolean;
}

export function confirmLint(findings: readonly Finding[], counting: boolean): ConfirmLint | null {
  return findings.length === 0 ? null : { findings: sortFindings(findings), focus: 0, showFix: false, counting };
}

/**
 * Finding lines for a confirmation screen: a heading, then errors first, each with its live
 * figures and fix; `▶` marks the focus. `keys: null`: a screen without the focus keys (the
 * fleet's confirmation lists the findings of several dialects), so neither keys nor ▶.
 */
export function findingLines(lint: ConfirmLint | null, keys: { move: string; fix: string } | null = { move: '] [', fix: 'f' }): string[] {
  if (!lint) return [];
  const { findings } = lint;
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const hint = keys ? ` (${keys.move} moves ▶, ${keys.fix} shows its fix${lint.counting ? '; reading live counts…' : ''})` : '';
  const lines = [`LINT: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.notice, 'notice')}${hint}`];
  if (keys && lint.showFix) lines.push(...fixLines(findings[lint.focus]!, lint.focus, findings.length, keys.fix), '');
  findings.forEach((f, k) => {
    lines.push(`${keys && k === lint.focus ? '▶' : ' '} ${f.severity.toUpperCase()} ${f.code} ${f.path}:${f.line}: ${f.message}`);
    if (f.data) lines.push(`    now: ${f.data}`);
    if (f.fix) lines.push('    fix:', ...f.fix.split('\n').map((l) => `      ${l}`));
  });
  return [...lines, ''];
}

/** The suggested fix of one finding: the rule's do-instead and the SQL written for this statement. */
function fixLines(f: Finding, k: number, total: number, key: string): string[] {
  const rule = findRule(f.code);
  return [
    `FIX for ${f.severity.toUpperCase()} ${f.code} (finding ${k + 1} of ${total}; ${key} hides):`,
    `  ${f.message}`,
    ...(rule ? wrap(`why: ${rule.why}`, 90) : []),
    ...(rule ? wrap(`do instead: ${rule.doInstead}`, 90) : []),
    ...(f.fix ? ['  for this statement:', ...f.fix.split('\n').map((l) => `    ${l}`)] : []),
  ];
}

/** The lint tab of one revision: its findings, up then down, with why, do-instead and fix. */
export function lintTabLines(project: Project, dialect: DialectName, id: string, why: (code: string) => { why: string; doInstead: string } | undefined): string[] {
  const report = historyLint(project, dialect);
  const mine = report.findings.filter((f) => f.revision === id);
  const quiet = report.suppressed.filter((f) => f.revision === id);
  const unread = report.notAnalysed.filter((n) => n.revision === id);
  const lines: string[] = [];
  if (mine.length === 0) lines.push(`no lint findings for ${id} on ${dialect}`);
  for (const f of sortFindings(mine)) {
    const rule = why(f.code);
    lines.push(`${f.severity.toUpperCase()} ${f.code} (${f.direction}) ${f.path}:${f.line}`, `  ${f.message}`);
    if (rule) lines.push(...wrap(`why: ${rule.why}`, 72), ...wrap(`do instead: ${rule.doInstead}`, 72));
    if (f.fix) lines.push('  fix:', ...f.fix.split('\n').map((l) => `    ${l}`));
    lines.push('');
  }
  for (const f of quiet) lines.push(`silenced ${f.code} at line ${f.line}: ${f.suppressed}`);
  if (unread.length > 0) lines.push(`${unread.length} statement${unread.length === 1 ? '' : 's'} not analysed (line ${unread.map((n) => n.line).join(', ')}): lint could not tell what ${unread.length === 1 ? 'it does' : 'they do'}`);
  return lines;
}

/** Words into lines of at most `width` characters, indented two spaces (the detail pane truncates). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(`  ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, `  ${line}`] : lines;
}
