import type { StepFinish } from '../dialects/step-finish.js';
import { DEFAULT_LOCK_LIMITS, type BlockingSession, type DatabaseAdapter, type LockLimits, type Query, type StatementBatch, type StepFailure, type StepProgress } from '../dialects/adapter.js';
import { describeBlockers } from '../dialects/describe-blockers.js';

export { describeBlockers };

/**
 * Lock discipline for a step. A transactional step starts with the adapter's limits
 * (PostgreSQL `SET LOCAL lock_timeout`, default 5 s), so it gives up on a lock instead of
 * queueing the application behind it; then the whole step is tried again (default 3 tries,
 * backoff 0.5 s, 1 s). A step run statement by statement (every MySQL/MariaDB migration:
 * `SET SESSION lock_wait_timeout`) is tried again only when nothing of it ran. While a step
 * runs, the sessions it waits for are asked for from a second connection and reported live;
 * the last failure's error says who held the lock.
 */

export interface LockRetryHooks {
  /** Said while waiting, and before each retry. */
  warn(message: string): void;
  /** Live: who the running statement waits for now (`null`: no longer waiting). */
  blocked?(holders: string | null): void;
  /** Waits between tries (a parameter so a test can count them). */
  delay?(ms: number): Promise<void>;
}

/**
 * First look for blockers after half the lock timeout (at most 2.5 s), then every 2.5 s
 * growing to 10 s while the step runs: a step that waits for nothing costs a connection
 * every few seconds at most, and none when it ends sooner.
 */
const firstLook = (limits: LockLimits) => Math.max(50, Math.min(2500, limits.lockTimeoutMs > 0 ? limits.lockTimeoutMs / 2 : 2500));

/**
 * Asks the database who the running step waits for while it runs: each new set of holders is
 * said once (`warn`) and shown live (`blocked`); `stop()` ends it and returns the last holders seen.
 */
