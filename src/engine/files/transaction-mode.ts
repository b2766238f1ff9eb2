import type { DialectSyntax } from '../dialects/dialect.js';
import { transactionControl, type TransactionControl } from '../dialects/transaction-control.js';
import type { Statement } from './sql-splitter.js';

export { transactionControl, type TransactionControl } from '../dialects/transaction-control.js';

/** How one file's statements run on one dialect, and why. */
export interface TransactionMode {
  /** The statements to run: a whole-file BEGIN … COMMIT wrapper is removed (the transaction is ours). */
  readonly statements: readonly Statement[];
  /** True: in one transaction with the version and log rows. False: statement by statement, dirty-tracked. */
  readonly transactional: boolean;
  /** Why it runs without a transaction, or that the file's own wrapper was recognised; null when plain. */
  readonly reason: string | null;
  /** The file's own BEGIN … COMMIT around everything was recognised and replaced by ours. */
  readonly wrapperRemoved: boolean;
  /** Lines of transaction control that stay in the statements (they run as written). */
  readonly controlLines: readonly number[];
  /**
   * A streamed (large) file: `statements` is only its first few, for previews; a run reads
   * them all from here, a batch at a time.
   */
  readonly feed?: StatementFeed;
}

/** The statements of a file too large to hold, read a bounded batch at a time. */
export interface StatementFeed {
  readonly count: number;
  /** The file's size in bytes. */
  readonly bytes: number;
  /** Statements from index `from` on (0-based, a recognised wrapper already removed). */
  batches(from: number): Iterable<readonly Statement[]>;
  /**
   * The same statements as texts of many (cut where no statement is open), for a driver that
   * runs a text in one call; only for a transactional file without transaction control.
   */
  texts?(): Iterable<StatementsText>;
}

/** Statements `first`… as one text; `statements()` splits it (to find a failing one). */
export interface StatementsText {
  readonly text: string;
  readonly first: number;
  readonly count: number;
  readonly line: number;
  statements(): Statement[];
}

/** What deciding the transaction mode needs to know of a file's statements (built one statement at a time, so a streamed file needs no array). */
export interface StatementSummary {
  readonly count: number;
  /** Transaction control statements: how many, the first few (index, kind, line), and the last. */
  readonly controlCount: number;
  readonly controls: ReadonlyArray<{ readonly index: number; readonly kind: TransactionControl; readonly line: number }>;
  readonly lastControl: { readonly index: number; readonly kind: TransactionControl; readonly line: number } | null;
  /** The first statement the database refuses inside a transaction block. */
  readonly refused: { readonly what: string; readonly line: number } | null;
}

const KEPT_CONTROLS = 20;

export class StatementSummaryBuilder {
  private count = 0;
  private controlCount = 0;
  private readonly controls: Array<StatementSummary['controls'][number]> = [];
  private lastControl: StatementSummary['lastControl'] = null;
  private refused: StatementSummary['refused'] = null;

  constructor(private readonly dialect: DialectSyntax) {}

  add(statement: Statement): void {
    const index = this.count++;
    const kind = transactionControl(statement.sql);
    if (kind !== null) {
      const control = { index, kind, line: statement.line };
      this.controlCount++;
      if (this.controls.length < KEPT_CONTROLS) this.controls.push(control);
      this.lastControl = control;
    }
    if (!this.refused && this.dialect.transactionalDdl) {
      const rule = this.dialect.outsideTransactionOnly.find((r) => r.pattern.test(statement.sql.trim()));
      if (rule) this.refused = { what: rule.what, line: statement.line };
    }
  }

  result(): StatementSummary {
    return { count: this.count, controlCount: this.controlCount, controls: this.controls, lastControl: this.lastControl, refused: this.refused };
  }
}

export function summarise(statements: readonly Statement[], dialect: DialectSyntax): StatementSummary {
  const builder = new StatementSummaryBuilder(dialect);
  for (const statement of statements) builder.add(statement);
  return builder.result();
}

/** The lines of a summary's control statements, as a message lists them. */
export function controlLineList(summary: StatementSummary): string {
  const lines = summary.controls.map((c) => c.line);
  if (summary.controlCount > lines.length) return `${lines.join(', ')}, … (${summary.controlCount} in all; the last at line ${summary.lastControl!.line})`;
  return lines.join(', ');
}

/** How a migration runs, decided from its statements' summary (see transactionMode). */
export type ModeDecision = Omit<TransactionMode, 'statements'>;

/**
 * Decides how a migration runs: `-- migrate:transaction off` and databases without
 * transactional DDL run statement by statement; so does a file with a statement the
 * database refuses inside a transaction block, or transaction control anywhere but a
 * wrapper around the whole file. A whole-file wrapper is removed and the file runs in ours.
 */
export function transactionMode(statements: readonly Statement[], dialect: DialectSyntax, headerOn: boolean, offReason = '`-- migrate:transaction off`'): TransactionMode {
  const decision = decideTransactionMode(summarise(statements, dialect), dialect, headerOn, offReason);
  return { ...decision, statements: decision.wrapperRemoved ? statements.slice(1, -1) : statements };
}

export function decideTransactionMode(summary: StatementSummary, dialect: DialectSyntax, headerOn: boolean, offReason = '`-- migrate:transaction off`'): ModeDecision {
  const controlLines = summary.controls.map((c) => c.line);
  const first = summary.controls[0];
  const last = summary.lastControl;
  const wrapped = summary.count >= 2 && summary.controlCount === 2 && first!.index === 0 && first!.kind === 'begin' && last!.index === summary.count - 1 && last!.kind === 'commit';
  // As written: the file's own BEGIN/COMMIT run too, and the runner tracks what they commit.
  const asWritten = (reason: string | null): ModeDecision => ({ transactional: false, reason, wrapperRemoved: false, controlLines });

  if (!dialect.transactionalDdl) return asWritten(summary.controlCount > 0 ? `${dialect.name} commits DDL implicitly: the file runs as written, its own transaction control included (line ${controlLineList(summary)})` : null);
  if (!headerOn) return asWritten(offReason);
  if (summary.refused) return asWritten(`${summary.refused.what} (line ${summary.refused.line}) cannot run inside a transaction on ${dialect.name}: the migration runs without one, with dirty-tracking`);
  if (wrapped) {
    const note = `its own BEGIN (line ${first!.line}) … COMMIT (line ${last!.line}) around the whole file is recognised: the transaction is migrate-tui's`;
    return { transactional: true, reason: note, wrapperRemoved: true, controlLines: [] };
  }
  if (summary.controlCount > 0) {
    return asWritten(`the file controls transactions itself (line ${controlLineList(summary)}): it runs as written, statement by statement, with dirty-tracking`);
  }
  return { transactional: true, reason: null, wrapperRemoved: false, controlLines: [] };
}
