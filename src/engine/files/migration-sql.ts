import { dialectChecksum } from './checksum.js';
import type { DialectSyntax } from '../dialects/dialect.js';
import { DIALECTS } from '../dialects/registry.js';
import type { Migration } from './migration-folder.js';
import { problem, type FileProblem } from '../problems.js';
import { splitWithDelimited } from './delimited-statements.js';
import { splitText, type Statement } from './sql-splitter.js';
import type { SqlSource, StreamedFile } from './sql-source.js';
import { decideTransactionMode, transactionMode, type StatementsText, type TransactionMode } from './transaction-mode.js';

type Split = { readonly statements: readonly Statement[]; readonly problems: readonly FileProblem[] };

/**
 * Each file is split once per dialect: a run validates the files it runs, then runs them
 * (and stores the down SQL), from the same split (read-only arrays, shared). Files over
 * CACHE_LIMIT characters are split again when needed rather than held; streamed files
 * have their own scan.
 */
const splits = new WeakMap<SqlSource, Map<string, Split>>();
const CACHE_LIMIT = 1 << 20;

/**
 * The statements one dialect runs for one file, with their lines, plus splitting problems.
 * `keep: false`: not remembered (a caller going through every file once, like the TUI's
 * history lint, would otherwise hold every split for as long as the project lives).
 */
export function sourceStatements(source: SqlSource, dialect: DialectSyntax, keep = true): Split {
  // A large file: the first statements (previews), and the problems of a pass over all of it.
  if (source.streamed) {
    const scan = source.streamed.scan(dialect);
    return { statements: scan.excerpt, problems: scan.problems };
  }
  const cached = splits.get(source)?.get(dialect.name);
  if (cached) return cached;
  const split = splitSource(source, dialect);
  if (keep && source.text.length <= CACHE_LIMIT) {
    const byDialect = splits.get(source) ?? new Map<string, Split>();
    byDialect.set(dialect.name, split);
    splits.set(source, byDialect);
  }
  return split;
}

function splitSource(source: SqlSource, dialect: DialectSyntax): Split {
  const { statements, problems } = splitWithDelimited(source.resolvedLines(dialect.name), dialect.splitter, source.delimitedRanges(dialect.name));
  return {
    statements,
    problems: problems.map((p) =>
      problem('unterminated-quote', source.pathFor(dialect.name), p.line, `${p.message} in the ${dialect.name} SQL`, 'close it; everything after it would be sent as one statement'),
    ),
  };
}

export function migrationStatements(migration: Migration, direction: 'up' | 'down', dialect: DialectSyntax): readonly Statement[] {
  const source = direction === 'up' ? migration.up : migration.down;
  return source ? sourceStatements(source, dialect).statements : [];
}

export function migrationChecksum(migration: Migration, dialect: DialectSyntax): string {
  return dialectChecksum(migration.up, dialect.name);
}

/**
 * How one direction of a migration runs on one dialect: its statements and whether in one
 * transaction. The file's own layout can turn the transaction off (goose `NO TRANSACTION`,
 * dbmate `transaction:false`, popx `.autocommit`), for one dialect's file or one direction.
 */
export function migrationRun(migration: Migration, direction: 'up' | 'down', dialect: DialectSyntax, use: RunReading = {}): TransactionMode {
  const source = use.source !== undefined ? use.source : direction === 'up' ? migration.up : migration.down;
  const own = source?.transactionOff(dialect.name) ?? null;
  const reason = own ?? (migration.transaction ? null : migration.up.transactionOff(dialect.name));
  if (source?.streamed) return streamedMode(source, dialect, migration.transaction && own === null, reason ?? undefined);
  const statements = source ? sourceStatements(source, dialect, use.keep ?? true).statements : [];
  return transactionMode(statements, dialect, migration.transaction && own === null, reason ?? undefined);
}

/** How migrationRun reads: this source instead of the migration's own (a down file read for one use), and whether the split is remembered. */
export interface RunReading {
  readonly source?: SqlSource | null;
  readonly keep?: boolean;
}

/** How a streamed file runs: decided from one pass over it; its statements come from a feed. */
export function streamedMode(source: SqlSource, dialect: DialectSyntax, headerOn: boolean, offReason?: string): TransactionMode {
  const file = source.streamed!;
  const scan = file.scan(dialect);
  const decision = decideTransactionMode(scan.summary, dialect, headerOn, offReason);
  const skip = decision.wrapperRemoved ? 1 : 0;
  const count = scan.summary.count - 2 * skip;
  return {
    ...decision,
    statements: scan.excerpt.slice(skip, skip + count),
    feed: {
      count,
      bytes: file.bytes,
      batches: (from) => file.batches(dialect, from + skip, skip + count),
      ...(decision.transactional && skip === 0 && scan.summary.controlCount === 0 ? { texts: () => statementTexts(file, dialect) } : {}),
    },
  };
}

/** How a migration runs where that is worth saying: without a transaction, or with its own wrapper recognised. */
export interface TransactionNote {
  readonly revision: string;
  readonly dialect: string;
  readonly direction: 'up' | 'down';
  readonly transactional: boolean;
  readonly reason: string;
}

export function transactionNotes(migration: Migration, dialects: readonly DialectSyntax[] = DIALECTS): TransactionNote[] {
  const notes: TransactionNote[] = [];
  for (const dialect of dialects) {
    for (const direction of ['up', 'down'] as const) {
      if (direction === 'down' && !migration.down) continue;
      const run = migrationRun(migration, direction, dialect);
      if (run.reason) notes.push({ revision: migration.id, dialect: dialect.name, direction, transactional: run.transactional, reason: run.reason });
    }
  }
  return notes;
}

function* statementTexts(file: StreamedFile, dialect: DialectSyntax): Generator<StatementsText> {
  for (const piece of file.textBatches(dialect)) {
    yield {
      text: piece.text,
      first: piece.first,
      count: piece.count,
      line: piece.lineOffset + 1,
      statements: () => splitText(piece.text, dialect.splitter, { lineOffset: piece.lineOffset, delimiter: piece.delimiter, more: false }).statements,
    };
  }
}
