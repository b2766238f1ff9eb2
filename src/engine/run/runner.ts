import type { DatabaseAdapter, LockLimits } from '../dialects/adapter.js';
import type { StepFinish } from '../dialects/step-finish.js';
import { whoAndWhere } from '../dialects/connect.js';
import type { MigrateTuiError } from '../errors.js';
import type { Direction } from '../plan/planner.js';
import type { RevisionGraph } from '../graph/graph.js';
import type { StateTableNames } from '../state-tables.js';
import { AppliedSet } from './applied-set.js';
import type { DatabaseState } from './database-state.js';
import { loggedSql, StatementCursor, statementCount } from './statement-cursor.js';
import type { RunEvent } from './events.js';
import { cancelledBefore, RunCancel, type CancelOutcome } from './cancel.js';
import { databaseMessageOf, DirtyDatabaseError, MigrationFailedError, type FailureOutcome } from './runtime-errors.js';
import { StateStore, type NewLogRow } from './state-store.js';
import { StartedAhead } from './started-ahead.js';
import { readStateBounded } from './state-read.js';
import { StateReadLockedError } from './bounded-read.js';
import { recordFailedStep, recordStartedStep } from './bounded-log-rows.js';
import { endedConnection } from '../dialects/connection-link.js';
import { cancellableStepWrite, recordTrackedFailure, runTracked } from './tracked-run.js';
import { runStepWithLockRetry, runTrackedWithLockRetry, TrackedSession, type LockRetryHooks } from './lock-retry.js';
import { takeRunLock, type RunLockOptions } from './run-lock.js';
import type { RunResult, RunStep, StepResult } from './steps.js';

/** What the runner needs of a project: its graph (the facade passes the whole Project). */
export interface GraphSource {
  readonly graph: RevisionGraph;
}

export interface MigratorOptions extends RunLockOptions {
  readonly onEvent?: (event: RunEvent) => void;
  readonly lockLimits?: LockLimits; // lock discipline of transactional steps (run/lock-retry.ts)
}

/** Version rows before and after one step. */
export interface RowChange {
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/**
 * The core that executes steps on one database: takes the lock, re-reads the state under
 * it, runs each step in its own transaction where the database allows (else the dirty
 * protocol: a `started` log row first, progress per statement, `done` last), emits events,
 * and returns a result per step instead of throwing half-way. Stamp, resolve, seeds,
 * backups and restore are built on it in their own modules.
 */
export class StepRunner {
  readonly store: StateStore;
  readonly who = whoAndWhere();
  /** Set by cancel(); checked before each step and statement. */
  readonly cancel = new RunCancel();
  /** The next run takes over a stale lease (the TUI's typed confirmation), as --steal-stale-lock does for every run. */
  stealStaleLockOnce = false;
  /** While execute() runs: the session limits its statement-by-statement steps share (set once, reset at its end or before a transactional step, which runs with the server's defaults). */
  trackedSession: TrackedSession | null = null;
  /** A `started` row written with the previous step's `done` (one commit for both). */
  private readonly startedAhead: StartedAhead;

  constructor(
    public project: GraphSource,
    readonly db: DatabaseAdapter,
    readonly options: MigratorOptions,
  ) {
    this.store = new StateStore(db, options.tables);
    this.startedAhead = new StartedAhead(this.store);
  }

  emit(event: RunEvent): void {
    this.options.onEvent?.(event);
  }

  /** The state without taking the lock (for status, the TUI, previews). */
  readState(): Promise<DatabaseState> {
    return readStateBounded(this.db, this.store, this.project.graph, this.options);
  }

  /** Runs `work` holding the lock, on state read after taking it. `first`: a check under the lock, before the state tables are made or upgraded (a refusal there writes nothing). */
  async locked<T>(work: (state: DatabaseState) => Promise<T>, allowDirty = false, first?: () => Promise<void>): Promise<T> {
    const steal = this.options.stealStaleLock === true || this.stealStaleLockOnce;
    this.stealStaleLockOnce = false;
    const unlock = await takeRunLock(this.db, { ...this.options, stealStaleLock: steal }, (event) => this.emit(event), this.cancel);
    this.emit({ type: 'lock-acquired' });
    this.cancel.begin();
    try {
      await first?.();
      await this.store.ensure();
      const state = await this.readState();
      if (state.dirty && !allowDirty) throw new DirtyDatabaseError(state.dirty, this.db.display);
      return await work(state);
    } finally {
      this.cancel.end();
      await unlock();
    }
  }

  /** Stops the run: before the next step or statement, and the running statement where the server can cancel it. */
  requestCancel(): Promise<CancelOutcome> {
    return this.cancel.request(this.db);
  }

