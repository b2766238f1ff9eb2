import { Panel } from '../components/panel.js';
import { overlayFlow, overlayKey, type FlowModule, type FlowViewProps, type OverlayFlow } from './flow.js';

/** Log: the statements run this session, as they ran. */

// State
export type LogFlow = OverlayFlow<'log'>;

export const logFlow = (): LogFlow => overlayFlow('log');

// View
function CommandLog({ flow, width, height, session }: FlowViewProps<LogFlow>) {
  const log = session?.commandLog ?? [];
  const body = log.length === 0 ? ['no statements run this session'] : log.flatMap((s) => [`${s.at} ${s.direction === 'up' ? '↑' : '↓'} ${s.revision}`, ...s.sql.split('\n').map((l) => `  ${l}`)]);
  return <Panel title={`Command log: ${log.length} statement${log.length === 1 ? '' : 's'} run this session`} body={body} scroll={flow.scroll} footer="esc or @ closes" width={width} height={height} />;
}

// Keys: esc, q, ? or @ close it; j/k scroll (overlayKey).
export const log: FlowModule<LogFlow> = { onKey: overlayKey, View: CommandLog };
