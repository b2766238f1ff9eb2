import { commandPlaceOf, connectDatabase, ConnectionLostError, EMBEDDED_DEFAULT, NoDatabaseError, sqliteFileMissing, drawHistory, listBackups, loadProject, loadPostgresParser, Migrator, readManifest, requireValid, writeMerge, writeRevision, readLease } from '../engine/index.js';
import type { CommandPlace, ConnectOptions, BackupManifest, CancelOutcome, DatabaseIdentity, DatabaseState, DowngradePreview, DataAtRisk, MigrateTuiError, Project, ResolveMode, ResolvePreview, ResumeSource, RunEvent, RunResult, RunStep, LeaseHolder, WrittenRevision } from '../engine/index.js';
import { detailNow, detailText, schemaDiff } from './session-detail.js';
import type { HistoryLine, LoggedStatement, SessionOptions } from './session-types.js';
import type { Tab } from './state.js';

export type { HistoryLine, LoggedStatement, SessionOptions } from './session-types.js';

/**
 * The TUI's view of the engine: everything a screen needs, as plain data, and every action
 * as an async call that reports through events. No React here.
 */
export class TuiSession {
  project!: Project;
  state!: DatabaseState;
  lease: LeaseHolder | null = null;
  lines: HistoryLine[] = [];
  /** Indexes of `lines` that are revisions (the selectable ones). */
  stops: number[] = [];
  readonly commandLog: LoggedStatement[] = [];
  private listener: ((event: RunEvent) => void) | null = null;
  private currentStep: { revision: string; direction: 'up' | 'down' } | null = null;

  /** What a shell command in a hint must repeat to act on this database (--url, when it came from there). */
  get commandPlace(): CommandPlace {
    return commandPlaceOf(this.options.target);
  }

  private constructor(
    readonly options: SessionOptions,
    public migrator: Migrator,
    /**
     * The embedded default's SQLite file does not exist yet: the session shows an empty
     * in-memory stand-in (nothing applied) and creates the file on the first write.
     */
    public notCreated: boolean,
  ) {}

  /**
   * Opens the database. A missing SQLite file is refused (looking never creates one), except
   * the embedded default's, so that `npm start` on a fresh clone opens on the example.
   */
  static async open(options: SessionOptions): Promise<TuiSession> {
    // PostgreSQL's parser loads while the screen opens; lint needs it only when shown.
    if (options.target.kind === 'postgres') void loadPostgresParser();
    const project = options.project ?? loadProject(options.dir, { lazyDown: true });
    const standIn = options.target.source === EMBEDDED_DEFAULT && sqliteFileMissing(options.target);
    let session: TuiSession | null = null;
    const migrator = await TuiSession.connect(options, project, { standIn, ...(options.waiting ? { waiting: options.waiting } : {}) }, (event) => session?.onEvent(event));
    session = new TuiSession(options, migrator, standIn);
    // A first read that fails (a locked table, no privilege) closes the connection: an open one would keep the process alive after the error.
    await session.reload(project).catch(async (error: unknown) => {
      await migrator.db.close().catch(() => undefined);
      throw error;
    });
    return session;
  }

  private static async connect(options: SessionOptions, project: Project, connect: ConnectOptions, onEvent: (event: RunEvent) => void): Promise<Migrator> {
    const db = await connectDatabase(options.target, `migrate_tui:${options.target.databaseName}:${options.tables.version}`, connect);
    return new Migrator(project, db, { tables: options.tables, toolVersion: options.toolVersion, lockTimeoutMs: options.lockTimeoutMs, connection: options.target, onEvent, ...(options.lockLimits ? { lockLimits: options.lockLimits } : {}), ...(options.lease ? { lease: options.lease } : {}), stealStaleLock: options.stealStaleLock ?? false });
  }

  /** Before the first write on a stand-in: the real file is created and opened instead. */
  private async materialise(): Promise<void> {
    if (!this.notCreated) return;
    const real = await TuiSession.connect(this.options, this.project, { create: true }, (event) => this.onEvent(event));
    await this.migrator.db.close();
    this.migrator = real;
    this.notCreated = false;
  }

  get db() {
    return this.migrator.db;
  }

  /** A statement of the files ran on this connection since it opened (see renewAfterSql). */
  private sqlRan = false;

