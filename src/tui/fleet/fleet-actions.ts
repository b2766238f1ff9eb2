import { join } from 'node:path';
import {
  ABANDON_TEXT,
  cancelText,
  CancelledError,
  isFleetRefusal,
  runFleet,
  runSummary,
  fleetSummary,
  targetErrorText,
  withTarget,
  type FleetTarget,
  type Migrator,
  type RunEvent,
  type RunResult,
  type TargetOutcome,
  type TargetReport,
  type DialectName,
} from '../../engine/index.js';
import { confirmLint, findingLines, planLint } from '../lint-view.js';
import { confirmFlow, type ConfirmNotice } from '../flows/confirm.js';
import { resultFlow } from '../flows/result.js';
import { namedTarget, type FleetContext } from './fleet-context.js';
import { actionTargets } from './fleet-state.js';

/** Fleet actions from the table: each confirmed by typing the count, then run stage by stage with live rows. */

export const countOf = (n: number) => `${n} target${n === 1 ? '' : 's'}`;

/** The targets an action takes, listed for its confirmation: stage, name, where, and what was read. */
export function targetLines(ctx: FleetContext, targets: readonly FleetTarget[]): string[] {
  const rows = new Map(ctx.view().rows.map((r) => [r.target.name, r]));
  return targets.map((t) => {
    const read = rows.get(t.name)!.read;
    const state = read.kind === 'ready' ? `at ${read.state.heads.join(', ') || 'base'}, ${read.state.pending} pending${read.state.dirty ? ', DIRTY' : ''}` : read.kind === 'error' ? `could not be read: ${read.message}` : 'not read yet';
    return `  [${t.stage}] ${t.name} ${t.connection.display}: ${state}`;
  });
}

/** The confirmation every fleet action goes through: the count typed out. */
export function confirmOnFleet(ctx: FleetContext, options: { title: string; targets: readonly FleetTarget[]; body: readonly string[]; notices?: readonly ConfirmNotice[]; backup?: boolean; onConfirm: (backup: boolean) => void }): void {
  const count = countOf(options.targets.length);
  const order = ctx.options.fleet.stages.filter((s) => options.targets.some((t) => t.stage === s));
  ctx.setFlow(
    confirmFlow({
      title: options.title,
      notices: options.notices ?? [],
      body: [
        ...options.body,
        '',
        `${count}, stage by stage (${order.join(' → ')}), at most ${ctx.options.parallel} at once per server; ${ctx.options.continueOnError ? 'a failed or refused target does not stop the later stages (--continue-on-error)' : 'a failed or refused target stops the later stages (--continue-on-error goes on)'}:`,
        ...targetLines(ctx, options.targets),
      ],
      phrase: count,
      phraseLabel: '',
      backup: options.backup === undefined ? null : options.backup,
      danger: true,
      onConfirm: options.onConfirm,
    }),
  );
}

/** `u`: upgrade the selection (or every target) to heads. */
export function startFleetUpgrade(ctx: FleetContext): void {
  if (ctx.view().running) return ctx.notice('a fleet action is running already');
  const targets = actionTargets(ctx.view());
  const { graph } = ctx.options.project;
  confirmOnFleet(ctx, {
    title: `Upgrade ${countOf(targets.length)} to heads (${graph.heads().join(', ') || 'base'})?`,
    targets,
    body: [...upgradeLint(ctx, targets), `each target applies what it lacks of the ${graph.size} revisions, in its own transaction per revision and with its own lock; a target already at heads says "nothing to do"`],
    onConfirm: () => void runOnTargets(ctx, 'upgrade to heads', targets, async (m) => runOutcome(await m.upgrade('heads'), 'applied'), true),
  });
}

/** The plan's lint findings per dialect of the targets read: the revisions pending on them, errors first. */
function upgradeLint(ctx: FleetContext, targets: readonly FleetTarget[]): string[] {
  const names = new Set(targets.map((t) => t.name));
  const byDialect = new Map<DialectName, { targets: number; revisions: Set<string> }>();
  for (const row of ctx.view().rows) {
    if (!names.has(row.target.name) || row.read.kind !== 'ready') continue;
    const dialect = row.read.state.dialect as DialectName;
    const entry = byDialect.get(dialect) ?? { targets: 0, revisions: new Set<string>() };
    entry.targets++;
    for (const id of row.read.state.pendingRevisions) entry.revisions.add(id);
    byDialect.set(dialect, entry);
  }
  return [...byDialect].flatMap(([dialect, { targets: n, revisions }]) => {
    const lines = findingLines(confirmLint(planLint(ctx.options.project, dialect, [...revisions], 'up'), false), null);
    return lines.length === 0 ? [] : [`${dialect} (${countOf(n)}):`, ...lines];
  });
}

export function runOutcome(result: RunResult, verb: string): TargetOutcome {
  return { ...runSummary(result, verb), exitCode: result.error ? 1 : 0, json: null };
}

/**
 * Runs `work` on each target (its own connection, lock and dirty state), stage by stage, at
 * most `parallel` per server; each row shows its step as it runs, then its result line.
 */
