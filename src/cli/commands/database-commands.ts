import { Option, type Command } from 'commander';
import type { CommandPlace, Migrator, ConfigFile, ConnectOptions, DatabaseState, LockLimits, MigrateTuiError, Project, ResolveMode, ResumeSource, RunResult, StampResult, StateTableNames } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import { confirm } from '../confirm.js';
import { EXIT, exitCodeForError } from '../exit-codes.js';
import { TOOL_VERSION } from '../version.js';
import { positiveInt, resolveDir, type DatabaseContext, type Wiring } from '../wiring.js';
import { cancellable } from '../interrupt.js';
import { revisionVerbose } from './describe.js';
import { existingSeedFolder } from '../seed-folder.js';
import { errorJson, errorLines } from '../error-text.js';
import { announceBackup, backupQuestion, takeBackup, type BackupChoice } from './backup-first.js';
import { coveredNote, lockText, otherToolApplied, otherToolLines, takeOverNote } from './status-lines.js';
import { withSchemaFile } from './schema-file.js';
import { connectWaiting } from './wait-command.js';

/** The commands that read or set the state (init is in init.ts): status, current, stamp, resolve, seed. */
export function registerStateCommands(program: Command, w: Wiring): void {

  w.add(program.command('status').description('current heads, pending, dirty, gaps, missing files, drift'), (_c, g) => statusCommand(w.database(g), w.project(g, {})));
  w.add(program.command('current').description('the version rows: what the database is at').option('-v, --verbose', 'every field of each current revision'), (c, g) =>
    currentCommand(w.database(g), w.project(g), Boolean((c.opts() as { verbose?: boolean }).verbose)),
  );
  const stamp = program.command('stamp').argument('<targets...>', 'a target, or several (one per branch): they and what they are built on become applied');
  w.add(stamp.description('set the version rows to a target (or several, one per branch) without running SQL (asks first when going back)'), (_c, g, targets) =>
    stampCommand(w.database(g), w.project(g, {}), (Array.isArray(targets) ? targets : [targets]).map(String), g.json),
  );
  w.add(
    program
      .command('resolve')
      .argument('<rev>', 'the revision of the unfinished step')
      .description('clear a dirty database: --resume runs the rest; --reverse undoes the step; --applied/--reverted only record')
      .addOption(new Option('--resume', 'run the statements that did not run').conflicts(['reverse', 'applied', 'reverted']))
      .addOption(new Option('--reverse', 'run the other direction (the down of an unfinished up) as a new step').conflicts(['applied', 'reverted']))
      .addOption(new Option('--applied', 'record the revision as applied (you finished it by hand)').conflicts(['reverted']))
      .addOption(new Option('--reverted', 'record the revision as not applied (you undid it by hand)'))
      .addOption(new Option('--from-file', 'with --resume, when the file changed since the step started: run the rest from the file as it is now').conflicts(['fromLog']))
      .addOption(new Option('--from-log', 'with --resume, when the file changed since the step started: run the rest from the SQL recorded when it started'))
      .addOption(new Option('--resume-at <n>', 'with --resume, after a killed run: the statement to start with (the uncertain one, or the one after it if its change is there)').argParser(positiveInt))
      .option('--no-backup', 'do not take a backup first (taken when the SQL it runs is a down, or drops, empties or deletes, as before a downgrade)')
      .option('--backup-dir <folder>', 'where backups go (default: "backups", or the config file\'s)'),
    (c, g, rev) => {
      const o = c.opts() as { resume?: boolean; reverse?: boolean; applied?: boolean; reverted?: boolean; fromFile?: boolean; fromLog?: boolean; resumeAt?: number; backup?: boolean; backupDir?: string };
      const mode = o.resume ? 'resume' : o.reverse ? 'reverse' : o.applied ? 'applied' : o.reverted ? 'reverted' : null;
      if (!mode) throw new engine.UsageError('resolve needs one of --resume, --reverse, --applied or --reverted', 'see `migrate-tui status` for what ran, then choose');
      if ((o.fromFile || o.fromLog) && mode !== 'resume') throw new engine.UsageError('--from-file and --from-log go with --resume', 'run `migrate-tui resolve <rev> --resume --from-file` (or --from-log)');
      if (o.resumeAt !== undefined && mode !== 'resume') throw new engine.UsageError('--resume-at goes with --resume', 'run `migrate-tui resolve <rev> --resume --resume-at <n>`');
      const backup = { backup: o.backup !== false, backupDir: w.backupDir(o.backupDir, g) };
      return resolveCommand(w.database(g), w.project(g, {}), String(rev), mode, g.json, o.fromFile ? 'file' : o.fromLog ? 'log' : null, o.resumeAt ?? null, backup);
    },
  );
  w.add(
    program
      .command('seed')
      .description('run seeds/*.sql in name order; a seed unchanged since it ran is skipped, unless a revision applied then was reverted since')
      .option('--seeds <folder>', 'seeds folder (default: "seeds", or the config file\'s)')
      .option('--force', 'run every seed, changed or not', false),
    (c, g) => {
      const o = c.opts() as { seeds?: string; force?: boolean };
      const folder = existingSeedFolder(resolveDir(w.io, o.seeds ?? w.configFile().seeds ?? 'seeds'), o.seeds !== undefined);
      return seedCommand(w.database(g), w.project(g), folder, g.json, Boolean(o.force));
    },
  );
}

