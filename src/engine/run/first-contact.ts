import type { DatabaseAdapter } from '../dialects/adapter.js';
import type { RevisionGraph } from '../graph/graph.js';
import type { DatabaseState } from './database-state.js';
import { OtherToolError, sqlxChanged, takeOver } from './other-tools-map.js';
import { readOtherTools, recordsApplied, type OtherToolReading, type OtherToolRecord } from './other-tools.js';
import type { LogRow, StateStore } from './state-store.js';
import { boundedRead } from './bounded-read.js';

/**
 * First contact: migrate-tui has no record of the database — no state tables, or tables with
 * no version row and no log row other than seeds' (a seed records no revision). Only then are
 * other tools' tables looked for: a database migrate-tui tracks never pays for that look.
 */
export function hasNoRecord(versionRows: readonly string[], log: readonly LogRow[]): boolean {
  return versionRows.length === 0 && log.every((row) => row.kind === 'seed');
}

/** The other tools' records (reads only), each mapped onto this folder's revisions: the stamp that takes the database over, or why none fits. */
export async function findOtherTools(db: DatabaseAdapter, graph: RevisionGraph): Promise<OtherToolRecord[]> {
  // On MySQL/MariaDB the atlas_schema_revisions database is the whole server's (Atlas keeps it there when its URL names
  // no database): it is this database's record only when it records a revision of this folder.
  const serverWide = (r: OtherToolReading) => db.syntax.name !== 'postgres' && r.tool === 'atlas' && r.table.includes('.') && !r.versions.some((v) => graph.has(v));
  return (await readOtherTools(db)).filter((read) => !serverWide(read)).map((read) => {
    // sqlx: files changed since sqlx applied them are said (a warning), not refused.
    const changed = sqlxChanged(graph, read);
    const position = changed.length > 0 ? `${read.position}; CHANGED SINCE APPLIED (SHA-384 differs): ${changed.join(', ')}` : read.position;
    // The checksums were read for this comparison only: status --json lists what differs, not every hash.
    const { checksums: _, ...kept } = read;
    return { ...kept, position, ...(changed.length > 0 ? { changed } : {}), ...takeOver(graph, read) };
  });
}

/** The state, with the other tools' records read when migrate-tui has none of its own. */
export async function withOtherTools(db: DatabaseAdapter, graph: RevisionGraph, state: DatabaseState): Promise<DatabaseState> {
  return hasNoRecord(state.versionRows, state.log) ? { ...state, otherTools: await findOtherTools(db, graph) } : state;
}

/** The records of other tools that applied something, on first contact (none otherwise). Reads only: three cheap reads when migrate-tui's tables exist. */
export function otherToolsAtFirstContact(db: DatabaseAdapter, graph: RevisionGraph, store: StateStore, waitMs: number): Promise<OtherToolRecord[]> {
  return boundedRead(db, waitMs, { now: "migrate-tui's and other tools' version tables (first contact)" }, async () => {
    if ((await store.exists()) && ((await store.versionRows()).length > 0 || (await store.hasRevisionRecord()))) return [];
    return (await findOtherTools(db, graph)).filter(recordsApplied);
  });
}

/** The refusal a run owes on first contact with a database another tool migrated; null when there is none. From a state already read, or `records`. */
export function otherToolRefusal(records: readonly OtherToolRecord[] | undefined, db: DatabaseAdapter, graph: RevisionGraph, action: 'upgrade' | 'downgrade' | 'upgrade --sql'): OtherToolError | null {
  const applied = (records ?? []).filter(recordsApplied);
  if (applied.length === 0) return null;
  return new OtherToolError(applied, db.display, action, graph.upgradeOrder(new Set(graph.ids()))[0] ?? null);
}
