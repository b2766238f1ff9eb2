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

/**
 * When a step's row was finished by a later run (`resolve --resume` finishes the unfinished
 * row itself: its start, user and host stay the first run's, its duration is the resume's):
 * the finish time, so a line does not show the first start with the resume's duration as if
 * one run did both. Null for a row one run started and finished.
 */
export function finishedLater(row: LogRow): string | null {
  if (!row.finishedAt || row.durationMs === null) return null;
  const span = Date.parse(row.finishedAt) - Date.parse(row.startedAt);
  // A second of slack: the two times and the duration are taken by separate clock reads.
  return Number.isFinite(span) && span > row.durationMs + 1000 ? row.finishedAt : null;
}

/**
 * Who ran a step and when, times as `time` writes them: `by alice@db1, <start>, 12 ms`, or, for
 * a step a resume finished (finishedLater), both times and whose start it was.
 */
export function whoAndWhen(row: LogRow, time: (iso: string) => string = (iso) => iso): string {
  const later = finishedLater(row);
  if (later) return `started by ${row.osUser}@${row.host} ${time(row.startedAt)}, finished on resume ${time(later)} (the resume took ${row.durationMs} ms)`;
  return `by ${row.osUser}@${row.host}, ${time(row.startedAt)}, ${row.durationMs ?? '?'} ms`;
}
