import { dialectChecksum } from './checksum.js';
import type { DatabaseAdapter } from './dialects/adapter.js';
import { whoAndWhere } from './dialects/connect.js';
import { readDatabaseState, joinStatements, storedStatements, versionRowsFor, type DatabaseState } from './database-state.js';
import { InvalidMigrationsError, MigrateTuiError, PlanError, TargetError } from './errors.js';
import { readSeedFolder } from './migration-folder.js';
import { migrationChecksum, migrationStatements, sourceStatements } from './migration-sql.js';
import { planDowngrade, planUpgrade, type Direction } from './planner.js';
import type { Project } from './project.js';
import { redact, type ConnectionTarget } from './connection.js';
import { DirtyDatabaseError, GapError, MigrationFailedError } from './runtime-errors.js';
import type { Statement } from './sql-splitter.js';
import { StateStore } from './state-store.js';
import type { StateTableNames } from './state-tables.js';
import { parseTarget, resolveRevisionRef } from './targets.js';
import { rmSync } from 'node:fs';
import { backupPath, finishBackup, prepareBackupFile, type BackupManifest } from './backups.js';
import { buildDowngradePreview, type DowngradePreview } from './downgrade-preview.js';

/** Everything a run reports as it goes; the TUI, the plain reporter and --json consume it. */
export type RunEvent =
  | { type: 'lock-wait'; holder: string | null }
  | { type: 'lock-acquired' }
  | { type: 'step-start'; index: number; total: number; revision: string; direction: 'up' | 'down'; message: string; statements: number }
  | { type: 'statement-start'; step: number; index: number; total: number; line: number; sql: string }
  | { type: 'statement-end'; step: number; index: number; durationMs: number }
  | { type: 'step-end'; index: number; revision: string; status: 'done' | 'failed'; durationMs: number };

/** One migration (or seed) to run, resolved for the connected dialect. */
export interface RunStep {
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly message: string;
  /** The file the statements come from; null when they come from the log (files gone). */
  readonly path: string | null;
  readonly statements: readonly Statement[];
  readonly transactional: boolean;
  readonly checksum: string | null;
  /** On upgrade: the resolved down SQL, stored so the step can be reverted without its files. */
  readonly downSql: string | null;
}

export interface StepResult {
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly status: 'done' | 'failed' | 'not-run';
  readonly durationMs: number;
  readonly statements: number;
}

export interface RunResult {
  readonly direction: Direction | 'seed';
  readonly target: string;
  readonly steps: readonly StepResult[];
  readonly headsBefore: readonly string[];
  readonly headsAfter: readonly string[];
  /** Set when a step failed; the steps before it are done, the rest not run. */
  readonly error?: MigrateTuiError;
}

export interface MigratorOptions {
  readonly tables: StateTableNames;
  readonly toolVersion: string;
  readonly lockTimeoutMs: number;
  readonly connection: ConnectionTarget;
  readonly onEvent?: (event: RunEvent) => void;
}

export type ResolveMode = 'resume' | 'reverse' | 'applied' | 'reverted';

/** What `resolve` would do: the SQL it runs (if any) and whether the revision ends applied. */
export interface ResolvePreview {
  readonly revision: string;
  /** The direction of the SQL that runs: the dirty step's for `resume`, the opposite for `reverse`. */
  readonly direction: 'up' | 'down';
  readonly statements: Statement[];
  readonly appliedAfter: boolean;
  /** Said before confirming, e.g. that a reverse undoes statements that never ran. */
  readonly warnings: string[];
}

/**
 * Applies plans to one database: takes the lock, re-reads the state under it, runs each
 * step in its own transaction where the database allows (else the dirty protocol: a
 * `started` log row first, progress per statement, `done` last), and returns a result per
 * step instead of throwing half-way.
 */
export class Migrator {
  readonly store: StateStore;
  private readonly who = whoAndWhere();

  constructor(
    public project: Project,
    readonly db: DatabaseAdapter,
    readonly options: MigratorOptions,
  ) {
    this.store = new StateStore(db, options.tables);
  }

  private emit(event: RunEvent): void {
    this.options.onEvent?.(event);
  }

  async init(): Promise<void> {
    await this.store.ensure();
  }

