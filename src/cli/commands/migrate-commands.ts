import type { Command } from 'commander';
import type { ConfigFile, DatabaseState, LintReport, LintStore, Migrator, Project, Severity } from '../../engine/index.js';
import { engine } from '../engine.js';
import { EXIT } from '../exit-codes.js';
import { lintGate, planFindingsText } from './lint-command.js';
import { lintStoreFor } from './lint-report.js';
import type { CommandResult } from '../command-result.js';
import { confirm } from '../confirm.js';
import { dialectOption, type DatabaseContext, type Wiring } from '../wiring.js';
import { finish, stateTables, withMigrator, WRITES } from './database-commands.js';
import { offlinePlanCommand } from './offline-plan.js';
import { announceBackup, backupQuestion, takeBackup, type BackupChoice } from './backup-first.js';
import { withSchemaFile } from './schema-file.js';

export function registerMigrateCommands(program: Command, w: Wiring): void {
  for (const direction of ['upgrade', 'downgrade'] as const) {
    const command = program
      .command(direction)
      .description(direction === 'upgrade' ? 'apply revisions up to a target (default: heads)' : 'revert revisions down to a target (-1, base, an id…); asks first')
      .argument(direction === 'upgrade' ? '[target]' : '<target>', 'target (see README: targets)')
      .option('--sql', 'print the SQL of the plan instead of running it (never writes)', false)
      .option('--from <revs>', 'with --sql: the state to plan from (comma-separated revisions, or base)')
      .option('--lint <level>', 'refuse to run (exit 9) when the plan has a lint finding at this level or worse: error, warning or notice');
    if (direction === 'upgrade') command.option('--out-of-order', 'also apply revisions below applied ones (merged late)', false);
    if (direction === 'downgrade') {
      command
        .option('--dry-run', 'print the preview (plan, formatted SQL, data at risk) and stop', false)
        .option('-v, --verbose', 'with --yes: print the whole preview (every statement), not the summary', false)
        .option('--no-backup', 'do not take a backup first')
        .option('--backup-dir <folder>', 'where backups go (default: "backups", or the config file\'s)');
    }
    w.add(command, async (c, g, target) => {
      const o = c.opts() as { sql: boolean; from?: string; outOfOrder?: boolean; dryRun?: boolean; verbose?: boolean; backup?: boolean; backupDir?: string; lint?: string };
      const lint: PlanLint = { gate: lintGate(o.lint), config: w.configFile(), store: lintStoreFor(w.io.env, g.readOnly ?? false) };
      let targetText = typeof target === 'string' ? target : 'heads';
      // A folder with errors is refused (online and --sql) with every problem listed, once.
      const loaded = w.project(g, { refusesOnErrors: true });
      const range = /^([^:]*):([^:]*)$/.exec(targetText);
      if (range) {
        // Alembic's offline range: `upgrade a:b --sql` plans from a to b.
        if (!o.sql) throw new engine.UsageError(`a range "${targetText}" only works with --sql (Alembic's offline mode)`, `online, name the target only: \`${direction} ${range[2] || 'heads'}\``);
        if (o.from) throw new engine.UsageError(`give the starting point once: "${targetText}" already starts at ${range[1] || 'the default'}`, 'drop --from, or the part before the colon');
        targetText = range[2] || (direction === 'upgrade' ? 'heads' : 'base');
        if (range[1]) o.from = range[1];
      }
      if (o.sql) {
        // With a database and no --from, plan from what the database holds.
        if (!o.from && (g.url || w.hasDatabase(g)) && !g.dialect) {
          return withMigrator(w.database(g), loaded, async (m) => {
            const state = await m.readState();
            // First contact with a database another tool migrated: a script from "nothing applied" would apply its revisions again.
            const refusal = engine.otherToolRefusal(state.otherTools, m.db, loaded.graph, direction === 'upgrade' ? 'upgrade --sql' : 'downgrade');
            if (refusal) throw refusal;
            // An applied revision without files: the script would be planned as if it were not applied (refused as online).
            if (direction === 'upgrade') engine.upgradeRevisions(loaded.graph, state, targetText, true);
            // A downgrade reverts those first, from the down SQL stored when they ran; a script made from the files would not (it reverted 2 with the table at 3).
            else if (state.missing.length > 0) throw offlineDowngradeRefusal(state.missing.map((x) => x.revision));
            const from = [...state.applied].join(',') || 'base';
            const plannedFrom = `database ${m.db.display} at ${state.versionRows.join(', ') || 'base'}`;
            const missing = state.missing.map((x) => x.revision);
            const database = { applied: new Set(state.applied), plannedFrom, versionRows: state.versionRows, missing };
            const plan = offlinePlanCommand(loaded, direction, targetText, m.db.syntax, from, stateTables(w.configFile()), database);
            if (direction === 'upgrade') return plan;
            // A downgrade's SQL starts with what it destroys, counted now.
            const preview = await m.downgradePreview(targetText);
            return { ...plan, text: engine.riskLines(preview).map((l) => `-- ${l}`).join('\n') + '\n' + plan.text, json: { ...(plan.json as object), dataAtRisk: preview.dataAtRisk } };
          });
        }
        if (!g.dialect) throw new engine.UsageError('--sql needs --dialect when no database is given', `add --dialect with one of: ${engine.knownDialectSpellings()}`);
        return offlinePlanCommand(loaded, direction, targetText, dialectOption(g.dialect), o.from, stateTables(w.configFile()));
      }
      // The SQL is validated for the connected database's dialect when the Migrator plans.
      return direction === 'upgrade'
        ? upgradeCommand(w.database(g), loaded, targetText, Boolean(o.outOfOrder), g.json, lint)
        : downgradeCommand(w.database(g), loaded, targetText, g.json, { dryRun: Boolean(o.dryRun), verbose: Boolean(o.verbose), backup: o.backup !== false, backupDir: w.backupDir(o.backupDir, g) }, lint);
    });
  }
  registerResetCommand(program, w);
}

