import { transactionControl } from '../dialects/transaction-control.js';
import { boundedStepWrite } from './bounded-log-rows.js';
import { readWaitMs, StateReadLockedError } from './bounded-read.js';
import type { FailureOutcome, MigrationFailedError } from './runtime-errors.js';
import { DEFAULT_LOCK_LIMITS, type DatabaseAdapter, type LockLimits } from '../dialects/adapter.js';
import type { RunCancel } from './cancel.js';
import type { RunEvent } from './events.js';
import type { TrackedSession } from './lock-retry.js';
import type { StateStore } from './state-store.js';
import { StatementCursor } from './statement-cursor.js';
import type { RunStep } from './steps.js';

/**
 * A step run statement by statement (no transaction of ours: MySQL/MariaDB DDL, `transaction
 * off`, a resume), its progress counted in its log row, and what a failure of it left.
 */

/** What of the runner (run/runner.ts) a tracked run uses. */
export interface TrackedRunner {
  readonly db: DatabaseAdapter;
  readonly store: StateStore;
  readonly cancel: RunCancel;
  readonly options: { readonly lockLimits?: LockLimits };
  readonly trackedSession: TrackedSession | null;
  emit(event: RunEvent): void;
  failure(step: RunStep, done: number, error: unknown, state: 'rolled-back' | 'dirty', outcome?: Partial<FailureOutcome>, cursor?: StatementCursor): MigrationFailedError;
}

/** How long a dirty mark waits after a write of the same log gave up on a lock: a second chance, not the limit again. */
const SECOND_WAIT_MS = 1000;

/** What a statement-by-statement run did: `kept` statements stay applied (committed). */
export interface TrackedRun {
  readonly error: unknown | null;
  readonly done: number;
  readonly kept: number;
  readonly ranInOwnTransaction: FailureOutcome['ranInOwnTransaction'];
  /** The error is migrate-tui's own write of the step's progress, after statement `done` (no statement failed). */
  readonly bookkeeping?: boolean;
  /** What the log row records as done (committed), whatever ran since. */
  readonly recorded: number;
}

/**
 * Runs a step's statements from `from` on, outside any transaction, counting progress in log
 * row `logId`. A file may open its own transaction: while it is open, the progress rows
 * written on this connection commit or roll back with it, so the log always counts what is
 * really committed. On a failure inside it, it is rolled back first (on PostgreSQL it is
 * aborted, and the dirty mark would be lost with it). Then the step's checks run.
 */
export async function runTracked(runner: TrackedRunner, step: RunStep, index: number, logId: number, from: number, recordedBefore = from, cursor = new StatementCursor(step)): Promise<TrackedRun> {
  const { db, cancel } = runner;
  const count = cursor.count;
  let done = from;
  let durable = from;
  let ownBegin: { index: number; line: number } | null = null;
  let bookkeeping = false;
  // Progress written inside the file's own transaction commits or rolls back with it.
  let recorded = recordedBefore;
  try {
    for (const batch of cursor.batches(from)) {
      for (const statement of batch) {
        const k = done;
        await cancel.checkpoint(`before statement ${k + 1} of ${count}`);
        cancel.statementStart();
        const started = Date.now();
        runner.emit({ type: 'statement-start', step: index, index: k, total: count, line: statement.line, sql: statement.sql });
        await db.execute(statement.sql);
        done = k + 1;
        cancel.statementEnd();
        runner.emit({ type: 'statement-end', step: index, index: k, durationMs: Date.now() - started });
        const control = transactionControl(statement.sql);
        if (control === 'begin') ownBegin = { index: k, line: statement.line };
        else if (control !== null) ownBegin = null;
        if (ownBegin === null) durable = done;
        // After the last statement the count is written with "done" (a kill before that
        // leaves the last statement uncertain, which is what it is).
        if (done < count) {
          bookkeeping = true;
          await writeProgress(runner, step, logId, done, count);
          bookkeeping = false;
          if (ownBegin === null) recorded = done;
        }
      }
    }
    // A file that leaves its own transaction open is committed at its end (as golang-migrate's drivers do); `check` warns.
    if (ownBegin !== null) await db.execute(db.syntax.commitTransaction);
    ownBegin = null;
    await db.checkStep?.();
    return { error: null, done, kept: done, ranInOwnTransaction: null, recorded };
  } catch (error) {
    const ranInOwnTransaction = ownBegin === null ? null : { from: ownBegin.index, line: ownBegin.line, count: done - ownBegin.index };
    if (ranInOwnTransaction) await db.execute('ROLLBACK').catch(() => undefined);
    return { error, done, kept: ranInOwnTransaction ? durable : done, ranInOwnTransaction, recorded, ...(bookkeeping ? { bookkeeping } : {}) };
  }
}

