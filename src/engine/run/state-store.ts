// Longer than 300 lines because it is every read and write of the state tables: one class, so their SQL is written in one place.
import { createHash } from 'node:crypto';
import type { DatabaseAdapter, Query } from '../dialects/adapter.js';
import type { SqlExpression } from '../dialects/step-finish.js';
import { versionTableChange } from '../plan/offline-sql.js';
import { pinStateTables } from './state-names.js';
import { ReadOnlyDatabaseError } from '../dialects/dialect-errors.js';
import { LOG_COLUMNS, LOG_TEXT_REFS, logTableUpgrade, qualifiedName, stateTableDdl, textTableDdl, textTableName, type StateTableNames } from '../state-tables.js';

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

/** A log row to write; its finish time and duration may be computed by the server as it is written (adapter.ts, ServerTiming). */
export type NewLogRow = Omit<LogRow, 'id' | 'finishedAt' | 'durationMs' | 'error'> & { finishedAt?: string | SqlExpression | null; durationMs?: number | SqlExpression | null; error?: string | null };

const COLUMNS = LOG_COLUMNS;

/** Texts up to this many characters stay in their log row: a reference (64 characters, a row and an index entry) would cost about as much. */
export const INLINE_TEXT_CHARS = 512;

/**
 * Where log rows keep their SQL: `texts` — a text over INLINE_TEXT_CHARS is stored once in
 * the texts table and the row refers to it by SHA-256; `inline` — the first layout (no texts
 * table yet), every text in its row. Rows of both kinds are read alike.
 */
export type LogLayout = 'texts' | 'inline';

type Column = string;

/** Reads and writes the two state tables; names are validated and quoted, never pasted raw. */
export class StateStore {
  private version = '';
  private log = '';
  private texts = '';
  /** The names the SQL uses: `tables` pinned to their schema by the first exists() or ensure() (state-names.ts). */
  private at: StateTableNames;
  private pinned: Promise<void> | null = null;
  /** Known after exists() or ensure(); readLog() finds it out when not. */
  private layout: LogLayout | null = null;
  /** Set by ensure(): the next exists() answers from it (the tables were just made or found) instead of three round trips. Once only: a migration run afterwards may drop them. */
  private justEnsured = false;
  /** What the last exists() answered (null before one): a run's checks ahead of ensure() ask it again without three round trips. */
  lastLook: boolean | null = null;
  /** The server refused the compound statement unparsed (its sql_mode): finishStep does not send it again. */
  private compoundRefused = false;

  constructor(
    private readonly db: DatabaseAdapter,
    readonly tables: StateTableNames,
  ) {
    this.at = this.use(tables);
  }

  private use(at: StateTableNames): StateTableNames {
    [this.version, this.log, this.texts] = [at.version, at.log, textTableName(at)].map((name) => qualifiedName(name, this.db.syntax.quoteIdentifier)) as [string, string, string];
    return (this.at = at);
  }

  private pin(): Promise<void> {
    return (this.pinned ??= pinStateTables(this.db, this.tables).then((at) => void this.use(at)));
  }

  private q(name: string): string {
    return this.db.syntax.quoteIdentifier(name);
  }

  /** Whether the version and log tables exist (and, as a side effect, which layout the log has). Changes nothing. */
  async exists(): Promise<boolean> {
    await this.pin();
    if (this.justEnsured) {
      this.justEnsured = false;
      return (this.lastLook = true);
    }
    const found = (await this.db.tableExists(this.at.version)) && (await this.db.tableExists(this.at.log));
    if (found) this.layout = (await this.db.tableExists(textTableName(this.at))) ? 'texts' : 'inline';
    return (this.lastLook = found);
  }

