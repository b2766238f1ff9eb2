import type { Command } from 'commander';
import { backupPath, knownDialectSpellings, previewText, riskLines, UsageError, type Project } from '../../engine/index.js';
import type { CommandResult } from '../command-result.js';
import { confirm } from '../confirm.js';
import { dialectOption, type DatabaseContext, type Wiring } from '../wiring.js';
import { finish, stateTables, withMigrator } from './database-commands.js';
import { offlinePlanCommand } from './offline-plan.js';

export function registerMigrateCommands(program: Command, w: Wiring): void {
  for (const direction of ['upgrade', 'downgrade'] as const) {
    const command = program
      .command(direction)
      .description(direction === 'upgrade' ? 'apply revisions up to a target (default: heads)' : 'revert revisions down to a target (-1, base, an id…); asks first')
      .argument(direction === 'upgrade' ? '[target]' : '<target>', 'target (see README: targets)')
      .option('--sql', 'print the SQL of the plan instead of running it (never writes)', false)
      .option('--from <revs>', 'with --sql: the state to plan from (comma-separated revisions, or base)');
    if (direction === 'upgrade') command.option('--out-of-order', 'also apply revisions below applied ones (merged late)', false);
    if (direction === 'downgrade') {
      command
        .option('--dry-run', 'print the preview (plan, formatted SQL, data at risk) and stop', false)
        .option('--no-backup', 'do not take a backup first')
        .option('--backup-dir <folder>', 'where backups go (default: "backups", or the config file\'s)');
    }
    w.add(command, async (c, g, target) => {
      const o = c.opts() as { sql: boolean; from?: string; outOfOrder?: boolean; dryRun?: boolean; backup?: boolean; backupDir?: string };
      let targetText = typeof target === 'string' ? target : 'heads';
      const loaded = w.project(g, {});
      const range = /^([^:]*):([^:]*)$/.exec(targetText);
      if (range) {
        // Alembic's offline range: `upgrade a:b --sql` plans from a to b.
        if (!o.sql) throw new UsageError(`a range "${targetText}" only works with --sql (Alembic's offline mode)`, `online, name the target only: \`${direction} ${range[2] || 'heads'}\``);
        if (o.from) throw new UsageError(`give the starting point once: "${targetText}" already starts at ${range[1] || 'the default'}`, 'drop --from, or the part before the colon');
        targetText = range[2] || (direction === 'upgrade' ? 'heads' : 'base');
        if (range[1]) o.from = range[1];
      }
      if (o.sql) {
        // With a database and no --from, plan from what the database holds.
        if (!o.from && (g.url || w.hasDatabase(g)) && !g.dialect) {
          return withMigrator(w.database(g), loaded, async (m) => {
            const state = await m.readState();
            const from = [...state.applied].join(',') || 'base';
            const plannedFrom = `database ${m.db.display} at ${state.versionRows.join(', ') || 'base'}`;
            const plan = offlinePlanCommand(loaded, direction, targetText, m.db.syntax, from, stateTables(w.configFile()), new Set(state.applied), plannedFrom);
            if (direction === 'upgrade') return plan;
            // A downgrade's SQL starts with what it destroys, counted now.
            const preview = await m.downgradePreview(targetText);
            return { ...plan, text: riskLines(preview).map((l) => `-- ${l}`).join('\n') + '\n' + plan.text, json: { ...(plan.json as object), dataAtRisk: preview.dataAtRisk } };
          });
        }
        if (!g.dialect) throw new UsageError('--sql needs --dialect when no database is given', `add --dialect with one of: ${knownDialectSpellings()}`);
        return offlinePlanCommand(loaded, direction, targetText, dialectOption(g.dialect), o.from, stateTables(w.configFile()));
      }
      // The SQL is validated for the connected database's dialect when the Migrator plans.
      return direction === 'upgrade'
        ? upgradeCommand(w.database(g), loaded, targetText, Boolean(o.outOfOrder), g.json)
        : downgradeCommand(w.database(g), loaded, targetText, g.json, { dryRun: Boolean(o.dryRun), backup: o.backup !== false, backupDir: w.backupDir(o.backupDir, g) });
    });
  }
  registerResetCommand(program, w);
}

/** `reset`: `downgrade base` with every downgrade guard (preview, backup, confirmation). */
export function registerResetCommand(program: Command, w: Wiring): void {
  w.add(
    program
      .command('reset')
      .description('revert every revision (downgrade base): preview, backup and confirmation first')
      .option('--dry-run', 'print the preview (plan, formatted SQL, data at risk) and stop', false)
      .option('--no-backup', 'do not take a backup first')
      .option('--backup-dir <folder>', 'where backups go (default: "backups", or the config file\'s)'),
    (c, g) => {
      const o = c.opts() as { dryRun?: boolean; backup?: boolean; backupDir?: string };
      return downgradeCommand(w.database(g), w.project(g, {}), 'base', g.json, { dryRun: Boolean(o.dryRun), backup: o.backup !== false, backupDir: w.backupDir(o.backupDir) });
    },
  );
}

export async function upgradeCommand(ctx: DatabaseContext, project: Project, target: string, outOfOrder: boolean, json: boolean): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => finish(ctx.io, await m.upgrade(target, { outOfOrder }), 'applied', json));
}

export interface DowngradeOptions {
  readonly dryRun: boolean;
  readonly backup: boolean;
  readonly backupDir: string;
}

/**
 * The guarded downgrade: preview (plan, formatted SQL, data at risk), the backup's path,
 * a confirmation, the backup, then the downgrade. No backup tool means no downgrade unless
 * --no-backup.
 */
export async function downgradeCommand(ctx: DatabaseContext, project: Project, target: string, json: boolean, options: DowngradeOptions): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const preview = await m.downgradePreview(target);
    if (options.dryRun) return { text: previewText(preview), json: { preview } };
    if (preview.steps.length === 0) return finish(ctx.io, { direction: 'downgrade', target, steps: [], headsBefore: [], headsAfter: (await m.readState()).versionRows }, 'reverted', json);
    ctx.io.err(previewText(preview));
    let backupFile: string | null = null;
    if (options.backup) {
      const tool = await m.db.backupTool();
      backupFile = backupPath(options.backupDir, m.db.databaseName, (await m.readState()).versionRows, m.db.backupExtension);
      // Future tense: it is written only after the confirmation (a refusal writes nothing).
      ctx.io.err(`a backup will be written first, to ${backupFile} (${tool})\n`);
    } else ctx.io.err('NO BACKUP will be taken (--no-backup)\n');
    await confirm(ctx.io, `downgrade ${m.db.databaseName} to ${target}`, ctx.yes, `downgrade ${m.db.databaseName} to ${target}${backupFile ? ' after the backup' : ' WITHOUT a backup'}? [y/N] `);
    const manifest = backupFile ? await m.backup({ dir: options.backupDir, out: backupFile, reason: `before downgrade to ${target}` }) : null;
    if (manifest) ctx.io.err(`backup written: ${manifest.file} (${manifest.size} bytes)\n`);
    const out = finish(ctx.io, await m.downgrade(target), 'reverted', json);
    return { ...out, text: (manifest ? `backup: ${manifest.file}\n` : '') + out.text, json: { ...(out.json as object), backup: manifest, preview } };
  });
}

