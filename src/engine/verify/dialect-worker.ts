import type { ConnectionTarget } from '../connection.js';
import { stateTableList } from '../state-tables.js';
import type { DatabaseAdapter } from '../dialects/adapter.js';
import { connectDatabase } from '../dialects/connect.js';
import { createScratchDatabase, type ScratchDatabase } from '../dialects/scratch-database.js';
import type { SchemaSnapshot } from '../dialects/schema-snapshot.js';
import { MigrateTuiError } from '../errors.js';
import type { DatabaseState } from '../run/database-state.js';
import { StepRunner, type GraphSource } from '../run/runner.js';
import { statementCount } from '../run/statement-cursor.js';
import { fileStep } from '../run/steps.js';
import type { StateTableNames } from '../state-tables.js';
import { compareSchemas, describeDifference, schemaDiffText, type CheckPhase, type SchemaDifference } from './compare.js';
import type { CellError, VerifyCell, VerifyColumn, VerifyEvent } from './report.js';
import { checkSeeds } from './seeds.js';

/** A run's cancel switch, shared by the dialect workers: each registers how to stop its statement. */
export class VerifyControl {
  private wanted = false;
  private readonly stops = new Set<() => Promise<unknown>>();
  get cancelled(): boolean {
    return this.wanted;
  }
  /** Stops every worker before its next step; running statements are cancelled where the server can. */
  async cancel(): Promise<void> {
    this.wanted = true;
    await Promise.all([...this.stops].map((stop) => stop().catch(() => undefined)));
  }
  onCancel(stop: () => Promise<unknown>): () => void {
    this.stops.add(stop);
    return () => this.stops.delete(stop);
  }
}

export interface WorkerOptions {
  readonly project: GraphSource;
  readonly dialect: string;
  /** The server to create scratch databases on (SQLite: any sqlite target; a temp file is used). */
  readonly admin: ConnectionTarget;
  /** Revisions applied once before the checked ones (a --revisions range), in plan order. */
  readonly setup: readonly string[];
  /** Revisions to check, in plan order. */
  readonly revisions: readonly string[];
  readonly tables: StateTableNames;
  readonly toolVersion: string;
  /** Run the seeds twice at the end. */
  readonly seedDir: string | null;
  readonly control: VerifyControl;
  readonly emit: (event: VerifyEvent) => void;
}

export interface WorkerResult {
  readonly column: VerifyColumn;
  readonly cells: Record<string, VerifyCell>;
  readonly seeds: VerifyCell | null;
}

/** Thrown out of a session to rebuild the scratch database (after a check left it in an unknown state). */
class Rebuild extends Error {}

/**
 * One dialect's whole check, on scratch databases only: for each revision in plan order,
 * snapshot, up, snapshot, down, compare, up again, compare. A check that leaves the
 * database other than expected is followed by a fresh scratch database with the ups
 * replayed up to it; a failing up ends this dialect (everything after it depends on it).
 * Every scratch database is dropped, whatever happens.
 */
