import type { RevisionGraph } from '../graph/graph.js';
import { VersionRows } from '../plan/version-rows.js';

/**
 * The applied set and the version rows it stands for, kept up to date one step at a time:
 * a run of 10,000 steps must not copy the set or recompute the rows per step. A revision is
 * a version row when no applied revision names it as a parent or dependency (as
 * planner.versionRows computes from scratch); revisions whose files are missing keep their rows.
 */
export class AppliedSet {
  /** The applied revisions whose files are here, with their rows (plan's VersionRows, cover counts per revision). */
  private readonly applied: VersionRows;
  private readonly missing: Set<string>;

  constructor(graph: RevisionGraph, applied: ReadonlySet<string>, missing: readonly string[]) {
    this.applied = new VersionRows(graph, applied);
    this.missing = new Set(missing);
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
    if (this.applied.has(id) === (direction === 'up')) return () => undefined;
    if (direction === 'up') this.applied.add(id);
    else this.applied.delete(id);
    return () => this.step(id, direction === 'up' ? 'down' : 'up');
  }

  /** The version rows, sorted (as versionRowsFor gives them). */
  versionRows(): string[] {
    return [...this.applied.current(), ...this.missing].sort();
  }
}
