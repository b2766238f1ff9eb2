import type { DialectSyntax } from '../dialects/dialect.js';
import { transactionControl } from '../dialects/transaction-control.js';
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
}

/**
 * Decides how a migration runs: `-- migrate:transaction off` and databases without
 * transactional DDL run statement by statement; so does a file with a statement the
 * database refuses inside a transaction block, or transaction control anywhere but a
 * wrapper around the whole file. A whole-file wrapper is removed and the file runs in ours.
 */
export function transactionMode(statements: readonly Statement[], dialect: DialectSyntax, headerOn: boolean, offReason = '`-- migrate:transaction off`'): TransactionMode {
  const control = statements.map((s) => transactionControl(s.sql));
  const controlLines = statements.filter((_, k) => control[k] !== null).map((s) => s.line);
  const wrapped = statements.length >= 2 && control[0] === 'begin' && control[control.length - 1] === 'commit' && control.slice(1, -1).every((c) => c === null);
  // As written: the file's own BEGIN/COMMIT run too, and the runner tracks what they commit.
  const asWritten = (reason: string | null): TransactionMode => ({ statements, transactional: false, reason, wrapperRemoved: false, controlLines });

  if (!dialect.transactionalDdl) return asWritten(controlLines.length > 0 ? `${dialect.name} commits DDL implicitly: the file runs as written, its own transaction control included (line ${controlLines.join(', ')})` : null);
  if (!headerOn) return asWritten(offReason);
  const body = wrapped ? statements.slice(1, -1) : statements;
  for (const statement of body) {
    const refused = dialect.outsideTransactionOnly.find((rule) => rule.pattern.test(statement.sql.trim()));
    if (refused) return asWritten(`${refused.what} (line ${statement.line}) cannot run inside a transaction on ${dialect.name}: the migration runs without one, with dirty-tracking`);
  }
  if (wrapped) {
    const note = `its own BEGIN (line ${statements[0]!.line}) … COMMIT (line ${statements[statements.length - 1]!.line}) around the whole file is recognised: the transaction is migrate-tui's`;
    return { statements: body, transactional: true, reason: note, wrapperRemoved: true, controlLines: [] };
  }
  if (controlLines.length > 0) {
    return asWritten(`the file controls transactions itself (line ${controlLines.join(', ')}): it runs as written, statement by statement, with dirty-tracking`);
  }
  return { statements, transactional: true, reason: null, wrapperRemoved: false, controlLines: [] };
}
