import { Box } from 'ink';
import { App } from '../app.js';
import { FlowView, flowTyping } from '../flows/index.js';
import { useRef } from 'react';
import { useKeys, type KeyRoute } from '../use-keys.js';
import { useFleetContext, type FleetHandle, type FleetTuiOptions } from './fleet-context.js';
import { fleetKey } from './fleet-keys.js';
import { FLEET_CHROME, FleetTable } from './fleet-table.js';

export interface FleetAppProps {
  readonly options: FleetTuiOptions;
  readonly width: number;
  readonly height: number;
  /** Called with a one-line summary when the user quits. */
  readonly onQuit: (summary: string, code?: number) => void;
  /** A second ctrl-c while an action is cancelling: leave at once. */
  readonly onAbandon?: (message: string) => void;
  /** Filled in for the process around the screen (closing the open target, SIGTERM). */
  readonly handle?: FleetHandle;
}

/**
 * The fleet view: the table of targets, a flow over it (confirmation, prompt, result, help),
 * or — after `enter` — the usual one-database view of a target, whose `q` comes back here.
 */
export function FleetApp({ options, width, height, onQuit, onAbandon, handle = { session: null, ctx: null } }: FleetAppProps) {
  const { ctx, view, flow, session, leave } = useFleetContext(options, Math.max(3, height - FLEET_CHROME), onQuit, handle);
  const abandon = onAbandon ?? ((message: string) => ctx.quit(message, 130));
  // One input subscription: the table's keys, or the open target's view's (it hands its handling over when it renders).
  const target = useRef<KeyRoute | null>(null);
  if (!session) target.current = null;
  useKeys(
    () => {
      if (target.current) return target.current.typing();
      const open = ctx.flow();
      return open ? flowTyping(open) : false;
    },
    (name, input, key) => (target.current ? target.current.handle(name, input, key) : fleetKey(ctx, name, input, abandon)),
  );
  const back = () => {
    target.current = null;
    leave();
  };
  if (session) return <App session={session} width={width} height={height} readOnly={options.readOnly} onQuit={onQuit} onAbandon={abandon} onLeave={back} keysTo={target} />;
  return (
    <Box flexDirection="column" width={width} height={height - 1}>
      {flow ? <FlowView flow={flow} width={width} height={height - 1} readOnly={options.readOnly} /> : <FleetTable fleet={options.fleet} view={view} width={width} height={height - 1} readOnly={options.readOnly} />}
    </Box>
  );
}
