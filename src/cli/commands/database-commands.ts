import { resolve } from 'node:path';
import {
  connectDatabase,
  DEFAULT_STATE_TABLES,
  Migrator,
  validateTableName,
  type ConfigFile,
  type ConnectionTarget,
  type DatabaseState,
  type MigrateTuiError,
  type Project,
  type ResolveMode,
  type RunEvent,
  type RunResult,
  type RunStep,
  type StateTableNames,
} from '../../engine/index.js';
import { backupPath, listBackups, previewText, readManifest, type DowngradePreview } from '../../engine/index.js';
import type { CommandResult } from '../command-result.js';
import { confirm } from '../confirm.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { TOOL_VERSION } from '../version.js';

export interface DatabaseContext {
  readonly io: CliIo;
  readonly target: ConnectionTarget;
  readonly config: ConfigFile;
  readonly yes: boolean;
  readonly lockTimeoutMs: number;
  readonly onEvent?: (event: RunEvent) => void;
}

export function stateTables(config: ConfigFile): StateTableNames {
  return {
    version: validateTableName(config.versionTable ?? DEFAULT_STATE_TABLES.version, 'version'),
    log: validateTableName(config.logTable ?? DEFAULT_STATE_TABLES.log, 'log'),
  };
}

/** Opens the database, runs `work` with a Migrator, always closes the connection. */
export async function withMigrator<T>(ctx: DatabaseContext, project: Project, work: (m: Migrator) => Promise<T>): Promise<T> {
  const tables = stateTables(ctx.config);
  const db = await connectDatabase(ctx.target, `migrate_tui:${ctx.target.databaseName}:${tables.version}`);
  try {
    return await work(
      new Migrator(project, db, { tables, toolVersion: TOOL_VERSION, lockTimeoutMs: ctx.lockTimeoutMs, connection: ctx.target, ...(ctx.onEvent ? { onEvent: ctx.onEvent } : {}) }),
    );
  } finally {
    await db.close();
  }
}

export async function initCommand(ctx: DatabaseContext, project: Project): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    await m.init();
    return {
      text: `initialised ${m.db.display} (${m.db.serverVersion}): tables ${m.store.tables.version} and ${m.store.tables.log} are ready\n`,
      json: { database: m.db.display, dialect: m.db.syntax.name, tables: m.store.tables },
    };
  });
}

export function stateJson(m: Migrator, state: DatabaseState) {
  const { graph } = m.project;
  return {
    database: m.db.display,
    dialect: m.db.syntax.name,
    serverVersion: m.db.serverVersion,
    current: [...state.versionRows],
    heads: graph.heads(),
    applied: graph.ids().filter((id) => state.applied.has(id)),
    pending: [...state.pending],
    dirty: state.dirty ? { revision: state.dirty.revision, direction: state.dirty.direction, statementsDone: state.dirty.statementsDone, statementsTotal: state.dirty.statementsTotal, startedAt: state.dirty.startedAt, error: state.dirty.error } : null,
    gaps: state.gaps,
    missing: state.missing.map((x) => ({ revision: x.revision, appliedAt: x.appliedAt, canRevert: x.downSql !== null })),
    drift: state.drift.map((d) => ({ revision: d.revision, cosmetic: d.cosmetic, appliedChecksum: d.appliedChecksum, fileChecksum: d.fileChecksum, diff: d.diff })),
  };
}