  /** Runs steps in order; stops at the first failure and says what state it left. */
  async execute(direction: Direction, target: string, state: DatabaseState, steps: readonly RunStep[]): Promise<RunResult> {
    const applied = new AppliedSet(this.project.graph, state.applied, state.missing.map((m) => m.revision));
    const headsBefore = [...state.versionRows];
    // What the version table holds: read under the lock, then exactly what each step wrote.
    let rowsNow: readonly string[] = headsBefore;
    const results: StepResult[] = [];
    let error: MigrateTuiError | undefined;
    this.trackedSession = new TrackedSession(this.db, this.options.lockLimits);
    try {
      for (const [index, step] of steps.entries()) {
        if (!error && this.cancel.requested) error = cancelledBefore(step.direction, step.revision, index, steps.length);
        if (error) {
          results.push({ revision: step.revision, direction: step.direction, status: 'not-run', durationMs: 0, statements: statementCount(step) });
          continue;
        }
        const undo = applied.step(step.revision, step.direction);
        const rowsAfter = applied.versionRows();
        const outcome = await this.runReported(step, index, steps.length, { before: rowsNow, after: rowsAfter }, 'migrate', steps[index + 1]);
        results.push(outcome.result);
        if (outcome.error === null) rowsNow = rowsAfter;
        else {
          undo();
          error = outcome.error;
        }
      }
    } finally {
      // A connection that ended under the run has nothing left to put back: its session is gone.
      await this.startedAhead.drop().catch(unlessConnectionEnded);
      await this.trackedSession.leave().catch(unlessConnectionEnded);
      this.trackedSession = null;
    }
    if (this.cancel.requested) await this.cancel.answered();
    return { direction, target, steps: results, headsBefore, headsAfter: [...rowsNow], ...(error ? { error } : {}) };
  }

  /** Runs one step between its step-start and step-end events. */
  async runReported(step: RunStep, index: number, total: number, rows: RowChange, kind: 'migrate' | 'seed', next?: RunStep): Promise<{ result: StepResult; error: MigrateTuiError | null }> {
    this.emit({ type: 'step-start', index, total, revision: step.revision, direction: step.direction, message: step.message, statements: statementCount(step) });
    const started = Date.now();
    const outcome = await this.runStep(step, index, rows, kind, next);
    const durationMs = Date.now() - started;
    for (const message of this.db.takeWarnings?.() ?? []) this.emit({ type: 'warning', step: index, revision: step.revision, message });
    const status = outcome === true ? 'done' : 'failed';
    this.emit({ type: 'step-end', index, revision: step.revision, status, durationMs });
    return { result: { revision: step.revision, direction: step.direction, status, durationMs, statements: statementCount(step) }, error: outcome === true ? null : outcome };
  }

  /** Runs one step; true when done, else the error (the database is rolled back or marked dirty). `next`: the step after it in this run. */
  async runStep(step: RunStep, index: number, rows: RowChange, kind: 'migrate' | 'seed', next?: RunStep): Promise<true | MigrateTuiError> {
    const started = new Date();
    const cursor = new StatementCursor(step), count = cursor.count, base = this.logRow(step, kind, started, count);
    this.cancel.stepStart(step.transactional);
    // One clock reading: finished_at − started_at is exactly duration_ms.
    const finished = (now = Date.now()) => ({ finishedAt: new Date(now).toISOString(), durationMs: now - started.getTime() });
    let statementStarted = 0;
    const progress = {
      beforeStatement: (k: number) => this.cancel.checkpoint(`before statement ${k + 1} of ${count}`),
      statementStart: (k: number) => {
        if (k >= count) return;
        this.cancel.statementStart();
        statementStarted = Date.now();
        const statement = cursor.at(k);
        this.emit({ type: 'statement-start', step: index, index: k, total: count, line: statement?.line ?? 0, sql: statement?.sql ?? '' });
      },
      statementEnd: (k: number) => {
        this.cancel.statementEnd();
        this.emit({ type: 'statement-end', step: index, index: k, durationMs: Date.now() - statementStarted });
      },
    };

    const hooks: LockRetryHooks = { warn: (message) => this.emit({ type: 'warning', step: index, revision: step.revision, message }), blocked: (holders) => this.emit({ type: 'lock-blocked', step: index, holders }) };
    if (step.transactional) {
      await this.trackedSession?.leave();
      const finish: StepFinish = (server) => [...(kind === 'migrate' ? this.store.versionChange(rows.before, rows.after) : []), ...this.store.logInsert({ ...base, statementsDone: count, status: 'done', ...(server ? { finishedAt: server.finishedAt(base.startedAt), durationMs: server.durationMs } : finished()) })];
      const failure = await runStepWithLockRetry(this.db, () => cursor.sqlBatches(), finish, progress, this.options.lockLimits, hooks);
      if (!failure) return true;
      const error = this.failure(step, failure.index, failure.error, 'rolled-back', {}, cursor);
      await recordFailedStep(this.db, this.store, this.options.lockLimits, { ...base, statementsDone: failure.index, status: 'failed', error: error.meta.databaseError as string, ...finished() });
      return error;
    }

    return this.db.outsideTransaction(async () => {
      const aheadId = this.startedAhead.take(step);
      const logId = aheadId ?? (await recordStartedStep(this.db, this.store, this.options.lockLimits, this.trackedSession, step.revision, { ...base, statementsDone: 0, status: 'started' }));
      if (logId instanceof StateReadLockedError) return logId;
      // A row written with the previous step's commit holds that moment: its outcome says when this step started.
      const ended = () => ({ ...(aheadId !== null ? { startedAt: base.startedAt } : {}), ...finished() });
      const ran = await runTrackedWithLockRetry(this.db, 0, () => runTracked(this, step, index, logId, 0, 0, cursor), this.options.lockLimits, hooks, this.trackedSession ?? undefined);
      if (ran.error === null) {
        try {
          // "done" and the version rows in one transaction: one commit, and never one without the other.
          // The next statement-by-statement step's `started` row goes in the same commit.
          const ahead = next && !next.transactional && kind === 'migrate' && !this.cancel.requested ? next : null;
          const done = { status: 'done' as const, statementsDone: ran.done, ...ended() };
          const nextId = await cancellableStepWrite(this, this.trackedSession, `that ${step.revision} is done`, 'it was not written', () =>
            this.store.finishStep(logId, done, kind === 'migrate' ? rows : null, ahead && { ...this.logRow(ahead, kind, new Date()), statementsDone: 0, status: 'started' }),
          );
          if (ahead && nextId !== null) this.startedAhead.hold(ahead, nextId);
          return true;
        } catch (error) {
          return recordTrackedFailure(this, step, logId, { ...ran, error, bookkeeping: true }, ended(), cursor);
        }
      }
      return recordTrackedFailure(this, step, logId, ran, ended(), cursor);
    });
  }

