import { quoteWith, type DialectSyntax } from './dialect.js';

export const sqliteSyntax: DialectSyntax = {
  name: 'sqlite',
  names: ['sqlite'],
  sectionPreference: ['sqlite'],
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
  revisionColumnType: 'TEXT',
  beginTransaction: 'BEGIN',
  commitTransaction: 'COMMIT',
  autoIncrementPrimaryKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  longTextType: 'TEXT',
};
