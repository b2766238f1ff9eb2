import type { DatabaseAdapter } from './dialects/adapter.js';
import { planUpgrade, versionRows } from './plan/planner.js';
import { requireValid, type Project } from './project.js';
import type { DatabaseState } from './run/database-state.js';
import { resolve, resolvePreview, type ResolveMode, type ResolvePreview, type ResumeSource } from './run/resolve.js';
import { StepRunner, type MigratorOptions } from './run/runner.js';
import type { CancelOutcome } from './run/cancel.js';
import { DirtyDatabaseError } from './run/runtime-errors.js';
import { seed } from './run/seed.js';
import { coveredTargets, stamp, stampedSet, type CoveredTarget, type StampResult } from './run/stamp.js';
import { otherToolRefusal, otherToolsAtFirstContact } from './run/first-contact.js';
import { readWaitMs } from './run/bounded-read.js';
import type { StateStore } from './run/state-store.js';
import { downgradeRevisions, downgradeSteps, sameDowngradeInputs, upgradeRevisions, upgradeSteps, type RunResult, type RunStep } from './run/steps.js';
import { backup, restore, type BackupOptions } from './safety/backup-restore.js';
import type { BackupManifest } from './safety/backups.js';
import { buildDowngradePreview, countingDataAtRisk, dataAtRiskOf, type DataAtRisk, type DowngradePreview } from './safety/downgrade-preview.js';
import type { LintConfig } from './lint/apply-config.js';
import { lintFromStore, lintHistory, type LintReport } from './lint/engine.js';
import type { LintStore } from './lint/lint-store.js';
import { loadPostgresParser } from './lint/pg-parse.js';

/**
 * The one object the CLI and the TUI drive a database through. It holds no logic of its
 * own: each operation lives in its module (run/ for steps, stamp, resolve and seeds;
 * safety/ for previews, backups and restore), all built on one StepRunner.
 */
export class Migrator {
  private readonly runner: StepRunner;
  private current: Project;
  /** What each downgrade preview planned from (downgrade() reuses the steps while the state under the lock plans the same). */
  private readonly previewPlans = new WeakMap<DowngradePreview, { project: Project; target: string; state: DatabaseState; steps: RunStep[] }>();

  constructor(project: Project, db: DatabaseAdapter, options: MigratorOptions) {
    this.current = project;
    this.runner = new StepRunner(project, db, options);
  }

  /** The project it plans from; the TUI swaps it in after reloading the folder. */
  get project(): Project {
    return this.current;
  }
  set project(project: Project) {
    this.current = project;
    this.runner.project = project;
  }
  get db(): DatabaseAdapter {
    return this.runner.db;
  }
  get store(): StateStore {
    return this.runner.store;
  }
  get options(): MigratorOptions {
    return this.runner.options;
  }

  /**
   * Cancels the run in progress (from a signal handler or a key): it stops before the next
   * step or statement, the running statement is cancelled where the server can, and the run
   * returns its result with the true state. 'idle' when no run holds the lock.
   */
  cancel(): Promise<CancelOutcome> {
    return this.runner.requestCancel();
  }

  /** `work`'s run takes over a stale lease (after the TUI's typed confirmation); a live one is still never taken. */
  async withStaleLockTakeover<T>(work: () => Promise<T>): Promise<T> {
    this.runner.stealStaleLockOnce = true;
    try {
      return await work();
    } finally {
      this.runner.stealStaleLockOnce = false;
    }
  }

  init(): Promise<void> {
    return this.runner.store.ensure();
  }

  /** The state without taking the lock (for status, the TUI, previews). */
  readState(): Promise<DatabaseState> {
    return this.runner.readState();
  }

  planUpgradeSteps(state: DatabaseState, target: string, outOfOrder: boolean): RunStep[] {
    return upgradeSteps(this.project.graph, this.db.syntax, state, target, outOfOrder);
  }

  planDowngradeSteps(state: DatabaseState, target: string): RunStep[] {
    return downgradeSteps(this.project.graph, this.db.syntax, state, target, this.options.tables.log);
  }

