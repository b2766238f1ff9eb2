import { placeholders, quoteStringLiteral, quoteWith, type DialectSyntax } from './dialect.js';

export const sqliteSyntax: DialectSyntax = {
  name: 'sqlite',
  names: ['sqlite'],
  sectionPreference: ['sqlite'],
  outsideTransactionOnly: [
    { pattern: /^VACUUM\b/i, what: 'VACUUM' },
    // Both are silently ignored inside a transaction: the sqlite3 shell runs them outside one.
    { pattern: /^PRAGMA\s+(?:\w+\.)?foreign_keys\s*=/i, what: 'PRAGMA foreign_keys' },
    { pattern: /^PRAGMA\s+(?:\w+\.)?journal_mode\s*=/i, what: 'PRAGMA journal_mode' },
  ],
  transactionalDdl: true,
  splitter: {
    backslashEscapes: false,
    hashComments: false,
    dashCommentNeedsSpace: false,
    dollarQuotes: false,
    escapeStringPrefix: false,
    nestedBlockComments: false,
    bracketIdentifiers: true,
    backtickIdentifiers: true,
    delimiterCommand: false,
  },
  quoteIdentifier: (name) => quoteWith('"', '"', name),
  stringLiteral: quoteStringLiteral,
  revisionColumnType: 'TEXT',
  beginTransaction: 'BEGIN',
  commitTransaction: 'COMMIT',
  autoIncrementPrimaryKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  longTextType: 'TEXT',
  stateTableOptions: '',
  insertIfAbsent: { into: 'INSERT OR IGNORE INTO', suffix: () => '' },
  readOnly: {
    refused: (error) => String((error as { code?: string } | null)?.code ?? '').startsWith('SQLITE_READONLY'),
    hint: 'the file (or its folder, for the journal) is not writable by this user, or it was opened read-only: fix its permissions',
  },
  serverMillis: "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
  insertRowIfAbsent: (table, columns, values) => `INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})`,
  otherToolColumns: (count) => `SELECT m.name AS table_name, p.name AS column_name, 1 AS here FROM main.sqlite_master m JOIN pragma_table_info(m.name, 'main') p WHERE m.type = 'table' AND m.name IN (${placeholders(count)})`,
};
