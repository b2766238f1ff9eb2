import type { StateStore } from './state-store.js';
import type { RunStep } from './steps.js';

/**
 * A statement-by-statement step's `started` log row, written in the same commit as the
 * previous step's `done` and version rows. Between two such steps the dirty protocol would
 * commit twice (on MariaDB each commit is a log fsync): now it commits once. A kill leaves
 * what it left before: the row says started with no statement done, exactly as when a process
 * was killed after inserting it and before sending its first statement.
 */
export class StartedAhead {
  private held: { readonly step: RunStep; readonly logId: number } | null = null;

  constructor(private readonly store: StateStore) {}

  hold(step: RunStep, logId: number): void {
    this.held = { step, logId };
  }

  /** The row written ahead for `step`, once; null when none was. */
  take(step: RunStep): number | null {
    const held = this.held;
    this.held = null;
    return held && held.step === step ? held.logId : null;
  }

  /**
   * At the end of a run: a row written for a step that did not begin (the run was cancelled,
   * or failed, before it) is removed, so the database does not read dirty for a step that
   * never ran. If that fails, the row stays and reads as what it is: started, no statement
   * known to have run.
   */
  async drop(): Promise<void> {
    const held = this.held;
    this.held = null;
    if (held) await this.store.dropUnbegunLog(held.logId).catch(() => undefined);
  }
}
