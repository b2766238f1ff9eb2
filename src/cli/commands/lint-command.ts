import { Option, type Command } from 'commander';
import type { DialectName, LintReport, Severity } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { GlobalOptions } from '../command-result.js';
import { commaList, dialectOption, type Wiring } from '../wiring.js';
import { withMigrator } from './database-commands.js';
import { lintProject, lintResult, lintRevisions, lintStoreFor } from './lint-report.js';

// Moved to lint-report.ts (lint --targets shares them); importers of this file keep working.
export { above, lintProject, lintResult, lintRevisions } from './lint-report.js';

/** `lint [revs…]`: dangerous operations per dialect, with why and the safe pattern. */
export function registerLintCommand(program: Command, w: Wiring): void {
  w.add(
    program
      .command('lint')
      .argument('[revs...]', 'revisions to lint (ids, prefixes, labels, head/heads); default: all')
      .description('name dangerous operations (locks, rewrites, data loss, dialect leaks) per dialect before they run')
      .addOption(new Option('--max-severity <level>', 'exit 1 when a finding is more severe than this').choices(['none', 'notice', 'warning', 'error']).default('warning'))
      .option('--no-why', 'one line per finding (no why, do-instead or fix)')
      .option('--counts', 'read row, NULL and duplicate counts for the findings from the configured database (read-only SELECTs on a second connection)', false)
      .option('--counts-timeout <seconds>', 'with --counts: stop a count after this long, and a lock wait after a tenth of it (the figure then says "not counted")', '30'),
    async (c, g, revs) => {
      const o = c.opts() as { maxSeverity: 'none' | Severity; why: boolean; counts: boolean; countsTimeout: string };
      if (g.targets !== undefined) return (await import('./lint-fleet.js')).lintFleet(w, g, revs as string[], o);
      if (!o.counts) await preloadParser(g, w);
      const project = w.project(g, {});
      if (o.counts) {
        const timeoutMs = countsTimeout(o.countsTimeout);
        // The database's own dialect, and its figures next to each finding, read like the TUI's:
        // read-only, with the count and any lock wait limited, so looking never hangs nor queues
        // in front of the application (a COUNT waiting on a table an ALTER holds would).
        return withMigrator(w.database(g), project, async (m) => {
          const report = await lintProject(project, [m.db.syntax.name], lintRevisions(project, revs as string[]), w.configFile(), lintStoreFor(w.io.env, g.readOnly ?? false));
          return lintResult({ ...report, findings: await engine.withProbedCounts(m.db, report.findings, timeoutMs) }, o.maxSeverity, o.why);
        });
      }
      const report = await lintProject(project, lintDialects(g, w).dialects, lintRevisions(project, revs as string[]), w.configFile(), lintStoreFor(w.io.env, g.readOnly ?? false));
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

/** Parses `--counts-timeout <seconds>`. */
function countsTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new engine.UsageError(`--counts-timeout must be a number of seconds above 0, got "${value}"`, 'e.g. `--counts-timeout 5`');
  return seconds * 1000;
}

/**
 * When the command will lint PostgreSQL, its parser starts compiling now, while the folder is
 * read (it is needed unless the cache folder has the results). Errors in choosing the dialects
 * are left for the command to report, where it did before.
 */
export async function preloadParser(g: GlobalOptions, w: Wiring): Promise<void> {
  let dialects: DialectName[];
  try {
    dialects = lintDialects(g, w).dialects;
  } catch {
    return;
  }
  if (dialects.includes('postgres')) await engine.preloadPostgresParser();
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
