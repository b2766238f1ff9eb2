import type { SchemaState } from './schema.js';
import type { Action, AnalysedStatement } from './types.js';

/** What replaying a history tells lint beyond the schema: what an up creates, and table rebuilds. */

/** What an up creates, for the reversibility rule (`table t`, `column t.c`, `index i`, `type x`; what: the owning table). */
export function noteCreated(created: Map<string, { what: string; line: number }>, a: AnalysedStatement['actions'][number], line: number, schema: SchemaState, revision: string): void {
  const lower = (s: string) => s.toLowerCase();
  switch (a.kind) {
    case 'create-table':
      if (!schema.table(a.table)) created.set(`table ${lower(a.table)}`, { what: '', line });
      return;
    case 'add-column':
      created.set(`column ${lower(a.table)}.${lower(a.column.name)}`, { what: lower(a.table), line });
      return;
    case 'create-index':
      if (a.index) created.set(`index ${lower(a.index)}`, { what: lower(a.table), line });
      return;
    case 'create-type':
      created.set(`type ${lower(a.type)}`, { what: '', line });
      return;
    case 'drop-table':
      created.delete(`table ${lower(a.table)}`);
      return;
    case 'drop-column':
      created.delete(`column ${lower(a.table)}.${lower(a.column)}`);
      return;
    case 'drop-index':
      created.delete(`index ${lower(a.index)}`);
      return;
    case 'rename-table':
      if (created.delete(`table ${lower(a.table)}`) || schema.table(a.table)?.createdIn === revision) created.set(`table ${lower(a.to)}`, { what: '', line });
      return;
    default:
      return;
  }
}

/**
 * Tables a file rebuilds, whose rows it carries over: `DROP TABLE t` followed by a rename of
 * another table to `t`; or `t` renamed away, created again, and the renamed copy dropped.
 */
export function rebuiltTables(actions: readonly Action[]): Set<string> {
  const out = new Set<string>();
  const lower = (x: string) => x.toLowerCase();
  actions.forEach((a, k) => {
    const later = actions.slice(k + 1);
    const renamedOver = a.kind === 'drop-table' ? later.find((b) => b.kind === 'rename-table' && lower(b.to) === lower(a.table)) : undefined;
    if (a.kind === 'drop-table' && renamedOver?.kind === 'rename-table') {
      out.add(lower(a.table));
      out.add(lower(renamedOver.table));
    }
    if (a.kind === 'rename-table' && later.some((b) => b.kind === 'create-table' && lower(b.table) === lower(a.table)) && later.some((b) => b.kind === 'drop-table' && lower(b.table) === lower(a.to))) {
      out.add(lower(a.table));
      out.add(lower(a.to));
    }
  });
  return out;
}

/** Rebuilds within a file or across up to three consecutive revisions in upgrade order: the tables each revision rebuilds. */
export function rebuildsAcross(order: readonly string[], analysed: (id: string) => readonly AnalysedStatement[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const actions = order.map((id) => analysed(id).flatMap((s) => s.actions));
  for (let k = 0; k < order.length; k++) {
    const window = actions.slice(k, k + 3);
    if (!window.some((list) => list.some((a) => a.kind === 'drop-table' || a.kind === 'rename-table'))) continue;
    const tables = rebuiltTables(window.flat());
    if (tables.size === 0) continue;
    for (let j = k; j < Math.min(order.length, k + 3); j++) {
      const set = out.get(order[j]!) ?? new Set<string>();
      for (const t of tables) set.add(t);
      out.set(order[j]!, set);
    }
  }
  return out;
}
