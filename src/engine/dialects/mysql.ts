import { quoteWith, type DialectSyntax } from './dialect.js';

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
  revisionColumnType: 'VARCHAR(64)',
  beginTransaction: 'START TRANSACTION',
  commitTransaction: 'COMMIT',
  autoIncrementPrimaryKey: 'BIGINT AUTO_INCREMENT PRIMARY KEY',
  longTextType: 'LONGTEXT',
  stateTableOptions: ' DEFAULT CHARACTER SET utf8mb4',
  // Not INSERT IGNORE: that would also turn a too-long value into a warning.
  multiTableUpdate: true,
  insertIfAbsent: { into: 'INSERT INTO', suffix: (key) => ` ON DUPLICATE KEY UPDATE ${key} = ${key}` },
  serverMillis: 'CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)',
  insertRowIfAbsent: (table, columns, values) => `INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})`,
};