  /** The database's message, its DETAIL (PostgreSQL's `Key (id)=(1) is duplicated.`) and what the failed statement left behind (an INVALID index), secrets masked. */
  databaseMessage(error: unknown): string {
    return databaseMessageOf(error, this.options.connection);
  }

  failure(step: RunStep, done: number, error: unknown, state: 'rolled-back' | 'dirty', outcome: Partial<FailureOutcome> = {}, cursor = new StatementCursor(step)): MigrationFailedError {
    // Past the last statement, the line is the file's last statement's: that is where the SQL ended.
    const statement = cursor.at(Math.min(done, cursor.count - 1), true);
    return new MigrationFailedError({
      kept: outcome.kept ?? (state === 'dirty' ? done : 0),
      ranInOwnTransaction: outcome.ranInOwnTransaction ?? null,
      uncertain: outcome.uncertain ?? false,
      ...(outcome.bookkeeping ? { bookkeeping: true } : {}),
      ...(outcome.unmarked ? { unmarked: outcome.unmarked } : {}),
      dialect: this.db.syntax.name,
      revision: step.revision,
      direction: step.direction,
      path: step.path ?? `${this.options.tables.log} (stored down SQL)`,
      line: statement?.line ?? 0,
      statement: done + 1,
      statements: cursor.count,
      databaseError: this.databaseMessage(error),
      state, inTransaction: step.transactional, ...(step.purpose ? { purpose: step.purpose } : {}),
      ...(endedConnection(error) ? { connectionEnded: endedConnection(error)!, ...(this.db.capabilities.lock === 'lease' ? { leaseLock: true } : {}) } : {}),
      cancelled: this.cancel.requested,
      ...(this.cancel.requested && this.cancel.reason !== 'by the user' ? { cancelledBy: this.cancel.reason } : {}),
    });
  }

  /** A step's log row as it starts: what it runs, who runs it, with which tool version. */
  logRow(step: RunStep, kind: 'migrate' | 'seed', started: Date, count = statementCount(step)): Omit<NewLogRow, 'statementsDone' | 'status'> {
    const { revision, direction, checksum, downSql } = step;
    return { revision, direction, kind, dialect: this.db.syntax.name, checksum, sqlText: loggedSql(step), downSql, statementsTotal: count, startedAt: started.toISOString(), osUser: this.who.user, host: this.who.host, toolVersion: this.options.toolVersion };
  }

  /** Inserts a log row stamped with who ran it and which tool version. */
  insertLog(row: Omit<NewLogRow, 'osUser' | 'host' | 'toolVersion'>): Promise<number> {
    return this.store.insertLog({ ...row, osUser: this.who.user, host: this.who.host, toolVersion: this.options.toolVersion });
  }
}

function unlessConnectionEnded(error: unknown): void {
  if (!endedConnection(error)) throw error;
}