  /** The state without taking the lock (for status, the TUI, previews). */
  async readState(): Promise<DatabaseState> {
    const exists = await this.store.exists();
    const rows = exists ? await this.store.versionRows() : [];
    const log = exists ? await this.store.readLog() : [];
    return readDatabaseState(this.project.graph, this.db.syntax, rows, log);
  }

  /** Runs `work` holding the lock, on state read after taking it. */
  private async locked<T>(work: (state: DatabaseState) => Promise<T>, allowDirty = false): Promise<T> {
    await this.db.lock(this.options.lockTimeoutMs, (holder) => this.emit({ type: 'lock-wait', holder }));
    this.emit({ type: 'lock-acquired' });
    try {
      await this.store.ensure();
      const state = await this.readState();
      if (state.dirty && !allowDirty) throw new DirtyDatabaseError(state.dirty, this.db.display);
      return await work(state);
    } finally {
      await this.db.unlock();
    }
  }

  /** The steps an upgrade would run, for previews; refuses gaps unless `outOfOrder`. */
  planUpgradeSteps(state: DatabaseState, target: string, outOfOrder: boolean): RunStep[] {
    const plan = planUpgrade(this.project.graph, state.applied, target);
    const gaps = state.gaps.filter((g) => plan.steps.includes(g.revision));
    if (gaps.length > 0 && !outOfOrder) throw new GapError(gaps);
    return plan.steps.map((id) => this.fileStep(id, 'up'));
  }

  /** The steps a downgrade would run: revisions whose files are missing first (from the log). */
  planDowngradeSteps(state: DatabaseState, target: string): RunStep[] {
    const ast = parseTarget(target);
    const fromLog = state.missing.map((m) => this.logStep(m.revision, m.downSql));
    if (ast.kind === 'relative' && ast.steps < 0 && fromLog.length > 0) {
      const count = -ast.steps;
      if (count > fromLog.length) {
        throw new TargetError(
          'missing-files-first',
          `${fromLog.length} applied revision${fromLog.length === 1 ? ' has' : 's have'} no files (${state.missing.map((m) => m.revision).join(', ')}); \`${target}\` would go past them`,
          `revert them first with \`downgrade -${fromLog.length}\`, or check out the branch that has their files`,
        );
      }
      return fromLog.slice(0, count);
    }
    const plan = planDowngrade(this.project.graph, state.applied, target);
    return [...fromLog, ...plan.steps.map((id) => this.fileStep(id, 'down'))];
  }

  private fileStep(id: string, direction: 'up' | 'down'): RunStep {
    const m = this.project.graph.get(id);
    const dialect = this.db.syntax;
    return {
      revision: id,
      direction,
      message: m.message,
      path: direction === 'up' ? m.upPath : m.downPath,
      statements: migrationStatements(m, direction, dialect),
      transactional: dialect.transactionalDdl && m.transaction,
      checksum: migrationChecksum(m, dialect),
      downSql: direction === 'up' && m.down ? joinStatements(migrationStatements(m, 'down', dialect)) : null,
    };
  }

  private logStep(revision: string, downSql: string | null): RunStep {
    if (downSql === null) {
      throw new PlanError('no-stored-down', `${revision} is applied but its files are missing, and no down SQL was stored for it`, 'check out the branch that has its files, or `stamp` past it if it was undone by hand');
    }
    return {
      revision,
      direction: 'down',
      message: '(files missing: down SQL from migrate_tui_log)',
      path: null,
      statements: storedStatements(downSql, this.db.syntax),
      transactional: this.db.syntax.transactionalDdl,
      checksum: null,
      downSql: null,
    };
  }

  async upgrade(target = 'heads', options: { outOfOrder?: boolean } = {}): Promise<RunResult> {
    return this.locked(async (state) => this.execute('upgrade', target, state, this.planUpgradeSteps(state, target, options.outOfOrder ?? false)));
  }

  async downgrade(target: string): Promise<RunResult> {
    return this.locked(async (state) => this.execute('downgrade', target, state, this.planDowngradeSteps(state, target)));
  }

