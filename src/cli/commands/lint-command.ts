import { Option, type Command } from 'commander';
import type { ConfigFile, DialectName, Finding, LintReport, Project, Severity } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult, GlobalOptions } from '../command-result.js';
import { EXIT } from '../exit-codes.js';
import { commaList, dialectOption, type Wiring } from '../wiring.js';
import { withMigrator } from './database-commands.js';

/** `lint [revs…]`: dangerous operations per dialect, with why and the safe pattern. */
export function registerLintCommand(program: Command, w: Wiring): void {
  w.add(
    program
      .command('lint')
      .argument('[revs...]', 'revisions to lint (ids, prefixes, labels, head/heads); default: all')
      .description('name dangerous operations (locks, rewrites, data loss, dialect leaks) per dialect before they run')
      .addOption(new Option('--max-severity <level>', 'exit 1 when a finding is more severe than this').choices(['none', 'notice', 'warning', 'error']).default('warning'))
      .option('--no-why', 'one line per finding (no why, do-instead or fix)')
      .option('--counts', 'read row, NULL and duplicate counts for the findings from the configured database (plain SELECTs)', false),
    async (c, g, revs) => {
      const o = c.opts() as { maxSeverity: 'none' | Severity; why: boolean; counts: boolean };
      if (g.targets !== undefined) return (await import('./lint-fleet.js')).lintFleet(w, g, revs as string[], o);
      const project = w.project(g, {});
      if (o.counts) {
        // The database's own dialect, and its figures next to each finding.
        return withMigrator(w.database(g), project, async (m) => {
          const report = await lintProject(project, [m.db.syntax.name], lintRevisions(project, revs as string[]), w.configFile());
          return lintResult({ ...report, findings: await engine.withLiveCounts(m.db, report.findings) }, o.maxSeverity, o.why);
        });
      }
      const report = await lintProject(project, lintDialects(g, w).dialects, lintRevisions(project, revs as string[]), w.configFile());
      return lintResult(report, o.maxSeverity, o.why);
    },
    'own',
  );
}

/**
 * --dialect (a comma list), else the config's `dialects`, else the configured database's,
 * else all four; `chosen` is false for that last fallback (no one said which databases).
 */
export function lintDialects(g: GlobalOptions, w: Wiring): { dialects: DialectName[]; chosen: boolean } {
  if (g.dialect) return { dialects: [...new Set(commaList(g.dialect, []).map((d) => dialectOption(d).name))], chosen: true };
  const declared = w.configFile().dialects;
  if (declared) return { dialects: [...declared], chosen: true };
  if (w.hasDatabase(g)) {
    const target = w.database(g).target;
    return { dialects: target.dialectHint ? [target.dialectHint] : target.kind === 'mysql' ? ['mysql', 'mariadb'] : [target.kind], chosen: true };
  }
  return { dialects: [...engine.DIALECT_NAMES], chosen: false };
}

export function lintRevisions(project: Project, refs: readonly string[]): Set<string> | undefined {
  if (refs.length === 0) return undefined;
  const ids = new Set<string>();
  for (const ref of refs) {
    if (ref === 'heads') for (const h of project.graph.heads()) ids.add(h);
    else ids.add(ref === 'head' && project.graph.heads().length === 1 ? project.graph.heads()[0]! : engine.resolveRevisionRef(project.graph, ref));
  }
  return ids;
}

export async function lintProject(project: Project, dialects: readonly DialectName[], revisions: ReadonlySet<string> | undefined, config: ConfigFile): Promise<LintReport> {
  if (dialects.includes('postgres')) await engine.loadPostgresParser();
  return engine.lintHistory(project.graph, { dialects, ...(revisions ? { revisions } : {}), ...(config.lint ? { config: config.lint } : {}) });
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

/** Parses `--lint <level>` of upgrade/downgrade. */
export function lintGate(value: string | undefined): Severity | null {
  if (value === undefined) return null;
  if (!(engine.SEVERITIES as readonly string[]).includes(value)) throw new engine.UsageError(`--lint must be one of ${engine.SEVERITIES.join(', ')}, got "${value}"`, '`--lint error` refuses to run when the plan has an error-level finding');
  return value as Severity;
}

/** What upgrade/downgrade print before running: the plan's findings, errors first, one line each with its fix. */
export function planFindingsText(report: LintReport): string {
  if (report.findings.length === 0) return '';
  const lines = engine.sortFindings(report.findings).map((f) => engine.formatFinding(f, { why: false }));
  return `lint: the plan has ${engine.lintSummary(report).replace(/^[^:]*: /, '')} (\`migrate-tui lint\` explains each)\n${lines.join('\n')}\n`;
}
