import { Option, type Command } from 'commander';
import type { MigrateTuiError, Project } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import { EXIT } from '../exit-codes.js';
import { nonNegativeInt, resolveDir, type DatabaseContext, type Wiring } from '../wiring.js';
import { stateJson, withMigrator } from './database-commands.js';
import { lintDialects, preloadParser } from './lint-command.js';
import { lintProject, lintStoreFor } from './lint-report.js';
import type { LintReport } from '../../engine/index.js';

export function registerCheckCommand(program: Command, w: Wiring): void {
  w.add(
    program
      .command('check')
      .description('validate files and graph; exit 1 on problems (for CI)')
      .addOption(new Option('--max-heads <n>', 'fail when the graph has more heads than this').argParser(nonNegativeInt))
      .option('--dialects', 'print the dialect coverage matrix (revision × dialect)', false)
      .option('--offline', 'check only the files, even when a database is configured', false)
      .option('--strict', 'fail on warnings too (empty files, missing downs, files with their own transactions…)', false),
    async (c, g) => {
      const o = c.opts() as { maxHeads?: number; dialects: boolean; offline: boolean; strict: boolean };
      await preloadParser(g, w);
      // The dialects someone chose (config, --dialect, else the configured database's), as lint takes them: a
      // MySQL folder checked against its MariaDB does not fail on a string PostgreSQL's lexer reads otherwise.
      const which = lintDialects(g, w);
      const loaded = engine.loadProject(resolveDir(w.io, g.dir), which.chosen ? { dialects: which.dialects } : {});
      const lint = await lintProject(loaded, which.dialects, undefined, w.configFile(), lintStoreFor(w.io.env, g.readOnly ?? false));
      const files = withLint(checkCommand(loaded, { ...(o.maxHeads !== undefined ? { maxHeads: o.maxHeads } : {}), dialects: o.dialects, strict: o.strict }), lint, which.chosen, o.strict);
      if (o.offline) return files;
      if (!w.hasDatabase(g)) {
        // A database was meant (a .env's DATABASE_URL, an empty one, flyway.conf…) but none is configured: say it was not checked.
        const meant = engine.dotenvRefusal(w.database(g).target);
        if (!meant) return files;
        return { ...files, text: `${files.text}database: NOT checked: ${meant.message}\n  → ${meant.hint}\n`, json: { ...(files.json as object), databaseNotChecked: meant.message } };
      }
      engine.requireTrustworthyGraph(loaded);
      const ctx = w.database(g);
      try {
        engine.requireSqliteFile(ctx.target, {});
      } catch (error) {
        const e = error as MigrateTuiError;
        throw new engine.MigrateTuiError(e.code, e.message, `${e.hint}; \`check --offline\` checks the files only`, e.meta);
      }
      const db = await databaseCheck(ctx, loaded);
      return {
        text: files.text + db.lines.join('\n') + `\ndatabase: ${db.errors} error${db.errors === 1 ? '' : 's'}\n`,
        json: { ...(files.json as object), ok: (files.json as { ok: boolean }).ok && db.errors === 0, database: db.json },
        exitCode: files.exitCode === EXIT.ok && db.errors === 0 ? EXIT.ok : EXIT.failed,
      };
    },
  );
}

/**
 * `check` runs lint too. Its errors fail `check` for the dialects someone chose (config
 * `dialects`, the configured database, `--dialect`); with none chosen every dialect is linted
 * and its errors count as warnings, so a PostgreSQL-only folder does not fail on MySQL's rules.
 */
function withLint(files: CommandResult, report: LintReport, chosen: boolean, strict: boolean): CommandResult {
  const findings = chosen ? report.findings : report.findings.map((f) => (f.severity === 'error' ? { ...f, severity: 'warning' as const, message: `${f.message} (a warning: no dialects chosen; set "dialects" in migrate-tui.config.json)` } : f));
  const c = engine.countBySeverity(findings);
  const shown = engine.sortFindings(findings.filter((f) => f.severity !== 'notice')).map((f) => engine.formatFinding(f, { why: false }));
  const summary = `lint: ${c.error} error${c.error === 1 ? '' : 's'}, ${c.warning} warning${c.warning === 1 ? '' : 's'}, ${c.notice} notice${c.notice === 1 ? '' : 's'}${report.suppressed.length ? `, ${report.suppressed.length} suppressed` : ''}${report.notAnalysed.length ? `, ${report.notAnalysed.length} statements not analysed` : ''} (\`migrate-tui lint\` explains each, with notices)`;
  const json = files.json as { ok: boolean };
  const failing = c.error + (strict ? c.warning : 0);
  return {
    text: [...shown, files.text.trimEnd(), summary].filter((l) => l !== '').join('\n') + '\n',
    json: { ...json, ok: json.ok && failing === 0, lint: { findings: engine.sortFindings(findings), suppressed: report.suppressed.length, notAnalysed: report.notAnalysed.length } },
    exitCode: files.exitCode === EXIT.ok && failing === 0 ? EXIT.ok : EXIT.failed,
  };
}

