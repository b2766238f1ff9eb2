import { CONFIG_FILE, EMBEDDED_DEFAULT, sqlalchemyRelativePath, type ConnectionTarget } from '../connection.js';
import { MigrateTuiError } from '../errors.js';

/** Errors an adapter raises while connecting or waiting for the migration lock. */

export class DatabaseConnectionError extends MigrateTuiError {
  /** `source`: where the URL came from (ConnectionTarget.source); a fleet target's or verify's is named, not the settings it did not come from. */
  constructor(display: string, reason: string, file = false, source?: string) {
    const from = source === undefined || SETTINGS.has(source) ? '--url, DATABASE_URL, DB_* variables or migrate-tui.config.json' : `it comes from ${source}`;
    super(
      'connection-failed',
      `cannot ${file ? 'open' : 'connect to'} ${display}: ${reason}`,
      file
        ? `check that the path names a SQLite database file you may read and write (${source === undefined || SETTINGS.has(source) ? `the URL comes from ${from}` : from})`
        : `check the URL (${from}) and that the server is running`,
      { database: display },
    );
  }
}

/** The sources of the one database a command uses (connection.ts): its URL may come from any of them. */
const SETTINGS = new Set(['--url', 'DATABASE_URL', 'DATABASE_PROVIDER and DB_* variables', CONFIG_FILE, EMBEDDED_DEFAULT]);

/**
 * better-sqlite3's native module is missing (its install script did not run: npm 11.19+ skips
 * scripts its allowScripts does not approve) or was built for another Node.js (a version
 * switched since the install). The driver's own text lists a dozen searched paths and the
 * connection error's hint blamed the database file.
 */
export class SqliteDriverError extends MigrateTuiError {
  constructor(reason: string) {
    const other = /NODE_MODULE_VERSION/.test(reason);
    super(
      'sqlite-driver-missing',
      other
        ? `SQLite's driver (better-sqlite3) was built for another Node.js version than this one (${process.version})`
        : `SQLite's driver (better-sqlite3) has no native module (its install script did not run, or its build failed)`,
      `run \`npm rebuild better-sqlite3\` where migrate-tui is installed (it compiles: python3, make and g++)${other ? '' : '; with npm 11.19 or later allow it first (`npm install-scripts approve better-sqlite3`, or --allow-scripts=better-sqlite3 for -g)'}. PostgreSQL and MySQL work without it`,
      { reason: reason.split('\n')[0] },
    );
  }
}

/** A SQLite URL names a file that does not exist (or a file in a folder that does not exist). */
export class NoDatabaseError extends MigrateTuiError {
  constructor(target: ConnectionTarget, folderExists: boolean, creating: boolean) {
    const path = target.display.replace(/^[a-z0-9]+:/i, '');
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.';
    const source =
      target.source === EMBEDDED_DEFAULT ? 'it is the embedded default, used when no --url, DATABASE_URL, DATABASE_PROVIDER or "url" in migrate-tui.config.json is set' : `it comes from ${target.source}`;
    super(
      'no-database',
      creating
        ? `cannot create the SQLite database ${path}: the folder ${folder} does not exist`
        : `no database at ${path}; \`upgrade\` creates it${folderExists ? '' : ` (its folder ${folder} does not exist either)`}`,
      creating || !folderExists
        ? `create the folder (mkdir -p ${folder}), or fix the path (${source})`
        : `check the path (${source})${sqlalchemyStyle(target)}; \`migrate-tui upgrade\` creates the file and applies the migrations`,
      { database: target.display, source: target.source },
    );
  }
}

/**
 * `sqlite:///app.db` is an absolute path here (/app.db) but a relative one in SQLAlchemy's URLs
 * (alembic.ini): said, with the spelling migrate-tui reads as the file in the working directory.
 */
function sqlalchemyStyle(target: ConnectionTarget): string {
  const x = sqlalchemyRelativePath(target.url);
  return x ? `; SQLAlchemy (alembic.ini) reads sqlite:///${x} as ${x} in the working directory, migrate-tui as /${x}: write sqlite:./${x} for the former` : '';
}

/** The run's first write (the state tables) was refused: the database takes no writes on this session. */
export class ReadOnlyDatabaseError extends MigrateTuiError {
  constructor(
    private readonly display: string,
    private readonly reason: string,
    private readonly advice: string,
    noBackup = false,
  ) {
    super('read-only-database', `${display} takes no writes (${reason}); nothing was written to it${noBackup ? ', and no backup was taken' : ''}`, `${advice}; status, current, history and --sql only read, and work on it`, { database: display, reason });
  }

  /** The same refusal, said where it came before the backup a run takes first. */
  beforeBackup(): ReadOnlyDatabaseError {
    return new ReadOnlyDatabaseError(this.display, this.reason, this.advice, true);
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
