/**
 * What the engine needs to know about one database's SQL, without a connection.
 * Each database is one file in this folder exporting a `DialectSyntax`; the registry
 * lists them. The runtime adapters (connections, locks) build on these objects.
 */
export type DialectName = 'postgres' | 'mysql' | 'mariadb' | 'sqlite';

/** How statements are tokenised for splitting: the lexical rules that differ by database. */
export interface SplitterRules {
  /** `\'` escapes inside '…' and "…" strings (MySQL's default sql_mode). */
  readonly backslashEscapes: boolean;
  /** `#` starts a line comment (MySQL). */
  readonly hashComments: boolean;
  /** `--` only starts a comment when followed by white space (MySQL). */
  readonly dashCommentNeedsSpace: boolean;
  /** `$tag$ … $tag$` strings (PostgreSQL). */
  readonly dollarQuotes: boolean;
  /** `E'…'` strings with backslash escapes (PostgreSQL). */
  readonly escapeStringPrefix: boolean;
  /** Block comments nest (PostgreSQL). */
  readonly nestedBlockComments: boolean;
  /** `[name]` quoted identifiers (SQLite). */
  readonly bracketIdentifiers: boolean;
  /** `` `name` `` quoted identifiers (MySQL, SQLite). */
  readonly backtickIdentifiers: boolean;
  /** The client-side `DELIMITER //` command (MySQL). */
  readonly delimiterCommand: boolean;
}

export interface DialectSyntax {
  readonly name: DialectName;
  /** Names accepted in `-- migrate:dialect` lines and `--dialect`, the canonical name first. */
  readonly names: readonly string[];
  /** Sections tried, in order, before `default` (mariadb falls back to mysql). */
  readonly sectionPreference: readonly DialectName[];
  /** DDL runs inside a transaction and rolls back with it. */
  readonly transactionalDdl: boolean;
  /**
   * Statements the database refuses (or silently ignores) inside a transaction block: a
   * migration containing one runs without a wrapping transaction, with dirty-tracking.
   */
  readonly outsideTransactionOnly: ReadonlyArray<{ readonly pattern: RegExp; readonly what: string }>;
  readonly splitter: SplitterRules;
  quoteIdentifier(name: string): string;
  /**
   * A string as a literal that reads back unchanged whatever the session's settings say
   * (MySQL's sql_mode NO_BACKSLASH_ESCAPES, SET NAMES; PostgreSQL's standard_conforming_strings):
   * the tool's own rows and offline scripts, which a migration's SET may precede.
   */
  stringLiteral(value: string): string;
  /** Type of the revision column in the state tables. */
  readonly revisionColumnType: string;
  readonly beginTransaction: string;
  readonly commitTransaction: string;
  /** Column definition of the log table's generated key. */
  readonly autoIncrementPrimaryKey: string;
  /** A text type that holds a whole migration's SQL. */
  readonly longTextType: string;
  /**
   * Appended to each state table's CREATE TABLE: MySQL's `DEFAULT CHARACTER SET utf8mb4`, as a
   * database created with the server's latin1 default would give the tables latin1 columns that
   * keep a migration's non-Latin text as '?' (then resumed from the log, or compared, wrongly).
   */
  readonly stateTableOptions: string;
  /** An INSERT that does nothing when the key (a quoted column) is already there: `${into} t (…) VALUES (…)${suffix(key)}`. */
  readonly insertIfAbsent: { readonly into: string; suffix(key: string): string };
  /** `UPDATE a, b SET a.x = ?, b.y = ? WHERE …` changes two tables in one statement (MySQL/MariaDB). */
  readonly multiTableUpdate?: boolean;
  /**
   * `BEGIN NOT ATOMIC … END` runs several statements, a transaction included, in one round trip
   * (MariaDB). `unparsed(error)`: the server refused the block before running any of it (a
   * sql_mode such as ORACLE reads another syntax), so the same work may be done another way.
   */
  readonly compoundStatement?: { unparsed(error: unknown): boolean };
  /** The server refused a write because the session or server is read-only (`refused`), and how that is changed (`hint`). */
  readonly readOnly: { refused(error: unknown): boolean; readonly hint: string };
  /** The server's clock in milliseconds since 1970, as SQL: the lease lock compares times on the server only. */
  readonly serverMillis: string;
  /** `INSERT … VALUES (…)` that does nothing when the key exists; its row count says whether it inserted (MySQL: INSERT IGNORE, as ON DUPLICATE KEY counts a found row with mysql2's FOUND_ROWS). */
  insertRowIfAbsent(table: string, columns: readonly string[], values: readonly string[]): string;
  /**
   * The catalogue query that finds other migration tools' tables (run/other-tools.ts): the
   * columns (`table_name`, `column_name`) of those of `count` table names (`?` parameters) that
   * exist in the connection's current schema (PostgreSQL), database (MySQL) or main file (SQLite),
   * with `here` true; and, with `here` false, those of Atlas's `atlas_schema_revisions` table in
   * the schema (database) of that name, where Atlas keeps it when its URL names no schema.
   */
  otherToolColumns(count: number): string;
}

export function quoteWith(open: string, close: string, name: string): string {
  return open + name.split(close).join(close + close) + close;
}

export function quoteStringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Quotes a possibly schema-qualified name part by part. */
export function qualifiedName(name: string, quote: (part: string) => string): string {
  return name.split('.').map(quote).join('.');
}

/** `?, ?, ?`: `count` placeholders. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
