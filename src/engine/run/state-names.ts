import type { DatabaseAdapter } from '../dialects/adapter.js';
import type { StateTableNames } from '../state-tables.js';

/**
 * The state tables' names with the schema (PostgreSQL) or database (MySQL) each unqualified
 * one resolves to when the run begins. A migration's `SET search_path = …` or `USE other`
 * holds for the rest of the session; unqualified, the state rows after it went to (or were
 * looked for in) that schema: "relation migrate_tui_version does not exist", or on MySQL a
 * step that ran whole read as failed and dirty. Names given qualified stay as they are; a
 * server that cannot say (or a schema name with a dot) keeps the names unqualified.
 */
export async function pinStateTables(db: DatabaseAdapter, tables: StateTableNames): Promise<StateTableNames> {
  const loose = (['version', 'log'] as const).filter((k) => !tables[k].includes('.'));
  if (!db.homeSchemas || loose.length === 0) return tables;
  const schemas = await db.homeSchemas(loose.map((k) => tables[k])).catch(() => loose.map(() => null));
  const pinned = { ...tables };
  loose.forEach((k, at) => {
    const schema = schemas[at];
    if (schema && !schema.includes('.')) pinned[k] = `${schema}.${tables[k]}`;
  });
  return pinned;
}