  /** Runs steps in order; stops at the first failure and says what state it left. */
  private async execute(direction: Direction, target: string, state: DatabaseState, steps: readonly RunStep[]): Promise<RunResult> {
    const graph = this.project.graph;
    const applied = new Set(state.applied);
    const missing = state.missing.map((m) => m.revision);
    const headsBefore = [...state.versionRows];
    // What the version table holds: read under the lock, then exactly what each step wrote.
    let rowsNow: readonly string[] = headsBefore;
    const results: StepResult[] = [];
    let error: MigrateTuiError | undefined;

    for (const [index, step] of steps.entries()) {
      if (error) {
        results.push({ revision: step.revision, direction: step.direction, status: 'not-run', durationMs: 0, statements: step.statements.length });
        continue;
      }
      const nextApplied = new Set(applied);
      const nextMissing = missing.filter((m) => m !== step.revision);
      if (step.direction === 'up') nextApplied.add(step.revision);
      else nextApplied.delete(step.revision);
      const rowsAfter = versionRowsFor(graph, nextApplied, nextMissing);

      this.emit({ type: 'step-start', index, total: steps.length, revision: step.revision, direction: step.direction, message: step.message, statements: step.statements.length });
      const started = Date.now();
      const outcome = await this.runStep(step, index, { before: rowsNow, after: rowsAfter }, 'migrate');
      const durationMs = Date.now() - started;
      this.emit({ type: 'step-end', index, revision: step.revision, status: outcome === true ? 'done' : 'failed', durationMs });
      results.push({ revision: step.revision, direction: step.direction, status: outcome === true ? 'done' : 'failed', durationMs, statements: step.statements.length });
      if (outcome === true) {
        rowsNow = rowsAfter;
        applied.clear();
        for (const id of nextApplied) applied.add(id);
        missing.splice(0, missing.length, ...nextMissing);
      } else error = outcome;
    }
    return { direction, target, steps: results, headsBefore, headsAfter: versionRowsFor(graph, applied, missing), ...(error ? { error } : {}) };
  }

  /** Runs one step; true when done, else the error (the database is rolled back or marked dirty). */
  private async runStep(step: RunStep, index: number, rows: { before: readonly string[]; after: readonly string[] }, kind: 'migrate' | 'seed'): Promise<true | MigrateTuiError> {
    const started = new Date();
    const base = {
      revision: step.revision,
      direction: step.direction,
      kind,
      dialect: this.db.syntax.name,
      checksum: step.checksum,
      sqlText: joinStatements(step.statements),
      downSql: step.downSql,
      statementsTotal: step.statements.length,
      startedAt: started.toISOString(),
      osUser: this.who.user,
      host: this.who.host,
      toolVersion: this.options.toolVersion,
    };
    const finished = () => ({ finishedAt: new Date().toISOString(), durationMs: Date.now() - started.getTime() });
    let done = 0;
    const runStatements = async (afterEach?: (count: number) => Promise<void>) => {
      for (const [k, statement] of step.statements.entries()) {
        this.emit({ type: 'statement-start', step: index, index: k, total: step.statements.length, line: statement.line, sql: statement.sql });
        const t = Date.now();
        await this.db.execute(statement.sql);
        done = k + 1;
        this.emit({ type: 'statement-end', step: index, index: k, durationMs: Date.now() - t });
        if (afterEach) await afterEach(done);
      }
    };

    if (step.transactional) {
      const statementStarted: number[] = [];
      const failure = await this.db.runTransactionalStep(
        step.statements.map((s) => s.sql),
        () => [...(kind === 'migrate' ? this.store.versionChange(rows.before, rows.after) : []), this.store.logInsert({ ...base, statementsDone: step.statements.length, status: 'done', ...finished() })],
        {
          statementStart: (k) => {
            statementStarted[k] = Date.now();
            const statement = step.statements[k]!;
            this.emit({ type: 'statement-start', step: index, index: k, total: step.statements.length, line: statement.line, sql: statement.sql });
          },
          statementEnd: (k) => this.emit({ type: 'statement-end', step: index, index: k, durationMs: Date.now() - statementStarted[k]! }),
        },
      );
      if (!failure) return true;
      done = failure.index;
      const error = this.failure(step, done, failure.error, 'rolled-back');
      await this.store.insertLog({ ...base, statementsDone: done, status: 'failed', error: error.meta.databaseError as string, ...finished() }).catch(() => undefined);
      return error;
    }

    return this.db.outsideTransaction(async () => {
      const logId = await this.store.insertLog({ ...base, statementsDone: 0, status: 'started' });
      try {
        await runStatements((count) => this.store.updateLog(logId, { statementsDone: count }));
        if (kind === 'migrate') await this.store.setVersionRows(rows.after);
        await this.store.updateLog(logId, { status: 'done', ...finished() });
        return true;
      } catch (error) {
        // Nothing ran: the database is unchanged, so it is a plain failure, not dirty.
        const state = done === 0 ? 'rolled-back' : 'dirty';
        const failure = this.failure(step, done, error, state);
        await this.store.updateLog(logId, { status: state === 'dirty' ? 'dirty' : 'failed', error: failure.meta.databaseError as string, ...finished() }).catch(() => undefined);
        return failure;
      }
    });
  }

