import type { DatabaseAdapter, Query } from '../dialects/adapter.js';
import { versionTableChange } from '../plan/offline-sql.js';
import { LOG_COLUMNS, qualifiedName, stateTableDdl, type StateTableNames } from '../state-tables.js';

/** What one step did, as `migrate_tui_log` records it. */
export interface LogRow {
  readonly id: number;
  readonly revision: string;
  /** `up` applies, `down` reverts; for stamps and resolves too. */
  readonly direction: 'up' | 'down';
  /** `migrate` ran SQL; `stamp` and `resolve` only recorded. */
  readonly kind: 'migrate' | 'stamp' | 'resolve' | 'seed' | 'restore';
  readonly dialect: string;
  readonly checksum: string | null;
  readonly sqlText: string | null;
  readonly downSql: string | null;
  readonly statementsTotal: number;
  readonly statementsDone: number;
  /** started → done | failed (rolled back) | dirty (partly ran) → resolved. */
  readonly status: 'started' | 'done' | 'failed' | 'dirty' | 'resolved';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly osUser: string;
  readonly host: string;
  readonly toolVersion: string;
  readonly error: string | null;
}

export type NewLogRow = Omit<LogRow, 'id' | 'finishedAt' | 'durationMs' | 'error'> & { finishedAt?: string | null; durationMs?: number | null; error?: string | null };

const COLUMNS = LOG_COLUMNS;

/** Reads and writes the two state tables; names are validated and quoted, never pasted raw. */
export class StateStore {
  private readonly version: string;
  private readonly log: string;

  constructor(
    private readonly db: DatabaseAdapter,
    readonly tables: StateTableNames,
  ) {
    this.version = qualifiedName(tables.version, db.syntax.quoteIdentifier);
    this.log = qualifiedName(tables.log, db.syntax.quoteIdentifier);
  }

  private q(name: string): string {
    return this.db.syntax.quoteIdentifier(name);
  }

  async exists(): Promise<boolean> {
    return (await this.db.tableExists(this.tables.version)) && (await this.db.tableExists(this.tables.log));
  }

  /** Creates both tables if missing (idempotent). */
  async ensure(): Promise<void> {
    for (const statement of stateTableDdl(this.db.syntax, this.tables)) await this.db.execute(statement);
  }

  async versionRows(): Promise<string[]> {
    const rows = await this.db.query<{ revision: string }>(`SELECT ${this.q('revision')} AS ${this.q('revision')} FROM ${this.version}`);
    return rows.map((r) => String(r.revision)).sort();
  }

  /**
   * Makes the version rows exactly `after`, changing only what differs from what the table
   * holds now (read, not assumed: revisions with missing files make any guess wrong).
   */
  async setVersionRows(after: readonly string[]): Promise<void> {
    const before = await this.versionRows();
    for (const statement of versionTableChange(before, after, this.version, this.q('revision'))) await this.db.execute(statement);
  }

  /** The queries that turn version rows known to be `before` into `after` (inside a step). */
  versionChange(before: readonly string[], after: readonly string[]): Query[] {
    return versionTableChange(before, after, this.version, this.q('revision')).map((sql) => ({ sql, params: [] }));
  }

  logInsert(row: NewLogRow): Query {
    const present = COLUMNS.filter(([, key]) => row[key as keyof NewLogRow] !== undefined);
    return {
      sql: `INSERT INTO ${this.log} (${present.map(([col]) => this.q(col)).join(', ')}) VALUES (${present.map(() => '?').join(', ')})`,
      params: present.map(([, key]) => row[key as keyof NewLogRow] ?? null),
    };
  }

  async insertLog(row: NewLogRow): Promise<number> {
    const { sql, params } = this.logInsert(row);
    return this.db.insert(sql, params);
  }

  async updateLog(id: number, fields: Partial<Pick<LogRow, 'status' | 'statementsDone' | 'finishedAt' | 'durationMs' | 'error' | 'sqlText' | 'checksum'>>): Promise<void> {
    const present = COLUMNS.filter(([, key]) => key in fields);
    if (present.length === 0) return;
    await this.db.query(`UPDATE ${this.log} SET ${present.map(([col]) => `${this.q(col)} = ?`).join(', ')} WHERE ${this.q('id')} = ?`, [
      ...present.map(([, key]) => (fields as Record<string, unknown>)[key] ?? null),
      id,
    ]);
  }

  /** Marks a step's log row finished and changes the version rows, in one transaction. */
  async finishStep(id: number, fields: Parameters<StateStore['updateLog']>[1], versionQueries: readonly Query[]): Promise<void> {
    await this.db.beginStep();
    try {
      for (const q of versionQueries) await this.db.query(q.sql, q.params);
      await this.updateLog(id, fields);
      await this.db.commitStep();
    } catch (error) {
      await this.db.rollbackStep().catch(() => undefined);
      throw error;
    }
  }

  /** Every log row, oldest first. */
  async readLog(): Promise<LogRow[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT ${this.q('id')} AS ${this.q('id')}, ${COLUMNS.map(([col, key]) => `${this.q(col)} AS ${this.q(key)}`).join(', ')} FROM ${this.log} ORDER BY ${this.q('id')}`,
    );
    return rows.map((r) => ({
      ...(r as unknown as LogRow),
      id: Number(r.id),
      statementsTotal: Number(r.statementsTotal),
      statementsDone: Number(r.statementsDone),
      durationMs: r.durationMs === null || r.durationMs === undefined ? null : Number(r.durationMs),
    }));
  }
}