export function statusText(m: Migrator, state: DatabaseState): string {
  const { graph } = m.project;
  const label = (id: string) => (graph.has(id) ? `${id} ${graph.get(id).message}` : `${id} (files missing)`);
  const lines = [
    `database: ${m.db.display} (${m.db.serverVersion}, dialect ${m.db.syntax.name})`,
    `current:  ${state.versionRows.length > 0 ? state.versionRows.map(label).join('\n          ') : 'base (nothing applied)'}`,
    `applied:  ${state.applied.size} of ${graph.size} revision${graph.size === 1 ? '' : 's'}`,
    `pending:  ${state.pending.length === 0 ? 'none' : state.pending.map(label).join('\n          ')}`,
  ];
  if (state.dirty) {
    lines.push(
      `DIRTY:    the ${state.dirty.direction} of ${state.dirty.revision} stopped after ${state.dirty.statementsDone} of ${state.dirty.statementsTotal} statements (${state.dirty.startedAt})`,
      `          resolve with: migrate-tui resolve ${state.dirty.revision} --resume | --reverse | --applied | --reverted`,
    );
  }
  for (const g of state.gaps) lines.push(`GAP:      ${label(g.revision)} is not applied, but ${g.appliedDescendants.join(', ')} (built on it) are; upgrade --out-of-order applies it`);
  for (const x of state.missing) lines.push(`MISSING:  ${x.revision} is applied (${x.appliedAt}) but its files are gone${x.downSql !== null ? '; `downgrade` can revert it from the stored down SQL' : ''}`);
  for (const d of state.drift) lines.push(`DRIFT:    ${label(d.revision)}: the file changed since it was applied (${d.cosmetic ? 'white space or comments only' : 'the SQL differs'}); \`check\` shows the diff`);
  return lines.join('\n') + '\n';
}

export async function statusCommand(ctx: DatabaseContext, project: Project): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    return { text: statusText(m, state), json: stateJson(m, state) };
  });
}

export async function currentCommand(ctx: DatabaseContext, project: Project): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    const { graph } = project;
    const rows = state.versionRows.map((id) => ({ id, message: graph.has(id) ? graph.get(id).message : null, isHead: graph.has(id) && graph.children(id).length === 0 }));
    return {
      text: rows.length === 0 ? 'base (nothing applied)\n' : rows.map((r) => `${r.id}${r.isHead ? ' (head)' : ''} ${r.message ?? '(files missing)'}`).join('\n') + '\n',
      json: { current: rows },
    };
  });
}

export function resultJson(result: RunResult) {
  return { ...result, error: result.error ? result.error.toJSON() : null };
}

function resultText(result: RunResult, verb: string): string {
  const done = result.steps.filter((s) => s.status === 'done').length;
  const lines = [done === 0 && !result.error ? 'nothing to do: the database is already there' : `${verb} ${done} revision${done === 1 ? '' : 's'}`];
  lines.push(`heads now: ${result.headsAfter.join(', ') || 'base'}`);
  return lines.join('\n') + '\n';
}

function finish(io: CliIo, result: RunResult, verb: string, json: boolean): CommandResult {
  if (result.error && !json) io.err(`error: ${result.error.message}\n  → ${result.error.hint}\n`);
  return { text: resultText(result, verb), json: resultJson(result), exitCode: result.error ? exitCodeForError(result.error) : EXIT.ok };
}

/** Maps a run's error to an exit code (the same table the README lists). */
export function exitCodeForError(error: MigrateTuiError): number {
  switch (error.code) {
    case 'dirty':
      return EXIT.dirty;
    case 'lock-timeout':
      return EXIT.lockTimeout;
    case 'gaps':
      return EXIT.gaps;
    case 'backup-tool':
      return EXIT.backupUnavailable;
    case 'needs-confirmation':
    case 'declined':
      return EXIT.refused;
    default:
      return EXIT.failed;
  }
}

export async function upgradeCommand(ctx: DatabaseContext, project: Project, target: string, outOfOrder: boolean, json: boolean): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => finish(ctx.io, await m.upgrade(target, { outOfOrder }), 'applied', json));
}

