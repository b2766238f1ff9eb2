import type { DatabaseAdapter } from '../dialects/adapter.js';
import { MigrateTuiError } from '../errors.js';

/** What a cancel request did, so the face can say it. */
export type CancelOutcome =
  /** No run holds the lock (connecting, waiting for the lock, a backup): nothing to stop. */
  | { readonly kind: 'idle' }
  /** Between statements: the run stops before the next one. */
  | { readonly kind: 'between' }
  /**
   * The server was asked to cancel the running statement (`sent` false: the request failed);
   * `transactional`: the step runs in one transaction, so a cancel rolls all of it back.
   */
  | { readonly kind: 'server'; readonly sent: boolean; readonly runningMs: number; readonly transactional: boolean }
  /** The database cannot interrupt a statement (SQLite runs it on this thread): the run stops after it. */
  | { readonly kind: 'cannot-interrupt'; readonly runningMs: number }
  /** A write of migrate-tui's log by a step without a transaction (waiting for another session's lock on it) was stopped: the run ends there. */
  | { readonly kind: 'log-wait'; readonly sent: boolean; readonly waitedMs: number };

/** The run stopped at a statement or step boundary because the user cancelled it. */
export class CancelledError extends MigrateTuiError {
  constructor(what: string, by = 'by the user') {
    super('cancelled', `cancelled ${by} ${what}`, 'run the command again to go on from here', { cancelled: true, by });
  }
}

/** The error of a run cancelled between steps: what is done, and that nothing of the next step ran. */
export function cancelledBefore(direction: 'up' | 'down', revision: string, index: number, total: number): CancelledError {
  const verb = direction === 'up' ? 'upgrade' : 'downgrade';
  return new CancelledError(`before the ${verb} of ${revision} (step ${index + 1} of ${total}): nothing of it ran` + (index > 0 ? `; the ${index} step${index === 1 ? '' : 's'} before it are done and recorded` : ''));
}

/**
 * The cancel switch of one StepRunner: a run is active while it holds the lock; a request
 * marks it and, when a statement is running, asks the server to cancel it. The runner calls
 * `checkpoint` before each step and statement, and stops there when a request came.
 */
export class RunCancel {
  private active = false;
  private wanted = false;
  /** Who stopped the run, as the messages say it ("by the user", or the lost lease). */
  private by = 'by the user';
  /** Statements sent and not finished (a pipelining adapter sends a whole step), and since when. */
  private running = 0;
  private statementSince: number | null = null;
  /** How long the last statement ran: a synchronous driver lets a signal in only after it. */
  private lastStatementMs = 0;
  /** Whether the running step is one transaction (a cancel rolls it back) or runs statement by statement. */
  private transactional = true;
  /** Since when a write of the log between statements has been going (it may wait for another session's lock on the log). */
  private logWriteSince: number | null = null;

  get requested(): boolean {
    return this.wanted;
  }

  get reason(): string {
    return this.by;
  }

  begin(): void {
    this.active = true;
    this.wanted = false;
    this.by = 'by the user';
  }

  end(): void {
    this.active = false;
    this.stepStart();
  }

  /** A new step: statements of a failed one never report their end. */
  stepStart(transactional = true): void {
    this.transactional = transactional;
    this.running = 0;
    this.statementSince = null;
  }

  statementStart(): void {
    if (this.running++ === 0) this.statementSince = Date.now();
  }

  statementEnd(): void {
    if (this.running === 0 || --this.running > 0) return;
    if (this.statementSince !== null) this.lastStatementMs = Date.now() - this.statementSince;
    this.statementSince = null;
  }

  /**
   * Around a write of the log by a step run statement by statement (its progress, its dirty
   * mark): a cancel stops its wait for a lock on the log, which waited out the lock timeout
   * after Ctrl-C (twice: the progress, then the mark).
   */
  async logWrite<T>(work: () => Promise<T>): Promise<T> {
    this.logWriteSince = Date.now();
    try {
      return await work();
    } finally {
      this.logWriteSince = null;
    }
  }

  request(db: DatabaseAdapter, by = 'by the user'): Promise<CancelOutcome> {
    const outcome = this.requestNow(db, by);
    this.answer = outcome.then(() => undefined, () => undefined);
    return outcome;
  }

  /**
   * Waits until the last cancel request has its answer, and what was told of it has been said
   * (a turn of the event loop after it): the run's outcome comes after the cancel's ("the lines
   * that follow say exactly what") — the server cancelled the statement and the step failed
   * before the second connection's answer came back, so the failure was printed first.
   */
  async answered(): Promise<void> {
    await this.answer;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private answer: Promise<void> = Promise.resolve();

  private async requestNow(db: DatabaseAdapter, by: string): Promise<CancelOutcome> {
    if (!this.active) return { kind: 'idle' };
    if (!this.wanted) this.by = by;
    this.wanted = true;
    const writing = this.logWriteSince;
    if (writing !== null && db.cancelRunning) {
      const sent = await db.cancelRunning().catch(() => false);
      return { kind: 'log-wait', sent, waitedMs: Date.now() - writing };
    }
    const since = this.statementSince;
    if (!db.cancelRunning) return { kind: 'cannot-interrupt', runningMs: since === null ? this.lastStatementMs : Date.now() - since };
    if (since === null) return { kind: 'between' };
    // Read before the cancel is sent: once the server cancels, the step fails and the run ends
    // (end() resets it) before the second connection's answer comes back — a step without a
    // transaction was said to be "waiting for the rollback".
    const transactional = this.transactional;
    const sent = await db.cancelRunning().catch(() => false);
    return { kind: 'server', sent, runningMs: Date.now() - since, transactional };
  }

  /**
   * Lets signal handlers run (a synchronous driver holds the event loop during a statement),
   * then throws CancelledError when a cancel was requested.
   */
  async checkpoint(what: string): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.wanted) throw new CancelledError(what, this.by);
  }
}

/** What a cancel request did, in a sentence (the CLI's stderr, the TUI's running screen). */
export function cancelText(outcome: CancelOutcome): string {
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  switch (outcome.kind) {
    case 'idle':
      return 'nothing is running on the database';
    case 'between':
      return 'the run stops before the next statement';
    case 'server':
      if (outcome.sent && !outcome.transactional) {
        return `asked the server to cancel the running statement (it had run ${seconds(outcome.runningMs)}); this step (a migration or a seed) runs without a transaction, so the statements before it stay applied: the lines that follow say exactly what`;
      }
      return outcome.sent
        ? `asked the server to cancel the running statement (it had run ${seconds(outcome.runningMs)}); waiting for the rollback`
        : 'the server could not be asked to cancel the running statement; the run stops after it';
    case 'log-wait':
      return outcome.sent
        ? `stopped migrate-tui's write of its log, unfinished after ${seconds(outcome.waitedMs)} (a lock another session holds on the log makes it wait); the statements that ran stay applied, as the error says`
        : `migrate-tui's write of its log could not be stopped; the run stops once it ends (it waits no longer than the lock timeout)`;
    case 'cannot-interrupt':
      return `SQLite cannot interrupt a running statement; it has run ${seconds(outcome.runningMs)}; it will stop after it`;
  }
}

/** What abandoning a cancel (a second Ctrl-C) leaves behind. */
export const ABANDON_TEXT = 'abandoning: the statement may still be running on the server; the database may be dirty — run `migrate-tui status`';
