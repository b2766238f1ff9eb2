import { Panel } from '../components/panel.js';
import { KEYMAP } from '../keymap.js';
import { overlayFlow, overlayKey, type FlowModule, type FlowViewProps, type OverlayFlow } from './flow.js';

/** Help: every binding of the key registry, by group, with its scopes. */

// State
export type HelpFlow = OverlayFlow<'help'>;

export const helpFlow = (): HelpFlow => overlayFlow('help');

// View
function HelpOverlay({ flow, width, height, readOnly }: FlowViewProps<HelpFlow>) {
  const groups = ['navigate', 'view', 'act', 'app'] as const;
  const body = groups.flatMap((g) => [
    g.toUpperCase(),
    ...KEYMAP.filter((b) => b.group === g).map((b) => `  ${b.keys.join(', ').padEnd(16)} ${b.label}${b.mutates && readOnly ? '  (disabled: --read-only)' : ''}  [${b.scopes.join(', ')}]`),
    '',
  ]);
  return <Panel title="Keys" body={body} scroll={flow.scroll} footer="esc or ? closes" width={width} height={height} />;
}

// Keys: esc, q, ? or @ close it; j/k scroll (overlayKey).
export const help: FlowModule<HelpFlow> = { onKey: overlayKey, View: HelpOverlay };