/**
 * `downgrade --sql` from a database with applied revisions whose files are missing: online, a
 * downgrade reverts them first from the down SQL stored when they ran; an offline script is
 * made from the files, so it would revert other revisions and leave their version rows.
 */
function offlineDowngradeRefusal(ids: readonly string[]) {
  const one = ids.length === 1;
  return new engine.PlanError(
    'missing-files',
    `downgrade --sql refused: ${ids.join(', ')} ${one ? 'is' : 'are'} applied but ${one ? 'its' : 'their'} files are missing; a downgrade reverts ${one ? 'it' : 'them'} first, from the down SQL stored when ${one ? 'it' : 'they'} ran, which a script made from the files cannot. No script was made`,
    `see the plan with \`migrate-tui downgrade -${ids.length} --dry-run\` and run it online, or check out the branch that has ${one ? 'its' : 'their'} files`,
    { missing: ids },
  );
}

/** `reset`: `downgrade base` with every downgrade guard (preview, backup, confirmation). */
export function registerResetCommand(program: Command, w: Wiring): void {
  w.add(
    program
      .command('reset')
      .description('revert every revision (downgrade base): preview, backup and confirmation first')
      .option('--dry-run', 'print the preview (plan, formatted SQL, data at risk) and stop', false)
      .option('-v, --verbose', 'with --yes: print the whole preview (every statement), not the summary', false)
      .option('--no-backup', 'do not take a backup first')
      .option('--backup-dir <folder>', 'where backups go (default: "backups", or the config file\'s)'),
    (c, g) => {
      const o = c.opts() as { dryRun?: boolean; verbose?: boolean; backup?: boolean; backupDir?: string };
      // As `downgrade base`: the config's lint settings and kept results, a fleet target's own backup folder.
      const lint: PlanLint = { gate: null, config: w.configFile(), store: lintStoreFor(w.io.env, g.readOnly ?? false) };
      return downgradeCommand(w.database(g), w.project(g, { refusesOnErrors: true }), 'base', g.json, { dryRun: Boolean(o.dryRun), verbose: Boolean(o.verbose), backup: o.backup !== false, backupDir: w.backupDir(o.backupDir, g) }, lint);
    },
  );
}

