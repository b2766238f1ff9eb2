import type { DialectName } from '../dialects/dialect.js';

/** What lint knows about one statement: the schema changes it makes, as far as it could tell. */

export type Severity = 'error' | 'warning' | 'notice';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** One column as a CREATE TABLE or ADD COLUMN defines it. */
export interface ColumnSpec {
  readonly name: string;
  /** The type as written, upper-cased, without the constraints (`VARCHAR(20)`, `ENUM('a','b')`). */
  readonly type: string;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
  /** The default's text, when there is one. */
  readonly defaultText?: string;
  /** The default calls a volatile function (random(), gen_random_uuid(), nextval…): PostgreSQL rewrites the table. */
  readonly defaultVolatile: boolean;
  /** The default is a literal (SQLite accepts only constants in ADD COLUMN). */
  readonly defaultConstant: boolean;
  /** `REFERENCES <table>` written on the column itself. */
  readonly references?: string;
  readonly primaryKey: boolean;
  readonly unique: boolean;
  /** SERIAL/BIGSERIAL, GENERATED … STORED, identity: every row gets a value computed now. */
  readonly computed: boolean;
}

export type ConstraintKind = 'foreign-key' | 'check' | 'unique' | 'primary-key' | 'other';

/** A schema change one statement makes. Names are as written, unquoted; tables without their schema. */
export type Action =
  | { readonly kind: 'create-table'; readonly table: string; readonly columns: readonly ColumnSpec[]; readonly asSelect: boolean }
  | { readonly kind: 'drop-table'; readonly table: string }
  | { readonly kind: 'rename-table'; readonly table: string; readonly to: string }
  | { readonly kind: 'add-column'; readonly table: string; readonly column: ColumnSpec }
  | { readonly kind: 'drop-column'; readonly table: string; readonly column: string }
  | { readonly kind: 'rename-column'; readonly table: string; readonly column: string; readonly to: string }
  /** ALTER COLUMN … TYPE (PostgreSQL), MODIFY/CHANGE (MySQL: `spec` is the whole new definition). */
  | { readonly kind: 'alter-column-type'; readonly table: string; readonly column: string; readonly type: string; readonly spec?: ColumnSpec; readonly newName?: string }
  | { readonly kind: 'set-not-null'; readonly table: string; readonly column: string }
  /** SET/DROP DEFAULT, DROP NOT NULL and the like: cheap where supported, refused by SQLite. */
  | { readonly kind: 'alter-column-other'; readonly table: string; readonly column: string; readonly what: string }
  | { readonly kind: 'add-constraint'; readonly table: string; readonly constraint: ConstraintKind; readonly name?: string; readonly notValid: boolean; readonly usingIndex: boolean; readonly columns: readonly string[] }
  | { readonly kind: 'drop-constraint'; readonly table: string; readonly name?: string; readonly what: string }
  | { readonly kind: 'create-index'; readonly table: string; readonly index: string; readonly unique: boolean; readonly concurrently: boolean; readonly columns: readonly string[] }
  | { readonly kind: 'drop-index'; readonly index: string; readonly table?: string; readonly concurrently: boolean }
  | { readonly kind: 'truncate'; readonly table: string }
  | { readonly kind: 'delete-all'; readonly table: string }
  | { readonly kind: 'rewrite'; readonly how: 'REINDEX' | 'VACUUM FULL' | 'CLUSTER'; readonly table?: string; readonly concurrently: boolean }
  | { readonly kind: 'create-type'; readonly type: string; readonly values?: readonly string[] }
  | { readonly kind: 'drop-type'; readonly type: string }
  | { readonly kind: 'add-enum-value'; readonly type: string; readonly value: string; readonly positioned: boolean }
  /** MySQL table options that copy the table: ALGORITHM=COPY, CONVERT TO CHARACTER SET. */
  | { readonly kind: 'table-copy'; readonly table: string; readonly what: string }
  | { readonly kind: 'pragma'; readonly name: string }
  | { readonly kind: 'transaction'; readonly what: 'begin' | 'commit' | 'rollback' };

/** One statement as lint sees it. */
export interface AnalysedStatement {
  readonly sql: string;
  readonly line: number;
  readonly actions: readonly Action[];
  /** False: lint could not tell what the statement does (no rule ran on its meaning). */
  readonly analysed: boolean;
  /** A schema statement (MySQL commits each implicitly). */
  readonly ddl: boolean;
  /** The dialect's real parser refused the statement: the database will too. */
  readonly parseError?: string;
}

export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  /** The databases it concerns (one finding for MySQL and MariaDB when both say the same). */
  readonly dialects: readonly DialectName[];
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly path: string;
  readonly line: number;
  /** One line naming the table and column. */
  readonly message: string;
  readonly table?: string;
  readonly column?: string;
  /** The columns of a new unique index or constraint (DS408), for counting duplicates. */
  readonly columns?: readonly string[];
  /** SQL that does it safely, for this statement (the rule's do-instead is general). */
  readonly fix?: string;
  /** Set when a `-- migrate:lint-ignore` or the config silenced it: the reason. */
  readonly suppressed?: string;
  /** Read from a live database (`lint --counts`): "users: 1,234 rows; 0 NULLs in email". */
  readonly data?: string;
}