/** What commands that write pass to withMigrator: a missing SQLite file is created. */
export const WRITES: ConnectOptions = { create: true };

export function stateTables(config: ConfigFile): StateTableNames {
  return engine.stateTableNames(config.versionTable ?? engine.DEFAULT_STATE_TABLES.version, config.logTable ?? engine.DEFAULT_STATE_TABLES.log, config.lockTable ?? engine.DEFAULT_STATE_TABLES.lock);
}

/** The config's `locks` over the defaults (lock_timeout 5 s, no statement_timeout, 3 tries). */
export function lockLimitsOf(config: ConfigFile): LockLimits {
  const l = config.locks ?? {};
  return { ...engine.DEFAULT_LOCK_LIMITS, ...(l.timeout !== undefined ? { lockTimeoutMs: l.timeout * 1000 } : {}), ...(l.statementTimeout !== undefined ? { statementTimeoutMs: l.statementTimeout * 1000 } : {}), ...(l.tries !== undefined ? { tries: l.tries } : {}) };
}

/**
 * Opens the database, runs `work` with a Migrator, always closes the connection. Only a
 * command that writes passes `create` (a missing SQLite file is made then, never by looking).
 */
export async function withMigrator<T>(ctx: DatabaseContext, project: Project, work: (m: Migrator) => Promise<T>, options: ConnectOptions = {}): Promise<T> {
  const tables = stateTables(ctx.config);
  const creating = engine.creationNotice(ctx.target, options);
  const db = await connectWaiting(ctx.io, ctx.target, `migrate_tui:${ctx.target.databaseName}:${tables.version}`, options);
  if (creating) ctx.io.err(`${creating}\n`);
  try {
    const m = new engine.Migrator(project, db, { tables, toolVersion: TOOL_VERSION, lockTimeoutMs: ctx.lockTimeoutMs, lease: ctx.lease, stealStaleLock: ctx.stealStaleLock, connection: ctx.target, lockLimits: lockLimitsOf(ctx.config), ...(ctx.onEvent ? { onEvent: ctx.onEvent } : {}) });
    return await (ctx.guard ? ctx.guard(m, () => work(m)) : cancellable(ctx.io, m, () => work(m), engine.commandPlaceOf(ctx.target)));
  } finally {
    await db.close();
  }
}

export async function initTablesCommand(ctx: DatabaseContext, project: Project): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    await m.init();
    return {
      text: `initialised ${m.db.display} (${m.db.serverVersion}): tables ${m.store.tables.version}, ${m.store.tables.log} and ${engine.textTableName(m.store.tables)} are ready\n`,
      // The tables it made, as the text names them (the lease's lock table is made only by a run that takes the lease).
      json: { database: m.db.display, dialect: m.db.syntax.name, tables: { version: m.store.tables.version, log: m.store.tables.log, texts: engine.textTableName(m.store.tables) } },
    };
   }, WRITES);
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
    dirty: state.dirty ? { revision: state.dirty.revision, direction: state.dirty.direction, statementsDone: state.dirty.statementsDone, statementsTotal: state.dirty.statementsTotal, startedAt: state.dirty.startedAt, error: state.dirty.error, uncertainStatement: state.dirty.uncertain?.statement ?? null } : null,
    gaps: state.gaps,
    missing: state.missing.map((x) => ({ revision: x.revision, appliedAt: x.appliedAt, canRevert: x.downSql !== null })),
    drift: state.drift.map((d) => ({ revision: d.revision, cosmetic: d.cosmetic, appliedChecksum: d.appliedChecksum, fileChecksum: d.fileChecksum, diff: d.diff })),
    otherTools: state.otherTools ?? [],
  };
}

