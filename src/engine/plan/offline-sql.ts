import { quoteStringLiteral, type DialectSyntax } from '../dialects/dialect.js';
import type { RevisionGraph } from '../graph/graph.js';
import { whoAndWhere } from '../dialects/connect.js';
import type { Plan } from './planner.js';
import { VersionRows } from './version-rows.js';
import { joinStatements, stepSql } from './step-sql.js';
import { LOG_COLUMNS, qualifiedName, stateTableDdl, type StateTableNames } from '../state-tables.js';

/** Where an offline script says it was planned from, and who planned it with which tool version. */
export interface OfflineScriptOptions {
  readonly toolVersion: string;
  /** The state planned from, e.g. `database sqlite:app.db at 2026…` or `--from base`. */
  readonly plannedFrom: string;
  /** Timestamps of the log rows (default: now). */
  readonly now?: Date;
  /**
   * Applied revisions whose files are missing, when planned from a database: the header names
   * them (the plan's heads, made from the files, cannot).
   */
  readonly missing?: readonly string[];
}

/**
 * The SQL a plan would run on one dialect, as a script: the state tables created if
 * missing (the DDL every online run uses), then each migration's statements, wrapped in a
 * transaction where the dialect and file allow, followed by the same bookkeeping an online
 * run writes: the version-table change and a `done` log row (revision, direction, dialect,
 * checksum, the SQL, the down SQL…). A database updated from the script reads, to
 * `status`, `check`, `upgrade` and the TUI, exactly like one updated online. Like
 * Alembic's --sql: nothing touches a database.
 */
export function renderPlanSql(...args: Parameters<typeof renderPlanSqlChunks>): string {
  let text = '';
  for (const chunk of renderPlanSqlChunks(...args)) text += chunk;
  return text;
}

/**
 * The same script a piece at a time (the header, then one piece per step), so a command can
 * write it as it is made: at 50,000 revisions the whole text held at once cost 500 MB and
 * most of the run went to collecting garbage.
 */
export function* renderPlanSqlChunks(
  graph: RevisionGraph,
  plan: Plan,
  applied: ReadonlySet<string>,
  dialect: DialectSyntax,
  tables: StateTableNames,
  options: OfflineScriptOptions = { toolVersion: 'unknown', plannedFrom: 'unknown' },
): Generator<string> {
  const table = qualifiedName(tables.version, dialect.quoteIdentifier);
  const col = dialect.quoteIdentifier('revision');
  const log = qualifiedName(tables.log, dialect.quoteIdentifier);
  const who = whoAndWhere();
  const at = (options.now ?? new Date()).toISOString();
  let out: string[] = [];
  // The log row's column list, quoted once for every row.
  const insertLog = `INSERT INTO ${log} (${LOG_COLUMNS.map(([c]) => dialect.quoteIdentifier(c)).join(', ')}) VALUES (`;
  out.push(`-- migrate-tui ${plan.direction} to ${plan.target} for ${dialect.name}: ${plan.steps.length} revision${plan.steps.length === 1 ? '' : 's'}`);
  out.push(`-- planned by migrate-tui ${options.toolVersion} (${who.user}@${who.host}, ${at}) from ${options.plannedFrom}`);
  out.push(`-- heads before: ${plan.headsBefore.join(', ') || 'base'}; after: ${plan.headsAfter.join(', ') || 'base'}`);
  const missing = options.missing ?? [];
  if (missing.length > 0) {
    const one = missing.length === 1;
    out.push(`-- ${missing.join(', ')} ${one ? 'is' : 'are'} applied but ${one ? 'its' : 'their'} files are missing: this script does not touch ${one ? 'it' : 'them'}, and an upgrade that applies anything is refused until ${one ? 'its' : 'their'} files are back or ${one ? 'it is' : 'they are'} reverted`);
  }
  out.push('');
  for (const ddl of stateTableDdl(dialect, tables)) out.push(`${ddl};`);
  yield out.join('\n') + '\n';

  const state = new VersionRows(graph, applied);
  let after = state.rows();
  for (const id of plan.steps) {
    const migration = graph.get(id);
    const direction = plan.direction === 'upgrade' ? 'up' : 'down';
    const before = after;
    direction === 'up' ? state.add(id) : state.delete(id);
    after = state.rows();
    const run = stepSql(graph, dialect, id, direction);
    const wrap = run.transactional;
    out = [''];
    out.push(`-- ${direction === 'up' ? 'Running upgrade' : 'Running downgrade'} ${id}: ${migration.message}`);
    out.push(`-- file: ${direction === 'up' ? migration.upPath : migration.downPath}`);
    if (run.reason) out.push(`-- ${wrap ? '' : 'runs without a transaction: '}${run.reason}`);
    if (wrap) out.push(`${dialect.beginTransaction};`);
    for (const statement of run.statements) out.push(terminate(statement.sql, dialect));
    for (const sql of versionTableChange(before, after, table, col)) out.push(`${sql};`);
    const row: Record<(typeof LOG_COLUMNS)[number][1], string | number | null> = {
      revision: id,
      direction,
      kind: 'migrate',
      dialect: dialect.name,
      checksum: run.checksum,
      sqlText: joinStatements(run.statements),
      downSql: run.downSql,
      statementsTotal: run.statements.length,
      statementsDone: run.statements.length,
      status: 'done',
      startedAt: at,
      finishedAt: at,
      durationMs: 0,
      osUser: who.user,
      host: who.host,
      toolVersion: options.toolVersion,
      error: null,
    };
    out.push(`${insertLog}${LOG_COLUMNS.map(([, key]) => sqlValue(row[key], dialect)).join(', ')});`);
    if (wrap) out.push(`${dialect.commitTransaction};`);
    yield out.join('\n') + '\n';
  }
}

/** A value as a literal the dialect's own client reads back unchanged. */
function sqlValue(value: string | number | null, dialect: DialectSyntax): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  // Whatever sql_mode / standard_conforming_strings the client's session (or a migration's SET) has.
  return dialect.stringLiteral(value);
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
