import { createTwoFilesPatch } from 'diff';
import {
  connectDatabase,
  drawHistory,
  formatSql,
  listBackups,
  loadProject,
  migrationChecksum,
  migrationStatements,
  Migrator,
  readManifest,
  writeMerge,
  writeRevision,
  type BackupManifest,
  type ConnectionTarget,
  type DatabaseState,
  type DowngradePreview,
  type MigrateTuiError,
  type Project,
  type ResolveMode,
  type ResolvePreview,
  type RunEvent,
  type RunResult,
  type RunStep,
  type SchemaSnapshot,
  type StateTableNames,
} from '../engine/index.js';

/** One line of the history pane: a revision with its marks, or a connector of the graph. */
export interface HistoryLine {
  readonly graph: string;
  readonly id: string | null;
  readonly message: string;
  readonly labels: readonly string[];
  readonly applied: boolean;
  readonly current: boolean;
  readonly head: boolean;
  readonly drift: boolean;
  readonly dirty: boolean;
  readonly gap: boolean;
}

export interface LoggedStatement {
  readonly at: string;
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly sql: string;
}

export interface SessionOptions {
  readonly dir: string;
  readonly target: ConnectionTarget;
  readonly tables: StateTableNames;
  readonly toolVersion: string;
  readonly lockTimeoutMs: number;
  readonly backupDir: string;
  readonly readOnly: boolean;
}

/**
 * The TUI's view of the engine: everything a screen needs, as plain data, and every action
 * as an async call that reports through events. No React here.
 */
export class TuiSession {
  project!: Project;
  state!: DatabaseState;
  lines: HistoryLine[] = [];
  /** Indexes of `lines` that are revisions (the selectable ones). */
  stops: number[] = [];
  readonly commandLog: LoggedStatement[] = [];
  private listener: ((event: RunEvent) => void) | null = null;
  private currentStep: { revision: string; direction: 'up' | 'down' } | null = null;

  private constructor(
    readonly options: SessionOptions,
    readonly migrator: Migrator,
  ) {}

  static async open(options: SessionOptions): Promise<TuiSession> {
    const project = loadProject(options.dir, { lazyDown: true });
    const db = await connectDatabase(options.target, `migrate_tui:${options.target.databaseName}:${options.tables.version}`);
    let session: TuiSession | null = null;
    const migrator = new Migrator(project, db, {
      tables: options.tables,
      toolVersion: options.toolVersion,
      lockTimeoutMs: options.lockTimeoutMs,
      connection: options.target,
      onEvent: (event) => session?.onEvent(event),
    });
    session = new TuiSession(options, migrator);
    await session.reload(project);
    return session;
  }

  get db() {
    return this.migrator.db;
  }

  private onEvent(event: RunEvent): void {
    if (event.type === 'step-start') this.currentStep = { revision: event.revision, direction: event.direction };
    if (event.type === 'statement-start' && this.currentStep) this.commandLog.push({ at: new Date().toISOString(), ...this.currentStep, sql: event.sql });
    this.listener?.(event);
  }