  private failure(step: RunStep, done: number, error: unknown, state: 'rolled-back' | 'dirty'): MigrationFailedError {
    const statement = step.statements[done];
    const message = redact(error instanceof Error ? error.message : String(error), this.options.connection);
    return new MigrationFailedError({
      revision: step.revision,
      direction: step.direction,
      path: step.path ?? `${this.options.tables.log} (stored down SQL)`,
      line: statement?.line ?? 0,
      statement: done + 1,
      statements: step.statements.length,
      databaseError: message,
      state,
    });
  }

  /**
   * Moves the version rows to a target without running SQL, logging each revision it marks
   * applied or not applied. Clears a dirty state (the log row is marked resolved).
   */
  async stamp(target: string): Promise<RunResult> {
    return this.locked(async (state) => {
      const result = await this.recordAppliedSet(state, this.stampedSet(state, target), target === 'base' ? [] : null, 'stamp');
      return { ...result, target };
    }, true);
  }

  /**
   * Records, without running SQL, that exactly `next` is applied (and of the revisions with
   * missing files, `keepMissing`, or all of them when null): one log row per revision that
   * changes, then the version rows. Clears a dirty state.
   */
  private async recordAppliedSet(state: DatabaseState, next: ReadonlySet<string>, keepMissing: readonly string[] | null, kind: 'stamp' | 'restore', rows?: readonly string[]): Promise<RunResult> {
    const { graph } = this.project;
    const removed = graph.downgradeOrder(new Set([...state.applied].filter((id) => !next.has(id))));
    const added = graph.upgradeOrder(new Set([...next].filter((id) => !state.applied.has(id))));
    const missing = state.missing.map((m) => m.revision);
    const droppedMissing = keepMissing === null ? [] : missing.filter((m) => !keepMissing.includes(m));
    const before = [...state.versionRows];
    const after = rows ? [...rows].sort() : versionRowsFor(graph, next, missing.filter((m) => !droppedMissing.includes(m)));
    if (state.dirty) await this.store.updateLog(state.dirty.logId, { status: 'resolved' });
    const record = (revision: string, direction: 'up' | 'down') => this.recordOnly(revision, direction, kind);
    for (const id of [...droppedMissing, ...removed]) await record(id, 'down');
    for (const id of added) await record(id, 'up');
    await this.store.setVersionRows(after);
    const steps: StepResult[] = [
      ...[...droppedMissing, ...removed].map((revision) => ({ revision, direction: 'down' as const, status: 'done' as const, durationMs: 0, statements: 0 })),
      ...added.map((revision) => ({ revision, direction: 'up' as const, status: 'done' as const, durationMs: 0, statements: 0 })),
    ];
    return { direction: removed.length > 0 && added.length === 0 ? 'downgrade' : 'upgrade', target: '', steps, headsBefore: before, headsAfter: after };
  }

