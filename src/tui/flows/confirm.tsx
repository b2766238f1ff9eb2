import { Box, Text } from 'ink';
import { Panel } from '../components/panel.js';
import { colour } from '../theme.js';
import { scrollBy, type FlowModule, type FlowViewProps, type KeyOutcome, type KeyPress } from './flow.js';

/**
 * Confirm: a preview and a yes/no (default No), or — for what destroys — the database name
 * typed out (k9s / Shopify). It may offer a backup first (tab toggles it).
 */

// State
export interface ConfirmFlow {
  readonly kind: 'confirm';
  readonly title: string;
  readonly body: readonly string[];
  readonly scroll: number;
  /** The name to type before enter confirms; `null`: y confirms. */
  readonly phrase: string | null;
  /** What the phrase is, in "Type <label> … to confirm" (default: the database name). */
  readonly phraseLabel: string;
  readonly input: string;
  /** Take a backup first? `null`: not offered. */
  readonly backup: boolean | null;
  readonly danger: boolean;
  readonly onConfirm: (backup: boolean) => void;
}

export function confirmFlow(options: { title: string; body: readonly string[]; onConfirm: (backup: boolean) => void; phrase?: string | null; phraseLabel?: string; backup?: boolean | null; danger?: boolean }): ConfirmFlow {
  return { kind: 'confirm', scroll: 0, input: '', phrase: null, phraseLabel: 'the database name', backup: null, danger: false, ...options };
}

export type ConfirmAction = { type: 'scroll'; by: number } | { type: 'toggle-backup' } | { type: 'type'; text: string } | { type: 'erase' };

export function reduceConfirm(state: ConfirmFlow, action: ConfirmAction): ConfirmFlow {
  switch (action.type) {
    case 'scroll':
      return scrollBy(state, action.by);
    case 'toggle-backup':
      return state.backup === null ? state : { ...state, backup: !state.backup };
    case 'type':
      return { ...state, input: state.input + action.text };
    case 'erase':
      return { ...state, input: state.input.slice(0, -1) };
  }
}

// Keys
const SCROLL = new Map([
  ['down', 1],
  ['up', -1],
  ['pagedown', 10],
  ['pageup', -10],
]);

function onKey(state: ConfirmFlow, { name, input }: KeyPress): KeyOutcome<ConfirmFlow> {
  if (name === 'escape') return null;
  const by = SCROLL.get(name);
  if (by !== undefined) return reduceConfirm(state, { type: 'scroll', by });
  if (name === 'tab' && state.backup !== null) return reduceConfirm(state, { type: 'toggle-backup' });
  if (state.phrase !== null) {
    if (name === 'backspace') return reduceConfirm(state, { type: 'erase' });
    if (name === 'enter') return state.input === state.phrase ? void state.onConfirm(state.backup ?? false) : undefined;
    if (input && !['tab', 'escape', 'up', 'down', 'left', 'right', 'pageup', 'pagedown'].includes(name)) return reduceConfirm(state, { type: 'type', text: input });
    return undefined;
  }
  if (name === 'y') return void state.onConfirm(state.backup ?? false);
  if (name === 'n' || name === 'enter' || name === 'q') return null;
  return undefined;
}

// View
/** The typed-confirmation field (k9s / Shopify: the riskiest action needs the name typed). */
function TypedConfirm(props: { phrase: string; label: string; input: string }) {
  const matches = props.input === props.phrase;
  return (
    <Box flexDirection="column">
      <Text>
        {`Type ${props.label} `}
        <Text bold>{props.phrase}</Text>
        {' and press enter to confirm:'}
      </Text>
      <Text>
        {'> '}
        <Text color={matches ? colour('green') : colour('yellow')}>{props.input}</Text>
        <Text inverse> </Text>
      </Text>
    </Box>
  );
}

function ConfirmView({ flow, width, height }: FlowViewProps<ConfirmFlow>) {
  const footer = flow.phrase !== null ? 'type the name · enter confirms · esc cancels' : 'y confirms · n, enter or esc cancels (default: No)';
  return (
    <Panel title={flow.title} body={flow.body} scroll={flow.scroll} footer={footer} width={width} height={height} tone={flow.danger ? 'danger' : 'plain'}>
      {flow.backup !== null ? <Text>{`Backup first: ${flow.backup ? '[x] yes' : '[ ] NO — no backup will be taken'}   (tab toggles)`}</Text> : null}
      {flow.phrase !== null ? <TypedConfirm phrase={flow.phrase} label={flow.phraseLabel} input={flow.input} /> : null}
    </Panel>
  );
}

export const confirm: FlowModule<ConfirmFlow> = { onKey, View: ConfirmView, typing: (state) => state.phrase !== null };
