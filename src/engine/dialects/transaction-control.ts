/** A statement that opens, commits or rolls back a transaction (not a savepoint, not a routine body). */
export type TransactionControl = 'begin' | 'commit' | 'rollback';

const BEGIN = /^(?:BEGIN(?:\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE))?(?:\s+(?:TRANSACTION|WORK))?(?:\s+ISOLATION\s+LEVEL\b.*|\s+READ\s+(?:ONLY|WRITE)\b.*)?|START\s+TRANSACTION\b.*)$/is;
const COMMIT = /^(?:COMMIT|END)(?:\s+(?:TRANSACTION|WORK))?(?:\s+AND\s+(?:NO\s+)?CHAIN)?$/i;
const ROLLBACK = /^(?:ROLLBACK|ABORT)(?:\s+(?:TRANSACTION|WORK))?(?:\s+AND\s+(?:NO\s+)?CHAIN)?$/i;

/**
 * What a statement does to the transaction. `BEGIN NOT ATOMIC …` (a MariaDB compound
 * statement), `BEGIN … END` inside a routine and `ROLLBACK TO SAVEPOINT` are not control.
 */
export function transactionControl(sql: string): TransactionControl | null {
  const text = sql.trim();
  if (BEGIN.test(text)) return 'begin';
  if (COMMIT.test(text)) return 'commit';
  if (ROLLBACK.test(text)) return 'rollback';
  return null;
}