export function statusText(m: Migrator, state: DatabaseState, notCreated = false, place: CommandPlace = { url: false }): string {
  const { graph } = m.project;
  const label = (id: string) => (graph.has(id) ? `${id} ${graph.get(id).message}` : `${id} (files missing)`);
  // On first contact with a database another tool migrated, "nothing applied" is migrate-tui's record only.
  const theirs = otherToolApplied(state.otherTools);
  const lines = [
    notCreated ? `database: ${m.db.display}: no database yet; \`upgrade\` creates it` : `database: ${m.db.display} (${m.db.serverVersion}, dialect ${m.db.syntax.name})`,
    `current:  ${state.versionRows.length > 0 ? state.versionRows.map(label).join('\n          ') : theirs ? "base by migrate-tui's record (see OTHER)" : 'base (nothing applied)'}`,
    // Revisions applied whose files are gone are applied too: counted apart (the folder does not have them).
    `applied:  ${state.applied.size} of ${graph.size} revision${graph.size === 1 ? '' : 's'}${theirs ? " by migrate-tui's record" : ''}${state.missing.length > 0 ? ` in the folder, and ${state.missing.length} whose files are missing (below)` : ''}`,
    `pending:  ${theirs ? '(by migrate-tui\'s record, which is empty: see OTHER) ' : ''}${state.pending.length === 0 ? 'none' : state.pending.map(label).join('\n          ')}`,
  ];
  if (state.dirty) {
    lines.push(
      `DIRTY:    the ${state.dirty.direction} of ${state.dirty.revision} stopped after ${state.dirty.statementsDone} of ${state.dirty.statementsTotal} statements (${state.dirty.startedAt})`,
      ...(state.dirty.uncertain
        ? [`          no outcome was recorded (killed, still running, the connection was lost, or its log could not be written): statement ${state.dirty.uncertain.statement} may or may not have completed — check before resuming`]
        : []),
      `          resolve with: migrate-tui ${place.url ? '--url <url> ' : ''}resolve ${state.dirty.revision} ${engine.resolveModes(state.dirty.revision)}`,
    );
  }
  for (const g of state.gaps) lines.push(`GAP:      ${label(g.revision)} is not applied, but ${g.appliedDescendants.join(', ')} (built on it) ${g.appliedDescendants.length === 1 ? 'is' : 'are'}; upgrade --out-of-order applies it`);
  for (const x of state.missing) lines.push(`MISSING:  ${x.revision} is applied (${x.appliedAt}) but its files are gone${x.downSql !== null ? '; `downgrade` can revert it from the stored down SQL' : ''}; \`upgrade\` refuses to apply anything until its files are back or it is reverted`);
  for (const d of state.drift) lines.push(`DRIFT:    ${label(d.revision)}: the file changed since it was applied (${d.cosmetic ? 'white space or comments only' : 'the SQL differs'}); \`check\` shows the diff`);
  lines.push(...otherToolLines(state.otherTools, place, m.project.problems.filter(engine.isError).length));
  return lines.join('\n') + '\n';
}

/**
 * `status`. `standIn` (only `migrate-tui` with no command and no terminal, on the embedded
 * default): a missing file is shown as the empty database it would be, and is not created.
 */
export async function statusCommand(ctx: DatabaseContext, project: Project, standIn = false): Promise<CommandResult> {
  const notCreated = standIn && engine.sqliteFileMissing(ctx.target);
  return withMigrator(
    ctx,
    project,
    async (m) => {
      const state = await m.readState();
      // A plain SELECT of the lease row (when its table exists): looking takes no lock and creates nothing.
      const lease = notCreated ? null : await engine.readLease(m.db, m.store.tables.lock, m.store.tables.version);
      const c = m.db.capabilities;
      // The advisory lock's holder, from the server's views (reads only): after a kill -9 mid-statement, the gone process whose session still runs it.
      const holder = notCreated || c.lock !== 'advisory' || !m.db.lockHolder ? null : await m.db.lockHolder();
      return {
        text: statusText(m, state, notCreated, engine.commandPlaceOf(ctx.target)) + lockText(c, lease, holder),
        json: { ...stateJson(m, state), capabilities: c, lease: lease ? engine.leaseJson(lease) : null, lockHolder: holder, ...(notCreated ? { notCreated: true } : {}) },
      };
    },
    { standIn: notCreated },
  );
}

