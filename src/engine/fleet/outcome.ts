import type { TargetStatus } from './scheduler.js';
import { unknownLastStep } from '../run/runtime-errors.js';

/** What a run on one target says: its steps' statuses, the heads after, the error if any (the result or its JSON). */
export interface RunSummaryInput {
  readonly steps?: ReadonlyArray<{ readonly status: string }>;
  readonly headsAfter?: readonly string[];
  readonly error?: { readonly code?: string; readonly message: string; readonly meta?: Record<string, unknown> } | null;
}

/** A run's error was a cancel (ctrl-c, SIGTERM): the target is `interrupted`, not `failed`. */
export const wasCancelled = (error: RunSummaryInput['error']): boolean => !!error && (error.code === 'cancelled' || (error.code === 'migration-failed' && !!error.meta?.cancelled));

/** One target's result line for a run (`applied 2 revisions; heads now 0003`, `nothing to do…`, `FAILED: …`). */
export function runSummary(r: RunSummaryInput, verb: string, cancelled = wasCancelled(r.error)): { status: Exclude<TargetStatus, 'skipped' | 'pending'>; summary: string } {
  const done = (r.steps ?? []).filter((s) => s.status === 'done').length;
  const heads = (r.headsAfter ?? []).join(', ') || 'base';
  // The connection ended before the last step's COMMIT answered: it said "heads now base" where the database may have the step.
  const unknown = unknownLastStep(r.error);
  if (r.error) return { status: cancelled ? 'interrupted' : 'failed', summary: `${cancelled ? 'INTERRUPTED' : 'FAILED'}: ${resultLine(r.error.message)}${done > 0 ? ` (${verb} ${done} first)` : ''}; heads now ${heads}${unknown ? `, or ${unknown}: not known here (run status)` : ''}` };
  if (done === 0) return { status: 'current', summary: `nothing to do: already at ${heads}` };
  return { status: 'done', summary: `${verb} ${done} revision${done === 1 ? '' : 's'}; heads now ${heads}` };
}

/**
 * A message on one line for a target's result line: its lines joined, each sentence apart
 * (`…already exists; the migration was rolled back`, not `…already exists the migration`), a
 * line that ends in `:` run on into the next; a long one cut with `…`. Every line counts: only
 * the first three were kept, unmarked, so a dirty target's "statements that ran" listed the
 * first and dropped the others and the error.
 */
export function resultLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const text = lines.map((l, i) => (i === 0 ? l : `${/:$/.test(lines[i - 1]!) ? ' ' : '; '}${l}`)).join('');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
