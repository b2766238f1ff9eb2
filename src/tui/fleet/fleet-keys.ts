import { runKey } from '../context.js';
import { flowKey } from '../flows/index.js';
import { helpFlow } from '../flows/help.js';
import type { KeyHandlers } from '../keymap.js';
import { cancelFleetRun, startFleetUpgrade } from './fleet-actions.js';
import type { FleetContext } from './fleet-context.js';
import { startFleetDowngrade, startFleetStamp } from './fleet-revision-actions.js';

/** The fleet table's keys: ctrl-c (cancel a running action, else quit), the open flow, then the registry's `fleet` bindings. */
export function fleetKey(ctx: FleetContext, name: string, input: string, abandon: (message: string) => void): void {
  if (name === 'ctrl-c') return ctx.view().running ? cancelFleetRun(ctx, abandon) : ctx.quit('interrupted (ctrl-c)', 130);
  const open = ctx.flow();
  if (open) {
    const next = flowKey(open, { name, input });
    return next === undefined ? undefined : ctx.setFlow(next);
  }
  if (ctx.view().notice) ctx.dispatch({ type: 'notice', text: null });
  runKey(ctx, 'fleet', name, FLEET_KEYS, ctx);
}

const idle = (ctx: FleetContext, then: () => void) => (ctx.view().running ? ctx.notice('a fleet action is running: wait for it to end (ctrl-c cancels it)') : then());

/** What each `fleet` binding of the registry does. */
export const FLEET_KEYS: KeyHandlers<'fleet', [FleetContext]> = {
  'target-down': (ctx) => ctx.dispatch({ type: 'move', by: 1 }),
  'target-up': (ctx) => ctx.dispatch({ type: 'move', by: -1 }),
  select: (ctx) => ctx.dispatch({ type: 'toggle' }),
  'select-all': (ctx) => ctx.dispatch({ type: 'toggle-all' }),
  open: (ctx) => {
    const row = ctx.view().rows[ctx.view().cursor];
    if (row) ctx.open(row.target);
  },
  'fleet-upgrade': startFleetUpgrade,
  'fleet-downgrade': startFleetDowngrade,
  'fleet-stamp': startFleetStamp,
  reload: (ctx) => idle(ctx, () => void ctx.read()),
  help: (ctx) => ctx.setFlow(helpFlow()),
  quit: (ctx) => idle(ctx, () => ctx.quit()),
  back: (ctx) => ctx.dispatch({ type: 'clear-selection' }),
};
