import { quoteWith, type DialectSyntax } from './dialect.js';

export const postgresSyntax: DialectSyntax = {
  name: 'postgres',
  names: ['postgres', 'postgresql', 'pg'],
  sectionPreference: ['postgres'],
  transactionalDdl: true,
  splitter: {
    backslashEscapes: false,
    hashComments: false,
    dashCommentNeedsSpace: false,
    dollarQuotes: true,
    escapeStringPrefix: true,
    nestedBlockComments: true,
    bracketIdentifiers: false,
    backtickIdentifiers: false,
    delimiterCommand: false,
  },
  quoteIdentifier: (name) => quoteWith('"', '"', name),
  revisionColumnType: 'VARCHAR(64)',
  beginTransaction: 'BEGIN',
  commitTransaction: 'COMMIT',
};
