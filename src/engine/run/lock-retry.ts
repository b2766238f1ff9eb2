import { DEFAULT_LOCK_LIMITS, type BlockingSession, type DatabaseAdapter, type LockLimits, type Query, type StatementBatch, type StepFailure, type StepProgress } from '../dialects/adapter.js';

/**
 * Lock discipline for a transactional step: it starts with the adapter's limits (PostgreSQL
 * `SET LOCAL lock_timeout`, default 5 s), so it gives up on a lock instead of queueing the
 * application behind it; then the whole step is tried again (default 3 tries, backoff 0.5 s,
 * 1 s). While it waits, the sessions it waits for are named (pg_blocking_pids, asked from a
 * second connection); the last failure's error says who held the lock.
 */

export function describeBlockers(sessions: readonly BlockingSession[]): string {
  if (sessions.length === 0) return 'a session lint could not name (it ended, or the lock is not a row in pg_locks)';
  return sessions.map((s) => `pid ${s.pid} (${s.application || 'no application name'}, ${s.state || 'unknown state'}${s.queryStart ? `, query started ${s.queryStart}` : ''}${s.query ? `: ${s.query.replace(/\s+/g, ' ').slice(0, 60)}` : ''})`).join(', ');
}

export interface LockRetryHooks {
  /** Said while waiting, and before each retry. */
  warn(message: string): void;
  /** Waits between tries (a parameter so a test can count them). */
  delay?(ms: number): Promise<void>;
}

/** `batches` is called once per try (a large file's batches are read again). */
export async function runStepWithLockRetry(db: DatabaseAdapter, batches: () => Iterable<StatementBatch>, finish: () => readonly Query[], progress: StepProgress, limits: LockLimits = DEFAULT_LOCK_LIMITS, hooks: LockRetryHooks): Promise<StepFailure | null> {
  const prelude = db.stepLimits?.(limits) ?? [];
  const shift = prelude.length;
  const shifted: StepProgress = {
    ...(progress.beforeStatement ? { beforeStatement: (k: number) => (k < shift ? Promise.resolve() : progress.beforeStatement!(k - shift)) } : {}),
    statementStart: (k) => void (k >= shift && progress.statementStart(k - shift)),
    statementEnd: (k) => void (k >= shift && progress.statementEnd(k - shift)),
  };
  const delay = hooks.delay ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const tries = Math.max(1, limits.tries);
  for (let attempt = 1; ; attempt++) {
    let blockers: BlockingSession[] = [];
    // Half-way to the lock timeout, ask who we wait for (only while the step is still running).
    let running = true;
    const watch =
      db.blockingSessions && limits.lockTimeoutMs > 0
        ? setTimeout(() => {
            void db.blockingSessions!()
              .then((found) => {
                if (!running || found.length === 0) return;
                blockers = found;
                hooks.warn(`waiting for a lock held by ${describeBlockers(found)}`);
              })
              .catch(() => undefined);
          }, Math.max(50, limits.lockTimeoutMs / 2))
        : null;
    const all = function* (): Generator<StatementBatch> {
      if (prelude.length > 0) yield prelude;
      yield* batches();
    };
    const failure = await db.runTransactionalStep(all(), finish, shifted).finally(() => {
      running = false;
      if (watch) clearTimeout(watch);
    });
    if (!failure) return null;
    const result = { index: Math.max(0, failure.index - shift), error: failure.error };
    if (db.timeoutOf?.(failure.error) !== 'lock') return result;
    const who = describeBlockers(blockers);
    if (attempt >= tries) {
      const error = failure.error as Error;
      error.message = `${error.message}: gave up after ${tries} tr${tries === 1 ? 'y' : 'ies'} of ${limits.lockTimeoutMs / 1000} s each (lock_timeout), the lock held by ${who}`;
      return result;
    }
    const wait = limits.backoffMs * 2 ** (attempt - 1);
    hooks.warn(`lock timeout after ${limits.lockTimeoutMs / 1000} s (held by ${who}): rolled back; try ${attempt + 1} of ${tries} in ${wait / 1000} s`);
    await delay(wait);
  }
}
