import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { jsonErrorOffset, lineAt } from './json-position.js';
import { safeDecode } from './url-redaction.js';
import { dotenvDatabaseUrl, otherToolDatabaseSetting, type UnreadSetting } from './unread-settings.js';
import { foreignUrlSetting } from './url-settings.js';
export { maskUrl, redact } from './url-redaction.js';
import type { DialectName } from './dialects/dialect.js';
import { findDialect, knownDialectSpellings } from './dialects/registry.js';
import { checkCapabilityObject, type CapabilitySettings } from './dialects/capabilities.js';

/** Where the database is, parsed from a URL. The password never leaves this object unmasked. */
export interface ConnectionTarget {
  /** `mysql` also covers MariaDB until the server says which it is. */
  readonly kind: 'sqlite' | 'postgres' | 'mysql';
  /** The URL as given (with the password) — only for the driver. */
  readonly url: string;
  /** For SQLite: the file path (or `:memory:`). */
  readonly file?: string;
  /** Shown to people: the URL with the password replaced by `***`. */
  readonly display: string;
  /** The database (or file) name, for confirmations. */
  readonly databaseName: string;
  /** Which setting the URL came from. */
  readonly source: string;
  readonly dialectHint?: DialectName;
  /** SQLite: enforce foreign keys on the connection (off by default, as in the sqlite3 shell). */
  readonly sqliteForeignKeys?: boolean;
  /** The whole connection handshake must finish within this (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** `--wait`: a server that is not up yet is tried again for this long (connect-wait.ts). */
  readonly waitMs?: number;
  /** Capabilities set rather than detected (--capabilities, a fleet target's, the config file's), and where from. */
  readonly capabilities?: CapabilitySettings;
  readonly capabilitiesFrom?: string;
  /** `sqlite:///x` (three slashes): the file SQLAlchemy would open, x in the working directory (this target's file is /x). */
  readonly sqlalchemyFile?: string;
  /** The embedded default only: `./.env` sets DATABASE_URL (dbmate's convention), which migrate-tui does not read. */
  readonly dotenv?: string;
  /** The embedded default only: DATABASE_URL is set, but empty (a deploy's `DATABASE_URL=$SECRET` with the secret missing). */
  readonly emptyDatabaseUrl?: boolean;
  /** The embedded default only: another tool's setting names a database (flyway.conf's url, GOOSE_DBSTRING), which migrate-tui does not read. */
  readonly unreadSetting?: UnreadSetting;
}

export const DEFAULT_URL = 'sqlite:./migrate-tui.sqlite';
/** The `source` of the target when no setting names a database. */
export const EMBEDDED_DEFAULT = 'the embedded default';
export const CONFIG_FILE = 'migrate-tui.config.json';

/** `migrate-tui.config.json`: every field optional. */
export interface ConfigFile {
  readonly url?: string;
  readonly migrations?: string;
  readonly seeds?: string;
  readonly versionTable?: string;
  readonly logTable?: string;
  /** The lease lock's table (servers without advisory locks). */
  readonly lockTable?: string;
  /** The lease: how long it lasts without a heartbeat, and how often the heartbeat renews it (seconds). */
  readonly lease?: { readonly duration?: number; readonly heartbeat?: number };
  /** Capabilities to set instead of detecting them (e.g. {"advisoryLocks": false}). */
  readonly capabilities?: CapabilitySettings;
  readonly backups?: string;
  /** Where `dump` writes the schema, and upgrade/downgrade/stamp/resolve write it again after a change (dbmate's db/schema.sql). */
  readonly schemaFile?: string;
  /** Seconds to wait for another runner's lock. */
  readonly lockTimeout?: number;
  /** Seconds the whole connection handshake may take (default 10). */
  readonly connectTimeout?: number;
  /** The dialects the project targets: `check` validates these (default: all). Canonical names once read. */
  readonly dialects?: readonly DialectName[];
  /** SQLite connection settings. */
  readonly sqlite?: { readonly foreignKeys?: boolean };
  /** Lock discipline of transactional migrations (PostgreSQL): seconds (0 = off) and tries. */
  readonly locks?: { readonly timeout?: number; readonly statementTimeout?: number; readonly tries?: number };
  /** Lint: codes to disable, a severity per code (`off` disables). */
  readonly lint?: { readonly disable?: readonly string[]; readonly severity?: Readonly<Record<string, 'error' | 'warning' | 'notice' | 'off'>> };
}

