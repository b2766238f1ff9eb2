import type { RevisionGraph } from '../graph/graph.js';

/**
 * The version rows for an applied set: applied revisions that no other applied revision
 * builds on (as parent or depends-on). Like Alembic's alembic_version.
 */
export function versionRows(graph: RevisionGraph, applied: ReadonlySet<string>): string[] {
  const covered = new Set<string>();
  for (const id of applied) {
    for (const p of graph.parents(id)) covered.add(p);
    for (const d of graph.dependencies(id)) covered.add(d);
  }
  return [...applied].filter((id) => !covered.has(id)).sort((a, b) => graph.rankOf(a) - graph.rankOf(b));
}

/**
 * The version rows kept up to date while revisions are applied or reverted one at a time:
 * each step costs its own parents and dependencies, not the whole applied set, so a plan of
 * N steps is rendered or run in O(N) (it was O(N²) recomputed per step).
 */
export class VersionRows {
  private readonly applied: Set<string>;
  /** For each revision, how many applied revisions build on it (parent or depends-on). */
  private readonly coveredBy = new Map<string, number>();
  private readonly rowSet = new Set<string>();

  constructor(
    private readonly graph: RevisionGraph,
    applied: Iterable<string>,
  ) {
    this.applied = new Set(applied);
    for (const id of this.applied) for (const p of this.builtOn(id)) this.coveredBy.set(p, (this.coveredBy.get(p) ?? 0) + 1);
    for (const id of this.applied) if (!this.coveredBy.get(id)) this.rowSet.add(id);
  }

  has(id: string): boolean {
    return this.applied.has(id);
  }

  /** The rows now, unordered. */
  current(): ReadonlySet<string> {
    return this.rowSet;
  }

  /** The rows now, in version order. */
  rows(): string[] {
    return [...this.rowSet].sort((a, b) => this.graph.rankOf(a) - this.graph.rankOf(b));
  }

  add(id: string): void {
    if (this.applied.has(id)) return;
    this.applied.add(id);
    for (const p of this.builtOn(id)) {
      const n = (this.coveredBy.get(p) ?? 0) + 1;
      this.coveredBy.set(p, n);
      if (n === 1) this.rowSet.delete(p);
    }
    if (!this.coveredBy.get(id)) this.rowSet.add(id);
  }

  delete(id: string): void {
    if (!this.applied.delete(id)) return;
    this.rowSet.delete(id);
    for (const p of this.builtOn(id)) {
      const n = this.coveredBy.get(p)! - 1;
      this.coveredBy.set(p, n);
      if (n === 0 && this.applied.has(p)) this.rowSet.add(p);
    }
  }

  private builtOn(id: string): readonly string[] {
    const deps = this.graph.dependencies(id);
    return deps.length === 0 ? this.graph.parents(id) : [...this.graph.parents(id), ...deps];
  }
}
