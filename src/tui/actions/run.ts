import { ABANDON_TEXT, cancelText, endedConnection, hintAt, type CommandPlace, type DatabaseState, type MigrateTuiError, type RunResult } from '../../engine/index.js';
import type { TuiContext } from '../context.js';
import { confirmFlow } from '../flows/confirm.js';
import { actionError, errorResult, resultFlow, type ResultFlow } from '../flows/result.js';
import { resolveKey, tuiHint } from '../tui-hints.js';
import { reduceRunning, runningFlow, type RunningFlow } from '../flows/running.js';
import { schemaFileLines } from './schema-file.js';

/**
 * Runs an engine action with the progress view, then shows its result. `before` runs first
 * (a backup) and its lines head the result; if it fails, the action does not run.
 */
export async function execute(ctx: TuiContext, title: string, action: () => Promise<RunResult>, before?: () => Promise<string[]>, restore = false): Promise<void> {
  ctx.setRunning(true);
  cancelledBeforeStart.delete(ctx.session);
  ctx.setFlow(before ? { ...runningFlow(title), phase: BACKUP_PHASE } : runningFlow(title));
  let pre: string[] = [];
  try {
    if (before) pre = await before();
    ctx.setFlow((f) => (f?.kind === 'running' ? { ...f, phase: null } : f));
  } catch (error) {
    // Thrown before the action (its backup): a refusal (a database that takes no writes) is titled so.
    ctx.setRunning(false);
    ctx.setFlow(isStaleLock(error) ? stealOffer(ctx, title, error, () => execute(ctx, title, action, before && ctx.session.stealingStaleLock(before))) : backupFailed(title, error, ctx.session.commandPlace));
    return;
  }
  if (cancelledBeforeStart.has(ctx.session)) {
    // ctrl-c while the backup was taken: the action does not start (it did, after saying it would stop).
    ctx.setRunning(false);
    ctx.setFlow(resultFlow(false, `${title}: CANCELLED — nothing ran`, [...pre, ...(pre.length > 0 ? [''] : []), 'ctrl-c came before the run started: nothing ran, the database is as it was']));
    return;
  }
  const result = await ctx.session.run(action, (event) => ctx.setFlow((f) => (f?.kind === 'running' ? reduceRunning(f, event) : f)));
  const schemaFile = [...('steps' in result ? await schemaFileLines(ctx.session, result, ctx.session.commandPlace) : []), ...(await readAfterLoss(ctx, result))];
  ctx.setRunning(false);
  ctx.refresh();
  const error = 'steps' in result ? null : result.error;
  ctx.setFlow(isStaleLock(error) ? stealOffer(ctx, title, error, () => execute(ctx, title, ctx.session.stealingStaleLock(action))) : runResult(title, pre, result, ctx.session.commandPlace, ctx.session.state.dirty, schemaFile, restore));
}

/** The backup taken first failed: the action never started, and the title says so (it read `FAILED` alone). */
function backupFailed(title: string, error: unknown, place: CommandPlace): ResultFlow {
  const shown = actionError(title, error, place);
  return shown.title.endsWith('nothing ran') ? shown : { ...shown, title: `${title}: BACKUP FAILED — nothing ran` };
}

/**
 * The run's connection ended under it (its message says all or none, `status` shows which):
 * the screen reads the database again, on a new connection, and says what it has — a line the
 * CLI leaves to `status`.
 */
async function readAfterLoss(ctx: TuiContext, result: RunResult | { error: MigrateTuiError | Error }): Promise<string[]> {
  const error = 'steps' in result ? result.error : result.error;
  if (!error || !((error as MigrateTuiError).meta?.connectionEnded || endedConnection(error))) return [];
  takeReconnected(ctx.session);
  const read = await ctx.session.reload().then(() => null, (e: unknown) => (e as Error).message.split('\n')[0]!);
  const { versionRows, dirty } = ctx.session.state;
  return ['', read !== null ? `read again on a new connection: that failed too (${read}); ${hintAt('run `migrate-tui status` once the server answers', ctx.session.commandPlace)}` : `read again now, on a new connection: the database is at ${versionRows.join(', ') || 'base'}${dirty ? `, DIRTY (the ${dirty.direction} of ${dirty.revision} stopped after ${dirty.statementsDone} of ${dirty.statementsTotal} statements)` : ''}`];
}

/** The note that the last reload connected again (the connection had ended), once; else null. */
export function takeReconnected(session: TuiContext['session']): string | null {
  const note = session.reconnected;
  session.reconnected = null;
  return note;
}

function isStaleLock(error: unknown): error is MigrateTuiError {
  return (error as { code?: string } | null)?.code === 'stale-lock';
}

/**
 * A stale lease (its owner stopped renewing it) is taken over only after the database's name
 * is typed, as --steal-stale-lock does on the command line; a live lease is never taken.
 */
function stealOffer(ctx: TuiContext, title: string, error: MigrateTuiError, retry: () => Promise<void>) {
  const name = ctx.session.db.databaseName;
  const holder = error.meta.holder as { pid: number; host: string };
  return confirmFlow({
    title: `${title}: the lock is a STALE lease — take it over?`,
    body: [...error.message.split('\n'), '', `Take it over only if that process is gone: check pid ${holder.pid} on ${holder.host}.`, 'Two runs at once on one database can apply a migration twice or leave it dirty. A live lease is never taken over.'],
    phrase: name,
    danger: true,
    onConfirm: () => void retry(),
  });
}

