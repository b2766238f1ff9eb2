import { hostname, userInfo } from 'node:os';
import { dotenvRefusal, redact, sqlalchemyRelativePath, type ConnectionTarget } from '../connection.js';
import { MigrateTuiError, UsageError } from '../errors.js';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseConnectionError, NoDatabaseError } from './dialect-errors.js';
import type { DatabaseAdapter } from './adapter.js';
import { settleCapabilities, SQLITE_CAPABILITIES, type CapabilitySettings } from './capabilities.js';
import { openWaiting, type WaitingReport } from './connect-wait.js';

/** Who runs migrate-tui and where: recorded in the log and shown to lock waiters. */
export function whoAndWhere(): { user: string; host: string } {
  let user = process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep $USER.
  }
  return { user, host: hostname() };
}

type Opener = (target: ConnectionTarget, lockName: string, options: ConnectOptions) => Promise<DatabaseAdapter>;

/** Whether opening may create the database: only commands that write do (a SQLite file). */
export interface ConnectOptions {
  readonly create?: boolean;
  /**
   * A missing SQLite file opens as an empty in-memory database under the file's name, and
   * nothing is written: how the TUI shows the embedded default before the first upgrade.
   */
  readonly standIn?: boolean;
  /** Told while `--wait` waits for a server that is not up yet (the CLI says it on stderr). */
  readonly waiting?: WaitingReport;
}

/** The SQLite file a target names does not exist yet (so a stand-in would open). */
export function sqliteFileMissing(target: ConnectionTarget): boolean {
  return target.kind === 'sqlite' && !!target.file && target.file !== ':memory:' && !existsSync(target.file);
}

/**
 * A SQLite file is never created by looking: `status`, `check`, the TUI and every read-only
 * command refuse a missing file; a writing command creates it, in a folder that exists.
 */
export function requireSqliteFile(target: ConnectionTarget, options: ConnectOptions): void {
  const file = target.file;
  if (!file || !sqliteFileMissing(target) || options.standIn) return;
  const folderExists = existsSync(dirname(file));
  if (!options.create || !folderExists) throw new NoDatabaseError(target, folderExists, options.create ?? false);
  const mixUp = sqlalchemyMixUp(target);
  if (mixUp) throw mixUp;
}

/**
 * `sqlite:///app.db` is /app.db here (as for dbmate and URLs generally) but app.db in the
 * working directory for SQLAlchemy (alembic.ini). Creating /app.db while ./app.db exists would
 * migrate a new, empty database and say "applied" (seen as root in a container): refused,
 * naming both spellings. Where the file in the working directory does not exist either, the
 * URL is taken as written and the run says it created the file (creationNotice).
 */
export function sqlalchemyMixUp(target: ConnectionTarget): UsageError | null {
  const there = target.sqlalchemyFile;
  if (!there || !target.file || there === target.file || !existsSync(there)) return null;
  const relative = sqlalchemyRelativePath(target.url);
  return new UsageError(
    `${target.display} names ${target.file}, which does not exist yet, while ${there} does: SQLAlchemy (alembic.ini) reads sqlite:///${relative} as the file in the working directory`,
    `write sqlite:./${relative} for ${there}, or sqlite:${target.file} to create ${target.file}; nothing was created`,
    { database: target.display, file: target.file, workingDirectoryFile: there },
  );
}

/** What a writing command says once it has created a missing SQLite file (computed before opening it), or null when the file exists (or the target is a server). */
export function creationNotice(target: ConnectionTarget, options: ConnectOptions): string | null {
  if (!options.create || options.standIn || !sqliteFileMissing(target)) return null;
  return `created the SQLite database ${target.file} (it did not exist)`;
}

/**
 * One opener per kind of URL; a new database is a new adapter file and a line here. Each
 * driver is loaded only when its database is opened: loading all three took ~60 ms of every
 * command's start, including the ones that need no database at all.
 */
const OPENERS: Record<ConnectionTarget['kind'], Opener> = {
  sqlite: async (t, _lockName, options) =>
    new (await import('./sqlite-adapter.js')).SqliteAdapter(options.standIn && sqliteFileMissing(t) ? ':memory:' : t.file!, t.display, t.databaseName, { foreignKeys: t.sqliteForeignKeys ?? false }),
  postgres: async (t, lockName) => {
    const { user, host } = whoAndWhere();
    return (await import('./postgres-adapter.js')).PostgresAdapter.open(t.url, t.display, t.databaseName, lockName, `migrate-tui ${user}@${host} pid ${process.pid}`, t.connectTimeoutMs, capabilitySettings(t));
  },
  mysql: async (t, lockName) => (await import('./mysql-adapter.js')).MysqlAdapter.open(t.url, t.display, t.databaseName, lockName, t.connectTimeoutMs, capabilitySettings(t)),
};

function capabilitySettings(t: ConnectionTarget): { capabilities?: CapabilitySettings; from?: string } {
  return { ...(t.capabilities ? { capabilities: t.capabilities } : {}), ...(t.capabilitiesFrom ? { from: t.capabilitiesFrom } : {}) };
}

export async function connectDatabase(target: ConnectionTarget, lockName: string, options: ConnectOptions = {}): Promise<DatabaseAdapter> {
  const dotenv = dotenvRefusal(target);
  if (dotenv) throw dotenv;
  // A setting SQLite cannot honour is refused before the file is opened.
  if (target.kind === 'sqlite') settleCapabilities(SQLITE_CAPABILITIES, target.capabilities, target.capabilitiesFrom ?? null);
  requireSqliteFile(target, options);
  try {
    const open = (t: ConnectionTarget) => OPENERS[target.kind](t, lockName, options);
    if (!target.waitMs || target.kind === 'sqlite') return await open(target);
    const timeout = target.connectTimeoutMs ?? 10_000;
    return await openWaiting((connectTimeoutMs) => open({ ...target, connectTimeoutMs }), target.waitMs, timeout, options.waiting ?? { waiting: () => undefined, up: () => undefined }, target.display);
  } catch (error) {
    if (error instanceof MigrateTuiError) throw error;
    const reason = (error as { message?: string; code?: string }).message || (error as { code?: string }).code || String(error);
    throw new DatabaseConnectionError(target.display, redact(reason, target), target.kind === 'sqlite', target.source);
  }
}
