import type { DialectName, DialectSyntax } from '../dialects/dialect.js';
import { findDialect } from '../dialects/registry.js';
import type { FileProblem } from '../problems.js';
import type { HeaderName, SectionName } from './directives.js';
import type { Statement } from './sql-splitter.js';
import type { StatementSummary } from './transaction-mode.js';

/** What a read file is to the rest of the engine: its SQL per dialect, headers and problems. */

/** A `-- migrate:<name> <value>` header line of an up file. */
export interface HeaderDirective {
  readonly name: HeaderName;
  readonly value: string;
  readonly line: number;
}

export type SourceKind = 'up' | 'down' | 'seed';

/** Lines `from`…`to` (1-based, inclusive). */
export interface LineRange {
  readonly from: number;
  readonly to: number;
}

/**
 * What a file's layout adds to its text (goose and dbmate sections, popx names): the text
 * parsed is the section with every other line blanked; `display` is the whole file.
 */
export interface SourceShape {
  readonly display?: string;
  /** Ranges that are one statement each, whatever they contain (goose StatementBegin/End). */
  readonly delimited?: readonly LineRange[];
  /** Why this file runs without a transaction (goose NO TRANSACTION, popx `.autocommit`…). */
  readonly transactionOff?: string | null;
}

export interface SqlSource {
  readonly path: string;
  readonly kind: SourceKind;
  readonly text: string;
  readonly headers: readonly HeaderDirective[];
  readonly problems: readonly FileProblem[];
  /** True when some line outside directives is neither blank nor a `--` comment. */
  readonly hasContent: boolean;
  /** For every block: the section name that a dialect runs (its own, a fallback, `default`), or null. */
  sectionChoice(dialect: DialectName): Array<{ blockLine: number; section: SectionName | null }>;
  /** The file's lines with everything this dialect does not run blanked out. */
  resolvedLines(dialect: DialectName): string[];
  /** Only the lines this dialect runs (no directives), for checksums. */
  selectedLines(dialect: DialectName): string[];
  /** Line ranges this dialect runs as one statement each (goose StatementBegin … StatementEnd). */
  delimitedRanges(dialect: DialectName): readonly LineRange[];
  /** Why this file runs without a transaction on this dialect, or null (see SourceShape). */
  transactionOff(dialect: DialectName): string | null;
  /** The file this dialect's SQL comes from (popx keeps one file per dialect; else `path`). */
  pathFor(dialect: DialectName): string;
  /**
   * Set for a file too large to hold (see streamed-source.ts): then `text`, `resolvedLines`
   * and `selectedLines` cover an excerpt only, and the whole file is read through this.
   */
  readonly streamed?: StreamedFile;
}

/** A large file, read a chunk at a time whenever it is needed. */
export interface StreamedFile {
  readonly bytes: number;
  readonly lines: number;
  /** Lines kept in memory for previews (`text`, `resolvedLines`). */
  readonly excerptLines: number;
  checksum(dialect: DialectName): string;
  /** One pass over the whole file for a dialect (cached): what deciding and checking need. */
  scan(dialect: DialectSyntax): StatementScan;
  /** Statements `from` (inclusive) to `to` (exclusive) in file order, a bounded batch at a time. */
  batches(dialect: DialectSyntax, from: number, to: number): Iterable<readonly Statement[]>;
  /**
   * The whole file as texts of many statements each, cut where the scan found no statement
   * open: for a driver that runs a text of statements in one call (SQLite), no second split.
   */
  textBatches(dialect: DialectSyntax): Iterable<TextOfStatements>;
}

/** Statements `first`…`first + count - 1` as one text, whose first line is `lineOffset + 1`. */
export interface TextOfStatements {
  readonly text: string;
  readonly lineOffset: number;
  readonly first: number;
  readonly count: number;
  readonly delimiter: string;
}

export interface StatementScan {
  readonly summary: StatementSummary;
  /** Splitting problems (unterminated quotes…), as FileProblems. */
  readonly problems: readonly FileProblem[];
  /** The first statements, for previews. */
  readonly excerpt: readonly Statement[];
  /** Ends of chunks where no statement was open: the last line, and the statements before it. */
  readonly checkpoints: ReadonlyArray<{ readonly line: number; readonly statements: number; readonly delimiter: string }>;
}

/** Which of several sections (each naming dialects or `default`) a dialect runs: its own, a fallback, `default`; -1 for none. */
export function chooseSection(dialect: DialectName, sections: ReadonlyArray<readonly SectionName[]>): { index: number; name: SectionName | null } {
  for (const wanted of [...findDialect(dialect)!.sectionPreference, 'default' as const]) {
    const index = sections.findIndex((names) => names.includes(wanted));
    if (index >= 0) return { index, name: wanted };
  }
  return { index: -1, name: null };
}
