import { eachPerServer, parseTarget, resolveRevisionRef, riskLines, targetErrorText, withTarget, type FleetTarget } from '../../engine/index.js';
import { busyFlow } from '../flows/busy.js';
import { promptFlow, type PromptFlow } from '../flows/prompt.js';
import { backupDirOf, confirmOnFleet, countOf, runOnTargets, runOutcome } from './fleet-actions.js';
import { namedTarget, type FleetContext } from './fleet-context.js';
import { actionTargets } from './fleet-state.js';

/** Fleet stamp and downgrade: a revision asked for first, then the typed count. */

/**
 * Asks for the revision; a target the files do not know is refused here, once, before anything
 * runs on any target: the prompt stays open with the reason and what to do (as the CLI says it).
 */
function askRevision(ctx: FleetContext, verb: string, then: (revision: string, targets: FleetTarget[]) => void): void {
  if (ctx.view().running) return ctx.notice('a fleet action is running already');
  const targets = actionTargets(ctx.view());
  const ask = (value: string, error?: readonly string[]): PromptFlow => ({
    ...promptFlow(
      `${verb} ${countOf(targets.length)}: to which revision?`,
      ['revision (an id or prefix, a branch label, heads, base, or -1 for each target one step back)'],
      ([typed]) => {
        const revision = typed!.trim();
        const refused = unknownTarget(ctx, revision);
        if (refused) return ctx.setFlow(ask(revision, refused));
        then(revision, targets);
      },
      'goes on to the confirmation',
    ),
    values: [value],
    ...(error ? { error } : {}),
  });
  ctx.setFlow(ask(''));
}

/** Why the files do not know `revision` (its message and hint, nothing ran), or null when they do. */
function unknownTarget(ctx: FleetContext, revision: string): string[] | null {
  const { graph } = ctx.options.project;
  try {
    const ast = parseTarget(revision);
    if (ast.kind === 'ref' || ast.kind === 'branch-head') resolveRevisionRef(graph, ast.ref);
    if (ast.kind === 'branch-relative' || ast.kind === 'branch-base') resolveRevisionRef(graph, ast.label);
    return null;
  } catch (error) {
    const e = error as { message?: string; hint?: string };
    return [`✗ ${e.message ?? String(error)}: nothing was run on any target`, ...(e.hint ? [`→ ${e.hint}`] : []), 'type another revision, or esc to cancel'];
  }
}

/** `s`: stamp the selection (or all) to a revision: no SQL runs. */
export function startFleetStamp(ctx: FleetContext): void {
  askRevision(ctx, 'Stamp', (revision, targets) =>
    confirmOnFleet(ctx, {
      title: `Stamp ${countOf(targets.length)} to ${revision}?`,
      targets,
      body: ['STAMP RUNS NO SQL: it only records what is applied, on each target. Revisions it marks as NOT applied stay in the schema.'],
      onConfirm: () => void runOnTargets(ctx, `stamp ${revision}`, targets, async (m) => runOutcome(await m.stamp(revision, { refuseDirty: true }), 'stamped'), true),
    }),
  );
}

/**
 * `d`: downgrade the selection (or all) to a revision. Each target's preview is read first
 * (plain reads, row counts of what it drops), so the data at risk leads the confirmation;
 * then each target takes its own backup (tab turns it off) and reverts.
 */
export function startFleetDowngrade(ctx: FleetContext): void {
  askRevision(ctx, 'Downgrade', (revision, targets) => {
    ctx.setFlow(busyFlow(`reading the downgrade preview of ${countOf(targets.length)} (plain reads: what each would revert and the rows it drops)…`));
    const plans = new Map<string, string>();
    const risks: string[] = [];
    void eachPerServer(targets, ctx.options.parallel, async (target) => {
      try {
        const preview = await withTarget(target.connection, ctx.access, (m) => m.downgradePreview(revision));
        const steps = preview.steps;
        plans.set(target.name, steps.length === 0 ? 'nothing to downgrade' : `reverts ${steps.length} revision${steps.length === 1 ? '' : 's'} (${steps[0]!.revision} … ${steps[steps.length - 1]!.revision}); stays at ${preview.staysApplied.join(', ') || 'base'}`);
        if (preview.dataAtRisk.length > 0) risks.push(...riskLines(preview).slice(1).map((l) => `${target.name}:${l.slice(1)}`));
      } catch (error) {
        plans.set(target.name, `cannot preview: ${targetErrorText(error, target.connection, namedTarget(ctx.options, target))}`);
      }
    }).then(() =>
      confirmOnFleet(ctx, {
        title: `Downgrade ${countOf(targets.length)} to ${revision}?`,
        targets,
        notices: [{ title: 'DATA AT RISK', tone: 'danger', lines: risks }],
        body: [...(risks.length === 0 ? ['data at risk: none found on any target (no DROP TABLE, DROP COLUMN, TRUNCATE or DELETE without WHERE)', ''] : []), 'each target:', ...targets.map((t) => `  ${t.name}: ${plans.get(t.name)}`)],
        backup: true,
        onConfirm: (backup) =>
          void runOnTargets(
            ctx,
            `downgrade to ${revision}`,
            targets,
            async (m, target) => {
              const preview = await m.downgradePreview(revision);
              if (preview.steps.length === 0) return runOutcome(await m.downgrade(revision), 'reverted');
              const taken = backup ? `backup ${(await m.backup({ dir: backupDirOf(ctx, target), reason: `before downgrade to ${revision} (fleet view)`, beforeRun: true })).file}` : 'NO BACKUP was taken';
              const outcome = runOutcome(await m.downgrade(revision), 'reverted');
              return { ...outcome, summary: `${outcome.summary}; ${taken}` };
            },
            false,
          ),
      }),
    );
  });
}