export function watchBlockers(db: DatabaseAdapter, limits: LockLimits, hooks: LockRetryHooks): { stop(): BlockingSession[] } {
  if (!db.blockingSessions) return { stop: () => [] };
  let running = true;
  let last: BlockingSession[] = [];
  let shown: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  const look = (wait: number) => {
    timer = setTimeout(() => {
      void db.blockingSessions!()
        .then((found) => {
          if (!running) return;
          const text = found.length > 0 ? describeBlockers(found) : null;
          if (found.length > 0) last = found;
          if (text !== null && text !== shown) hooks.warn(`waiting for a lock held by ${text}`);
          if (text !== shown) hooks.blocked?.(text);
          shown = text;
        })
        .catch(() => undefined)
        .finally(() => running && look(Math.min(10_000, Math.max(2500, wait * 1.5))));
    }, wait);
  };
  look(firstLook(limits));
  return {
    stop: () => {
      running = false;
      if (timer) clearTimeout(timer);
      if (shown !== null) hooks.blocked?.(null);
      return last;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `batches` is called once per try (a large file's batches are read again). */
export async function runStepWithLockRetry(db: DatabaseAdapter, batches: () => Iterable<StatementBatch>, finish: StepFinish, progress: StepProgress, limits: LockLimits = DEFAULT_LOCK_LIMITS, hooks: LockRetryHooks): Promise<StepFailure | null> {
  const prelude = db.stepLimits?.(limits) ?? [];
  const shift = prelude.length;
  const shifted: StepProgress = {
    ...(progress.beforeStatement ? { beforeStatement: (k: number) => (k < shift ? Promise.resolve() : progress.beforeStatement!(k - shift)) } : {}),
    statementStart: (k) => void (k >= shift && progress.statementStart(k - shift)),
    statementEnd: (k) => void (k >= shift && progress.statementEnd(k - shift)),
  };
  const delay = hooks.delay ?? sleep;
  const tries = Math.max(1, limits.tries);
  for (let attempt = 1; ; attempt++) {
    const watch = watchBlockers(db, limits, hooks);
    const all = function* (): Generator<StatementBatch> {
      if (prelude.length > 0) yield prelude;
      yield* batches();
    };
    let blockers: BlockingSession[] = [];
    const failure = await db.runTransactionalStep(all(), finish, shifted).finally(() => (blockers = watch.stop()));
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

/** What one try of a statement-by-statement step did (the runner's TrackedRun). */
export interface TrackedTry {
  readonly error: unknown | null;
  readonly done: number;
}

/**
 * The session limits of statement-by-statement steps (MySQL/MariaDB `lock_wait_timeout`),
 * set by the first such step and reset by `leave()`. A run of many steps leaves them set
 * from its first tracked step to its end (or to a transactional step, which runs without
 * them) instead of setting and resetting them around each step: two round trips a step.
 * Between those steps only the run's own state rows are written, under the same limits
 * (as each step's progress counts always were).
 */
export class TrackedSession {
  private active = false;
  readonly statements: { readonly set: readonly string[]; readonly reset: readonly string[] };

  constructor(
    private readonly db: DatabaseAdapter,
    readonly limits: LockLimits = DEFAULT_LOCK_LIMITS,
  ) {
    this.statements = db.trackedStepLimits?.(limits) ?? { set: [], reset: [] };
  }

  async enter(): Promise<void> {
    if (this.active) return;
    for (const sql of this.statements.set) await this.db.execute(sql);
    this.active = true;
  }

  /** Back to the server's defaults; a failure to reset is not the run's error. */
  async leave(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    for (const sql of this.statements.reset) await this.db.execute(sql).catch(() => undefined);
  }
}

/**
 * A step run statement by statement (no transaction) under the adapter's session limits
 * (MySQL/MariaDB `lock_wait_timeout`). A lock timeout on its first statement left nothing
 * applied: the step is tried again like a transactional one. After statements of it ran
 * (each committed by itself) it is not: running it again would repeat them; the error says
 * what ran and who held the lock. With `shared` (a run's), the limits stay set after the
 * step; without, they are set for this step and reset after it.
 */
export async function runTrackedWithLockRetry<T extends TrackedTry>(db: DatabaseAdapter, from: number, attempt: () => Promise<T>, limits: LockLimits = DEFAULT_LOCK_LIMITS, hooks: LockRetryHooks, shared?: TrackedSession): Promise<T> {
  const own = shared ?? new TrackedSession(db, limits);
  const session = own.statements;
  const variable = db.syntax.name === 'postgres' ? 'lock_timeout' : 'lock_wait_timeout';
  const delay = hooks.delay ?? sleep;
  const tries = Math.max(1, limits.tries);
  await own.enter();
  try {
    for (let k = 1; ; k++) {
      const watch = watchBlockers(db, limits, hooks);
      let blockers: BlockingSession[] = [];
      const ran = await attempt().finally(() => (blockers = watch.stop()));
      if (ran.error === null || db.timeoutOf?.(ran.error) !== 'lock' || session.set.length === 0) return ran;
      const who = describeBlockers(blockers);
      const error = ran.error as Error;
      if (ran.done > from) {
        error.message = `${error.message} (${variable} ${limits.lockTimeoutMs / 1000} s; the lock held by ${who}): not tried again, because statements before it ran outside a transaction and stay applied, and a new try would run them again`;
        return ran;
      }
      if (k >= tries) {
        error.message = `${error.message}: gave up after ${tries} tr${tries === 1 ? 'y' : 'ies'} of ${limits.lockTimeoutMs / 1000} s each (${variable}), the lock held by ${who}`;
        return ran;
      }
      const wait = limits.backoffMs * 2 ** (k - 1);
      hooks.warn(`lock timeout after ${limits.lockTimeoutMs / 1000} s (held by ${who}) on the first statement: nothing of the migration ran; try ${k + 1} of ${tries} in ${wait / 1000} s`);
      await delay(wait);
    }
  } finally {
    if (!shared) await own.leave();
  }
}
