import { Panel } from '../components/panel.js';
import { pagerKey, type FlowModule } from './flow.js';
import { isRefusal, type CommandPlace } from '../../engine/index.js';
import { tuiHint } from '../tui-hints.js';

/** Result: what an action did (or why it failed), scrollable; any of enter, esc, q closes it. */

// State
export interface ResultFlow {
  readonly kind: 'result';
  readonly ok: boolean;
  readonly title: string;
  readonly body: readonly string[];
  readonly scroll: number;
}

export const resultFlow = (ok: boolean, title: string, body: readonly string[]): ResultFlow => ({ kind: 'result', ok, title, body, scroll: 0 });

/** An action that threw: its message and, for the engine's errors, the hint (in the TUI's keys). */
export function errorResult(title: string, error: unknown, place?: CommandPlace): ResultFlow {
  const e = error as { message?: string };
  const hint = tuiHint(error, place);
  return resultFlow(false, `${title}: FAILED`, [...String(e.message ?? error).split('\n'), ...(hint ? [`→ ${hint}`] : [])]);
}

/**
 * A database action (upgrade, downgrade, stamp, resolve) that threw: refused while planning or
 * checking, nothing ran — said so in the title (it said "FAILED" above "… Nothing ran") — or failed.
 */
export function actionError(title: string, error: unknown, place?: CommandPlace): ResultFlow {
  const shown = errorResult(title, error, place);
  return isRefusal(error) ? { ...shown, title: `${title}: REFUSED — nothing ran` } : shown;
}

export const result: FlowModule<ResultFlow> = {
  // Keys
  onKey: (state, { name }) => pagerKey(state, name, ['escape', 'enter', 'q']),
  // View
  View: ({ flow, width, height }) => <Panel title={flow.title} body={flow.body} scroll={flow.scroll} footer="enter or esc closes" width={width} height={height} tone={flow.ok ? 'ok' : 'error'} />,
};
