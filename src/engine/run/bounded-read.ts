import { DEFAULT_LOCK_LIMITS, type DatabaseAdapter, type LockLimits } from '../dialects/adapter.js';
import { MigrateTuiError } from '../errors.js';
import { describeBlockers, watchBlockers } from './lock-retry.js';

/** A read of the state gave up on a lock another session held (status, the TUI, a run's look). */
export class StateReadLockedError extends MigrateTuiError {
  /** `written`: a write of the state gave up, and what that leaves (else a read: nothing was read or changed). */
  constructor(display: string, reading: string, waitMs: number, holders: string, written?: string) {
    super(
      'state-locked',
      `could not ${written === undefined ? 'read' : 'write to'} ${reading} on ${display}: another session holds a lock on it, and the wait passed ${waitMs / 1000} s (the lock held by ${holders}); ${written ?? 'nothing was read or changed'}`,
      `run it again when that session has finished (a migration or a table rewrite?); "locks": {"timeout": <seconds>} in migrate-tui.config.json sets how long a ${written === undefined ? 'read' : 'write'} waits`,
      { reading, waitMs, holders },
    );
  }
}

/** How long a read waits for a lock: the migrations' lock timeout, and 5 s where that is off (looking never waits without end). */
export const readWaitMs = (limits: LockLimits | undefined): number => (limits && limits.lockTimeoutMs > 0 ? limits.lockTimeoutMs : DEFAULT_LOCK_LIMITS.lockTimeoutMs);

/** What a bounded read is reading now (said if it gives up). */
export interface Reading {
  now: string;
  /** A write of the state (a run's `started` row): what giving up on it leaves, said if it does. */
  readonly writes?: string;
  /** The session's lock wait is bounded already (a run's MySQL/MariaDB limits): no setting of its own. */
  readonly limited?: boolean;
}

/**
 * Runs `work` with the session's lock waits bounded by `waitMs` (PostgreSQL lock_timeout,
 * MySQL/MariaDB lock_wait_timeout): a table another session locked (an ALTER, a LOCK TABLE)
 * ends the read with StateReadLockedError naming the holder, instead of a status that hangs.
 */
export async function boundedRead<T>(db: DatabaseAdapter, waitMs: number, reading: Reading, work: () => Promise<T>): Promise<T> {
  const limit = reading.limited ? null : db.readLockLimit?.(waitMs);
  if (!limit && !reading.limited) return work();
  // Not awaited alone: the adapter's one connection runs it before the reads queued behind it, and
  // a driver that pipelines (postgres) spends no round trip of its own on it. A limit that could
  // not be set leaves the reads unbounded, not failed.
  const setting = limit ? db.execute(limit.set).catch(() => undefined) : Promise.resolve();
  // Who holds the lock is asked a quarter into the wait (it cannot be asked once the wait has ended).
  const watch = watchBlockers(db, { ...DEFAULT_LOCK_LIMITS, lockTimeoutMs: waitMs / 2 }, { warn: () => undefined });
  try {
    return await work();
  } catch (error) {
    const holders = watch.stop();
    if (db.timeoutOf?.(error) === 'lock') throw new StateReadLockedError(db.display, reading.now, waitMs, describeBlockers(holders), reading.writes);
    throw error;
  } finally {
    watch.stop();
    await setting;
    // Awaited: left queued, it went out alone or with the caller's next write depending on timing
    // (one round trip more or less: run-path's count of a run's round trips varied under load).
    if (limit) await db.execute(limit.restore).catch(() => undefined);
  }
}