  /** Re-reads the files (unless just read) and the database. */
  async reload(project?: Project): Promise<void> {
    // Down files are read when a screen or a plan needs them.
    this.project = project ?? loadProject(this.options.dir, { lazyDown: true });
    this.migrator.project = this.project;
    this.state = await this.migrator.readState();
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
  async detail(id: string, tab: 'up' | 'down' | 'diff' | 'schema' | 'info', raw: boolean): Promise<string[]> {
    const { graph } = this.project;
    const m = graph.get(id);
    const dialect = this.db.syntax;
    const sqlOf = (direction: 'up' | 'down') => {
      const source = direction === 'up' ? m.up : m.down;
      if (!source) return direction === 'down' ? [m.irreversible ? '-- irreversible: no .down.sql' : '-- no .down.sql'] : [];
      if (raw) return source.text.split('\n');
      const statements = migrationStatements(m, direction, dialect);
      if (statements.length === 0) return [`-- no statements for ${dialect.name}`];
      return statements.flatMap((s, k) => [...(k > 0 ? [''] : []), `-- ${direction === 'up' ? m.upPath : m.downPath}:${s.line}`, ...formatSql(s.sql, dialect.name).split('\n').map((l, j, all) => (j === all.length - 1 ? `${l};` : l))]);
    };
    switch (tab) {
      case 'up':
        return sqlOf('up');
      case 'down':
        return sqlOf('down');
      case 'diff': {
        const drift = this.state.drift.find((d) => d.revision === id);
        const updown = createTwoFilesPatch(`${id} up (${dialect.name})`, `${id} down (${dialect.name})`, sqlOf('up').join('\n') + '\n', sqlOf('down').join('\n') + '\n').split('\n').slice(2);
        return drift
          ? [`DRIFT: the file changed since it was applied (${drift.cosmetic ? 'white space or comments only' : 'the SQL differs'}):`, ...drift.diff.split('\n').slice(2), '', 'up vs down:', ...updown]
          : [this.state.applied.has(id) ? 'applied SQL matches the file (no drift)' : 'not applied: no applied SQL to compare', '', 'up vs down:', ...updown];
      }
      case 'schema':
        return this.schemaDiff(id);
      case 'info': {
        const log = this.state.log.filter((r) => r.revision === id).slice(-8).reverse();
        return [
          `revision    ${m.id}`,
          `message     ${m.message}`,
          `parents     ${graph.parents(id).join(', ') || '(base)'}`,
          `children    ${graph.children(id).join(', ') || '(head)'}`,
          `depends on  ${graph.dependencies(id).join(', ') || '-'}`,
          `branch      ${m.branchLabels.join(', ') || '-'}`,
          `transaction ${m.transaction ? 'on' : 'off'}${m.irreversible ? '   IRREVERSIBLE' : ''}`,
          `state       ${this.state.applied.has(id) ? 'applied' : 'pending'}${this.state.versionRows.includes(id) ? ', current head' : ''}`,
          `checksum    ${migrationChecksum(m, dialect)}`,
          `files       ${m.upPath}`,
          `            ${m.downPath ?? '(no down file)'}`,
          '',
          log.length > 0 ? 'log (newest first):' : 'log: no steps recorded',
          ...log.map((r) => `  ${r.direction === 'up' ? '↑' : '↓'} ${r.kind} ${r.status}  ${r.startedAt}  ${r.durationMs ?? '?'} ms  ${r.osUser}@${r.host}`),
        ];
      }
    }
  }

  /**
   * Schema before vs after a revision, by running its SQL inside a transaction that is always
   * rolled back. Possible where DDL is transactional (PostgreSQL, SQLite), for the next
   * pending revision (its up) or a current head (its down).
   */
  async schemaDiff(id: string): Promise<string[]> {
    const dialect = this.db.syntax;
    if (!dialect.transactionalDdl) {
      return [`not available on ${dialect.name}: MySQL and MariaDB commit every DDL statement at once, so a trial run could not be rolled back.`];
    }
    const { graph } = this.project;
    const applied = this.state.applied;
    let direction: 'up' | 'down';
    if (!applied.has(id) && [...graph.parents(id), ...graph.dependencies(id)].every((p) => applied.has(p))) direction = 'up';
    else if (applied.has(id) && this.state.versionRows.includes(id)) direction = 'down';
    else return ['available for a revision that can run next (all its parents applied) or a current head.', 'select one of those to see the schema before and after it.'];
    const statements = migrationStatements(graph.get(id), direction, dialect);
    const exclude = [this.options.tables.version, this.options.tables.log];
    const before = await this.db.schema(exclude);
    let after: SchemaSnapshot;
    await this.db.beginStep();
    try {
      for (const s of statements) await this.db.execute(s.sql);
      after = await this.db.schema(exclude);
    } catch (error) {
      await this.db.rollbackStep();
      return [`the trial ${direction} failed (rolled back): ${(error as Error).message}`];
    }
    await this.db.rollbackStep();
    const [from, to] = direction === 'up' ? [before, after] : [after, before];
    const patch = createTwoFilesPatch(`schema without ${id}`, `schema with ${id}`, schemaText(from), schemaText(to)).split('\n').slice(2);
    return [`(a trial ${direction} of ${id}, rolled back)`, ...(patch.length > 1 ? patch : ['no schema change'])];
  }

  planUpgrade(target: string): RunStep[] {
    return this.migrator.planUpgradeSteps(this.state, target, false);
  }

  downgradePreview(target: string): Promise<DowngradePreview> {
    return this.migrator.downgradePreview(target);
  }

  stampChanges(target: string): { removed: string[]; added: string[] } {
    const next = this.migrator.stampedSet(this.state, target);
    return { removed: [...this.state.applied].filter((id) => !next.has(id)), added: [...next].filter((id) => !this.state.applied.has(id)) };
  }

  /** Runs an action, reporting events to `listener`; never throws (errors come in the result). */
  async run(action: () => Promise<RunResult>, listener: (event: RunEvent) => void): Promise<RunResult | { error: MigrateTuiError | Error }> {
    this.listener = listener;
    try {
      return await action();
    } catch (error) {
      return { error: error as MigrateTuiError };
    } finally {
      this.listener = null;
      this.currentStep = null;
      await this.reload().catch(() => undefined);
    }
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
  resolvePreview(mode: ResolveMode): ResolvePreview {
    const dirty = this.state.dirty;
    return this.migrator.resolvePreview(this.state, dirty?.revision ?? '', mode);
  }

  resolve(revision: string, mode: ResolveMode) {
    return () => this.migrator.resolve(revision, mode);
  }

  backup(reason: string): Promise<BackupManifest> {
    return this.migrator.backup({ dir: this.options.backupDir, reason });
  }

  backups(): BackupManifest[] {
    return listBackups(this.options.backupDir);
  }

  restore(file: string) {
    return () => this.migrator.restore(readManifest(file));
  }

  merge(): { id: string; upPath: string; downPath: string; revises: readonly string[] } {
    return writeMerge(this.project.dir, this.project.graph, {});
  }

  newRevision(message: string, branch: string): { id: string; upPath: string; downPath: string; revises: readonly string[] } {
    return writeRevision(this.project.dir, this.project.graph, { message, ...(branch ? { branch: [branch] } : {}) });
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

function schemaText(s: SchemaSnapshot): string {
  const lines: string[] = [];
  for (const name of Object.keys(s.tables).sort()) {
    const t = s.tables[name]!;
    lines.push(`table ${name}`, ...t.columns.map((c) => `  ${c}`), ...t.indexes.map((i) => `  index ${i}`), ...t.constraints.map((c) => `  ${c}`));
  }
  lines.push(...s.triggers.map((t) => `trigger ${t}`));
  return lines.join('\n') + '\n';
}
