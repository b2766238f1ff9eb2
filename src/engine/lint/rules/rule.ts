import type { DialectName } from '../../dialects/dialect.js';
import type { SchemaState } from '../schema.js';
import type { Action, AnalysedStatement, Severity } from '../types.js';

/**
 * A rule is data (code, dialects, severity, what, why, do instead) beside the checks that
 * find it — the README catalogue, `lint --json` and the TUI read the same definitions.
 * Codes are stable: PG1xx PostgreSQL, MY2xx MySQL/MariaDB, SL3xx SQLite, DS4xx destructive or
 * backward-incompatible, LK5xx dialect leaks, RV6xx reversibility, LI9xx lint's own comments.
 */

export const PG: readonly DialectName[] = ['postgres'];
export const MY: readonly DialectName[] = ['mysql', 'mariadb'];
export const SL: readonly DialectName[] = ['sqlite'];
export const ALL: readonly DialectName[] = ['postgres', 'mysql', 'mariadb', 'sqlite'];

export interface Hit {
  readonly message: string;
  readonly line?: number;
  readonly table?: string;
  readonly column?: string;
  readonly columns?: readonly string[];
  readonly fix?: string;
}

/** What a statement rule sees: the statement, the schema before it, and where it runs. */
export interface StatementContext {
  readonly dialect: DialectName;
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly statement: AnalysedStatement;
  readonly schema: SchemaState;
  /** The table existed before this migration (or lint never saw it created). */
  existing(table: string): boolean;
  existingColumn(table: string, column: string): boolean;
  /** The file's own BEGIN is open at this statement. */
  readonly inOwnTransaction: boolean;
  /** The table takes part in a rebuild in this file (renamed over, or renamed away and re-created): its rows are carried over. */
  rebuilt(table: string): boolean;
  /**
   * The table holds no row at this statement, whatever the database: created earlier in this
   * file (in an up, by this revision; in an upgrade plan's up, by one of the plan's revisions),
   * not as a SELECT, not carried over by a rebuild, and no INSERT into it since (rows-written.ts).
   */
  empty(table: string): boolean;
}

/** What a file rule sees: every statement of one direction of one migration on one dialect. */
export interface FileContext {
  readonly dialect: DialectName;
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly statements: readonly AnalysedStatement[];
  /** Runs in one transaction (migrate-tui's). */
  readonly transactional: boolean;
  /** For a down: what its up created (tables, columns `t.c`, indexes, types), with the up's line. */
  readonly createdByUp?: ReadonlyMap<string, { what: string; line: number }>;
  readonly schema: SchemaState;
}

export interface Rule {
  readonly code: string;
  readonly dialects: readonly DialectName[];
  readonly severity: Severity;
  /** What it catches, one line. */
  readonly what: string;
  readonly why: string;
  /** The safe pattern, SQL in backticks. */
  readonly doInstead: string;
  /** Directions it looks at (default both). */
  readonly directions?: ReadonlyArray<'up' | 'down'>;
  action?(action: Action, ctx: StatementContext): Hit | null;
  statement?(ctx: StatementContext): Hit | null;
  file?(ctx: FileContext): Hit[];
}

export const q = (name: string) => name;
