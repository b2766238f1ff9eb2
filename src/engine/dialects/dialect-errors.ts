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
