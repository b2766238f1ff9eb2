import { lintHistory, lintHistorySteps, loadPostgresParser, severityRank, sortFindings, type DialectName, type Finding, type LintReport, type Project, type Severity } from '../engine/index.js';

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
  if (!report) byDialect.set(dialect, (report = lintHistory(project.graph, { dialects: [dialect] })));
  return report;
}

/**
 * The history's report computed without holding the screen: a slice of files, then the event
 * loop (keys, frames), then the next slice. Fills historyLint's cache; `stale()` stops it
 * (the project was reloaded, the screen closed).
 */
export async function historyLintInSlices(project: Project, dialect: DialectName, stale: () => boolean): Promise<LintReport | null> {
  const cached = reports.get(project)?.get(dialect);
  if (cached) return cached;
  if (dialect === 'postgres') await loadPostgresParser();
  const steps = lintHistorySteps(project.graph, { dialects: [dialect] });
  for (;;) {
    // The event loop first: the first frame (and any key) is drawn before lint starts.
    await new Promise((resolve) => setImmediate(resolve));
    if (stale()) return null;
    const step = steps.next();
    if (step.done) {
      let byDialect = reports.get(project);
      if (!byDialect) reports.set(project, (byDialect = new Map()));
      byDialect.set(dialect, step.value);
      return step.value;
    }
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

/** Finding lines for a confirmation screen: a heading, then errors first, each with its fix indented. */
export function findingLines(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  const lines = [`LINT: ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.notice} notice${counts.notice === 1 ? '' : 's'} (migrate-tui lint explains each)`];
  for (const f of sortFindings(findings)) {
    lines.push(`${f.severity.toUpperCase()} ${f.code} ${f.path}:${f.line}: ${f.message}`);
    if (f.fix) lines.push('    fix:', ...f.fix.split('\n').map((l) => `      ${l}`));
  }
  return [...lines, ''];
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
