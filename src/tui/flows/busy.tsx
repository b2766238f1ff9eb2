import { Panel } from '../components/panel.js';
import type { FlowModule } from './flow.js';

/** Busy: a panel while the database is read before a flow can show (no keys). */

// State
export interface BusyFlow {
  readonly kind: 'busy';
  readonly title: string;
}

export const busyFlow = (title: string): BusyFlow => ({ kind: 'busy', title });

export const busy: FlowModule<BusyFlow> = {
  // Keys: none until the flow it prepares takes over.
  onKey: () => undefined,
  // View
  View: ({ flow, width, height }) => <Panel title={flow.title} body={['reading the database…']} footer="" width={width} height={height} />,
};
