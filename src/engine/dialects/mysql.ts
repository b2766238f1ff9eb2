import { placeholders, quoteStringLiteral, quoteWith, type DialectSyntax } from './dialect.js';

/** Printable ASCII without a backslash (and tab, CR, LF): reads the same in every sql_mode and character set. */
const PLAIN_ASCII = /^[\t\n\r\x20-\x5b\x5d-\x7e]*$/;

/**
 * '…' with quotes doubled when that reads the same in every session (no backslash, which
 * NO_BACKSLASH_ESCAPES makes plain and the default sql_mode an escape; nothing outside ASCII,
 * which a migration's SET NAMES would make the server read in another character set); else the
 * UTF-8 bytes in hex with their character set named, which no session setting changes.
 */
export function mysqlStringLiteral(value: string): string {
  return PLAIN_ASCII.test(value) ? quoteStringLiteral(value) : `_utf8mb4 X'${Buffer.from(value, 'utf8').toString('hex')}'`;
}

/**
 * `?` placeholders filled in with literals that read the same in every session: mysql2's own
 * escaping writes `\'` and `\n`, which a server or migration with sql_mode NO_BACKSLASH_ESCAPES
 * reads otherwise (a quote in a migration's text then broke its log row). Only as many `?` as
 * values are replaced, as mysql2 does (a migration's statement is sent without values).
 */
export function mysqlQueryFormat(sql: string, values: unknown): string {
  const list = Array.isArray(values) ? values : [];
  let k = 0;
  return list.length === 0 ? sql : sql.replace(/\?/g, (mark) => (k < list.length ? mysqlValue(list[k++]) : mark));
}

function mysqlValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return mysqlStringLiteral(v);
  if (Buffer.isBuffer(v)) return `X'${v.toString('hex')}'`;
  throw new TypeError(`no SQL literal for a ${Object.prototype.toString.call(v)} parameter`);
}

export const mysqlSyntax: DialectSyntax = {
  name: 'mysql',
  names: ['mysql'],
  sectionPreference: ['mysql'],
  // MySQL commits implicitly around every DDL statement.
  // DDL commits implicitly: every migration already runs statement by statement.
  outsideTransactionOnly: [],
  transactionalDdl: false,
  splitter: {
    backslashEscapes: true,
    hashComments: true,
    dashCommentNeedsSpace: true,
    dollarQuotes: false,
    escapeStringPrefix: false,
    nestedBlockComments: false,
    bracketIdentifiers: false,
    backtickIdentifiers: true,
    delimiterCommand: true,
  },
  quoteIdentifier: (name) => quoteWith('`', '`', name),
  stringLiteral: mysqlStringLiteral,
  revisionColumnType: 'VARCHAR(64)',
  beginTransaction: 'START TRANSACTION',
  commitTransaction: 'COMMIT',
  autoIncrementPrimaryKey: 'BIGINT AUTO_INCREMENT PRIMARY KEY',
  longTextType: 'LONGTEXT',
  stateTableOptions: ' DEFAULT CHARACTER SET utf8mb4',
  // Not INSERT IGNORE: that would also turn a too-long value into a warning.
  multiTableUpdate: true,
  insertIfAbsent: { into: 'INSERT INTO', suffix: (key) => ` ON DUPLICATE KEY UPDATE ${key} = ${key}` },
  // 1290 --read-only / super_read_only, 1792 a read-only transaction (transaction_read_only), 1836 read-only mode.
  readOnly: {
    refused: (error) => [1290, 1792, 1836].includes((error as { errno?: number } | null)?.errno ?? 0),
    hint: 'the server or session is read-only (read_only / super_read_only, or transaction_read_only = ON): run changes on the primary, or as a user the server lets write',
  },
  serverMillis: 'CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)',
  insertRowIfAbsent: (table, columns, values) => `INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})`,
  otherToolColumns: (count) =>
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, (table_schema <=> DATABASE()) AS here FROM information_schema.columns WHERE (table_schema = DATABASE() AND table_name IN (${placeholders(count)})) OR (table_schema = 'atlas_schema_revisions' AND table_name = 'atlas_schema_revisions')`,
};
