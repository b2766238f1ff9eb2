import type { Statement } from '../files/sql-splitter.js';
import type { StatementsText } from '../files/transaction-mode.js';
import type { StatementBatch } from '../dialects/adapter.js';
import { joinStatements } from '../plan/step-sql.js';
import type { RunStep } from './steps.js';

/** How many statements a step runs (a streamed file's count comes from its scan). */
export function statementCount(step: RunStep): number {
  return step.feed?.count ?? step.statements.length;
}

/** The most of a step's SQL kept in its log row: a large file's log row holds its start, its size and its checksum. */
export const LOGGED_SQL_BYTES = 256 * 1024;

/** The SQL text a log row keeps: the whole step, or for a large one a bounded excerpt that says what it leaves out. */
export function loggedSql(step: RunStep): string {
  const count = statementCount(step);
  if (!step.feed) {
    const whole = joinStatements(step.statements);
    if (whole.length <= LOGGED_SQL_BYTES) return whole;
  }
  let kept = 0;
  let text = '';
  for (const statement of step.statements) {
    const next = joinStatements([statement]);
    if (text.length + next.length > LOGGED_SQL_BYTES) break;
    text += (kept > 0 ? '\n\n' : '') + next;
    kept++;
  }
  const size = step.feed ? `${step.feed.bytes} bytes, ` : '';
  return `${EXCERPT_MARK} the first ${kept} of ${count} statements (${size}checksum ${step.checksum ?? 'none'}); the file has the rest\n${text}`;
}

/** The first line of a log row's SQL that is an excerpt: it cannot be run or compared as the whole step. */
export const EXCERPT_MARK = '-- migrate-tui log excerpt:';

export function isExcerpt(sqlText: string | null): boolean {
  return sqlText?.startsWith(EXCERPT_MARK) ?? false;
}

/**
 * A step's statements from one index on, in bounded batches, remembering the batch in
 * flight so events and errors can name a statement by its index (a streamed file's
 * statements are not all in memory).
 */
export class StatementCursor {
  private batch: readonly Statement[] = [];
  private batchStart = 0;
  /** The text batch in flight (a large file run as texts of many statements). */
  private text: StatementsText | null = null;
  readonly count: number;

  constructor(private readonly step: RunStep) {
    this.count = statementCount(step);
  }

  *batches(from = 0): Generator<readonly Statement[]> {
    if (!this.step.feed) {
      this.batch = this.step.statements;
      this.batchStart = 0;
      if (from < this.step.statements.length) yield this.step.statements.slice(from);
      return;
    }
    let start = from;
    for (const batch of this.step.feed.batches(from)) {
      this.batch = batch;
      this.batchStart = start;
      yield batch;
      start += batch.length;
    }
  }

  /** The statements as an adapter takes them: lists of SQL texts, or a large file's texts of many. */
  *sqlBatches(): Generator<StatementBatch> {
    const texts = this.step.feed?.texts;
    if (!texts) {
      for (const batch of this.batches()) yield batch.map((s) => s.sql);
      return;
    }
    for (const piece of texts()) {
      this.text = piece;
      this.batch = [];
      yield { text: piece.text, count: piece.count, statements: () => this.split(piece).map((s) => s.sql) };
    }
  }

  /** The statements of a text batch, split once (only when a statement in it must be named). */
  private split(piece: StatementsText): Statement[] {
    if (this.batchStart !== piece.first || this.batch.length === 0) {
      this.batch = piece.statements();
      this.batchStart = piece.first;
    }
    return this.batch as Statement[];
  }

  /**
   * Statement `k` if it is in memory (every statement of a small step; the batch in flight of
   * a streamed one). In a text batch only its first is named, by line, unless `exact` asks
   * for the batch to be split (an error must name the statement).
   */
  at(k: number, exact = false): Statement | undefined {
    if (!this.step.feed) return this.step.statements[k];
    const text = this.text;
    if (text && k >= text.first && k < text.first + text.count) {
      if (exact) return this.split(text)[k - text.first];
      if (k === text.first) return { sql: `-- statements ${text.first + 1}–${text.first + text.count} of the file, run as one text`, line: text.line, endLine: text.line };
      return undefined;
    }
    return this.batch[k - this.batchStart] ?? (k < this.step.statements.length ? this.step.statements[k] : undefined);
  }
}
