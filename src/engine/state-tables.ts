import { qualifiedName, type DialectSyntax } from './dialects/dialect.js';
import { UsageError } from './errors.js';

export { qualifiedName };

/** Names of the state tables; configurable, validated, never pasted raw. */
export interface StateTableNames {
  readonly version: string;
  readonly log: string;
  /** The lease lock's row, on servers without advisory locks (created only there). */
  readonly lock: string;
}

export const DEFAULT_STATE_TABLES: StateTableNames = { version: 'migrate_tui_version', log: 'migrate_tui_log', lock: 'migrate_tui_lock' };

const TABLE_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The names, validated, and never the same table twice (the version rows would land in the log). */
export function stateTableNames(version: string, log: string, lock: string = DEFAULT_STATE_TABLES.lock): StateTableNames {
  const names = { version: validateTableName(version, 'version'), log: validateTableName(log, 'log'), lock: validateTableName(lock, 'lock') };
  const keys = [['versionTable', names.version], ['logTable', names.log], ['lockTable', names.lock]] as const;
  for (const [i, [a, x]] of keys.entries()) {
    const same = keys.slice(i + 1).find(([, y]) => y.toLowerCase() === x.toLowerCase());
    if (same) throw new UsageError(`${a} and ${same[0]} are both "${x}"`, 'give them different names in migrate-tui.config.json (defaults: migrate_tui_version, migrate_tui_log, migrate_tui_lock)', { version, log, lock });
  }
  const text = textTableName(names);
  if (!TABLE_NAME.test(text) || text.toLowerCase() === names.version.toLowerCase() || text.toLowerCase() === names.lock.toLowerCase()) {
    throw new UsageError(`the log table name "${log}" leaves no room for its texts table "${text}"`, `use a log table name of at most ${63 - TEXT_SUFFIX.length} characters (the texts table is the log table's name + "${TEXT_SUFFIX}"), not the version or lock table's name minus "${TEXT_SUFFIX}"`, { log });
  }
  return names;
}

export function validateTableName(name: string, what: string): string {
  if (!TABLE_NAME.test(name)) {
    throw new UsageError(
      `the ${what} table name "${name}" is not allowed`,
      'use letters, digits and "_" (not starting with a digit), at most 63 characters, optionally "schema.table"',
      { name },
    );
  }
  return name;
}


const TEXT_SUFFIX = '_text';

/**
 * The third state table: each SQL text the log keeps, once per content, keyed by its
 * SHA-256 (`<log>_text`, in the log table's schema). Log rows refer to it by that key.
 */
export function textTableName(tables: StateTableNames): string {
  return `${tables.log}${TEXT_SUFFIX}`;
}

/** Every state table (excluded from backups and schema comparisons). */
export function stateTableList(tables: StateTableNames): string[] {
  return [tables.version, tables.log, textTableName(tables), tables.lock];
}

/** The log table's columns that refer to a text in the texts table (NULL: the text is in the row, or there is none). */
export const LOG_TEXT_REFS = [
  ['sql_text', 'sql_text_sha256'],
  ['down_sql', 'down_sql_sha256'],
] as const;

/** The log table's columns: SQL name → LogRow field. */
export const LOG_COLUMNS = [
  ['revision', 'revision'],
  ['direction', 'direction'],
  ['kind', 'kind'],
  ['dialect', 'dialect'],
  ['checksum', 'checksum'],
  ['sql_text', 'sqlText'],
  ['down_sql', 'downSql'],
  ['statements_total', 'statementsTotal'],
  ['statements_done', 'statementsDone'],
  ['status', 'status'],
  ['started_at', 'startedAt'],
  ['finished_at', 'finishedAt'],
  ['duration_ms', 'durationMs'],
  ['os_user', 'osUser'],
  ['host', 'host'],
  ['tool_version', 'toolVersion'],
  ['error', 'error'],
] as const;

/**
 * The statements that create both state tables if missing (idempotent): what `init` and
 * every run execute, and what an offline (`--sql`) script starts with.
 */
export function stateTableDdl(s: DialectSyntax, tables: StateTableNames): string[] {
  const q = (name: string) => s.quoteIdentifier(name);
  const text = s.longTextType;
  return [
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(tables.version, q)} (${q('revision')} ${s.revisionColumnType} NOT NULL PRIMARY KEY)${s.stateTableOptions}`,
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(tables.log, q)} (` +
      [
        `${q('id')} ${s.autoIncrementPrimaryKey}`,
        `${q('revision')} ${s.revisionColumnType} NOT NULL`,
        `${q('direction')} VARCHAR(8) NOT NULL`,
        `${q('kind')} VARCHAR(16) NOT NULL`,
        `${q('dialect')} VARCHAR(16) NOT NULL`,
        `${q('checksum')} VARCHAR(80)`,
        `${q('sql_text')} ${text}`,
        `${q('down_sql')} ${text}`,
        `${q('statements_total')} INTEGER NOT NULL`,
        `${q('statements_done')} INTEGER NOT NULL`,
        `${q('status')} VARCHAR(16) NOT NULL`,
        `${q('started_at')} VARCHAR(32) NOT NULL`,
        `${q('finished_at')} VARCHAR(32)`,
        `${q('duration_ms')} INTEGER`,
        `${q('os_user')} VARCHAR(255) NOT NULL`,
        `${q('host')} VARCHAR(255) NOT NULL`,
        `${q('tool_version')} VARCHAR(32) NOT NULL`,
        `${q('error')} ${text}`,
        ...LOG_TEXT_REFS.map(([, ref]) => `${q(ref)} CHAR(64)`),
      ].join(', ') +
      `)${s.stateTableOptions}`,
  ];
}

/**
 * The texts table; created last by a run (after `logTableUpgrade` on a log of the first
 * layout), so its presence says the log rows may refer to it. An offline script does not
 * create it: it writes its texts into the log rows, which every layout reads.
 */
export function textTableDdl(s: DialectSyntax, tables: StateTableNames): string {
  const q = (name: string) => s.quoteIdentifier(name);
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(textTableName(tables), q)} (${q('text_sha256')} CHAR(64) NOT NULL PRIMARY KEY, ${q('sql_text')} ${s.longTextType} NOT NULL)${s.stateTableOptions}`;
}

/** Adds the reference columns to a log table created before the texts table existed. */
export function logTableUpgrade(s: DialectSyntax, tables: StateTableNames): string[] {
  const q = (name: string) => s.quoteIdentifier(name);
  return LOG_TEXT_REFS.map(([, ref]) => `ALTER TABLE ${qualifiedName(tables.log, q)} ADD COLUMN ${q(ref)} CHAR(64)`);
}

/** The lease lock's columns; times are the server's clock in milliseconds (serverMillis). */
export function lockTableDdl(s: DialectSyntax, table: string): string {
  const q = (name: string) => s.quoteIdentifier(name);
  return (
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(table, q)} (` +
    [
      `${q('name')} VARCHAR(191) NOT NULL PRIMARY KEY`,
      `${q('owner')} VARCHAR(64) NOT NULL`,
      `${q('os_user')} VARCHAR(255) NOT NULL`,
      `${q('host')} VARCHAR(255) NOT NULL`,
      `${q('pid')} INTEGER NOT NULL`,
      `${q('tool_version')} VARCHAR(32) NOT NULL`,
      `${q('started_ms')} BIGINT NOT NULL`,
      `${q('renewed_ms')} BIGINT NOT NULL`,
      `${q('expires_ms')} BIGINT NOT NULL`,
      `${q('heartbeats')} INTEGER NOT NULL`,
    ].join(', ') +
    `)${s.stateTableOptions}`
  );
}
