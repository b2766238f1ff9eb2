import type { ConfigFile, DialectName, Finding, LintReport, LintStore, Project, Severity } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import { EXIT } from '../exit-codes.js';

/** What `lint` reports, with or without --targets: the findings, the summary, the exit code by --max-severity. */

export function lintRevisions(project: Project, refs: readonly string[]): Set<string> | undefined {
  if (refs.length === 0) return undefined;
  const ids = new Set<string>();
  for (const ref of refs) {
    if (ref === 'heads') for (const h of project.graph.heads()) ids.add(h);
    else ids.add(ref === 'head' && project.graph.heads().length === 1 ? project.graph.heads()[0]! : engine.resolveRevisionRef(project.graph, ref));
  }
  return ids;
}

/**
 * Lints the project. `store`: the results kept in the user's cache folder by an earlier lint
 * of the same history (see lint-store.ts) are used, and new ones kept there unless read-only.
 */
export async function lintProject(project: Project, dialects: readonly DialectName[], revisions: ReadonlySet<string> | undefined, config: ConfigFile, store: LintStore | null = null): Promise<LintReport> {
  const options = { dialects, ...(revisions ? { revisions } : {}), ...(config.lint ? { config: config.lint } : {}) };
  const known = store ? engine.lintFromStore(project.graph, { ...options, store }) : null;
  if (known) return known;
  if (dialects.includes('postgres')) await engine.loadPostgresParser();
  return engine.lintHistory(project.graph, { ...options, ...(store ? { store } : {}) });
}

/** The lint store for this environment (none with MIGRATE_TUI_LINT_CACHE=off); `--read-only` reads it and writes nothing. */
export function lintStoreFor(env: Readonly<Record<string, string | undefined>>, readOnly: boolean): LintStore | null {
  const dir = engine.lintStoreDir(env);
  return dir ? engine.diskLintStore(dir, { write: !readOnly }) : null;
}

/** Findings more severe than `max` (`none`: any finding). */
export function above(report: LintReport, max: 'none' | Severity): number {
  if (max === 'none') return report.findings.length;
  return report.findings.filter((f) => engine.severityRank(f.severity) < engine.severityRank(max)).length;
}

/** `after`: a line under each finding (the fleet's target count). */
export function lintResult(report: LintReport, max: 'none' | Severity, why = true, after?: (f: Finding) => string): CommandResult {
  const lines = engine.sortFindings(report.findings).map((f) => {
    const [first, ...rest] = engine.formatFinding(f, { why }).split('\n');
    return [first, ...(after ? [after(f)] : []), ...rest].join('\n');
  });
  lines.push(engine.lintSummary(report));
  const failing = above(report, max);
  if (failing > 0) lines.push(`${failing} finding${failing === 1 ? '' : 's'} more severe than --max-severity ${max}`);
  return {
    text: lines.join('\n') + '\n',
    json: { ok: failing === 0, maxSeverity: max, findings: engine.sortFindings(report.findings), suppressed: report.suppressed, notAnalysed: report.notAnalysed, statements: report.statements, revisions: report.revisions },
    exitCode: failing === 0 ? EXIT.ok : EXIT.failed,
  };
}

