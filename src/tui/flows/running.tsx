import { useEffect, useState } from 'react';
import type { RunEvent } from '../../engine/index.js';
import { Panel } from '../components/panel.js';
import type { FlowModule, FlowViewProps } from './flow.js';

/** Running: the progress of a run — migration i of n, statement j of m, elapsed, the SQL running now. */

// State
export interface RunningFlow {
  readonly kind: 'running';
  readonly title: string;
  readonly step: string;
  readonly stepIndex: number;
  readonly stepTotal: number;
  readonly statement: number;
  readonly statementTotal: number;
  readonly sql: string;
  readonly started: number;
  /** Set once ctrl-c asked to cancel: what the cancel did (a second ctrl-c abandons). */
  readonly cancelling: string | null;
  /** Live: the sessions the running statement waits for (asked from a second connection). */
  readonly blocked: string | null;
  /**
   * What the run said along the way, as the CLI prints it (`warning (rev): …`): a lock timeout
   * and the try it goes on with ("try 2 of 3 in 1 s"), a server's notice. The latest few.
   */
  readonly warnings: readonly string[];
  /** The statement shown has finished: the run is writing migrate-tui's rows (which another session's lock on the log can hold up), not running it. */
  readonly ended?: boolean;
  /** What happens before the run starts (its backup): shown instead of migration and statement counts of 0 of 0. */
  readonly phase?: string | null;
}

/** How many of the run's warnings the running screen keeps (the latest). */
const WARNINGS_SHOWN = 3;

export const runningFlow = (title: string): RunningFlow => ({ kind: 'running', title, step: 'starting', stepIndex: 0, stepTotal: 0, statement: 0, statementTotal: 0, sql: '', started: Date.now(), cancelling: null, blocked: null, warnings: [] });

/** The engine's events, folded into the progress. */
export function reduceRunning(state: RunningFlow, event: RunEvent): RunningFlow {
  switch (event.type) {
    case 'lock-wait':
      return { ...state, step: `waiting for the lock${event.holder ? ` (${event.holder})` : ''}` };
    case 'step-start':
      return { ...state, step: `${event.direction === 'up' ? '↑' : '↓'} ${event.revision} ${event.message}`, stepIndex: event.index, stepTotal: event.total, statement: 0, statementTotal: event.statements, sql: '', blocked: null };
    case 'statement-start':
      return { ...state, statement: event.index + 1, statementTotal: event.total, sql: event.sql, blocked: null, ended: false };
    case 'statement-end':
      return event.index + 1 === state.statement ? { ...state, ended: true, blocked: null } : state;
    case 'lock-blocked':
      return { ...state, blocked: event.holders };
    case 'warning':
      return { ...state, warnings: [...state.warnings, `warning (${event.revision}): ${event.message}`].slice(-WARNINGS_SHOWN) };
    default:
      return state;
  }
}

// View
function ProgressView({ flow, width, height }: FlowViewProps<RunningFlow>) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 200);
    return () => clearInterval(timer);
  }, []);
  const elapsed = ((Date.now() - flow.started) / 1000).toFixed(1);
  const body = [
    ...(flow.phase ? [flow.phase] : [`migration ${Math.min(flow.stepIndex + 1, flow.stepTotal)} of ${flow.stepTotal}: ${flow.step}`, `statement ${flow.statement} of ${flow.statementTotal}`]),
    `elapsed ${elapsed} s`,
    ...(flow.blocked === null ? [] : [`waiting for a lock held by ${flow.blocked}`]),
    ...flow.warnings,
    '',
    ...(flow.phase ? [] : flow.ended ? [`statement ${flow.statement} finished; recording it in migrate-tui's log (another session's lock on the log makes this wait, up to the lock timeout)`, 'finished:'] : ['running now:']),
    ...(flow.phase ? [] : flow.sql.split('\n').slice(0, Math.max(1, height - 12))),
    ...(flow.cancelling === null ? [] : ['', flow.cancelling, 'waiting for the database to say what stays applied…']),
  ];
  const footer = flow.cancelling === null ? 'working… (ctrl-c cancels the run; the result says what stays applied)' : 'cancelling… (ctrl-c again abandons: exits at once, the database may be left dirty)';
  return <Panel title={flow.title} body={body} footer={footer} width={width} height={height} />;
}

export const running: FlowModule<RunningFlow> = {
  // Keys: none while it runs (ctrl-c is the app's).
  onKey: () => undefined,
  View: ProgressView,
};