export function readConfigFile(cwd: string): ConfigFile {
  const path = resolve(cwd, CONFIG_FILE);
  if (!existsSync(path)) return {};
  let parsed: unknown;
  const text = readFileSync(path, 'utf8');
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quoted the text around the error (a password in "url" with it) and gave no line.
    const offset = text.trim() === '' ? null : jsonErrorOffset(text);
    const line = offset === null ? null : lineAt(text, offset);
    throw new UsageError(`${CONFIG_FILE}${line === null ? '' : `:${line}`}: not valid JSON${line === null ? (text.trim() === '' ? ' (empty)' : '') : ` (line ${line})`}`, `fix ${path}, or remove it`, { path, ...(line === null ? {} : { line }) });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${CONFIG_FILE} must hold a JSON object`, 'e.g. {"url": "postgres://user@localhost/app", "migrations": "db/migrations"}', { path });
  }
  const config = parsed as Record<string, unknown>;
  const known = ['url', 'migrations', 'seeds', 'versionTable', 'logTable', 'lockTable', 'lease', 'capabilities', 'backups', 'schemaFile', 'lockTimeout', 'connectTimeout', 'dialects', 'sqlite', 'lint', 'locks'];
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) throw new UsageError(`${CONFIG_FILE}: unknown setting "${key}"`, `known settings: ${known.join(', ')}`, { path, key });
    const value = config[key];
    if (key === 'dialects') {
      if (!Array.isArray(value) || value.length === 0 || value.some((d) => typeof d !== 'string')) {
        throw new UsageError(`${CONFIG_FILE}: "dialects" must be a non-empty list of dialect names`, 'e.g. "dialects": ["sqlite"] or ["postgres", "mysql"]', { path, key });
      }
      const unknown = (value as string[]).filter((d) => !findDialect(d));
      if (unknown.length > 0) throw new UsageError(`${CONFIG_FILE}: unknown dialect${unknown.length === 1 ? '' : 's'} in "dialects": ${unknown.join(', ')}`, `use: ${knownDialectSpellings()}`, { path, key });
      config[key] = (value as string[]).map((d) => findDialect(d)!.name);
      continue;
    }
    if (key === 'lint') {
      checkLintConfig(value, path);
      continue;
    }
    if (key === 'locks') {
      const v = value as Record<string, unknown> | null;
      const ok = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(v).every(([k, x]) => ['timeout', 'statementTimeout', 'tries'].includes(k) && typeof x === 'number' && x >= 0 && (k !== 'tries' || (Number.isInteger(x) && x >= 1)));
      if (!ok) throw new UsageError(`${CONFIG_FILE}: "locks" must be an object like {"timeout": 5, "statementTimeout": 0, "tries": 3}`, 'timeout and statementTimeout in seconds (0 turns it off); tries a whole number, 1 or more', { path, key });
      continue;
    }
    if (key === 'capabilities') {
      checkCapabilityObject(value, CONFIG_FILE);
      continue;
    }
    if (key === 'lease') {
      const v = value as Record<string, unknown> | null;
      const ok = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(v).every(([k, x]) => ['duration', 'heartbeat'].includes(k) && typeof x === 'number' && x > 0);
      if (!ok) throw new UsageError(`${CONFIG_FILE}: "lease" must be an object like {"duration": 30, "heartbeat": 10}`, 'seconds, above 0 (decimals allowed); the heartbeat must be shorter than the duration', { path, key });
      continue;
    }
    if (key === 'sqlite') {
      const v = value as Record<string, unknown> | null;
      const ok = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).every((k) => k === 'foreignKeys' && typeof v[k] === 'boolean');
      if (!ok) throw new UsageError(`${CONFIG_FILE}: "sqlite" must be an object like {"foreignKeys": true}`, 'the only SQLite setting is "foreignKeys" (true or false; default false, as in the sqlite3 shell)', { path, key });
      continue;
    }
    const seconds = key === 'lockTimeout' || key === 'connectTimeout';
    if (seconds ? typeof value !== 'number' || value < 0 || (key === 'connectTimeout' && value === 0) : typeof value !== 'string') {
      throw new UsageError(`${CONFIG_FILE}: "${key}" must be ${seconds ? `a number of seconds${key === 'connectTimeout' ? ' above 0' : ''}` : 'a string'}`, `fix ${path}`, { path, key });
    }
  }
  return config as ConfigFile;
}

/** `lint`: {"disable": ["PG101"], "severity": {"DS401": "error", "MY206": "off"}}. Codes are checked against the catalogue by the CLI when it reads the file (src/cli/lint-codes.ts). */
function checkLintConfig(value: unknown, path: string): void {
  const hint = 'e.g. "lint": {"disable": ["MY206"], "severity": {"DS401": "error"}} (severities: error, warning, notice, off)';
  const v = value as Record<string, unknown> | null;
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const ok =
    isObject(v) &&
    Object.keys(v).every((k) => k === 'disable' || k === 'severity') &&
    (v.disable === undefined || (Array.isArray(v.disable) && v.disable.every((c) => typeof c === 'string'))) &&
    (v.severity === undefined || (isObject(v.severity) && Object.values(v.severity).every((s) => s === 'error' || s === 'warning' || s === 'notice' || s === 'off')));
  if (!ok) throw new UsageError(`${CONFIG_FILE}: "lint" must be an object with "disable" (a list of rule codes) and/or "severity" (code → error, warning, notice or off)`, hint, { path, key: 'lint' });
}

/**
 * The database URL, by precedence: --url, DATABASE_URL, DATABASE_PROVIDER with DB_HOST,
 * DB_PORT, DB_USER, DB_PASSWORD, DB_NAME, the config file, the embedded SQLite default.
 */
export function resolveConnection(
  options: { url?: string | undefined; cwd: string; env: Readonly<Record<string, string | undefined>>; config: ConfigFile; connectTimeout?: number | undefined },
): ConnectionTarget {
  const target = connectionFromSettings(options);
  if (target.kind === 'sqlite') return { ...target, sqliteForeignKeys: options.config.sqlite?.foreignKeys ?? false };
  return { ...target, connectTimeoutMs: (options.connectTimeout ?? options.config.connectTimeout ?? 10) * 1000 };
}

function connectionFromSettings(options: { url?: string | undefined; cwd: string; env: Readonly<Record<string, string | undefined>>; config: ConfigFile }): ConnectionTarget {
  const { env } = options;
  if (options.url) return parseDatabaseUrl(options.url, '--url', options.cwd);
  if (env.DATABASE_URL) return parseDatabaseUrl(env.DATABASE_URL, 'DATABASE_URL', options.cwd);
  if (env.DATABASE_PROVIDER) return parseDatabaseUrl(urlFromParts(env), 'DATABASE_PROVIDER and DB_* variables', options.cwd);
  if (options.config.url) return parseDatabaseUrl(options.config.url, CONFIG_FILE, options.cwd);
  const dotenv = dotenvDatabaseUrl(options.cwd); // dbmate reads .env itself: its users' DATABASE_URL is often only there
  const empty = env.DATABASE_URL !== undefined;
  const unread = otherToolDatabaseSetting(options.cwd, env);
  return { ...parseDatabaseUrl(DEFAULT_URL, EMBEDDED_DEFAULT, options.cwd), ...(dotenv ? { dotenv } : {}), ...(empty ? { emptyDatabaseUrl: true } : {}), ...(unread ? { unreadSetting: unread } : {}) };
}

/**
 * The embedded default when a .env beside it sets DATABASE_URL, a flyway.conf its url (or
 * GOOSE_DBSTRING is set), or DATABASE_URL is set but empty: another database was meant, not this one (`DATABASE_URL=$PROD_URL migrate-tui --yes
 * upgrade` with PROD_URL unset migrated a new ./migrate-tui.sqlite and exited 0).
 */
export function dotenvRefusal(target: ConnectionTarget): UsageError | null {
  if (target.source !== EMBEDDED_DEFAULT) return null;
  if (target.emptyDatabaseUrl) {
    return new UsageError(
      `DATABASE_URL is set but empty, and nothing else names a database: migrate-tui would use the embedded default ${DEFAULT_URL} instead`,
      `set DATABASE_URL to the database's URL (is the variable or secret it is set from missing?), or pass --url; to use the embedded default, unset DATABASE_URL or pass --url ${DEFAULT_URL}`,
      { source: EMBEDDED_DEFAULT, emptyDatabaseUrl: true },
    );
  }
  const unread = target.unreadSetting;
  if (!target.dotenv && unread) {
    return new UsageError(
      `${unread.said}, which migrate-tui does not read, and nothing else names a database: it would use the embedded default ${DEFAULT_URL} instead`,
      `pass --url (or set DATABASE_URL) with that database as a URL: ${unread.hint}; to use the embedded default anyway, pass --url ${DEFAULT_URL}`,
      { source: EMBEDDED_DEFAULT, setting: unread.said },
    );
  }
  if (!target.dotenv) return null;
  return new UsageError(
    `${target.dotenv} sets DATABASE_URL, but migrate-tui reads the environment only (dbmate reads .env; migrate-tui does not), and nothing else names a database: it would use the embedded default ${DEFAULT_URL} instead`,
    `export it first (\`set -a; . ${target.dotenv}; set +a\`), or pass --url; to use the embedded default anyway, pass --url ${DEFAULT_URL}`,
    { source: EMBEDDED_DEFAULT, dotenv: target.dotenv },
  );
}

