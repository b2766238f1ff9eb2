import type { RevisionGraph } from './graph.js';

/**
 * Draws the revision graph like `git log --graph`, newest first: one row per revision
 * (`*` in its lane, `|` for other open lanes) and connector rows where lanes fork (`\`)
 * or join (`/`). Only parent edges are drawn; depends-on is shown as text by callers.
 */
export interface HistoryRow {
  /** The revision of this row, or null for a connector row. */
  readonly id: string | null;
  /** The drawing for this row, e.g. `| * ` or `|/`. */
  readonly graph: string;
}

export function drawHistory(graph: RevisionGraph, order: readonly string[] = newestFirst(graph)): HistoryRow[] {
  const rows: HistoryRow[] = [];
  // Each lane waits for the revision it will draw next.
  const lanes: Array<string | null> = [];
  const trim = () => {
    while (lanes.length > 0 && lanes[lanes.length - 1] === null) lanes.pop();
  };
  // A revision's row: `*` in its column, `|` for the other open lanes (a loop, not map/join: 10,000 rows).
  const draw = (column: number) => {
    let line = '';
    for (let k = 0; k < lanes.length; k++) line += `${k > 0 ? ' ' : ''}${k === column ? '*' : lanes[k] !== null ? '|' : ' '}`;
    return line.trimEnd();
  };

  for (const id of order) {
    // Lanes waiting for this revision (it is a branch point) join the leftmost one first.
    let column = lanes.indexOf(id);
    const joining: number[] = [];
    for (let k = column + 1; column >= 0 && k < lanes.length; k++) if (lanes[k] === id) joining.push(k);
    if (joining.length > 0) {
      const line = lanes.map((l, k) => (l !== null && !joining.includes(k) ? '|' : ' ')).join(' ').split('');
      for (const k of joining) line[2 * k - 1] = '/';
      rows.push({ id: null, graph: line.join('').trimEnd() });
      for (const k of joining) lanes[k] = null;
      trim();
    }
    if (column < 0) {
      column = lanes.indexOf(null);
      if (column < 0) column = lanes.push(null) - 1;
      lanes[column] = id;
    }
    rows.push({ id, graph: draw(column) });

    // This lane continues with the first parent; further parents open lanes (a merge).
    const parents = graph.parents(id);
    lanes[column] = parents[0] ?? null;
    if (parents.length <= 1) {
      trim();
      continue;
    }
    const opened: number[] = [];
    for (const parent of parents.slice(1)) {
      let free = -1;
      for (let k = column + 1; k < lanes.length; k++) if (lanes[k] === null) { free = k; break; }
      if (free < 0) free = lanes.push(null) - 1;
      lanes[free] = parent;
      opened.push(free);
    }
    if (opened.length > 0) {
      const line = lanes.map((l, k) => (l !== null && !opened.includes(k) ? '|' : ' ')).join(' ').split('');
      for (const k of opened) line[2 * k - 1] = '\\';
      rows.push({ id: null, graph: line.join('').trimEnd() });
    }
    trim();
  }
  return rows;
}

/** Newest first: the reverse of the upgrade order of the whole graph. */
export function newestFirst(graph: RevisionGraph): string[] {
  return graph.upgradeOrder(new Set(graph.ids())).reverse();
}