/**
 * ctrl-c on the running screen: the first asks the engine to cancel (the server cancels the
 * running statement; SQLite stops after it) and the run's result then says what stays
 * applied; the second abandons the run at once.
 */
export function cancelRun(ctx: TuiContext, open: RunningFlow, abandon: (message: string) => void): void {
  if (open.cancelling !== null) return abandon(open.phase ? BACKUP_ABANDON_TEXT : hintAt(ABANDON_TEXT, ctx.session.commandPlace));
  const cancelling = (text: string) => ctx.setFlow((f) => (f?.kind === 'running' ? { ...f, cancelling: text } : f));
  cancelling('cancelling…');
  if (open.phase) {
    // Its backup is being taken: nothing runs after it.
    cancelledBeforeStart.add(ctx.session);
    return cancelling('cancelling… the backup is finished (or fails), then nothing runs');
  }
  void ctx.session.cancel().then((outcome) => cancelling(outcome.kind === 'idle' ? 'cancelling… the run stops before it starts its first step' : `cancelling… ${cancelText(outcome)}`));
}

/** What the running screen says while a run's backup is taken, before anything runs. */
const BACKUP_PHASE = 'taking the backup first (nothing has run yet; the run starts once it is written)';

/** A second ctrl-c while the backup is taken: nothing ran (the dump tool is stopped as the TUI exits). */
const BACKUP_ABANDON_TEXT = 'abandoned while taking the backup: nothing ran, the database is as it was; the backup was not finished (its dump tool is stopped)';

/** Sessions whose run was cancelled by ctrl-c while its backup was taken: the run does not start. */
const cancelledBeforeStart = new WeakSet<object>();

/** `dirty`: the unfinished step the database reads after the run (a failure's message says it already; a restore of a backup taken while dirty does not). */
function runResult(title: string, pre: readonly string[], result: RunResult | { error: MigrateTuiError | Error }, place: CommandPlace, dirty: DatabaseState['dirty'], schemaFile: readonly string[] = [], restore = false): ResultFlow {
  if (!('steps' in result)) {
    // The backup taken first stays, and is said, whatever the run then threw.
    const shown = actionError(title, result.error, place);
    return pre.length > 0 || schemaFile.length > 0 ? { ...shown, body: [...shown.body, ...(pre.length > 0 ? ['', ...pre] : []), ...schemaFile] } : shown;
  }
  const done = result.steps.filter((s) => s.status === 'done');
  const body = [
    ...pre,
    // A restore runs no revision's SQL: its steps are version rows recorded again (they read `↑ … done 0 ms`, as if the up had run).
    ...(restore ? [`restored from ${result.target}`] : []),
    ...result.steps.map((s) => (restore ? `✓ ${s.revision}  ${s.direction === 'up' ? 'applied again' : 'no longer applied'}: its data is the backup's (none of its SQL ran)` : `${s.status === 'done' ? '✓' : s.status === 'failed' ? '✗' : '·'} ${s.direction === 'up' ? '↑' : '↓'} ${s.revision}  ${s.status}${s.status === 'done' ? `  ${s.durationMs} ms` : ''}`)),
    '',
    `now at: ${result.headsAfter.join(', ') || 'base'}`,
    ...schemaFile,
  ];
  if (result.error) return resultFlow(false, `${title}: FAILED`, [...result.error.message.split('\n'), `→ ${tuiHint(result.error, place)}`, '', ...body]);
  const still = dirty ? [`DIRTY: the ${dirty.direction} of ${dirty.revision} stopped after ${dirty.statementsDone} of ${dirty.statementsTotal} statements → press ${resolveKey()} (resolve)`] : [];
  return resultFlow(true, `${title}: done (${done.length} step${done.length === 1 ? '' : 's'})`, [...body, ...still]);
}

/** The `before` of a run that offered a backup: takes it, or says none was taken. */
export async function backupFirst(ctx: TuiContext, backup: boolean, reason: string): Promise<string[]> {
  if (!backup) return ['NO BACKUP was taken'];
  return [`backup: ${(await ctx.session.backup(reason)).file}`];
}

interface Written {
  readonly id: string;
  readonly upPath: string;
  readonly downPath: string | null;
  readonly sumPath?: string;
  readonly revises: readonly string[];
}

/** An Atlas file is written empty: once edited, atlas.sum no longer matches until it is written again, and nothing runs. */
export const ATLAS_EDIT_NOTE = 'after writing its SQL, run `migrate-tui hash` (or `atlas migrate hash`) in a shell: until atlas.sum is written again, the folder does not match it and nothing runs';

/** Writes revision files, then reloads, selects the new revision and shows what was written. */
export function writeFiles(ctx: TuiContext, what: { label: string; title: (id: string) => string; write: () => Written; body: (written: Written) => string[] }): void {
  try {
    const written = what.write();
    void ctx.session.reload().catch((error: unknown) => ctx.notice(`the files were written; reading the database again failed: ${(error as Error).message.split('\n')[0]}`)).then(() => {
      ctx.refresh();
      ctx.selectRevision(written.id);
      ctx.setFlow(resultFlow(true, what.title(written.id), [written.upPath, ...(written.downPath !== null && written.downPath !== written.upPath ? [written.downPath] : []), ...(written.sumPath ? [`${written.sumPath} (written again)`] : []), '', ...what.body(written), ...(written.sumPath ? ['', ATLAS_EDIT_NOTE] : [])]));
    });
  } catch (error) {
    ctx.setFlow(errorResult(what.label, error, ctx.session.commandPlace));
  }
}