  /**
   * After a run that ran SQL of the files, a new connection, as each CLI command is a new
   * session: a migration's SET search_path / client_encoding, SET NAMES, sql_mode or USE holds
   * for the rest of its run only, not for the screen's reads and the runs after it. If the
   * server cannot be reached, the old connection stays (the reload then says what fails).
   */
  private async renewAfterSql(): Promise<void> {
    if (!this.sqlRan) return;
    const fresh = await TuiSession.connect(this.options, this.project, {}, (event) => this.onEvent(event)).catch(() => null);
    if (!fresh) return;
    const old = this.migrator;
    this.migrator = fresh;
    this.sqlRan = false;
    await old.db.close().catch(() => undefined);
  }

  private onEvent(event: RunEvent): void {
    if (event.type === 'statement-start') this.sqlRan = true;
    if (event.type === 'step-start') this.currentStep = { revision: event.revision, direction: event.direction };
    if (event.type === 'statement-start' && this.currentStep) this.commandLog.push({ at: new Date().toISOString(), ...this.currentStep, sql: event.sql });
    this.listener?.(event);
  }

  /** Re-reads the files (unless just read) and the database. */
  async reload(project?: Project): Promise<void> {
    // Down files are read when a screen or a plan needs them.
    this.project = project ?? loadProject(this.options.dir, { lazyDown: true });
    this.migrator.project = this.project;
    this.state = await this.migrator.readState().catch((error: unknown) => this.readAgainOnNewConnection(error));
    this.lease = this.notCreated ? null : await readLease(this.db, this.options.tables.lock, this.options.tables.version); // a plain SELECT, if the table exists
    const { graph } = this.project;
    const drift = new Set(this.state.drift.map((d) => d.revision));
    const gaps = new Set(this.state.gaps.map((g) => g.revision));
    this.lines = drawHistory(graph).map((row) => {
      if (row.id === null) return { graph: row.graph, id: null, message: '', labels: [], applied: false, current: false, head: false, drift: false, dirty: false, gap: false };
      const m = graph.get(row.id);
      return {
        graph: row.graph,
        id: row.id,
        message: m.message,
        labels: m.branchLabels,
        applied: this.state.applied.has(row.id),
        current: this.state.versionRows.includes(row.id),
        head: graph.children(row.id).length === 0,
        drift: drift.has(row.id),
        dirty: this.state.dirty?.revision === row.id,
        gap: gaps.has(row.id),
      };
    });
    this.stops = this.lines.flatMap((l, i) => (l.id === null ? [] : [i]));
  }

  /** The connection ended while the screen was idle (a restart, KILL CONNECTION): idle, it holds no lock nor transaction, so the
   * state is read on a new one, as a TUI started again would (`r` crashed, exit 70). Never during a run (see ConnectionLink). */
  private async readAgainOnNewConnection(error: unknown): Promise<DatabaseState> {
    if (!(error instanceof ConnectionLostError) || this.inFlight || this.notCreated) throw error;
    const [old, fresh] = [this.migrator, await TuiSession.connect(this.options, this.project, {}, (event) => this.onEvent(event))];
    [this.migrator, this.sqlRan] = [fresh, false];
    await old.db.close().catch(() => undefined);
    this.reconnected = `the connection to ${this.db.display} had ended (the server closed it, or the network did): connected again`;
    return this.migrator.readState();
  }

  /** Said once by the screen that reloaded: the last reload connected again. */
  reconnected: string | null = null;
  /** Row indexes whose revision matches: id, slug, message, labels or SQL text. */
  search(query: string): number[] {
    const q = query.toLowerCase();
    if (!q) return [];
    return this.stops.filter((i) => {
      const m = this.project.graph.get(this.lines[i]!.id!);
      const haystack = [m.id, m.slug, m.message, ...m.branchLabels, m.up.text, m.down?.text ?? ''].join('\n').toLowerCase();
      return haystack.includes(q);
    });
  }

  /** The detail pane's text for a revision and tab. */
  detail(id: string, tab: Tab, raw: boolean, trial = false): Promise<string[]> {
    return detailText(this, id, tab, raw, trial);
  }

  /** The detail pane's text when it needs no waiting (see `detailNow`), else null. */
  detailNow(id: string, tab: Tab, raw: boolean): string[] | null {
    return detailNow(this, id, tab, raw);
  }

  /** Schema before vs after a revision (a trial run, rolled back): see `schemaDiff`. */
  schemaDiff(id: string): Promise<string[]> {
    return schemaDiff(this, id);
  }