  /**
   * A log row for a step that ran no SQL (stamp, resolve, restore). For a revision marked
   * applied it stores the down SQL, so it can be reverted even if its files disappear.
   */
  private recordOnly(revision: string, direction: 'up' | 'down', kind: 'stamp' | 'resolve' | 'restore'): Promise<number> {
    const { graph } = this.project;
    const known = graph.has(revision) ? graph.get(revision) : null;
    const now = new Date().toISOString();
    return this.store.insertLog({
      revision,
      direction,
      kind,
      dialect: this.db.syntax.name,
      checksum: known ? migrationChecksum(known, this.db.syntax) : null,
      sqlText: null,
      downSql: direction === 'up' && known?.down ? joinStatements(migrationStatements(known, 'down', this.db.syntax)) : null,
      statementsTotal: 0,
      statementsDone: 0,
      status: 'done',
      startedAt: now,
      finishedAt: now,
      durationMs: 0,
      osUser: this.who.user,
      host: this.who.host,
      toolVersion: this.options.toolVersion,
    });
  }

  /** What a downgrade would run, formatted, with the data it destroys counted now. */
  async downgradePreview(target: string): Promise<DowngradePreview> {
    return buildDowngradePreview(this.db, target, this.planDowngradeSteps(await this.readState(), target));
  }

  /** Takes a backup into `dir` (or `out`), with its manifest; checks the tool first. */
  async backup(options: { dir: string; out?: string; exact?: boolean; reason: string }): Promise<BackupManifest> {
    const tool = await this.db.backupTool();
    const state = await this.readState();
    const file = prepareBackupFile(options.out ?? backupPath(options.dir, this.db.databaseName, state.versionRows, this.db.backupExtension), options.out !== undefined && options.exact === true);
    const exclude = [this.options.tables.version, this.options.tables.log];
    try {
      await this.db.backup(file, exclude);
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    }
    return finishBackup(file, {
      createdAt: new Date().toISOString(),
      database: this.db.display,
      databaseName: this.db.databaseName,
      dialect: this.db.syntax.name,
      tool,
      reason: options.reason,
      versionRows: state.versionRows,
      applied: this.project.graph.ids().filter((id) => state.applied.has(id)),
      logMaxId: state.log.reduce((max, row) => Math.max(max, row.id), 0),
      includesStateTables: this.db.backupIncludesStateTables,
    });
  }

  /**
   * Restores a backup and sets the version rows as they were when it was taken. The log
   * keeps its history: rows written since the backup are kept, and each revision whose
   * state the restore changes gets a `restore` row.
   */
  async restore(manifest: BackupManifest): Promise<RunResult> {
    if (manifest.dialect !== this.db.syntax.name && !(manifest.dialect.startsWith('m') && this.db.syntax.name.startsWith('m'))) {
      throw new PlanError('wrong-dialect', `${manifest.file} is a ${manifest.dialect} backup; this database is ${this.db.syntax.name}`, 'restore it into a database of the same kind');
    }
    await this.db.backupTool();
    return this.locked(async (before) => {
      const newer = manifest.includesStateTables ? before.log.filter((row) => row.id > manifest.logMaxId) : [];
      await this.db.outsideTransaction(() => this.db.restore(manifest.file));
      if (manifest.includesStateTables) {
        await this.store.ensure();
        for (const { id: _id, ...row } of newer) await this.store.insertLog(row);
      }
      const state = await this.readState();
      const next = new Set(manifest.applied.filter((id) => this.project.graph.has(id)));
      const result = await this.recordAppliedSet(state, next, manifest.versionRows.filter((r) => !this.project.graph.has(r)), 'restore', manifest.versionRows);
      return { ...result, target: manifest.file };
    }, true);
  }

  /** The applied set a stamp to `target` leaves. */
  stampedSet(state: DatabaseState, target: string): Set<string> {
    const { graph } = this.project;
    const ast = parseTarget(target);
    if (ast.kind === 'base') return new Set();
    if (ast.kind === 'branch-base' || (ast.kind === 'relative' && ast.steps < 0)) {
      const removed = new Set(planDowngrade(graph, state.applied, target).steps);
      return new Set([...state.applied].filter((id) => !removed.has(id)));
    }
    if (ast.kind === 'relative') return new Set([...state.applied, ...planUpgrade(graph, state.applied, target).steps]);
    // heads, head, an id, <label>@head: exactly that and its ancestors, like alembic stamp.
    return new Set(planUpgrade(graph, new Set(), target).steps);
  }

