import { serverKey, type Fleet, type FleetTarget } from './targets.js';

/**
 * How one target ended. `current`: it was already there (nothing to do); `pending` (status):
 * behind; `refused`: stopped by a check before anything ran (a dirty database, missing files,
 * a gap, a lint gate), so unchanged; `failed`: an error that may have changed it.
 */
export type TargetStatus = 'done' | 'current' | 'pending' | 'refused' | 'failed' | 'skipped' | 'interrupted';

export interface TargetOutcome {
  readonly status: Exclude<TargetStatus, 'skipped'>;
  /** One line for people: what happened, or the error (passwords masked). */
  readonly summary: string;
  readonly exitCode: number;
  readonly json: unknown;
}

export interface TargetReport {
  readonly target: FleetTarget;
  readonly status: TargetStatus;
  readonly summary: string;
  readonly exitCode: number | null;
  readonly durationMs: number;
  readonly json: unknown;
}

export interface FleetRunOptions {
  /** At most this many targets at once on each server (all SQLite files count as one server). */
  readonly parallel: number;
  /** A failed target does not stop later stages. */
  readonly continueOnError: boolean;
  /** True once the run is cancelled: nothing new starts. */
  readonly stopping: () => boolean;
  readonly onStart?: (target: FleetTarget) => void;
  readonly onEnd?: (report: TargetReport) => void;
}

/**
 * Runs `work` for every target, stage after stage in the fleet's order. Inside a stage, up to
 * `parallel` targets of one server run at once. A failed (or interrupted) target stops the
 * later stages unless `continueOnError`; a cancel starts nothing new. Reports come in the
 * fleet's order. `work` must not throw: it turns any error into a failed outcome.
 */
export async function runFleet(fleet: Fleet, options: FleetRunOptions, work: (target: FleetTarget) => Promise<TargetOutcome>): Promise<TargetReport[]> {
  const reports = new Map<FleetTarget, TargetReport>();
  let stopReason: string | null = null;
  for (const stage of fleet.stages) {
    const targets = fleet.targets.filter((t) => t.stage === stage);
    if (stopReason === null && options.stopping()) stopReason = 'the run was cancelled';
    if (stopReason !== null) {
      for (const target of targets) reports.set(target, skipped(target, stopReason));
      continue;
    }
    await runStage(targets, options, work, reports);
    const stopped = targets.filter((t) => STOPS_LATER_STAGES.includes(reports.get(t)!.status));
    if (options.stopping()) stopReason = 'the run was cancelled';
    else if (stopped.length > 0 && !options.continueOnError) stopReason = `stage "${stage}" had ${stoppedCount(stopped.map((t) => reports.get(t)!.status))} (${stopped.slice(0, 3).map((t) => t.name).join(', ')}${stopped.length > 3 ? ', …' : ''}); --continue-on-error goes on`;
  }
  return fleet.targets.map((t) => reports.get(t)!);
}

/** A target that did not get there stops the later stages: a refused one too, as it did not move. */
const STOPS_LATER_STAGES: readonly TargetStatus[] = ['failed', 'refused', 'interrupted'];

/** `1 failed target`, `2 refused targets`, `1 failed and 1 refused targets` (an interrupted one counts as failed). */
function stoppedCount(statuses: readonly TargetStatus[]): string {
  const refused = statuses.filter((s) => s === 'refused').length;
  const failed = statuses.length - refused;
  const noun = `target${statuses.length === 1 ? '' : 's'}`;
  if (refused === 0) return `${failed} failed ${noun}`;
  if (failed === 0) return `${refused} refused ${noun}`;
  return `${failed} failed and ${refused} refused ${noun}`;
}

async function runStage(targets: readonly FleetTarget[], options: FleetRunOptions, work: (target: FleetTarget) => Promise<TargetOutcome>, reports: Map<FleetTarget, TargetReport>): Promise<void> {
  await eachPerServer(targets, options.parallel, async (next) => {
    if (options.stopping()) {
      reports.set(next, skipped(next, 'the run was cancelled'));
      return;
    }
    options.onStart?.(next);
    const started = Date.now();
    const outcome = await work(next);
    const report: TargetReport = { target: next, ...outcome, durationMs: Date.now() - started };
    reports.set(next, report);
    options.onEnd?.(report);
  });
}

/**
 * Calls `each` for every target, at most `parallel` at once per server (all SQLite files
 * count as one), in the list's order within a server. `each` must not throw.
 */
export async function eachPerServer(targets: readonly FleetTarget[], parallel: number, each: (target: FleetTarget) => Promise<void>): Promise<void> {
  const queues = new Map<string, FleetTarget[]>();
  for (const target of targets) {
    const key = serverKey(target);
    queues.set(key, [...(queues.get(key) ?? []), target]);
  }
  const lane = async (queue: FleetTarget[]) => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await each(next);
  };
  const lanes: Promise<void>[] = [];
  for (const queue of queues.values()) {
    // Counted before the first lane starts: each lane takes its first target at once, so
    // counting against the shrinking queue gave a server of 2 targets one lane, of 5 three.
    const width = Math.min(parallel, queue.length);
    for (let i = 0; i < width; i++) lanes.push(lane(queue));
  }
  await Promise.all(lanes);
}

function skipped(target: FleetTarget, reason: string): TargetReport {
  return { target, status: 'skipped', summary: `skipped: ${reason}`, exitCode: null, durationMs: 0, json: null };
}

/** Counts per status, for the summary line and --json. */
export function fleetSummary(reports: readonly TargetReport[]): Record<TargetStatus, number> {
  const counts: Record<TargetStatus, number> = { done: 0, current: 0, pending: 0, refused: 0, failed: 0, skipped: 0, interrupted: 0 };
  for (const r of reports) counts[r.status]++;
  return counts;
}
