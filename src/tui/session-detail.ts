import { createTwoFilesPatch } from 'diff';
import { formatSql, migrationChecksum, migrationRun, migrationStatements, type DatabaseAdapter, type DatabaseState, type Project, type SchemaSnapshot, type StateTableNames } from '../engine/index.js';
import type { Tab } from './state.js';

/**
 * The detail pane's text: SQL per dialect, diffs, the trial-run schema diff, the info sheet.
 * Plain functions over what the session holds (no React, no session class).
 */

/** What the detail pane reads: the session's project, database state and connection. */
export interface DetailSource {
  readonly project: Project;
  readonly state: DatabaseState;
  readonly db: DatabaseAdapter;
  readonly options: { readonly tables: StateTableNames };
}

/** The detail pane's text for a revision and tab. */
export async function detailText(source: DetailSource, id: string, tab: Tab, raw: boolean): Promise<string[]> {
  const { graph } = source.project;
  const m = graph.get(id);
  const dialect = source.db.syntax;
  const sqlOf = (direction: 'up' | 'down') => {
    const file = direction === 'up' ? m.up : m.down;
    if (!file) return direction === 'down' ? [m.irreversible ? '-- irreversible: no .down.sql' : '-- no .down.sql'] : [];
    if (raw) return file.text.split('\n');
    const statements = migrationStatements(m, direction, dialect);
    if (statements.length === 0) return [`-- no statements for ${dialect.name}`];
    return statements.flatMap((s, k) => [...(k > 0 ? [''] : []), `-- ${direction === 'up' ? m.upPath : m.downPath}:${s.line}`, ...formatSql(s.sql, dialect.name).split('\n').map((l, j, all) => (j === all.length - 1 ? `${l};` : l))]);
  };
  switch (tab) {
    case 'up':
      return sqlOf('up');
    case 'down':
      return sqlOf('down');
    case 'diff': {
      const drift = source.state.drift.find((d) => d.revision === id);
      const updown = createTwoFilesPatch(`${id} up (${dialect.name})`, `${id} down (${dialect.name})`, sqlOf('up').join('\n') + '\n', sqlOf('down').join('\n') + '\n').split('\n').slice(2);
      return drift
        ? [`DRIFT: the file changed since it was applied (${drift.cosmetic ? 'white space or comments only' : 'the SQL differs'}):`, ...drift.diff.split('\n').slice(2), '', 'up vs down:', ...updown]
        : [source.state.applied.has(id) ? 'applied SQL matches the file (no drift)' : 'not applied: no applied SQL to compare', '', 'up vs down:', ...updown];
    }
    case 'schema':
      return schemaDiff(source, id);
    case 'info': {
      const log = source.state.log.filter((r) => r.revision === id).slice(-8).reverse();
      return [
        `revision    ${m.id}`,
        `message     ${m.message}`,
        `parents     ${graph.parents(id).join(', ') || '(base)'}`,
        `children    ${graph.children(id).join(', ') || '(head)'}`,
        `depends on  ${graph.dependencies(id).join(', ') || '-'}`,
        `branch      ${m.branchLabels.join(', ') || '-'}`,
        `transaction ${m.transaction ? 'on' : 'off'}${m.irreversible ? '   IRREVERSIBLE' : ''}`,
        ...(['up', 'down'] as const).flatMap((direction) => {
          if (direction === 'down' && !m.down) return [];
          const run = migrationRun(m, direction, dialect);
          return run.reason ? [`  ${direction} on ${dialect.name}: ${run.transactional ? '' : 'runs without a transaction: '}${run.reason}`] : [];
        }),
        `state       ${source.state.applied.has(id) ? 'applied' : 'pending'}${source.state.versionRows.includes(id) ? ', current head' : ''}`,
        `checksum    ${migrationChecksum(m, dialect)}`,
        `files       ${m.upPath}`,
        `            ${m.downPath ?? '(no down file)'}`,
        '',
        log.length > 0 ? 'log (newest first):' : 'log: no steps recorded',
        ...log.map((r) => `  ${r.direction === 'up' ? '↑' : '↓'} ${r.kind} ${r.status}  ${r.startedAt}  ${r.durationMs ?? '?'} ms  ${r.osUser}@${r.host}`),
      ];
    }
  }
}

/**
 * Schema before vs after a revision, by running its SQL inside a transaction that is always
 * rolled back. Possible where DDL is transactional (PostgreSQL, SQLite), for the next
 * pending revision (its up) or a current head (its down).
 */
export async function schemaDiff(source: DetailSource, id: string): Promise<string[]> {
  const dialect = source.db.syntax;
  if (!dialect.transactionalDdl) {
    return [`not available on ${dialect.name}: MySQL and MariaDB commit every DDL statement at once, so a trial run could not be rolled back.`];
  }
  const { graph } = source.project;
  const applied = source.state.applied;
  let direction: 'up' | 'down';
  if (!applied.has(id) && [...graph.parents(id), ...graph.dependencies(id)].every((p) => applied.has(p))) direction = 'up';
  else if (applied.has(id) && source.state.versionRows.includes(id)) direction = 'down';
  else return ['available for a revision that can run next (all its parents applied) or a current head.', 'select one of those to see the schema before and after it.'];
  const run = migrationRun(graph.get(id), direction, dialect);
  // Its own COMMIT would make the trial real: only a migration that runs in one transaction is tried.
  if (!run.transactional) return [`not available for this ${direction}: it runs without a transaction (${run.reason}), so a trial run could not be rolled back.`];
  const statements = run.statements;
  const exclude = [source.options.tables.version, source.options.tables.log];
  const before = await source.db.schema(exclude);
  let after: SchemaSnapshot;
  await source.db.beginStep();
  try {
    for (const s of statements) await source.db.execute(s.sql);
    after = await source.db.schema(exclude);
  } catch (error) {
    await source.db.rollbackStep();
    return [`the trial ${direction} failed (rolled back): ${(error as Error).message}`];
  }
  await source.db.rollbackStep();
  const [from, to] = direction === 'up' ? [before, after] : [after, before];
  const patch = createTwoFilesPatch(`schema without ${id}`, `schema with ${id}`, schemaText(from), schemaText(to)).split('\n').slice(2);
  return [`(a trial ${direction} of ${id}, rolled back)`, ...(patch.length > 1 ? patch : ['no schema change'])];
}

function schemaText(s: SchemaSnapshot): string {
  const lines: string[] = [];
  for (const name of Object.keys(s.tables).sort()) {
    const t = s.tables[name]!;
    lines.push(`table ${name}`, ...t.columns.map((c) => `  ${c}`), ...t.indexes.map((i) => `  index ${i}`), ...t.constraints.map((c) => `  ${c}`));
  }
  lines.push(...s.triggers.map((t) => `trigger ${t}`));
  return lines.join('\n') + '\n';
}
