import type { DatabaseState, drawHistory, RevisionGraph } from '../engine/index.js';

/** One line of the history pane: a revision with its marks, or a connector of the graph. */
export interface HistoryLine {
  readonly graph: string;
  readonly id: string | null;
  readonly message: string;
  readonly labels: readonly string[];
  readonly applied: boolean;
  readonly current: boolean;
  readonly head: boolean;
  readonly drift: boolean;
  readonly dirty: boolean;
  readonly gap: boolean;
  /** The database's state is not read yet: no mark can be told. */
  readonly unknown?: boolean;
}

/** The state before it is read: nothing claimed (screens show "reading state…" while the session's `stateReady` is false). */
export const UNREAD_STATE: DatabaseState = { versionRows: [], log: [], applied: new Set(), missing: [], gaps: [], dirty: null, drift: [], pending: [] };

/** The history pane's lines: the graph's drawing with each revision's marks from `state` (null: not read yet, every mark unknown). */
export function historyLines(rows: ReturnType<typeof drawHistory>, graph: RevisionGraph, state: DatabaseState | null): HistoryLine[] {
  const drift = new Set(state?.drift.map((d) => d.revision));
  const gaps = new Set(state?.gaps.map((g) => g.revision));
  const current = new Set(state?.versionRows);
  return rows.map((row) => {
    if (row.id === null) return { graph: row.graph, id: null, message: '', labels: [], applied: false, current: false, head: false, drift: false, dirty: false, gap: false };
    const m = graph.get(row.id);
    return {
      graph: row.graph,
      id: row.id,
      message: m.message,
      labels: m.branchLabels,
      applied: state?.applied.has(row.id) ?? false,
      current: current.has(row.id),
      head: graph.children(row.id).length === 0,
      drift: drift.has(row.id),
      dirty: state?.dirty?.revision === row.id,
      gap: gaps.has(row.id),
      ...(state ? {} : { unknown: true }),
    };
  });
}