/** The count of statements done, waiting for a lock on the log no longer than the lock timeout (it waited for ever on PostgreSQL). */
function writeProgress(runner: TrackedRunner, step: RunStep, logId: number, done: number, count: number): Promise<void> {
  const outcome = `the run stopped there, after statement ${done} of ${count} ran`;
  return cancellableStepWrite(runner, runner.trackedSession, `the progress of ${step.revision}`, outcome, () => runner.store.updateLog(logId, { statementsDone: done }));
}

/**
 * A write of the log by a step run statement by statement (its progress, its `done` row, a
 * resume's end) that a cancel (Ctrl-C, SIGTERM) stops while it waits for another session's
 * lock on the log: it waited out the lock timeout after Ctrl-C.
 */
export function cancellableStepWrite<T>(runner: Pick<TrackedRunner, 'db' | 'store' | 'cancel' | 'options'>, tracked: TrackedSession | null, what: string, outcome: string, work: () => Promise<T>): Promise<T> {
  const since = Date.now();
  return runner.cancel
    .logWrite(() => boundedStepWrite(runner.db, runner.store, runner.options.lockLimits, tracked, what, outcome, work))
    .catch((error: unknown) => {
      // The server's "canceling statement due to user request" would not say which write, or why it was waiting.
      if (!runner.cancel.requested) throw error;
      throw new Error(`the run was cancelled ${runner.cancel.reason} while it wrote ${what} to migrate-tui's log (${runner.store.tables.log}), unfinished after ${((Date.now() - since) / 1000).toFixed(1)} s (a lock another session holds on the log makes such a write wait): the write was stopped; ${outcome}`);
    });
}

/** Marks the log row with what a failed tracked run left, and returns the error that says it (and, if the mark could not be written, what the row says instead). */
export async function recordTrackedFailure(runner: TrackedRunner, step: RunStep, logId: number, ran: TrackedRun, finished: { startedAt?: string; finishedAt: string; durationMs: number }, cursor = new StatementCursor(step)): Promise<MigrationFailedError> {
  const uncertain = ran.ranInOwnTransaction !== null && !runner.db.syntax.transactionalDdl;
  // Nothing stays applied: the database is unchanged, so it is a plain failure, not dirty.
  const state = ran.kept === 0 && !uncertain ? 'rolled-back' : 'dirty';
  const outcome = { kept: ran.kept, ranInOwnTransaction: ran.ranInOwnTransaction, uncertain, ...(ran.bookkeeping ? { bookkeeping: true } : {}) };
  const failure = runner.failure(step, ran.done, ran.error, state, outcome, cursor);
  const what = `the outcome of ${step.revision}`;
  // Ctrl-C stopped the progress write's wait for a lock on the log: the mark would wait behind the same lock.
  if (ran.bookkeeping && runner.cancel.requested) return runner.failure(step, ran.done, ran.error, state, { ...outcome, unmarked: { recorded: ran.recorded, stopped: true } }, cursor);
  // After a write that waited out the lock timeout behind a lock on the log, the mark waits 1 s more, not the
  // whole limit again (a failure took twice the limit); its own limit, set for it, on every database.
  const secondWaitMs = ran.bookkeeping === true && ran.error instanceof StateReadLockedError ? Math.min(SECOND_WAIT_MS, readWaitMs(runner.options.lockLimits)) : null;
  const limits = secondWaitMs === null ? runner.options.lockLimits : { ...DEFAULT_LOCK_LIMITS, ...runner.options.lockLimits, lockTimeoutMs: secondWaitMs };
  const marked = await boundedStepWrite(runner.db, runner.store, limits, secondWaitMs === null ? runner.trackedSession : null, what, 'it was not written', () =>
    runner.store.updateLog(logId, { statementsDone: ran.kept, status: state === 'dirty' ? 'dirty' : 'failed', error: failure.meta.databaseError as string, ...finished }),
  ).then(
    () => true,
    () => false,
  );
  return marked ? failure : runner.failure(step, ran.done, ran.error, state, { ...outcome, unmarked: { recorded: ran.recorded, ...(secondWaitMs !== null ? { waitedMs: secondWaitMs } : {}) } }, cursor);
}
