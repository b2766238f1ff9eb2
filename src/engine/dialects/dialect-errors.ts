import { MigrateTuiError } from '../errors.js';

/** Errors an adapter raises while connecting or waiting for the migration lock. */

export class DatabaseConnectionError extends MigrateTuiError {
  constructor(display: string, reason: string) {
    super('connection-failed', `cannot connect to ${display}: ${reason}`, 'check the URL (--url, DATABASE_URL, DB_* variables or migrate-tui.config.json) and that the server is running', { database: display });
  }
}

export class LockTimeoutError extends MigrateTuiError {
  constructor(timeoutMs: number, holder: string | null, display: string) {
    super(
      'lock-timeout',
      `another migrate-tui run holds the migration lock on ${display}${holder ? ` (${holder})` : ''}; gave up after ${Math.round(timeoutMs / 100) / 10} s`,
      'wait for it to finish and run again, or raise --lock-timeout <seconds>',
      { holder, timeoutMs },
    );
  }
}

/** Rows that break a foreign key after a migration ran with enforcement on (SQLite's foreign_key_check). */
export class ForeignKeyViolationError extends MigrateTuiError {
  constructor(readonly violations: readonly string[]) {
    super(
      'foreign-key-violation',
      `the migration leaves ${violations.length} row${violations.length === 1 ? '' : 's'} that break a foreign key: ${violations.slice(0, 5).join('; ')}${violations.length > 5 ? `; and ${violations.length - 5} more` : ''}`,
      'fix the data in the migration (or its order), or turn enforcement off with "sqlite": {"foreignKeys": false} in migrate-tui.config.json',
      { violations },
    );
  }
}