export async function runDialect(o: WorkerOptions): Promise<WorkerResult> {
  const started = Date.now();
  const all = [...o.setup, ...o.revisions];
  const checked = new Set(o.revisions);
  const cells: Record<string, VerifyCell> = {};
  let column: VerifyColumn = { dialect: o.dialect, server: null, scratch: null, error: null, leftover: null, ms: 0 };
  const leftovers: string[] = [];
  let seeds: VerifyCell | null = null;
  let next = 0;
  let stop = false;
  const cell = (id: string, c: VerifyCell) => {
    cells[id] = c;
    o.emit({ type: 'cell', dialect: o.dialect, revision: id, cell: c });
  };

  while (!stop && !o.control.cancelled && (next < all.length || (o.seedDir && !seeds))) {
    let scratch: ScratchDatabase | null = null;
    let db: DatabaseAdapter | null = null;
    try {
      scratch = await createScratchDatabase(o.admin);
      // A scratch database is made to be written: its SQLite file is created here (looking never creates one).
      // Its own lock name: MySQL's GET_LOCK is server-wide, and one name made every verify on a server wait for the others.
      db = await connectDatabase(scratch.target, `migrate_tui:${scratch.target.databaseName}:${o.tables.version}`, { create: true });
      // The scratch database is thrown away: no need to wait for the disk on every commit.
      await db.relaxDurability?.();
      column = { ...column, server: db.serverVersion, scratch: scratch.description };
      o.emit({ type: 'column', column });
      const runner = new StepRunner(o.project, db, { tables: o.tables, toolVersion: o.toolVersion, lockTimeoutMs: 10_000, connection: scratch.target });
      const unregister = o.control.onCancel(() => runner.requestCancel());
      try {
        const session = new Session(runner, o);
        await runner.locked(async () => {
          for (let i = 0; i < next; i++) await session.apply(all[i]!, 'replay');
          for (; next < all.length && !o.control.cancelled; ) {
            const id = all[next]!;
            if (!checked.has(id)) {
              await session.apply(id, 'setup');
              next++;
              continue;
            }
            const result = await session.check(id);
            next++;
            cell(id, result.cell);
            if (result.end) {
              stop = true;
              return;
            }
            if (result.rebuild) throw new Rebuild();
          }
        });
        if (!stop && !o.control.cancelled && next >= all.length && o.seedDir) {
          o.emit({ type: 'cell-start', dialect: o.dialect, revision: 'seeds', phase: 'seeds' });
          seeds = await checkSeeds(runner, o.seedDir, o.dialect);
          o.emit({ type: 'seeds', dialect: o.dialect, cell: seeds });
        }
      } finally {
        unregister();
      }
    } catch (error) {
      if (!(error instanceof Rebuild)) {
        // A cancel that stopped a replay or a connect is not this dialect's failure: its cells say "not run".
        if (!o.control.cancelled) column = { ...column, error: errorText(error) };
        stop = true;
      }
    } finally {
      await db?.close().catch(() => undefined);
      const left = scratch ? await scratch.drop() : null;
      if (left) leftovers.push(left);
    }
  }
  for (const id of o.revisions) if (!cells[id]) cell(id, { status: 'not-run', ms: 0, differences: [] });
  if (o.seedDir && !seeds) seeds = { status: 'not-run', ms: 0, differences: [] };
  column = { ...column, leftover: leftovers.length > 0 ? leftovers.join('; ') : null, ms: Date.now() - started };
  o.emit({ type: 'column', column });
  return { column, cells, seeds };
}

function errorText(error: unknown): string {
  if (error instanceof MigrateTuiError) return `${error.message} (${error.hint})`;
  return error instanceof Error ? error.message : String(error);
}

interface CheckResult {
  readonly cell: VerifyCell;
  /** Nothing after this revision can run on this dialect. */
  readonly end: boolean;
  /** The database is not in the state after this revision's up: start again on a fresh one. */
  readonly rebuild: boolean;
}

/** Where a step failed, as a cell's error (null: it did not). */
class StepFailed extends Error {
  constructor(readonly failure: CellError, readonly cancelled: boolean) {
    super(failure.message);
  }
}

/** One scratch database's state while it is checked: what is applied, and the version rows. */
class Session {
  private readonly applied = new Set<string>();
  private versionRows: readonly string[] = [];
  /** The schema as the last check left it (its "after the up again"): the next check's "before". */
  private last: SchemaSnapshot | null = null;
  constructor(
    private readonly runner: StepRunner,
    private readonly o: WorkerOptions,
  ) {}

  private get db(): DatabaseAdapter {
    return this.runner.db;
  }

  private state(): DatabaseState {
    return { versionRows: this.versionRows, log: [], applied: this.applied, missing: [], gaps: [], dirty: null, drift: [], pending: [] };
  }

  private schema(): Promise<SchemaSnapshot> {
    return this.db.schema(stateTableList(this.o.tables));
  }

  /** Runs one direction of one revision through the runner (state tables, log, transactions as in a real run). */
  private async step(id: string, direction: 'up' | 'down', phase: string): Promise<void> {
    this.last = null;
    const step = fileStep(this.o.project.graph, this.db.syntax, id, direction);
    const result = await this.runner.execute(direction === 'up' ? 'upgrade' : 'downgrade', id, this.state(), [step]);
    if (result.error) {
      const meta = result.error.meta as { path?: string; line?: number; databaseError?: string; cancelled?: boolean };
      const cancelled = Boolean(meta.cancelled) || result.error.code === 'cancelled';
      throw new StepFailed({ path: meta.path ?? step.path ?? id, line: meta.line ?? 0, phase, message: meta.databaseError ?? result.error.message }, cancelled);
    }
    this.versionRows = result.headsAfter;
    if (direction === 'up') this.applied.add(id);
    else this.applied.delete(id);
  }

