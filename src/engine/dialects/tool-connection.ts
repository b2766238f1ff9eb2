import type { ConnectionTarget } from '../connection.js';

/** How a client tool (pg_dump, psql, mariadb-dump, mariadb) reaches the target: arguments, and the secrets in the environment. */
export interface ToolConnection {
  /** Host, port, user (and for PostgreSQL the database) as arguments: never the password. */
  readonly args: string[];
  /** The password (PGPASSWORD, MYSQL_PWD) and PostgreSQL's connect timeout and sslmode. */
  readonly env: Record<string, string>;
  /** The URL's database. */
  readonly database: string;
  /** The URL, parsed (mariadb: read as mysql:). */
  readonly url: URL;
}

/** Whole seconds of the connection's timeout (default 10 s), as the client tools take it. */
export function connectSeconds(target: ConnectionTarget): number {
  return Math.max(1, Math.ceil((target.connectTimeoutMs ?? 10_000) / 1000));
}

/**
 * PostgreSQL's tools: `--host --port --dbname [--username]`; PGPASSWORD, PGCONNECT_TIMEOUT (the
 * connection's own timeout: a server that does not answer ends the tool, never hangs it) and
 * PGSSLMODE from the URL's sslmode.
 */
export function postgresToolConnection(target: ConnectionTarget): ToolConnection {
  const u = new URL(target.url);
  const user = decodeURIComponent(u.username);
  const database = decodeURIComponent(u.pathname.slice(1));
  const args = ['--host', decodeURIComponent(u.hostname) || 'localhost', '--port', u.port || '5432', '--dbname', database];
  if (user) args.push('--username', user);
  const env: Record<string, string> = { PGCONNECT_TIMEOUT: String(connectSeconds(target)), ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return { args, env, database, url: u };
}

/**
 * MySQL/MariaDB's tools: `--no-defaults` (no option file read: the URL says it all), host,
 * port, TCP and the user as arguments; the password in MYSQL_PWD, never in argv.
 */
export function mysqlToolConnection(target: ConnectionTarget): ToolConnection {
  const u = new URL(target.url.replace(/^mariadb:/i, 'mysql:'));
  const user = decodeURIComponent(u.username);
  const args = ['--no-defaults', `--host=${decodeURIComponent(u.hostname) || 'localhost'}`, `--port=${u.port || '3306'}`, '--protocol=TCP'];
  if (user) args.push(`--user=${user}`);
  return { args, env: u.password ? { MYSQL_PWD: decodeURIComponent(u.password) } : {}, database: decodeURIComponent(u.pathname.slice(1)), url: u };
}

/** pg_dump --restrict-key, and psql's \restrict: from the August 2025 releases (13.22, 14.19, 15.14, 16.10, 17.6) on. */
export function restrictKeySupported(major: number, minor: number): boolean {
  const since: Record<number, number> = { 13: 22, 14: 19, 15: 14, 16: 10, 17: 6 };
  return major > 17 || (since[major] !== undefined && minor >= since[major]!);
}
