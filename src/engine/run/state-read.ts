import type { DatabaseAdapter, LockLimits } from '../dialects/adapter.js';
import type { RevisionGraph } from '../graph/graph.js';
import type { StateTableNames } from '../state-tables.js';
import { boundedRead, readWaitMs, type Reading } from './bounded-read.js';
import { readDatabaseState, type DatabaseState } from './database-state.js';
import { withOtherTools } from './first-contact.js';
import type { StateStore } from './state-store.js';

/**
 * The state without taking the run lock (status, the TUI, previews; a run again under it):
 * version rows, log, and other tools' tables on first contact, each lock wait bounded, so a
 * table another session locked ends the read with a message instead of a hang.
 */
export function readStateBounded(db: DatabaseAdapter, store: StateStore, graph: RevisionGraph, options: { readonly tables: StateTableNames; readonly lockLimits?: LockLimits }): Promise<DatabaseState> {
  const reading: Reading = { now: `the migration state (${options.tables.version}, ${options.tables.log})` };
  return boundedRead(db, readWaitMs(options.lockLimits), reading, async () => {
    const exists = await store.exists();
    const rows = exists ? await store.versionRows() : [];
    const log = exists ? await store.readLog() : [];
    reading.now = "other tools' version tables (first contact)";
    return withOtherTools(db, graph, readDatabaseState(graph, db.syntax, rows, log));
  });
}