  /** What `resolve` would do, for the preview. */
  resolvePreview(state: DatabaseState, ref: string, mode: ResolveMode): ResolvePreview {
    const dirty = state.dirty;
    if (!dirty) throw new PlanError('not-dirty', 'the database is not dirty: nothing to resolve', 'see `migrate-tui status`');
    const revision = this.project.graph.has(dirty.revision) ? resolveRevisionRef(this.project.graph, ref) : ref;
    if (revision !== dirty.revision) {
      throw new PlanError('wrong-revision', `the unfinished step is the ${dirty.direction} of ${dirty.revision}, not ${ref}`, `run \`migrate-tui resolve ${dirty.revision} --${mode}\``, { dirty: dirty.revision });
    }
    const direction = dirty.direction as 'up' | 'down';
    if (mode === 'reverse') {
      const step = this.reverseStep(dirty.revision, direction, dirty.downSql);
      const warnings =
        dirty.statementsDone < dirty.statementsTotal
          ? [
              `only statements 1–${dirty.statementsDone} of ${dirty.statementsTotal} of the ${direction} ran, but the ${step.direction} SQL undoes all of them: ` +
                'a statement that undoes one that never ran may fail (then the database stays dirty, now at the reverse step); ' +
                'if it does, undo the rest by hand and use --reverted or --applied',
            ]
          : [];
      return { revision, direction: step.direction, statements: [...step.statements], appliedAfter: direction === 'down', warnings };
    }
    const remaining = storedStatements(dirty.sqlText, this.db.syntax).slice(dirty.statementsDone);
    const appliedAfter = mode === 'resume' ? direction === 'up' : mode === 'applied';
    return { revision, direction, statements: mode === 'resume' ? remaining : [], appliedAfter, warnings: [] };
  }

  /** The step that undoes an unfinished step: the down for a dirty up, the up for a dirty down. */
  private reverseStep(revision: string, dirtyDirection: 'up' | 'down', storedDown: string | null): RunStep {
    const reverse = dirtyDirection === 'up' ? 'down' : 'up';
    if (this.project.graph.has(revision)) {
      const m = this.project.graph.get(revision);
      if (reverse === 'down' && !m.down) {
        throw new PlanError('irreversible', `${revision} is irreversible: it has no down SQL to run`, `undo what ran by hand, then \`migrate-tui resolve ${revision} --reverted\``);
      }
      return this.fileStep(revision, reverse);
    }
    if (reverse === 'down') return this.logStep(revision, storedDown);
    throw new PlanError('no-files', `the files of ${revision} are missing, so its up SQL cannot be run again`, 'check out the branch that has its files, or finish it by hand and use --applied');
  }