  /**
   * A run checks the files it runs, for the connected dialect (the all-dialect check is
   * `check`'s): the graph first, then the planned steps' SQL, before anything runs.
   */
  async upgrade(target = 'heads', options: { outOfOrder?: boolean } = {}): Promise<RunResult> {
    requireValid(this.project, this.db.syntax.name, []);
    const outOfOrder = options.outOfOrder ?? false;
    // On a database without state tables, a target the plan refuses (`upgrade 999`, a typo) is
    // refused before they are made: they were made, then the run said exit 2.
    // The first-contact check has just looked for the tables (lastLook): asked again, a run took 6 more round trips.
    const plannable = async () => {
      if (!(this.store.lastLook ?? (await this.store.exists()))) planUpgrade(this.project.graph, new Set(), target);
    };
    return this.runner.locked((state) => this.runner.execute('upgrade', target, state, this.validated(this.planUpgradeSteps(state, target, outOfOrder))), false, await this.firstContactCheck('upgrade', plannable));
  }

  /**
   * `preview`: the one this Migrator just made for the same target. The run plans from the
   * state it reads under the lock; when that plans the same as the preview's (the same applied
   * revisions, the same ones with files missing), the preview's checked steps are run as they are.
   */
  async downgrade(target: string, options: { preview?: DowngradePreview } = {}): Promise<RunResult> {
    requireValid(this.project, this.db.syntax.name, []);
    const planned = options.preview ? this.previewPlans.get(options.preview) : undefined;
    return this.runner.locked((state) => {
      const same = planned !== undefined && planned.project === this.project && planned.target === target && sameDowngradeInputs(planned.state, state);
      return this.runner.execute('downgrade', target, state, same ? planned.steps : this.validated(this.planDowngradeSteps(state, target), 'down'));
    }, false, await this.firstContactCheck('downgrade'));
  }

  /**
   * First contact with a database another tool migrated (its table records applied versions,
   * migrate-tui has no record): refused before any write (no state table is created); `stamp`
   * takes it over. Under the lock, before the state tables are made, where taking the lock writes
   * nothing (an advisory lock; SQLite's, whose reads would fail while another run holds the
   * file); before taking it where the lock is a lease row (in a table the lease creates). The
   * check under the lock is returned for runner.locked. `then`: a further check at that point.
   */
  private async firstContactCheck(action: 'upgrade' | 'downgrade', then?: () => Promise<void>): Promise<(() => Promise<void>) | undefined> {
    const check = async () => {
      const refusal = otherToolRefusal(await otherToolsAtFirstContact(this.db, this.project.graph, this.store, readWaitMs(this.options.lockLimits)), this.db, this.project.graph, action);
      if (refusal) throw refusal;
      await then?.();
    };
    if (this.db.capabilities.lock !== 'lease') return check;
    await check();
    return undefined;
  }

  private validated(steps: RunStep[], direction?: 'down'): RunStep[] {
    requireValid(this.project, this.db.syntax.name, steps.map((s) => s.revision), direction);
    return steps;
  }

  /**
   * What a downgrade would run, formatted, with the data it destroys counted now. A dirty
   * database refuses every downgrade, so it has no preview: the refusal comes first.
   */
  async downgradePreview(target: string, read?: DatabaseState): Promise<DowngradePreview> {
    requireValid(this.project, this.db.syntax.name, []);
    const state = read ?? (await this.readState());
    const refusal = otherToolRefusal(state.otherTools, this.db, this.project.graph, 'downgrade');
    if (refusal) throw refusal;
    if (state.dirty) throw new DirtyDatabaseError(state.dirty, this.db.display);
    const steps = this.planDowngradeSteps(state, target);
    // The rows are counted while the files are checked: the count queries go out first (read
    // only; a folder that fails the check refuses once they are answered), the check runs
    // while the server counts.
    const counting = countingDataAtRisk(this.db, steps).result;
    try {
      await new Promise((resolve) => setImmediate(resolve));
      this.validated(steps, 'down');
    } catch (error) {
      await counting;
      throw error;
    }
    const reverted = new Set(steps.map((s) => s.revision));
    const graph = this.project.graph;
    const remaining = new Set([...state.applied].filter((id) => !reverted.has(id)));
    // Applied revisions whose files are missing and that this plan does not revert stay applied too.
    const missingStays = state.missing.map((m) => m.revision).filter((id) => !reverted.has(id)).sort();
    const stays = [...versionRows(graph, remaining), ...missingStays];
    const unappliedBelow = [...graph.ancestors(stays.filter((id) => graph.has(id)))].filter((id) => !remaining.has(id)).sort();
    const preview = await buildDowngradePreview(this.db, target, steps, stays, unappliedBelow, counting);
    this.previewPlans.set(preview, { project: this.project, target, state, steps });
    return preview;
  }