function planText(m: Migrator, title: string, steps: readonly RunStep[]): string {
  const lines = [`${title} on ${m.db.display}:`];
  for (const s of steps) lines.push(`  ${s.direction === 'up' ? '↑' : '↓'} ${s.revision} ${s.message} (${s.statements.length} statement${s.statements.length === 1 ? '' : 's'}${s.path ? `, ${s.path}` : ''})`);
  return lines.join('\n') + '\n';
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
      ctx.io.err(`backup first: ${backupFile} (${tool})\n`);
    } else ctx.io.err('NO BACKUP will be taken (--no-backup)\n');
    await confirm(ctx.io, `downgrade ${m.db.databaseName} to ${target}`, ctx.yes, `downgrade ${m.db.databaseName} to ${target}${backupFile ? ' after the backup' : ' WITHOUT a backup'}? [y/N] `);
    const manifest = backupFile ? await m.backup({ dir: options.backupDir, out: backupFile, reason: `before downgrade to ${target}` }) : null;
    if (manifest) ctx.io.err(`backup written: ${manifest.file} (${manifest.size} bytes)\n`);
    const out = finish(ctx.io, await m.downgrade(target), 'reverted', json);
    return { ...out, text: (manifest ? `backup: ${manifest.file}\n` : '') + out.text, json: { ...(out.json as object), backup: manifest, preview } };
  });
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

export async function stampCommand(ctx: DatabaseContext, project: Project, target: string, json: boolean): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    const next = m.stampedSet(state, target);
    const backwards = [...state.applied].filter((id) => !next.has(id));
    if (backwards.length > 0 || state.dirty) {
      ctx.io.err(`stamp ${target} runs no SQL; it records ${backwards.length > 0 ? `${backwards.join(', ')} as NOT applied` : 'the state'}${state.dirty ? ' and clears the dirty state' : ''}\n`);
      await confirm(ctx.io, `stamp ${m.db.databaseName} to ${target}`, ctx.yes);
    }
    return finish(ctx.io, await m.stamp(target), 'stamped', json);
  });
}

export async function resolveCommand(ctx: DatabaseContext, project: Project, ref: string, mode: ResolveMode, json: boolean): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const preview = m.resolvePreview(await m.readState(), ref, mode);
    const count = `${preview.statements.length} statement${preview.statements.length === 1 ? '' : 's'}`;
    const lines = [
      mode === 'resume'
        ? `resolve --resume runs the ${count} that did not run of the ${preview.direction} of ${preview.revision}:`
        : mode === 'reverse'
          ? `resolve --reverse runs the ${preview.direction} of ${preview.revision} (${count}), leaving it ${preview.appliedAfter ? 'applied' : 'NOT applied'}:`
          : `resolve --${mode} runs no SQL; it records ${preview.revision} as ${preview.appliedAfter ? 'applied' : 'NOT applied'}`,
      ...preview.statements.map((s) => `  ${s.sql.split('\n')[0]}`),
      ...preview.warnings.map((w) => `warning: ${w}`),
    ];
    ctx.io.err(lines.join('\n') + '\n');
    await confirm(ctx.io, `resolve ${preview.revision} on ${m.db.databaseName}`, ctx.yes);
    return finish(ctx.io, await m.resolve(ref, mode), 'resolved', json);
  });
}

export async function seedCommand(ctx: DatabaseContext, project: Project, seedDir: string, json: boolean): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const result = await m.seed(resolve(seedDir));
    const out = finish(ctx.io, result, 'ran', json);
    return {
      ...out,
      text: `ran ${result.steps.filter((s) => s.status === 'done').length} seed file${result.steps.length === 1 ? '' : 's'}, ${result.skipped.length} unchanged (skipped)\n`,
      json: { ...resultJson(result), skipped: result.skipped },
    };
  });
}

/** The database half of `check`: drift (with diffs), gaps, missing files, dirty. */
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
      lines.push(`${project.graph.get(g.revision).upPath}: error: not applied, but ${g.appliedDescendants.join(', ')} (built on it) are\n  → \`upgrade --out-of-order\` applies it`);
    }
    for (const x of state.missing) lines.push(`${project.dir}: warning: ${x.revision} is applied but has no files here\n  → check out the branch that has it, or \`downgrade\` to revert it from the stored down SQL`);
    if (state.dirty) {
      errors++;
      lines.push(`${m.db.display}: error: dirty: the ${state.dirty.direction} of ${state.dirty.revision} did not finish\n  → \`migrate-tui resolve ${state.dirty.revision}\``);
    }
    return { lines, errors, json: stateJson(m, state) };
  });
}
