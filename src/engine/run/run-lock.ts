import type { DatabaseAdapter } from '../dialects/adapter.js';
import type { RunCancel } from './cancel.js';
import type { RunEvent } from './events.js';
import { DEFAULT_LEASE, describeHolder, LeaseLock } from './lease-lock.js';
import type { ConnectionTarget } from '../connection.js';
import type { StateTableNames } from '../state-tables.js';
import type { LeaseSettings } from './lease-lock.js';

/** What taking the lock needs (part of MigratorOptions). */
export interface RunLockOptions {
  readonly tables: StateTableNames;
  readonly toolVersion: string;
  readonly lockTimeoutMs: number;
  readonly connection: ConnectionTarget;
  /** A server without advisory locks: the lease's timings (default 30 s, heartbeat every 10 s). */
  readonly lease?: LeaseSettings;
  /** Take over a stale lease (its owner stopped renewing it); a live one is never taken. */
  readonly stealStaleLock?: boolean;
}

/**
 * Takes the one-runner lock the connection's capabilities call for: the server's advisory
 * lock (SQLite: the file's), or a lease row with a heartbeat. Returns what releases it. A
 * lease lost while the run holds it (taken over, or not renewed in time) cancels the run.
 */
export async function takeRunLock(db: DatabaseAdapter, options: RunLockOptions, emit: (event: RunEvent) => void, cancel: RunCancel): Promise<() => Promise<void>> {
  if (db.capabilities.lock !== 'lease') {
    await db.lock(options.lockTimeoutMs, (holder) => emit({ type: 'lock-wait', holder }));
    return () => db.unlock();
  }
  const { tables } = options;
  const lease = new LeaseLock(options.connection, tables.lock, tables.version, options.lease ?? DEFAULT_LEASE, options.toolVersion, {
    onWait: (holder) => emit({ type: 'lock-wait', holder }),
    onStolen: (previous) => emit({ type: 'lock-notice', message: `took over ${describeHolder(previous)} (--steal-stale-lock)` }),
    onLost: (reason) => {
      emit({ type: 'lock-notice', message: `the lease on the migration lock was lost: ${reason}; the run stops` });
      void cancel.request(db, `because the lease on the migration lock was lost (${reason})`);
    },
  });
  await lease.acquire(options.lockTimeoutMs, options.stealStaleLock ?? false);
  return () => lease.release();
}