export function runOnTargets(ctx: FleetContext, title: string, targets: readonly FleetTarget[], work: (m: Migrator, target: FleetTarget) => Promise<TargetOutcome>, writes: boolean): Promise<void> {
  ctx.runs.stopping = false;
  ctx.runs.done = runAll(ctx, title, targets, work, writes);
  return ctx.runs.done;
}

async function runAll(ctx: FleetContext, title: string, targets: readonly FleetTarget[], work: (m: Migrator, target: FleetTarget) => Promise<TargetOutcome>, writes: boolean): Promise<void> {
  ctx.setFlow(null);
  const { runs } = ctx;
  ctx.dispatch({ type: 'run-start', title, names: targets.map((t) => t.name) });
  const fleet = { ...ctx.options.fleet, targets, stages: ctx.options.fleet.stages.filter((s) => targets.some((t) => t.stage === s)) };
  const show = (target: FleetTarget, status: 'running' | TargetReport['status'], text: string) => ctx.dispatch({ type: 'run-target', name: target.name, run: { status, text } });
  const reports = await runFleet(
    fleet,
    { parallel: ctx.options.parallel, continueOnError: ctx.options.continueOnError, stopping: () => runs.stopping, onStart: (t) => show(t, 'running', 'connecting…'), onEnd: (r) => show(r.target, r.status, r.summary) },
    async (target) => {
      try {
        return await withTarget(
          target.connection,
          ctx.access,
          async (m) => {
            if (runs.stopping) throw new CancelledError('before the target started');
            runs.migrators.set(target.name, m);
            try {
              return await work(m, target);
            } finally {
              runs.migrators.delete(target.name);
            }
          },
          writes ? { create: true } : {},
          (event) => {
            const text = progressText(event);
            if (text) show(target, 'running', text);
            // A target that took its lock after the cancel stops before its first statement.
            if (runs.stopping && event.type === 'step-start') void runs.migrators.get(target.name)?.cancel();
          },
        );
      } catch (error) {
        const cancelled = error instanceof CancelledError;
        if (cancelled) return { status: 'interrupted', summary: 'not started: the action was cancelled', exitCode: 1, json: null };
        const refused = isFleetRefusal(error);
        return { status: refused ? 'refused' : 'failed', summary: `${refused ? 'REFUSED — nothing ran' : 'FAILED'}: ${targetErrorText(error, target.connection, namedTarget(ctx.options, target))}`, exitCode: 1, json: null };
      }
    },
  );
  // Skipped targets got no onEnd: their rows say so too.
  for (const r of reports) if (r.status === 'skipped') show(r.target, 'skipped', r.summary);
  ctx.dispatch({ type: 'run-end' });
  const counts = fleetSummary(reports);
  const summary = Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s === 'current' ? 'already current' : s}`).join(', ');
  const ok = counts.failed === 0 && counts.refused === 0 && counts.interrupted === 0 && counts.skipped === 0;
  ctx.setFlow(resultFlow(ok, `${title} on ${countOf(targets.length)}: ${summary}`, reports.map((r) => `${MARK[r.status]} ${r.target.name} [${r.target.stage}]: ${r.summary}${r.durationMs > 0 ? ` (${r.durationMs} ms)` : ''}`)));
  await ctx.read(targets);
}

const MARK: Record<TargetReport['status'], string> = { done: '✓', current: '=', pending: '…', refused: '✗', failed: '✗', skipped: '-', interrupted: '!' };

/** A row's live text: the lock wait, then migration i of n with its revision. */
function progressText(event: RunEvent): string | null {
  switch (event.type) {
    case 'lock-wait':
      return `waiting for the lock${event.holder ? ` (${event.holder})` : ''}`;
    case 'step-start':
      return `${event.direction === 'up' ? '↑' : '↓'} ${event.index + 1}/${event.total} ${event.revision}`;
    default:
      return null;
  }
}

/**
 * ctrl-c during a fleet action: nothing new starts, and each running target is cancelled as
 * one database is (the server cancels the statement; the result says what stays applied).
 * A second ctrl-c abandons at once.
 */
export function cancelFleetRun(ctx: FleetContext, abandon: (message: string) => void): void {
  const { runs } = ctx;
  if (runs.stopping) return abandon(ABANDON_TEXT);
  runs.stopping = true;
  ctx.dispatch({ type: 'cancelling', text: `cancelling: nothing new starts; ${countOf(runs.migrators.size)} still running: each finishes or rolls back its current migration (ctrl-c again abandons at once)` });
  for (const [name, m] of runs.migrators) {
    void m.cancel().then((outcome) => outcome.kind !== 'idle' && ctx.dispatch({ type: 'run-target', name, run: { status: 'running', text: `cancelling: ${cancelText(outcome)}` } }));
  }
}

/** Where a target's backups go (as the CLI's fleet downgrade puts them). */
export const backupDirOf = (ctx: FleetContext, target: FleetTarget) => join(ctx.options.backupRoot, target.name);