/** What upgrade/downgrade do with lint: print the plan's findings first; with a gate, refuse at that level. */
export interface PlanLint {
  readonly gate: Severity | null;
  readonly config: ConfigFile;
  /** The lint results kept in the user's cache folder (lint-report.ts's lintStoreFor); none: lint anew and keep nothing. */
  readonly store?: LintStore | null;
}

/** Prints the plan's findings (stderr); a result that refuses (exit 9) when the gate is reached. */
async function lintBeforeRun(ctx: DatabaseContext, m: Migrator, direction: 'upgrade' | 'downgrade', target: string, lint: PlanLint, outOfOrder = false, state?: DatabaseState): Promise<CommandResult | null> {
  return lintVerdict(ctx, lint, await planLint(m, direction, target, lint, outOfOrder, state));
}

/** lintVerdict's refusal, with its findings said; nothing said when the plan passes the gate (the run says its findings). */
function refusalOnly(ctx: DatabaseContext, lint: PlanLint, outcome: PlanLintOutcome): CommandResult | null {
  const quiet = { ...ctx, io: { ...ctx.io, err: () => undefined } };
  return lintVerdict(quiet, lint, outcome) ? lintVerdict(ctx, lint, outcome) : null;
}

/** The plan's lint report; or the error that stopped it, which refuses only with a gate (lintVerdict). */
type PlanLintOutcome = { readonly report: LintReport } | { readonly error: unknown };

async function planLint(m: Migrator, direction: 'upgrade' | 'downgrade', target: string, lint: PlanLint, outOfOrder = false, state?: DatabaseState): Promise<PlanLintOutcome> {
  try {
    return { report: await m.lintPlan(direction, target, { outOfOrder, store: lint.store ?? null, ...(lint.config.lint ? { config: lint.config.lint } : {}), ...(state ? { state } : {}) }) };
  } catch (error) {
    return { error };
  }
}

function lintVerdict(ctx: DatabaseContext, lint: PlanLint, outcome: PlanLintOutcome): CommandResult | null {
  const gate = lint.gate;
  if ('error' in outcome) {
    // Planning reads the state without the run's lock (SQLite: busy while another run holds it;
    // a dirty database): the run itself then waits for the lock or says what is wrong. A gate
    // that cannot be checked does not let the run through. A read that gave up on a lock another
    // session holds on the state tables ends here too: the run would read them again and wait as
    // long (upgrade exited 6 after twice the lock timeout, saying it waited once).
    if (gate || (outcome.error as { code?: unknown } | null)?.code === 'state-locked') throw outcome.error;
    return null;
  }
  const report = outcome.report;
  ctx.io.err(planFindingsText(report));
  if (!gate) return null;
  const blocking = report.findings.filter((f) => engine.severityRank(f.severity) <= engine.severityRank(gate));
  if (blocking.length === 0) return null;
  const reason = `the plan has ${blocking.length} lint finding${blocking.length === 1 ? '' : 's'} at ${gate} level or worse (--lint ${gate})`;
  const message = `refused: ${reason}; nothing ran`;
  return {
    text: `${message}\n  → fix the migration, or silence a finding that does not apply with \`-- migrate:lint-ignore CODE "reason"\` on the line above its statement\n`,
    json: { error: { code: 'lint-refused', message, hint: 'fix the migration, or add `-- migrate:lint-ignore CODE "reason"`', meta: { gate, reason } }, findings: blocking },
    exitCode: EXIT.lintRefused,
  };
}