  /**
   * The upgrade's plan, with the files checked as the run checks them (Migrator.upgrade): a
   * folder the run would refuse (an atlas.sum that does not match, a statement that does not
   * split) is refused before the confirmation, not after the user confirmed it.
   */
  planUpgrade(target: string): RunStep[] {
    const steps = this.migrator.planUpgradeSteps(this.state, target, false);
    requireValid(this.project, this.db.syntax.name, steps.map((s) => s.revision));
    return steps;
  }

  downgradePreview(target: string): Promise<DowngradePreview> {
    return this.migrator.downgradePreview(target);
  }

  stampChanges(target: string): { removed: string[]; added: string[] } {
    const next = this.migrator.stampedSet(this.state, target);
    return { removed: [...this.state.applied].filter((id) => !next.has(id)), added: [...next].filter((id) => !this.state.applied.has(id)) };
  }

  /** `action` taking over a stale lease (after the typed confirmation). */
  stealingStaleLock = <T,>(action: () => Promise<T>) => () => this.migrator.withStaleLockTakeover(action);

  /** Runs an action, reporting events to `listener`; never throws (errors come in the result). */
  async run(action: () => Promise<RunResult>, listener: (event: RunEvent) => void): Promise<RunResult | { error: MigrateTuiError | Error }> {
    this.listener = listener;
    const settled = (async () => {
      try {
        await this.materialise();
        return await action();
      } catch (error) {
        return { error: error as MigrateTuiError };
      } finally {
        await this.renewAfterSql();
      }
    })();
    this.inFlight = settled;
    try {
      return await settled;
    } finally {
      this.inFlight = null;
      this.listener = null;
      this.currentStep = null;
      await this.reload().catch(() => undefined);
    }
  }

  /** The run in progress, if any: SIGTERM cancels it and waits for its true outcome. */
  inFlight: Promise<RunResult | { error: MigrateTuiError | Error }> | null = null;

  /** Cancels the run in progress (ctrl-c on the running screen); see Migrator.cancel. */
  cancel(): Promise<CancelOutcome> {
    return this.migrator.cancel();
  }

  upgrade(target: string) {
    return () => this.migrator.upgrade(target);
  }

  downgrade(target: string) {
    return () => this.migrator.downgrade(target);
  }

  stamp(target: string) {
    return () => this.migrator.stamp(target);
  }

  /** What resolving the dirty step in `mode` would run; throws when the database is not dirty. */
  resolvePreview(mode: ResolveMode, source: ResumeSource | null = null, resumeAt: number | null = null): ResolvePreview {
    const dirty = this.state.dirty;
    return this.migrator.resolvePreview(this.state, dirty?.revision ?? '', mode, source, resumeAt);
  }

  /** What the SQL of a resolve destroys, counted now (reads only). */
  resolveDataAtRisk(preview: ResolvePreview): Promise<DataAtRisk[]> {
    return this.migrator.resolveDataAtRisk(preview);
  }

  resolve(revision: string, mode: ResolveMode, source: ResumeSource | null = null, resumeAt: number | null = null) {
    return () => this.migrator.resolve(revision, mode, source, resumeAt);
  }

  backup(reason: string): Promise<BackupManifest> {
    if (this.notCreated) return Promise.reject(new NoDatabaseError(this.options.target, true, false));
    return this.migrator.backup({ dir: this.options.backupDir, reason, beforeRun: true });
  }

  backups(): BackupManifest[] {
    return listBackups(this.options.backupDir);
  }

  /** The connected database, as backups name theirs. */
  identity(): DatabaseIdentity {
    return { display: this.db.display, databaseName: this.db.databaseName, dialect: this.db.syntax.name };
  }

  restore(file: string, intoOtherDatabase: boolean) {
    return () => this.migrator.restore(readManifest(file), { intoOtherDatabase });
  }

  merge(): WrittenRevision {
    return writeMerge(this.project.dir, this.project.graph, {});
  }

  newRevision(message: string, branch: string): WrittenRevision {
    return writeRevision(this.project.dir, this.project.graph, { message, ...(branch ? { branch: [branch] } : {}) });
  }

  /** A verify run in progress: closing the session stops it and waits until its scratch databases are dropped. */
  private verifying: { control: { cancel(): Promise<void> }; done: Promise<unknown> } | null = null;

  track(control: { cancel(): Promise<void> }, done: Promise<unknown>): void {
    const run = { control, done };
    this.verifying = run;
    void done.catch(() => undefined).finally(() => {
      if (this.verifying === run) this.verifying = null;
    });
  }

  async close(): Promise<void> {
    const run = this.verifying;
    if (run) {
      await run.control.cancel();
      await run.done.catch(() => undefined);
    }
    await this.db.close();
  }
}
