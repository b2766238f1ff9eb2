import type { DialectSyntax } from '../dialects/dialect.js';
import { migrationChecksum, migrationRun, migrationStatements } from '../files/migration-sql.js';
import type { Statement } from '../files/sql-splitter.js';
import type { StatementFeed } from '../files/transaction-mode.js';
import type { RevisionGraph } from '../graph/graph.js';

/** Statements as stored in the log: joined so they split back the same way. */
export function joinStatements(statements: readonly Statement[]): string {
  // A statement whose last line has a comment gets its `;` on a line of its own.
  return statements.map((s) => (/--|#/.test(s.sql.split('\n').pop()!) ? `${s.sql}\n;` : `${s.sql};`)).join('\n\n');
}

/**
 * One direction of a revision as a run records it, for one dialect: the statements and
 * whether (and why not) in a transaction, the checksum, and on upgrade the resolved down
 * SQL stored so it can be reverted without its files. Online runs and offline scripts
 * both build their steps and log rows from this.
 */
export interface StepSql {
  readonly statements: readonly Statement[];
  readonly transactional: boolean;
  readonly reason: string | null;
  readonly checksum: string;
  readonly downSql: string | null;
  /** A streamed (large) file's statements: `statements` then holds only its first few. */
  readonly feed?: StatementFeed;
}

export function stepSql(graph: RevisionGraph, dialect: DialectSyntax, id: string, direction: 'up' | 'down'): StepSql {
  const m = graph.get(id);
  const run = migrationRun(m, direction, dialect);
  return {
    statements: run.statements,
    transactional: run.transactional,
    reason: run.reason ?? null,
    checksum: migrationChecksum(m, dialect),
    // A streamed down is not stored (it would be the whole file): reverting it needs its file.
    downSql: direction === 'up' && m.down && !m.down.streamed ? joinStatements(migrationStatements(m, 'down', dialect)) : null,
    ...(run.feed ? { feed: run.feed } : {}),
  };
}
