import { dialectChecksum } from './checksum.js';
import type { DialectSyntax } from '../dialects/dialect.js';
import type { Migration } from './migration-folder.js';
import { problem, type FileProblem } from '../problems.js';
import { splitStatements, type Statement } from './sql-splitter.js';
import type { SqlSource } from './sql-source.js';

/** The statements one dialect runs for one file, with their lines, plus splitting problems. */
export function sourceStatements(source: SqlSource, dialect: DialectSyntax): { statements: Statement[]; problems: FileProblem[] } {
  const { statements, problems } = splitStatements(source.resolvedLines(dialect.name), dialect.splitter);
  return {
    statements,
    problems: problems.map((p) =>
      problem('unterminated-quote', source.path, p.line, `${p.message} in the ${dialect.name} SQL`, 'close it; everything after it would be sent as one statement'),
    ),
  };
}

export function migrationStatements(migration: Migration, direction: 'up' | 'down', dialect: DialectSyntax): Statement[] {
  const source = direction === 'up' ? migration.up : migration.down;
  return source ? sourceStatements(source, dialect).statements : [];
}

export function migrationChecksum(migration: Migration, dialect: DialectSyntax): string {
  return dialectChecksum(migration.up, dialect.name);
}