export async function currentCommand(ctx: DatabaseContext, project: Project, verbose = false): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    const { graph } = project;
    const rows = state.versionRows.map((id) => ({ id, message: graph.has(id) ? graph.get(id).message : null, isHead: graph.has(id) && graph.children(id).length === 0 }));
    return {
      text:
        rows.length === 0
          ? otherToolApplied(state.otherTools)
            ? `base by migrate-tui's record; the database ${(state.otherTools ?? []).filter((r) => engine.recordsApplied(r)).map((r) => engine.migratedBy(r)).join(' and ')}: ${engine.hintAt('`migrate-tui status`', engine.commandPlaceOf(ctx.target))} says how to take it over\n`
            : 'base (nothing applied)\n'
          : verbose
            ? rows.map((r) => (graph.has(r.id) ? revisionVerbose(graph, graph.get(r.id)) : `Rev: ${r.id} (files missing)\n`)).join('\n')
            : rows.map((r) => `${r.id}${r.isHead ? ' (head)' : ''} ${r.message ?? '(files missing)'}`).join('\n') + '\n',
      json: { current: rows },
    };
  });
}

function resultText(result: RunResult & { clearedDirty?: StampResult['clearedDirty'] }, verb: string): string {
  const done = result.steps.filter((s) => s.status === 'done').length;
  const nothing = result.headsAfter.length === 0 ? 'nothing to do: nothing is applied' : 'nothing to do: the database is already there';
  const d = result.clearedDirty;
  // A stamp that only cleared a dirty state said "nothing to do: the database is already there".
  const cleared = d ? `cleared the dirty state of the unfinished ${d.direction} of ${d.revision}: ${d.statementsDone} of its ${d.statementsTotal} statements had run, and ${d.statementsDone === 1 ? 'it stays' : 'they stay'} in the database (stamp runs no SQL)` : null;
  const lines = [...(cleared ? [cleared] : []), ...(done === 0 && !result.error && cleared ? [] : [done === 0 && !result.error ? nothing : `${verb} ${done} revision${done === 1 ? '' : 's'}`])];
  // The connection ended before the last step's COMMIT answered: whether it committed is the database's to say.
  const unknown = engine.unknownLastStep(result.error);
  if (unknown) lines[lines.length - 1] += maybeLastStep(result);
  lines.push(unknown ? `heads now: ${result.headsAfter.join(', ') || 'base'}, or ${unknown}: not known here (run \`migrate-tui status\`)` : `heads now: ${result.headsAfter.join(', ') || 'base'}`);
  return lines.join('\n') + '\n';
}

/** ` for certain (and maybe 2)` after a count, when the last step's COMMIT may have committed (the connection ended before it answered). */
function maybeLastStep(result: RunResult): string {
  return engine.unknownLastStep(result.error) ? ` for certain (and maybe ${String(result.error!.meta.revision).replace(/^seed:/, '')})` : '';
}

export function finish(ctx: Pick<DatabaseContext, 'io' | 'target'>, result: RunResult, verb: string, json: boolean): CommandResult {
  // A command in the hint acts on this database (`--url <url>` when it came from --url; a fleet target's source is its name).
  const place = engine.commandPlaceOf(ctx.target);
  if (result.error && !json) ctx.io.err(errorLines(result.error, place));
  const out = { ...result, error: result.error ? errorJson(result.error, place) : null };
  return { text: resultText(result, verb), json: out, exitCode: result.error ? exitCodeForError(result.error) : EXIT.ok };
}


/** `stamp <target> [<target>…]` (several: one per branch, as `alembic stamp a b`). */
export async function stampCommand(ctx: DatabaseContext, project: Project, list: readonly string[], json: boolean): Promise<CommandResult> {
  const target = list.join(' ');
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    const next = m.stampedSet(state, list);
    // The other tool's position is compared with the revisions the stamp leaves, not the words given: `stamp 2`,
    // `stamp heads` or a prefix that name 000002 were warned "… says the database is at 000002, not 2".
    const rows = engine.versionRows(project.graph, next);
    ctx.io.err(coveredNote(m.coveredTargets(list)) + takeOverNote(state.otherTools, rows.length > 0 ? rows : ['base'], engine.commandPlaceOf(ctx.target)));
    const backwards = [...state.applied].filter((id) => !next.has(id));
    if (backwards.length > 0 || state.dirty) {
      ctx.io.err(`stamp ${target} runs no SQL; it records ${backwards.length > 0 ? `${backwards.join(', ')} as NOT applied` : 'the state'}${state.dirty ? ' and clears the dirty state' : ''}\n`);
      await confirm(ctx.io, `stamp ${m.db.databaseName} to ${target}`, ctx.yes, undefined, 'the line above says what it would record');
    }
    // The fleet asked once ("stamp 3 targets to 001?") and a dirty target's state was cleared unasked, its line saying "nothing to do".
    const result = await m.stamp(list, { refuseDirty: ctx.fleet === true });
    return withSchemaFile(ctx, m, result, finish(ctx, result, 'stamped', json), 'stamped');
   }, WRITES);
}