function urlFromParts(env: Readonly<Record<string, string | undefined>>): string {
  const provider = env.DATABASE_PROVIDER!.toLowerCase();
  const name = env.DB_NAME ?? '';
  if (provider === 'sqlite') {
    if (!name) throw new UsageError('DATABASE_PROVIDER=sqlite needs DB_NAME (the database file)', 'set DB_NAME=./app.sqlite');
    return `sqlite:${name}`;
  }
  const scheme = ({ postgres: 'postgres', postgresql: 'postgres', pg: 'postgres', mysql: 'mysql', mariadb: 'mariadb' } as Record<string, string>)[provider];
  if (!scheme) throw new UsageError(`DATABASE_PROVIDER "${env.DATABASE_PROVIDER}" is not supported`, 'use postgres, mysql, mariadb or sqlite');
  // The URL is built from the variables: the hint names the variable, never a URL to edit.
  if (!name) throw new UsageError(`DATABASE_PROVIDER=${env.DATABASE_PROVIDER} needs DB_NAME (the database to migrate)`, 'set DB_NAME=<database>, e.g. DB_NAME=app');
  const user = env.DB_USER ? encodeURIComponent(env.DB_USER) + (env.DB_PASSWORD ? ':' + encodeURIComponent(env.DB_PASSWORD) : '') + '@' : '';
  const host = env.DB_HOST ?? 'localhost';
  const port = env.DB_PORT ? `:${env.DB_PORT}` : '';
  return `${scheme}://${user}${host}${port}/${encodeURIComponent(name)}`;
}

