import type { DatabaseAdapter, LockLimits } from '../dialects/adapter.js';
import { boundedRead, readWaitMs, StateReadLockedError } from './bounded-read.js';
import type { TrackedSession } from './lock-retry.js';
import type { NewLogRow, StateStore } from './state-store.js';

/**
 * The log rows a step writes outside its own transaction, each waiting for a lock on the log
 * no longer than the step would: a lock another session held on it made a run wait for ever
 * (PostgreSQL) or a day (MariaDB's lock_wait_timeout default) after its step had ended.
 */

/** The `failed` row of a transactional step that gave up (after its retries): left out when the lock on the log outlasts the limit. */
export async function recordFailedStep(db: DatabaseAdapter, store: StateStore, limits: LockLimits | undefined, row: NewLogRow): Promise<void> {
  await boundedRead(db, readWaitMs(limits), { now: 'the log' }, () => store.insertLog(row)).catch(() => undefined);
}

/**
 * A write of migrate-tui's tables by a step run statement by statement (its `started`,
 * progress, `done` or dirty row), under the run's session limits (MariaDB: set already, no
 * statement of its own) or a bounded read's (PostgreSQL, where such a step's own statements
 * run without a lock limit). A lock that outlasts them: StateReadLockedError saying what was
 * not written and what that leaves (`outcome`).
 */
export async function boundedStepWrite<T>(db: DatabaseAdapter, store: StateStore, limits: LockLimits | undefined, tracked: TrackedSession | null, what: string, outcome: string, work: () => Promise<T>): Promise<T> {
  await tracked?.enter();
  const limited = tracked?.statements.set.some((sql) => sql.includes('lock_wait_timeout')) ?? false;
  return boundedRead(db, readWaitMs(limits), { now: `migrate-tui's log (${store.tables.log}) ${what}`, writes: outcome, limited }, work);
}

/** The `started` row of a step run statement by statement. A lock that outlasts the limit: the error to return as the step's failure (nothing of it ran). */
export async function recordStartedStep(db: DatabaseAdapter, store: StateStore, limits: LockLimits | undefined, tracked: TrackedSession | null, revision: string, row: NewLogRow): Promise<number | StateReadLockedError> {
  try {
    return await boundedStepWrite(db, store, limits, tracked, `the start of ${revision}`, 'it was not written, and nothing of the step ran', () => store.insertLog(row));
  } catch (error) {
    if (error instanceof StateReadLockedError) return error;
    throw error;
  }
}
