import { useRef, useState } from 'react';
import type { LogRow } from '../../engine/index.js';
import { openBackups } from '../actions/backups.js';
import { startDowngrade } from '../actions/migrate.js';
import { startResolve } from '../actions/resolve.js';
import { RollbackPane } from '../components/rollback-pane.js';
import { runKey, type TuiContext } from '../context.js';
import { helpFlow } from '../flows/help.js';
import { logFlow } from '../flows/log.js';
import type { KeyHandlers } from '../keymap.js';
import type { TuiSession } from '../session.js';

/** The on-call console (`migrate-tui rollback`): the last applied steps, and rolling them back. */

/** Applied steps from the log, newest first, of revisions that are applied now. */
export function appliedStepsOf(session: TuiSession): LogRow[] {
  const { state } = session;
  return state.log
    .filter((r) => r.direction === 'up' && r.status === 'done' && (r.kind === 'migrate' || r.kind === 'stamp' || r.kind === 'restore') && (state.applied.has(r.revision) || state.missing.some((m) => m.revision === r.revision)))
    .reverse();
}

// State: the selected step, with a ref for the key handlers (keys can come before the next render).
export interface RollbackSelection {
  readonly selected: number;
  current(): number;
  move(update: (i: number) => number): void;
}

export function useRollbackSelection(): RollbackSelection {
  const [selected, setSelected] = useState(0);
  const ref = useRef(0);
  return {
    selected,
    current: () => ref.current,
    move: (update) => {
      ref.current = update(ref.current);
      setSelected(ref.current);
    },
  };
}

// Keys
export function rollbackKey(ctx: TuiContext, selection: RollbackSelection, name: string): void {
  runKey(ctx, 'rollback', name, ROLLBACK_KEYS, ctx, selection);
}

/** What each `rollback` binding of the registry does. */
export const ROLLBACK_KEYS: KeyHandlers<'rollback', [TuiContext, RollbackSelection]> = {
  down: (ctx, selection) => selection.move((i) => Math.min(appliedStepsOf(ctx.session).length - 1, i + 1)),
  up: (_, selection) => selection.move((i) => Math.max(0, i - 1)),
  'rollback-latest': (ctx) => startDowngrade(ctx, '-1'),
  'rollback-to': (ctx, selection) => {
    const step = appliedStepsOf(ctx.session)[selection.current()];
    if (!step) return;
    const { graph } = ctx.session.project;
    if (graph.has(step.revision) && graph.parents(step.revision).length > 1) return ctx.notice(`${step.revision} is a merge revision: roll back the latest with d, step by step`);
    startDowngrade(ctx, graph.has(step.revision) && graph.parents(step.revision).length === 0 ? 'base' : `${step.revision}-1`);
  },
  backups: openBackups,
  resolve: startResolve,
  log: (ctx) => ctx.setFlow(logFlow()),
  help: (ctx) => ctx.setFlow(helpFlow()),
  reload: (ctx) => void ctx.session.reload().then(ctx.refresh),
  quit: (ctx) => ctx.quit(),
  back: () => undefined,
};

// View
export function RollbackScreen(props: { session: TuiSession; selected: number; width: number; height: number }) {
  const { session } = props;
  const { dirty } = session.state;
  const steps = appliedStepsOf(session);
  const warnings = [
    ...(dirty ? [`DIRTY: the ${dirty.direction} of ${dirty.revision} did not finish (${dirty.statementsDone}/${dirty.statementsTotal} statements) — press R to resolve it first`] : []),
    ...session.state.drift.map((d) => `DRIFT: ${d.revision} changed since it was applied (${d.cosmetic ? 'comments/white space' : 'SQL differs'})`),
    ...session.state.missing.map((m) => `MISSING FILES: ${m.revision} is applied but its files are gone (reverted from the stored down SQL)`),
  ];
  const messages = new Map(session.project.graph.revisions.map((m) => [m.id, m.message]));
  return <RollbackPane steps={steps} selected={Math.min(props.selected, Math.max(0, steps.length - 1))} warnings={warnings} messages={messages} width={props.width} height={props.height} />;
}
