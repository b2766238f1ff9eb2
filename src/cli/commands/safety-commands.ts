import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { listBackups, previewText, readManifest, type DowngradePreview, type Project } from '../../engine/index.js';
import type { CommandResult } from '../command-result.js';
import { confirm } from '../confirm.js';
import { nonNegativeInt, type DatabaseContext, type Wiring } from '../wiring.js';
import { finish, withMigrator } from './database-commands.js';

export function registerSafetyCommands(program: Command, w: Wiring): void {
  w.add(
    program.command('backup').description('back up the database into backups/ (mode 0600, with a manifest)').option('--out <file>', 'write the backup to this file').option('--backup-dir <folder>', 'where backups go'),
    (c, g) => {
      const o = c.opts() as { out?: string; backupDir?: string };
      return backupCommand(w.database(g), w.project(g), w.backupDir(o.backupDir), o.out ? resolve(w.io.cwd, o.out) : undefined);
    },
  );
  w.add(program.command('backups').description('list the backups').option('--backup-dir <folder>', 'where backups are'), (c) => backupsCommand(w.backupDir((c.opts() as { backupDir?: string }).backupDir)));
  w.add(
    program.command('restore').argument('<file>', 'a backup file (see `backups`)').description('restore a backup and set the version rows as they were (asks first)'),
    (_c, g, file) => restoreCommand(w.database(g), w.project(g, {}), resolve(w.io.cwd, String(file)), g.json),
  );
  w.add(
    program.command('rollback').description('on-call view: the last steps and what rolling back the latest would do').addOption(new Option('--last <n>', 'how many steps to show').argParser(nonNegativeInt).default(10)),
    (c, g) => (w.interactive(g) ? w.openTui(g, 'rollback') : rollbackCommand(w.database(g), w.project(g, {}), (c.opts() as { last: number }).last)),
  );
}

export async function backupCommand(ctx: DatabaseContext, project: Project, backupDir: string, out: string | undefined): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const manifest = await m.backup({ dir: backupDir, ...(out ? { out, exact: true } : {}), reason: 'backup command' });
    return { text: `backup written: ${manifest.file} (${manifest.size} bytes, ${manifest.tool}; at ${manifest.versionRows.join(', ') || 'base'})\n`, json: { backup: manifest } };
  });
}

export function backupsCommand(backupDir: string): CommandResult {
  const list = listBackups(backupDir);
  const text =
    list.length === 0
      ? `no backups in ${backupDir}\n`
      : list.map((b) => `${b.file}  ${b.createdAt}  ${b.databaseName} (${b.dialect}) at ${b.versionRows.join(', ') || 'base'}  ${b.size} bytes  ${b.reason}`).join('\n') + '\n';
  return { text, json: { backups: list } };
}

export async function restoreCommand(ctx: DatabaseContext, project: Project, file: string, json: boolean): Promise<CommandResult> {
  const manifest = readManifest(file);
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    ctx.io.err(
      `restore ${m.db.display} from ${manifest.file}\n  taken ${manifest.createdAt} by ${manifest.tool} (${manifest.reason})\n  version rows then: ${manifest.versionRows.join(', ') || 'base'}; now: ${state.versionRows.join(', ') || 'base'}\n` +
        (manifest.includesStateTables ? '' : '  tables created after the backup are left in place\n'),
    );
    await confirm(ctx.io, `restore ${m.db.databaseName} from ${manifest.file}`, ctx.yes);
    return finish(ctx.io, await m.restore(manifest), 'restored', json);
  });
}

/** Headless on-call view: the last steps from the log and what rolling back the latest would do. */
export async function rollbackCommand(ctx: DatabaseContext, project: Project, last: number): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    const steps = state.log.filter((r) => r.kind !== 'seed').slice(-last).reverse();
    const lines = [`last ${steps.length} step${steps.length === 1 ? '' : 's'} on ${m.db.display} (newest first):`];
    for (const r of steps) {
      const message = project.graph.has(r.revision) ? project.graph.get(r.revision).message : '(files missing)';
      lines.push(`  ${r.direction === 'up' ? '↑' : '↓'} ${r.revision} ${message} — ${r.kind} ${r.status}, by ${r.osUser}@${r.host}, ${r.startedAt}, ${r.durationMs ?? '?'} ms`);
    }
    if (state.dirty) lines.push('', `DIRTY: the ${state.dirty.direction} of ${state.dirty.revision} did not finish: resolve it first (migrate-tui resolve ${state.dirty.revision} …)`);
    for (const d of state.drift) lines.push(`DRIFT: ${d.revision} changed since it was applied`);
    let preview: DowngradePreview | null = null;
    let problem: string | null = null;
    try {
      preview = await m.downgradePreview('-1');
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    lines.push('');
    if (preview && preview.steps.length > 0) lines.push('rolling back the latest step (downgrade -1) would do this:', previewText(preview).trimEnd(), '', 'to do it: migrate-tui downgrade -1   (a backup is taken first; --yes in scripts)');
    else lines.push(`rolling back with -1 is not possible: ${problem ?? 'nothing is applied'}`);
    return { text: lines.join('\n') + '\n', json: { steps, dirty: state.dirty, drift: state.drift.map((d) => d.revision), preview, problem } };
  });
}

