import { quoteStringLiteral, type DialectSyntax } from '../dialects/dialect.js';
import type { RevisionGraph } from '../graph/graph.js';
import { migrationRun } from '../files/migration-sql.js';
import type { Plan } from './planner.js';
import { versionRows } from './planner.js';
import { qualifiedName, type StateTableNames } from '../state-tables.js';

/**
 * The SQL a plan would run on one dialect, as a script: each migration's statements,
 * wrapped in a transaction where the dialect and file allow, followed by the version-table
 * change. Like Alembic's --sql: nothing touches a database.
 */
export function renderPlanSql(graph: RevisionGraph, plan: Plan, applied: ReadonlySet<string>, dialect: DialectSyntax, tables: StateTableNames): string {
  const table = qualifiedName(tables.version, dialect.quoteIdentifier);
  const col = dialect.quoteIdentifier('revision');
  const out: string[] = [];
  out.push(`-- migrate-tui ${plan.direction} to ${plan.target} for ${dialect.name}: ${plan.steps.length} revision${plan.steps.length === 1 ? '' : 's'}`);
  out.push(`-- heads before: ${plan.headsBefore.join(', ') || 'base'}; after: ${plan.headsAfter.join(', ') || 'base'}`);
  out.push('');
  out.push(`CREATE TABLE IF NOT EXISTS ${table} (${col} ${dialect.revisionColumnType} NOT NULL PRIMARY KEY);`);

  const state = new Set(applied);
  for (const id of plan.steps) {
    const migration = graph.get(id);
    const direction = plan.direction === 'upgrade' ? 'up' : 'down';
    const before = versionRows(graph, state);
    direction === 'up' ? state.add(id) : state.delete(id);
    const after = versionRows(graph, state);
    const run = migrationRun(migration, direction, dialect);
    const wrap = run.transactional;
    out.push('');
    out.push(`-- ${direction === 'up' ? 'Running upgrade' : 'Running downgrade'} ${id}: ${migration.message}`);
    out.push(`-- file: ${direction === 'up' ? migration.upPath : migration.downPath}`);
    if (run.reason) out.push(`-- ${wrap ? '' : 'runs without a transaction: '}${run.reason}`);
    if (wrap) out.push(`${dialect.beginTransaction};`);
    for (const statement of run.statements) out.push(terminate(statement.sql, dialect));
    for (const sql of versionTableChange(before, after, table, col)) out.push(`${sql};`);
    if (wrap) out.push(`${dialect.commitTransaction};`);
  }
  return out.join('\n') + '\n';
}

/** Statements that move the version rows from one set to another (UPDATE when one replaces one). */
export function versionTableChange(before: readonly string[], after: readonly string[], table: string, col: string): string[] {
  const removed = before.filter((id) => !after.includes(id));
  const added = after.filter((id) => !before.includes(id));
  if (removed.length === 1 && added.length === 1) {
    return [`UPDATE ${table} SET ${col} = ${quoteStringLiteral(added[0]!)} WHERE ${col} = ${quoteStringLiteral(removed[0]!)}`];
  }
  return [
    ...removed.map((id) => `DELETE FROM ${table} WHERE ${col} = ${quoteStringLiteral(id)}`),
    ...added.map((id) => `INSERT INTO ${table} (${col}) VALUES (${quoteStringLiteral(id)})`),
  ];
}

/** A statement with `;` inside (a routine body) needs DELIMITER for the mysql client. */
function terminate(sql: string, dialect: DialectSyntax): string {
  if (dialect.splitter.delimiterCommand && sql.includes(';')) return `DELIMITER $$\n${sql}$$\nDELIMITER ;`;
  return `${sql};`;
}