  /**
   * Lint findings of the revisions an upgrade or downgrade to `target` would run, for this
   * database's dialect. `store`: the results an earlier run of the same plan kept in the cache
   * folder (lint-store.ts; keyed by the whole history, the plan's revisions and direction) are
   * read without loading a parser; a plan linted anew is kept there (unless the store is read-only).
   */
  async lintPlan(direction: 'upgrade' | 'downgrade', target: string, options: { outOfOrder?: boolean; config?: LintConfig; store?: LintStore | null; state?: DatabaseState } = {}): Promise<LintReport> {
    const state = options.state ?? (await this.readState());
    // First contact with another tool's database: the run refuses; nothing to lint.
    const refusal = otherToolRefusal(state.otherTools, this.db, this.project.graph, direction);
    if (refusal) throw refusal;
    // Which revisions, not their steps: the run plans its steps under the lock.
    const graph = this.project.graph;
    const revisions = new Set(direction === 'upgrade' ? upgradeRevisions(graph, state, target, options.outOfOrder ?? false) : downgradeRevisions(graph, state, target));
    // Nothing to run, nothing to report: the replay of the whole history would find nothing (it was 45% of `upgrade` at the head of 50,000 revisions).
    if (revisions.size === 0) return { findings: [], suppressed: [], notAnalysed: [], statements: 0, revisions: 0 };
    const ask = { dialects: [this.db.syntax.name], revisions, plan: true, directions: [direction === 'upgrade' ? 'up' : 'down'] as Array<'up' | 'down'>, ...(options.config ? { config: options.config } : {}) };
    const store = options.store ?? null;
    const known = store ? lintFromStore(graph, { ...ask, store }) : null;
    if (known) return known;
    // One plan, each statement read once: the baseline compiler only (pg-load-options.ts).
    if (this.db.syntax.name === 'postgres') await loadPostgresParser({ baselineOnly: true });
    return lintHistory(graph, { ...ask, ...(store ? { store } : {}) });
  }

  /** One target, or several (`stamp a b`: one per branch). */
  stamp(targets: string | readonly string[], options: { refuseDirty?: boolean } = {}): Promise<StampResult> {
    return stamp(this.runner, targets, options);
  }

  stampedSet(state: DatabaseState, targets: string | readonly string[]): Set<string> {
    return stampedSet(this.project.graph, state, targets);
  }

  /** Of several stamp targets, those another already covers (no version row of their own). */
  coveredTargets(targets: readonly string[]): CoveredTarget[] {
    return coveredTargets(this.project.graph, targets);
  }

  resolvePreview(state: DatabaseState, ref: string, mode: ResolveMode, source: ResumeSource | null = null, resumeAt: number | null = null): ResolvePreview {
    return resolvePreview(this.runner, state, ref, mode, source, resumeAt);
  }

  /** What the SQL a resolve runs (its reverse or resume) destroys, counted now, as a downgrade's preview counts it. Reads only. */
  resolveDataAtRisk(preview: ResolvePreview): Promise<DataAtRisk[]> {
    if (preview.statements.length === 0) return Promise.resolve([]);
    return dataAtRiskOf(this.db, [{ revision: preview.revision, path: preview.path, statements: preview.statements }]);
  }

  resolve(ref: string, mode: ResolveMode, source: ResumeSource | null = null, resumeAt: number | null = null): Promise<RunResult> {
    return resolve(this.runner, ref, mode, source, resumeAt);
  }

  seed(seedDir: string, options: { force?: boolean } = {}): Promise<RunResult & { skipped: string[] }> {
    return seed(this.runner, seedDir, options);
  }

  backup(options: BackupOptions): Promise<BackupManifest> {
    return backup(this.runner, options);
  }

  restore(manifest: BackupManifest, options: { intoOtherDatabase?: boolean } = {}): Promise<RunResult> {
    return restore(this.runner, manifest, options);
  }
}