export async function upgradeCommand(ctx: DatabaseContext, project: Project, target: string, outOfOrder: boolean, json: boolean, lint: PlanLint = { gate: null, config: {} }): Promise<CommandResult> {
  // A SQLite file the upgrade would create: the folder's errors, a target, and a --lint gate the plan fails, refuse it before
  // the file is made (it was left behind, empty). The gate is checked on the empty stand-in, said only if it refuses.
  if (engine.creationNotice(ctx.target, WRITES)) {
    engine.requireValid(project, 'sqlite', []);
    // Nothing is applied on a file not made yet: a target that plan refuses (`upgrade 999`) made the file, then exit 2.
    engine.planUpgrade(project.graph, new Set(), target);
    const refused = lint.gate ? await withMigrator(ctx, project, async (m) => refusalOnly(ctx, lint, await planLint(m, 'upgrade', target, lint, outOfOrder)), { standIn: true }) : null;
    if (refused) return refused;
  }
  return withMigrator(ctx, project, async (m) => {
    const refused = await lintBeforeRun(ctx, m, 'upgrade', target, lint, outOfOrder);
    if (refused) return refused;
    const result = await m.upgrade(target, { outOfOrder });
    return withSchemaFile(ctx, m, result, finish(ctx, result, 'applied', json), 'applied');
  }, WRITES);
}

export interface DowngradeOptions extends BackupChoice {
  readonly dryRun: boolean;
  /** With --yes: the whole preview, not the summary. */
  readonly verbose?: boolean;
}

/**
 * The guarded downgrade: preview (plan, formatted SQL, data at risk), the backup's path,
 * a confirmation, the backup, then the downgrade. No backup tool means no downgrade unless
 * --no-backup.
 */
export async function downgradeCommand(ctx: DatabaseContext, project: Project, target: string, json: boolean, options: DowngradeOptions, lint: PlanLint = { gate: null, config: {} }): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    // One read (without the lock) for the preview and the plan's lint; the run reads again under the lock.
    const state = await m.readState();
    // The preview's rows are counted by the server while its files are checked and the plan
    // is linted here; both are printed in that order once the counts are in.
    const previewing = m.downgradePreview(target, state);
    previewing.catch(() => undefined);
    // (A dirty database has no preview, and nothing to lint: the refusal comes first.)
    const linting = options.dryRun || state.dirty ? null : planLint(m, 'downgrade', target, lint, false, state);
    // A preview that refuses refuses once the lint is done (it may be writing its results to the cache).
    const preview = await previewing.catch(async (error: unknown) => {
      await linting;
      throw error;
    });
    const place = engine.commandPlaceOf(ctx.target);
    if (options.dryRun) return { text: engine.hintAt(engine.previewText(preview), place), json: { preview } };
    if (preview.steps.length === 0) return finish(ctx, { direction: 'downgrade', target, steps: [], headsBefore: [], headsAfter: state.versionRows }, 'reverted', json);
    // Asking: the whole preview. Not asking (--yes): the plan in a line and all it destroys.
    ctx.io.err(engine.hintAt(ctx.yes && !options.verbose ? engine.previewSummary(preview) : engine.previewText(preview), place));
    const refused = linting ? lintVerdict(ctx, lint, await linting) : null;
    if (refused) return refused;
    const backupFile = await announceBackup(ctx, m, options);
    const review = `the preview above is what it would do; \`downgrade ${target} --dry-run\` prints it alone`;
    await confirm(ctx.io, `downgrade ${m.db.databaseName} to ${target}`, ctx.yes, backupQuestion(`downgrade ${m.db.databaseName} to ${target}`, backupFile), review);
    const manifest = await takeBackup(ctx, m, options, backupFile, `before downgrade to ${target}`);
    const result = await m.downgrade(target, { preview });
    const out = await withSchemaFile(ctx, m, result, finish(ctx, result, 'reverted', json), 'reverted');
    return { ...out, text: (manifest ? `backup: ${manifest.file}\n` : '') + out.text, json: { ...(out.json as object), backup: manifest, preview } };
  });
}