  /**
   * Clears a dirty state: `resume` runs the statements that did not run (from the SQL
   * recorded when the step started); `reverse` runs the other direction's SQL as a new
   * step; `applied`/`reverted` only record what is true now.
   */
  async resolve(ref: string, mode: ResolveMode): Promise<RunResult> {
    return this.locked(async (state) => {
      const preview = this.resolvePreview(state, ref, mode);
      const dirty = state.dirty!;
      const { graph } = this.project;
      const missing = state.missing.map((m) => m.revision);
      const before = [...state.versionRows];
      const next = new Set(state.applied);
      const nextMissing = missing.filter((m) => m !== preview.revision);
      if (preview.appliedAfter) {
        if (graph.has(preview.revision)) next.add(preview.revision);
        else nextMissing.push(preview.revision);
      } else next.delete(preview.revision);
      const after = versionRowsFor(graph, next, nextMissing);
      const started = Date.now();
      // Whatever the mode, the step counts as an up when it leaves the revision applied.
      const direction = preview.appliedAfter ? 'up' : 'down';
      const result = (status: 'done' | 'failed', error?: MigrateTuiError): RunResult => ({
        direction: direction === 'up' ? 'upgrade' : 'downgrade',
        target: ref,
        steps: [{ revision: preview.revision, direction, status, durationMs: Date.now() - started, statements: preview.statements.length }],
        headsBefore: before,
        headsAfter: status === 'done' ? after : before,
        ...(error ? { error } : {}),
      });
      if (mode === 'reverse') {
        const step = this.reverseStep(dirty.revision, dirty.direction as 'up' | 'down', dirty.downSql);
        this.emit({ type: 'step-start', index: 0, total: 1, revision: step.revision, direction: step.direction, message: step.message, statements: step.statements.length });
        const outcome = await this.runStep(step, 0, { before, after }, 'migrate');
        this.emit({ type: 'step-end', index: 0, revision: step.revision, status: outcome === true ? 'done' : 'failed', durationMs: Date.now() - started });
        // Done, or itself left dirty: either way the reverse step's own row now says what is true.
        // A reverse that changed nothing leaves the original dirty row as the truth.
        if (outcome === true || outcome.meta.state === 'dirty') await this.store.updateLog(dirty.logId, { status: 'resolved' });
        return outcome === true ? result('done') : result('failed', outcome);
      }
      if (mode === 'resume') {
        let done = dirty.statementsDone;
        try {
          for (const statement of preview.statements) {
            await this.db.execute(statement.sql);
            done++;
            await this.store.updateLog(dirty.logId, { statementsDone: done });
          }
        } catch (error) {
          const message = redact(error instanceof Error ? error.message : String(error), this.options.connection);
          await this.store.updateLog(dirty.logId, { status: 'dirty', error: message });
          const failure = new MigrationFailedError({
            revision: preview.revision,
            direction: preview.direction,
            path: graph.has(preview.revision) ? (preview.direction === 'up' ? graph.get(preview.revision).upPath : (graph.get(preview.revision).downPath ?? '')) : '(stored SQL)',
            line: preview.statements[done - dirty.statementsDone]?.line ?? 0,
            statement: done + 1,
            statements: dirty.statementsTotal,
            databaseError: message,
            state: 'dirty',
          });
          return result('failed', failure);
        }
        await this.store.setVersionRows(after);
        await this.store.updateLog(dirty.logId, { status: 'done', finishedAt: new Date().toISOString(), durationMs: Date.now() - started, error: null as unknown as string });
      } else {
        await this.store.updateLog(dirty.logId, { status: 'resolved' });
        await this.recordOnly(preview.revision, preview.appliedAfter ? 'up' : 'down', 'resolve');
        await this.store.setVersionRows(after);
      }
      return result('done');
    }, true);
  }

  /** Runs `seeds/*.sql` in name order; a seed whose checksum is unchanged since it last ran is skipped. */
  async seed(seedDir: string): Promise<RunResult & { skipped: string[] }> {
    const { seeds, problems } = readSeedFolder(seedDir);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) throw new InvalidMigrationsError(errors);
    return this.locked(async (state) => {
      const lastRun = new Map<string, string | null>();
      for (const row of state.log) if (row.kind === 'seed' && row.status === 'done') lastRun.set(row.revision, row.checksum);
      const results: StepResult[] = [];
      const skipped: string[] = [];
      let error: MigrateTuiError | undefined;
      const dialect = this.db.syntax;
      for (const seed of seeds) {
        const key = `seed:${seed.name}`.slice(0, 64);
        const checksum = dialectChecksum(seed.source, dialect.name);
        if (lastRun.get(key) === checksum) {
          skipped.push(seed.name);
          continue;
        }
        if (error) {
          results.push({ revision: key, direction: 'up', status: 'not-run', durationMs: 0, statements: 0 });
          continue;
        }
        const statements = sourceStatements(seed.source, dialect).statements;
        const step: RunStep = { revision: key, direction: 'up', message: seed.name, path: seed.path, statements, transactional: dialect.transactionalDdl, checksum, downSql: null };
        const index = results.length;
        this.emit({ type: 'step-start', index, total: seeds.length, revision: key, direction: 'up', message: seed.name, statements: statements.length });
        const started = Date.now();
        const outcome = await this.runStep(step, index, { before: [], after: [] }, 'seed');
        const durationMs = Date.now() - started;
        this.emit({ type: 'step-end', index, revision: key, status: outcome === true ? 'done' : 'failed', durationMs });
        results.push({ revision: key, direction: 'up', status: outcome === true ? 'done' : 'failed', durationMs, statements: statements.length });
        if (outcome !== true) error = outcome;
      }
      const rows = versionRowsFor(this.project.graph, state.applied, state.missing.map((m) => m.revision));
      return { direction: 'seed', target: seedDir, steps: results, headsBefore: rows, headsAfter: rows, skipped, ...(error ? { error } : {}) };
    });
  }
}