export function parseDatabaseUrl(url: string, source: string, cwd: string): ConnectionTarget {
  const scheme = /^([a-z0-9+]+):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite' || scheme === 'sqlite3' || scheme === 'file') {
    let file = url.slice(scheme.length + 1);
    if (file.startsWith('//')) file = file.slice(2); // sqlite:///abs/path or sqlite://./rel
    file = file.replace(/^\/{2,}/, '/'); // SQLAlchemy's sqlite:////abs/path: one path, not //abs/path (shown as sqlite://abs/…)
    file = file.split('?')[0]!;
    if (file === '') throw new UsageError(`the SQLite URL "${url}" names no file`, 'write sqlite:./app.sqlite or sqlite:///var/data/app.sqlite', { source });
    const path = file === ':memory:' ? file : isAbsolute(file) ? file : resolve(cwd, file);
    const alchemy = sqlalchemyRelativePath(url);
    return { kind: 'sqlite', url, file: path, display: `sqlite:${file}`, databaseName: file.split('/').pop()!, source, dialectHint: 'sqlite', ...(alchemy ? { sqlalchemyFile: resolve(cwd, safeDecode(alchemy)) } : {}) };
  }
  // golang-migrate's MySQL URLs carry the Go driver's DSN (`user:pass@tcp(host:3306)/db`), which no URL parser reads.
  const goDsn = /^(mysql|mariadb):\/\/([^@]*@)?(?:tcp|unix)\(([^)]*)\)(\/.*)?$/i.exec(url);
  if (goDsn) throw new UsageError(`cannot read the database URL from ${source}: its tcp(…) host is the Go MySQL driver's spelling (golang-migrate's URLs), not a URL's`, `write it as ${goDsn[1]!.toLowerCase()}://user:pass@host:3306/db (the host and port without tcp(…))`, { source });
  let parsed: URL;
  const encodingHint = 'a password (or user name) with @ # / ? % or : must be percent-encoded in a URL (@ → %40, # → %23, / → %2F, ? → %3F, % → %25, : → %3A); DB_PASSWORD takes it as it is';
  // A raw @ # / or ? in the password is the usual cause of an unreadable URL: say so first.
  const userInfo = /^[a-z0-9+]+:\/\/(.*)@/i.exec(url)?.[1] ?? '';
  const suspect = /[@#/?]/.test(userInfo) || /^[a-z0-9+]+:\/\/[^/]*#/i.test(url);
  const unreadable = () =>
    new UsageError(
      `cannot read the database URL from ${source}${suspect ? ': its user name or password seems to hold a character that must be percent-encoded' : ''}`,
      suspect ? encodingHint : `use postgres://user:pass@host:5432/db, mysql://user:pass@host:3306/db, or sqlite:./file.sqlite; ${encodingHint}`,
      { source },
    );
  try {
    parsed = new URL(url);
  } catch {
    throw unreadable();
  }
  // `mysql://app:p@s#s@host/db` parses, but as host "s" and a fragment holding the rest.
  if (parsed.hash.includes('@') || (suspect && /[#?]/.test(userInfo) && parsed.hash !== '')) throw unreadable();
  for (const [part, value] of [['user name', parsed.username], ['password', parsed.password], ['database name', parsed.pathname]] as const) {
    try {
      decodeURIComponent(value);
    } catch {
      // Name the part, never its text: it may be the password.
      throw new UsageError(`the database URL from ${source} has a bad percent-escape in its ${part}`, encodingHint, { source, part });
    }
  }
  const kind = scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : scheme === 'mysql' || scheme === 'mariadb' ? 'mysql' : null;
  if (!kind) {
    // SQLAlchemy's dialect+driver (alembic.ini's sqlalchemy.url): the same URL without the driver.
    const plain = scheme?.includes('+') ? scheme.slice(0, scheme.indexOf('+')) : null;
    const sqlalchemy = plain === 'postgresql' || plain === 'postgres' || plain === 'mysql' || plain === 'mariadb' ? `; "${scheme}" is SQLAlchemy's dialect+driver spelling: write ${plain}:// (the rest as it is)` : '';
    // golang-migrate's PostgreSQL schemes (its pgx drivers).
    const pgx = scheme === 'pgx' || scheme === 'pgx4' || scheme === 'pgx5' ? `; "${scheme}:" is golang-migrate's pgx driver: write postgres:// (the rest as it is)` : '';
    // Flyway's JDBC URLs (flyway.conf, spring.datasource.url) keep the user and password apart.
    const jdbc = scheme === 'jdbc' ? `; a JDBC URL (Flyway's) is written without \`jdbc:\`, with the user and password in it: ${/^jdbc:(postgresql|mysql|mariadb):/i.exec(url)?.[1]?.toLowerCase() ?? 'postgresql'}://user:pass@host/db` : '';
    throw new UsageError(`unsupported database URL scheme "${scheme ?? '?'}:" (from ${source})`, `use postgres://, postgresql://, mysql://, mariadb:// or sqlite:${sqlalchemy}${pgx}${jdbc}`, { source });
  }
  const foreign = foreignUrlSetting(kind, parsed.searchParams, source);
  if (foreign) throw foreign;
  const databaseName = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!databaseName) throw new UsageError(`the database URL from ${source} names no database`, `add it after the host: ${scheme}://host/<database>`, { source });
  return { kind, url, display: displayUrl(parsed), databaseName, source, ...(scheme === 'mariadb' ? { dialectHint: 'mariadb' as const } : {}) };
}

/** What people see: built from the parsed URL, so the password is masked whatever characters it holds. */
/** `sqlite:///x` (three slashes): x, the path SQLAlchemy reads relative to the working directory (here it is /x); else null. */
export function sqlalchemyRelativePath(url: string): string | null {
  return /^sqlite:\/\/\/([^/?][^?]*)/i.exec(url)?.[1] ?? null;
}

function displayUrl(parsed: URL): string {
  const user = parsed.username ? `${parsed.username}${parsed.password ? ':***' : ''}@` : parsed.password ? ':***@' : '';
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}${parsed.search}`;
}
