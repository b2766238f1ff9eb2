import { hostname, userInfo } from 'node:os';
import { redact, type ConnectionTarget } from '../connection.js';
import { MigrateTuiError } from '../errors.js';
import { DatabaseConnectionError } from './dialect-errors.js';
import type { DatabaseAdapter } from './adapter.js';

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

type Opener = (target: ConnectionTarget, lockName: string) => Promise<DatabaseAdapter>;

/**
 * One opener per kind of URL; a new database is a new adapter file and a line here. Each
 * driver is loaded only when its database is opened: loading all three took ~60 ms of every
 * command's start, including the ones that need no database at all.
 */
const OPENERS: Record<ConnectionTarget['kind'], Opener> = {
  sqlite: async (t) => new (await import('./sqlite-adapter.js')).SqliteAdapter(t.file!, t.display, t.databaseName, { foreignKeys: t.sqliteForeignKeys ?? false }),
  postgres: async (t, lockName) => {
    const { user, host } = whoAndWhere();
    return (await import('./postgres-adapter.js')).PostgresAdapter.open(t.url, t.display, t.databaseName, lockName, `migrate-tui ${user}@${host} pid ${process.pid}`, t.connectTimeoutMs);
  },
  mysql: async (t, lockName) => (await import('./mysql-adapter.js')).MysqlAdapter.open(t.url, t.display, t.databaseName, lockName, t.connectTimeoutMs),
};

export async function connectDatabase(target: ConnectionTarget, lockName: string): Promise<DatabaseAdapter> {
  try {
    return await OPENERS[target.kind](target, lockName);
  } catch (error) {
    if (error instanceof MigrateTuiError) throw error;
    const reason = (error as { message?: string; code?: string }).message || (error as { code?: string }).code || String(error);
    throw new DatabaseConnectionError(target.display, redact(reason, target));
  }
}