export interface CheckOptions {
  readonly maxHeads?: number;
  readonly dialects: boolean;
  /** Warnings fail too. */
  readonly strict?: boolean;
}

export function checkCommand(project: Project, options: CheckOptions): CommandResult {
  const problems = engine.fullCheck(project);
  const heads = project.graph.heads();
  const lines = problems.map(engine.formatProblem);
  const tooManyHeads = options.maxHeads !== undefined && heads.length > options.maxHeads;
  if (tooManyHeads) {
    lines.push(
      `${project.dir}: error: ${heads.length} heads (${heads.join(', ')}), more than --max-heads ${options.maxHeads}\n  → join them with \`migrate-tui merge\` before deploying`,
    );
  }
  const errors = problems.filter(engine.isError).length + (tooManyHeads ? 1 : 0);
  const warnings = problems.length - problems.filter(engine.isError).length;
  const coverage = options.dialects ? engine.coverageMatrix(project.folder.migrations) : undefined;
  if (coverage) {
    const width = Math.max(8, ...coverage.map((r) => r.id.length));
    // A blank line parts the matrix from the problems above it; none above, none.
    if (lines.length > 0) lines.push('');
    lines.push(['revision'.padEnd(width), ...engine.DIALECT_NAMES.map((d) => d.padEnd(9))].join(' ').trimEnd());
    for (const row of coverage) lines.push([row.id.padEnd(width), ...engine.DIALECT_NAMES.map((d) => row.dialects[d].padEnd(9))].join(' ').trimEnd());
    lines.push('(common: no dialect blocks; override: its own section; default: falls back to default; nothing: a block has no section for it)');
  }
  const failing = errors + (options.strict ? warnings : 0);
  const summary =
    `${project.folder.migrations.length} revision${project.folder.migrations.length === 1 ? '' : 's'}, ${heads.length} head${heads.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}` +
    (project.folder.skippedFiles > 0 ? `; ${project.folder.skippedFiles} .sql file${project.folder.skippedFiles === 1 ? '' : 's'} skipped` : '') +
    (options.strict && warnings > 0 ? ' (--strict: warnings fail)' : '');
  lines.push(summary);
  return {
    text: lines.join('\n') + '\n',
    json: {
      ok: failing === 0,
      skippedFiles: project.folder.skippedFiles,
      revisions: project.folder.migrations.length,
      heads,
      problems,
      // Migrations that run without a transaction (and why), or whose own BEGIN … COMMIT wrapper is recognised.
      transactions: project.folder.migrations.flatMap((m) => engine.transactionNotes(m)),
      ...(tooManyHeads ? { maxHeadsExceeded: { maxHeads: options.maxHeads, heads: heads.length } } : {}),
      ...(coverage ? { coverage } : {}),
    },
    exitCode: failing === 0 ? EXIT.ok : EXIT.failed,
  };
}

/** The database half of `check`: drift (with diffs), gaps, missing files, dirty, another tool's record on first contact. */
export async function databaseCheck(ctx: DatabaseContext, project: Project): Promise<{ lines: string[]; errors: number; json: unknown }> {
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    const lines: string[] = [`database: ${m.db.display}`];
    let errors = 0;
    for (const d of state.drift) {
      errors += d.cosmetic ? 0 : 1;
      lines.push(`${project.graph.get(d.revision).upPath}: ${d.cosmetic ? 'warning' : 'error'}: changed since it was applied (${d.cosmetic ? 'white space or comments only' : 'the SQL differs'})`, d.diff.trimEnd());
    }
    for (const g of state.gaps) {
      errors++;
      lines.push(`${project.graph.get(g.revision).upPath}: error: not applied, but ${g.appliedDescendants.join(', ')} (built on it) ${g.appliedDescendants.length === 1 ? 'is' : 'are'}\n  → \`upgrade --out-of-order\` applies it`);
    }
    for (const x of state.missing) lines.push(`${project.dir}: warning: ${x.revision} is applied but has no files here\n  → check out the branch that has it, or \`downgrade\` to revert it from the stored down SQL`);
    if (state.dirty) {
      errors++;
      lines.push(`${m.db.display}: error: dirty: the ${state.dirty.direction} of ${state.dirty.revision} did not finish\n  → ${engine.hintAt(`\`migrate-tui resolve ${state.dirty.revision} ${engine.resolveModes(state.dirty.revision)}\` (resolve needs one; \`migrate-tui rollback\` lists what ran)`, engine.commandPlaceOf(ctx.target))}`);
    }
    // First contact with a database another tool migrated: the deploy's upgrade would refuse (exit 11).
    const refusal = engine.otherToolRefusal(state.otherTools, m.db, project.graph, 'upgrade');
    if (refusal) {
      errors++;
      lines.push(`${m.db.display}: error: ${String(refusal.meta.reason)}\n  → ${engine.hintAt(refusal.hint, engine.commandPlaceOf(ctx.target))}`);
    }
    return { lines, errors, json: stateJson(m, state) };
  });
}