/** `resolve`: what it runs or records and what that SQL destroys (rows counted now); SQL that destroys is backed up first, as a downgrade. */
export async function resolveCommand(ctx: DatabaseContext, project: Project, ref: string, mode: ResolveMode, json: boolean, source: ResumeSource | null = null, resumeAt: number | null = null, backup: BackupChoice = { backup: true, backupDir: 'backups' }): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const preview = m.resolvePreview(await m.readState(), ref, mode, source, resumeAt);
    engine.requireResumeSource(preview);
    const dataAtRisk = await m.resolveDataAtRisk(preview);
    const n = preview.remaining ?? preview.statements.length;
    const count = `${n} statement${n === 1 ? '' : 's'}` + (n > preview.statements.length ? ` (the first ${preview.statements.length} shown)` : '');
    const lines = [
      mode === 'resume'
        ? `resolve --resume runs the ${count} from statement ${preview.startAt} of the ${preview.direction} of ${preview.revision}${preview.source ? `, from ${preview.source === 'file' ? 'the file as it is now' : 'the SQL recorded when the step started'}` : ''}:`
        : mode === 'reverse'
          ? `resolve --reverse runs the ${preview.direction} of ${preview.revision} (${count}), leaving it ${preview.appliedAfter ? 'applied' : 'NOT applied'}:`
          : `resolve --${mode} runs no SQL; it records ${preview.revision} as ${preview.appliedAfter ? 'applied' : 'NOT applied'}`,
      ...preview.statements.map((s) => `  ${s.sql.split('\n')[0]}`),
      ...preview.warnings.map((w) => `warning: ${w}`),
      ...(preview.reverseWarning ? [`warning: ${preview.reverseWarning} (${engine.hintAt('`migrate-tui status`', engine.commandPlaceOf(ctx.target))} says which); if it does, undo the rest by hand and use --reverted or --applied`] : []),
      ...(preview.resumeAfter !== null ? [`  if its change is already in the database, resume after it instead: --resume-at ${preview.resumeAfter}`] : []),
      ...(preview.fileChanged ? ['the file changed since the step started (recorded → file):', ...preview.fileChanged.diff.split('\n').slice(2)] : []),
      ...(preview.statements.length > 0 ? engine.riskLines({ dataAtRisk }) : []),
    ];
    ctx.io.err(lines.join('\n') + '\n');
    const backupFile = engine.resolveDestroys(preview, dataAtRisk) ? await announceBackup(ctx, m, backup) : null;
    const action = `resolve ${preview.revision} on ${m.db.databaseName}`;
    await confirm(ctx.io, action, ctx.yes, engine.resolveDestroys(preview, dataAtRisk) ? backupQuestion(action, backupFile) : undefined, `the lines above say what it would ${mode === 'applied' || mode === 'reverted' ? 'record' : 'run'}`);
    const manifest = await takeBackup(ctx, m, backup, backupFile, `before resolve ${preview.revision} --${mode}`);
    const result = await m.resolve(ref, mode, source, resumeAt);
    const out = await withSchemaFile(ctx, m, result, finish(ctx, result, 'resolved', json), 'resolved');
    return { ...out, text: (manifest ? `backup: ${manifest.file}\n` : '') + out.text, json: { ...(out.json as object), backup: manifest, dataAtRisk } };
  });
}

export async function seedCommand(ctx: DatabaseContext, project: Project, seedDir: string, json: boolean, force = false): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const result = await m.seed(seedDir, { force });
    const out = finish(ctx, result, 'ran', json);
    return {
      ...out,
      // The connection ended before the last seed's COMMIT answered: it may have run (its message says so).
      text: `ran ${ranCount(result)} seed file${ranCount(result) === 1 ? '' : 's'}${maybeLastStep(result)}, ${result.skipped.length} unchanged (skipped)\n`,
      json: { ...(out.json as object), skipped: result.skipped },
    };
   }, WRITES);
}

/** The seed files that ran to the end (a failed one and those after it did not). */
const ranCount = (result: RunResult): number => result.steps.filter((s) => s.status === 'done').length;
