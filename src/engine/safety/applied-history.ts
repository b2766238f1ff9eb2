import type { LogRow } from '../run/state-store.js';

/** One step that applied a revision, and whether it still stands. */
export interface AppliedStep {
  readonly row: LogRow;
  /** It is the latest completed step of its revision: the revision is applied by it now. */
  readonly standing: boolean;
  /** The next completed step of the revision when that undid it (a downgrade, a stamp, a restore, a resolve). */
  readonly revertedBy: LogRow | null;
}

const APPLYING: ReadonlyArray<LogRow['kind']> = ['migrate', 'stamp', 'restore', 'resolve'];

/**
 * The steps that applied something, newest first, each with what became of it. The log's
 * rule decides (the latest completed step of a revision says whether it is applied), so a
 * revision applied, reverted and applied again has one standing step and a reverted one.
 */
export function appliedHistory(log: readonly LogRow[]): AppliedStep[] {
  const steps: AppliedStep[] = [];
  const next = new Map<string, LogRow>();
  for (let i = log.length - 1; i >= 0; i--) {
    const row = log[i]!;
    if (row.status !== 'done' || row.kind === 'seed') continue;
    if (row.direction === 'up' && APPLYING.includes(row.kind)) {
      const after = next.get(row.revision);
      steps.push({ row, standing: after === undefined, revertedBy: after?.direction === 'down' ? after : null });
    }
    next.set(row.revision, row);
  }
  return steps;
}