  /**
   * Creates the state tables if missing (idempotent), and upgrades a log of the first layout
   * in place: its reference columns are added, then the texts table is created (last, so its
   * presence means the columns are there; an interrupted upgrade is finished by the next run).
   * Only runs that change the database call it; looking never does. Existing rows stay as
   * they were written.
   */
  async ensure(): Promise<void> {
    await this.pin();
    // The first write of a run: a read-only session refuses it, before anything is written.
    await this.create().catch((error: unknown) => {
      throw this.db.syntax.readOnly.refused(error) ? new ReadOnlyDatabaseError(this.db.display, (error as Error).message, this.db.syntax.readOnly.hint) : error;
    });
    this.justEnsured = true;
  }

  /**
   * The run's first write, tried where it changes nothing: with the state tables there in the
   * current layout, ensure()'s CREATE … IF NOT EXISTS are no-ops that a read-only session still
   * refuses (ReadOnlyDatabaseError). Otherwise nothing is sent: ensure() would write.
   */
  async probeWrite(): Promise<void> {
    if ((await this.exists()) && this.layout === 'texts') await this.ensure();
  }

  private async create(): Promise<void> {
    for (const statement of stateTableDdl(this.db.syntax, this.at)) await this.db.execute(statement);
    if (!(await this.db.tableExists(textTableName(this.at)))) {
      if (!(await this.hasTextRefs())) for (const statement of logTableUpgrade(this.db.syntax, this.at)) await this.db.execute(statement);
      await this.db.execute(textTableDdl(this.db.syntax, this.at));
    }
    this.layout = 'texts';
  }