  /** Applies a revision once, unchecked (before a range, or replaying after a rebuild). */
  async apply(id: string, why: 'setup' | 'replay'): Promise<void> {
    try {
      await this.step(id, 'up', why);
    } catch (error) {
      if (!(error instanceof StepFailed)) throw error;
      const f = error.failure;
      throw new Error(`${why === 'setup' ? 'applying' : 'replaying'} ${id} before the checks failed at ${f.path}:${f.line}: ${f.message}`);
    }
  }

  async check(id: string): Promise<CheckResult> {
    const started = Date.now();
    const o = this.o;
    const m = o.project.graph.get(id);
    const phase = (p: string) => o.emit({ type: 'cell-start', dialect: o.dialect, revision: id, phase: p });
    const done = (c: Omit<VerifyCell, 'ms'>, end = false, rebuild = false): CheckResult => ({ cell: { ...c, ms: Date.now() - started }, end, rebuild });
    const up = fileStep(o.project.graph, this.db.syntax, id, 'up');
    const reversible = !m.irreversible && m.down !== null;
    const noSql = statementCount(up) === 0 && (!reversible || statementCount(fileStep(o.project.graph, this.db.syntax, id, 'down')) === 0);
    try {
      phase('up');
      const before = noSql || !reversible ? null : (this.last ?? (await this.schema()));
      await this.step(id, 'up', 'up');
      if (noSql) return done({ status: 'no-sql', differences: [] });
      if (!reversible) return done({ status: 'irreversible', differences: [] });
      const after = await this.schema();
      phase('down');
      await this.step(id, 'down', 'down');
      const downDiffs = this.differences(before!, await this.schema(), 'down', id);
      phase('up again');
      try {
        await this.step(id, 'up', 'up again');
      } catch (error) {
        if (!(error instanceof StepFailed) || downDiffs.sentences.length === 0 || error.cancelled) throw error;
        const f = error.failure;
        return done({ status: 'differs', differences: downDiffs.sentences, diff: downDiffs.diff, note: `up again then failed at ${f.path}:${f.line}: ${f.message}` }, false, true);
      }
      // An object the down already got wrong is not reported twice (a dropped column stays dropped).
      const final = await this.schema();
      const againDiffs = this.differences(after, final, 'up-again', id, downDiffs.objects);
      const sentences = [...downDiffs.sentences, ...againDiffs.sentences];
      if (sentences.length === 0) {
        this.last = final;
        return done({ status: 'ok', differences: [] });
      }
      return done({ status: 'differs', differences: sentences, diff: downDiffs.diff ?? againDiffs.diff }, false, true);
    } catch (error) {
      if (!(error instanceof StepFailed)) throw error;
      if (error.cancelled) return done({ status: 'not-run', differences: [] }, true);
      // A failing up: everything after it builds on it. A failing down or second up: start again fresh.
      return done({ status: 'failed', differences: [], error: error.failure }, error.failure.phase === 'up', error.failure.phase !== 'up');
    }
  }

  private differences(expected: SchemaSnapshot, found: SchemaSnapshot, phase: CheckPhase, id: string, known: ReadonlySet<string> = new Set()): { sentences: string[]; objects: Set<string>; diff?: string } {
    const key = (d: SchemaDifference) => `${d.kind} ${d.table ?? ''}.${d.name}`;
    const diffs = compareSchemas(expected, found).filter((d) => !known.has(key(d)));
    const objects = new Set(diffs.map(key));
    if (diffs.length === 0) return { sentences: [], objects };
    const labels = phase === 'down' ? [`before ${id}`, `after the down of ${id}`] : [`after the up of ${id}`, `after the up again of ${id}`];
    return { sentences: diffs.map((d) => describeDifference(d, phase, id, this.o.dialect)), objects, diff: schemaDiffText(expected, found, labels[0]!, labels[1]!) };
  }
}
