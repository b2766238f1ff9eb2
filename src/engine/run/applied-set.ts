import type { RevisionGraph } from '../graph/graph.js';

/**
 * The applied set and the version rows it stands for, kept up to date one step at a time:
 * a run of 10,000 steps must not copy the set or recompute the rows per step. A revision is
 * a version row when no applied revision names it as a parent or dependency (as
 * planner.versionRows computes from scratch); revisions whose files are missing keep their rows.
 */
export class AppliedSet {
  private readonly applied: Set<string>;
  private readonly missing: Set<string>;
  /** How many applied revisions name each revision as a parent or dependency. */
  private readonly covers = new Map<string, number>();
  private readonly rows = new Set<string>();

  constructor(
    private readonly graph: RevisionGraph,
    applied: ReadonlySet<string>,
    missing: readonly string[],
  ) {
    this.applied = new Set(applied);
    this.missing = new Set(missing);
    for (const id of this.applied) this.cover(id, 1);
    for (const id of this.applied) if (!this.covers.get(id)) this.rows.add(id);
  }

  private named(id: string): string[] {
    return [...this.graph.parents(id), ...this.graph.dependencies(id)];
  }

  private cover(id: string, by: 1 | -1): void {
    for (const named of this.named(id)) {
      const count = (this.covers.get(named) ?? 0) + by;
      this.covers.set(named, count);
      if (!this.applied.has(named)) continue;
      if (count === 0) this.rows.add(named);
      else this.rows.delete(named);
    }
  }

  has(id: string): boolean {
    return this.applied.has(id);
  }

  /**
   * Applies (`up`) or reverts (`down`) one revision; a revision with missing files just loses
   * its row. Returns how to take the change back (a step that failed).
   */
  step(id: string, direction: 'up' | 'down'): () => void {
    if (this.missing.delete(id)) return () => void this.missing.add(id);
    const undo = () => this.step(id, direction === 'up' ? 'down' : 'up');
    if (direction === 'up') {
      if (this.applied.has(id)) return () => undefined;
      this.applied.add(id);
      this.cover(id, 1);
      if (!this.covers.get(id)) this.rows.add(id);
    } else {
      if (!this.applied.delete(id)) return () => undefined;
      this.rows.delete(id);
      this.cover(id, -1);
    }
    return undo;
  }

  /** The version rows, sorted (as versionRowsFor gives them). */
  versionRows(): string[] {
    return [...this.rows, ...this.missing].sort();
  }
}
