import type { EarlyFrame } from '../early-frame.js';
import { runFullScreen } from '../full-screen.js';
import { cancelSessionRun } from '../run-tui.js';
import { FleetApp } from './fleet-app.js';
import type { FleetHandle, FleetTuiOptions } from './fleet-context.js';
import { cancelFleetRun } from './fleet-actions.js';

/** Opens the fleet view full screen (see runFullScreen). */
export function runFleetTui(options: FleetTuiOptions, early?: EarlyFrame): Promise<number> {
  const handle: FleetHandle = { session: null, ctx: null };
  return runFullScreen({
    ...(early ? { early } : {}),
    view: (size, controls) => <FleetApp options={options} width={size.width} height={size.height} onQuit={controls.summary} onAbandon={controls.abandon} handle={handle} />,
    cancelOnTerm: () => {
      const { session, ctx } = handle;
      // A fleet action: cancelled as ctrl-c does, and the process waits for the running targets.
      if (ctx?.view().running) {
        cancelFleetRun(ctx, () => undefined);
        return (ctx.runs.done ?? Promise.resolve()).then(() => 'the fleet action was cancelled: nothing new started; each target that ran says what stays applied (run `migrate-tui --targets … status`)');
      }
      return session ? cancelSessionRun(session) : null;
    },
    close: async () => {
      await handle.session?.close();
    },
  });
}