  /** Whether the log table has its reference columns (a log of the first layout has not). */
  private async hasTextRefs(): Promise<boolean> {
    try {
      await this.db.query(`SELECT ${LOG_TEXT_REFS.map(([, ref]) => this.q(ref)).join(', ')} FROM ${this.log} WHERE 1 = 0`);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The columns and values of a log row's fields, with each text over INLINE_TEXT_CHARS
   * replaced by its reference, and the one INSERT that stores those texts if absent.
   */
  private placeTexts(entries: ReadonlyArray<readonly [Column, unknown]>): { entries: Array<[Column, unknown]>; store: Query | null } {
    const out: Array<[Column, unknown]> = [];
    const texts = new Map<string, string>();
    for (const [col, value] of entries) {
      const ref = LOG_TEXT_REFS.find(([textCol]) => textCol === col)?.[1];
      if (!ref || this.layout !== 'texts') {
        out.push([col, value]);
        continue;
      }
      if (typeof value === 'string' && value.length > INLINE_TEXT_CHARS) {
        const key = createHash('sha256').update(value).digest('hex');
        texts.set(key, value);
        out.push([col, null], [ref, key]);
      } else out.push([col, value], [ref, null]);
    }
    if (texts.size === 0) return { entries: out, store: null };
    const { into, suffix } = this.db.syntax.insertIfAbsent;
    const key = this.q('text_sha256');
    return {
      entries: out,
      store: {
        sql: `${into} ${this.texts} (${key}, ${this.q('sql_text')}) VALUES ${[...texts].map(() => '(?, ?)').join(', ')}${suffix(key)}`,
        params: [...texts].flat(),
      },
    };
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

  /** The queries that write a log row: its texts first where they are not stored yet, then the row (the last query). */
  logInsert(row: NewLogRow): Query[] {
    const { entries, store } = this.placeTexts(COLUMNS.filter(([, key]) => row[key as keyof NewLogRow] !== undefined).map(([col, key]) => [col, row[key as keyof NewLogRow] ?? null] as const));
    const insert = { sql: `INSERT INTO ${this.log} (${entries.map(([col]) => this.q(col)).join(', ')}) VALUES (${entries.map(() => '?').join(', ')})`, params: entries.map(([, value]) => value) };
    return store ? [store, insert] : [insert];
  }

  async insertLog(row: NewLogRow): Promise<number> {
    if (this.layout === null) await this.exists();
    const queries = this.logInsert(row);
    for (const q of queries.slice(0, -1)) await this.db.query(q.sql, q.params);
    const { sql, params } = queries[queries.length - 1]!;
    return this.db.insert(sql, params);
  }

  async updateLog(id: number, fields: Partial<Pick<LogRow, 'status' | 'statementsDone' | 'startedAt' | 'finishedAt' | 'durationMs' | 'error' | 'sqlText' | 'checksum'>>): Promise<void> {
    if ('sqlText' in fields && this.layout === null) await this.exists();
    const { entries, store } = this.placeTexts(COLUMNS.filter(([, key]) => key in fields).map(([col, key]) => [col, (fields as Record<string, unknown>)[key] ?? null] as const));
    if (entries.length === 0) return;
    if (store) await this.db.query(store.sql, store.params);
    await this.db.query(`UPDATE ${this.log} SET ${entries.map(([col]) => `${this.q(col)} = ?`).join(', ')} WHERE ${this.q('id')} = ?`, [...entries.map(([, value]) => value), id]);
  }

  /**
   * Marks a step's log row finished and changes the version rows (from `rows.before` to
   * `rows.after`; null: no change), in one transaction — or, where the database can change
   * two tables in one statement (MySQL/MariaDB) and one version row replaces another (a
   * chain's usual step), in that one statement: one round trip and one commit instead of four
   * statements. Both rows must change; else nothing did, and the transaction does it.
   * `next`: the next step's `started` row, inserted in the same commit where that adds no
   * round trip (its id is returned; null: not inserted, the step inserts its own).
   */
  async finishStep(id: number, fields: Parameters<StateStore['updateLog']>[1], rows: { readonly before: readonly string[]; readonly after: readonly string[] } | null, next: NewLogRow | null = null): Promise<number | null> {
    const removed = rows ? rows.before.filter((r) => !rows.after.includes(r)) : [];
    const added = rows ? rows.after.filter((r) => !rows.before.includes(r)) : [];
    if (this.db.syntax.multiTableUpdate && this.db.update && removed.length === 1 && added.length === 1 && !('sqlText' in fields)) {
      if (next !== null && this.db.syntax.compoundStatement && !this.compoundRefused) {
        const nextId = await this.finishAndStartAtOnce(id, fields, removed[0]!, added[0]!, next);
        if (nextId !== null) return nextId;
      } else {
        // Without a compound statement (MySQL) the next row stays its own commit: START
        // TRANSACTION … COMMIT around the two would add two round trips, measured slower here
        // than the commit they save.
        const { sql, params } = this.twoTableUpdate(id, fields, removed[0]!, added[0]!);
        const changed = await this.db.update(sql, params);
        if (changed === 2) return null;
        if (changed !== 0) throw partialChange(changed, id, removed[0]!, added[0]!);
      }
    }
    // Row by row: the usual way, or when the one statement changed neither row.
    await this.db.beginStep();
    try {
      for (const q of rows ? this.versionChange(rows.before, rows.after) : []) await this.db.query(q.sql, q.params);
      await this.updateLog(id, fields);
      const nextId = next === null ? null : await this.insertLog(next);
      await this.db.commitStep();
      return nextId;
    } catch (error) {
      await this.db.rollbackStep().catch(() => undefined);
      throw error;
    }
  }

  /** One statement that marks log row `id` with `fields` and replaces version row `removed` by `added` (MySQL/MariaDB). */
  private twoTableUpdate(id: number, fields: Parameters<StateStore['updateLog']>[1], removed: string, added: string): Query {
    const entries = COLUMNS.filter(([, key]) => key in fields);
    return {
      sql: `UPDATE ${this.version} v, ${this.log} l SET v.${this.q('revision')} = ?, ${entries.map(([col]) => `l.${this.q(col)} = ?`).join(', ')} WHERE v.${this.q('revision')} = ? AND l.${this.q('id')} = ?`,
      params: [added, ...entries.map(([, key]) => (fields as Record<string, unknown>)[key] ?? null), removed, id],
    };
  }

  /**
   * finishStep's two-table UPDATE and the next step's `started` row in one transaction sent as
   * one compound statement: one round trip where START TRANSACTION, UPDATE, INSERT and COMMIT
   * take four (on this machine a round trip costs about what a commit's fsync does). Null when
   * the UPDATE changed neither row, or the server refused the block unparsed (finishStep's
   * transaction then does it row by row).
   */
  private async finishAndStartAtOnce(id: number, fields: Parameters<StateStore['updateLog']>[1], removed: string, added: string, next: NewLogRow): Promise<number | null> {
    const update = this.twoTableUpdate(id, fields, removed, added);
    const insert = this.logInsert(next);
    const sql = [
      'BEGIN NOT ATOMIC DECLARE changed INT',
      'START TRANSACTION',
      update.sql,
      'SET changed = ROW_COUNT()',
      `IF changed <> 2 THEN ROLLBACK; SELECT changed AS changed, NULL AS id; ELSE ${insert.map((q) => `${q.sql}; `).join('')}SELECT changed AS changed, LAST_INSERT_ID() AS id; COMMIT; END IF`,
      'END',
    ].join(';\n');
    let rows: unknown[];
    try {
      rows = await this.db.query(sql, [...update.params, ...insert.flatMap((q) => q.params)]);
    } catch (error) {
      // Refused unparsed, nothing of it ran: finishStep does the same work row by row.
      if (this.db.syntax.compoundStatement?.unparsed(error)) {
        this.compoundRefused = true;
        return null;
      }
      // A statement in the block failed: its transaction is still open.
      await this.db.rollbackStep().catch(() => undefined);
      throw error;
    }
    // The block's result: its SELECT's rows, then the block's own status.
    const [outcome] = rows[0] as Array<{ changed: number | string; id: number | string | null }>;
    const changed = Number(outcome?.changed);
    if (changed === 2 && outcome?.id !== null) return Number(outcome!.id);
    if (changed !== 0) throw partialChange(changed, id, removed, added);
    return null;
  }

  /** Removes a `started` row of a step that never began (written ahead by finishStep; the run stopped before it). */
  async dropUnbegunLog(id: number): Promise<void> {
    await this.db.query(`DELETE FROM ${this.log} WHERE ${this.q('id')} = ? AND ${this.q('status')} = 'started' AND ${this.q('statements_done')} = 0`, [id]);
  }

  /** Whether the log has a row that records a revision (anything but a seed's): one row read at most. */
  async hasRevisionRecord(): Promise<boolean> {
    return (await this.db.query(`SELECT 1 AS ${this.q('one')} FROM ${this.log} WHERE ${this.q('kind')} <> 'seed' LIMIT 1`)).length > 0;
  }

  /** Every log row, oldest first. */
  async readLog(): Promise<LogRow[]> {
    if (this.layout === null) await this.exists();
    const texts = this.layout === 'texts';
    const column = ([col, key]: (typeof COLUMNS)[number]): string => {
      const at = LOG_TEXT_REFS.findIndex(([textCol]) => textCol === col);
      if (!texts || at < 0) return `l.${this.q(col)} AS ${this.q(key)}`;
      const ref = this.q(LOG_TEXT_REFS[at]![1]);
      return `CASE WHEN l.${ref} IS NULL THEN l.${this.q(col)} ELSE t${at}.${this.q('sql_text')} END AS ${this.q(key)}`;
    };
    const joins = texts ? LOG_TEXT_REFS.map(([, ref], at) => ` LEFT JOIN ${this.texts} t${at} ON t${at}.${this.q('text_sha256')} = l.${this.q(ref)}`).join('') : '';
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT l.${this.q('id')} AS ${this.q('id')}, ${COLUMNS.map(column).join(', ')} FROM ${this.log} l${joins} ORDER BY l.${this.q('id')}`,
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

/** The two-table UPDATE changed one of its two rows: the state is not what the run knew. */
function partialChange(changed: number, id: number, removed: string, added: string): Error {
  return new Error(`recording the step changed ${changed} of its 2 state rows (log row ${id}, version ${removed} → ${added})`);
}
