import { Box, Text } from 'ink';
import { Panel } from '../components/panel.js';
import { colour } from '../theme.js';
import { scrollBy, typesText, type FlowModule, type FlowViewProps, type KeyOutcome, type KeyPress } from './flow.js';
import { bindingFor, KEYMAP } from '../keymap.js';
import { findingLines, type ConfirmLint } from '../lint-view.js';

/**
 * Confirm: a preview and a yes/no (default No), or — for what destroys — the database name
 * typed out (k9s / Shopify). It may offer a backup first (tab toggles it).
 */

// State
/**
 * A section the confirmation leads with, before the plan: what is at risk first. Sections
 * render in the order given (data at risk, then lint findings, then transaction notes…);
 * each is summarised to fit the screen, with the count of what is below the fold.
 */
export interface ConfirmNotice {
  readonly title: string;
  readonly lines: readonly string[];
  readonly tone: 'danger' | 'warning' | 'plain';
}

export interface ConfirmFlow {
  readonly kind: 'confirm';
  readonly title: string;
  /** Shown first, summarised; the full text of a summarised one is at the top of the body. */
  readonly notices: readonly ConfirmNotice[];
  readonly body: readonly string[];
  readonly scroll: number;
  /** The name to type before enter confirms; `null`: y confirms. */
  readonly phrase: string | null;
  /** What the phrase is, in "Type <label> … to confirm" (default: the database name). */
  readonly phraseLabel: string;
  readonly input: string;
  /** Enter was pressed on a typed name that is not the phrase: the view says so until the next key. */
  readonly mismatch: boolean;
  /** Take a backup first? `null`: not offered. */
  readonly backup: boolean | null;
  readonly danger: boolean;
  /** The plan's lint findings, listed above the body; null: none. */
  readonly lint: ConfirmLint | null;
  readonly onConfirm: (backup: boolean) => void;
  /** Where cancelling goes (the choices it was opened from); absent: it closes. */
  readonly onCancel?: () => void;
}

export function confirmFlow(options: {
  title: string;
  body: readonly string[];
  onConfirm: (backup: boolean) => void;
  notices?: readonly ConfirmNotice[];
  phrase?: string | null;
  phraseLabel?: string;
  backup?: boolean | null;
  danger?: boolean;
  lint?: ConfirmLint | null;
  onCancel?: () => void;
}): ConfirmFlow {
  return { kind: 'confirm', scroll: 0, input: '', mismatch: false, phrase: null, phraseLabel: 'the database name', backup: null, danger: false, lint: null, ...options, notices: (options.notices ?? []).filter((n) => n.lines.length > 0) };
}

export interface NoticeLine {
  readonly text: string;
  readonly tone: ConfirmNotice['tone'];
  readonly heading: boolean;
}

/**
 * The notices within `budget` lines: each keeps its heading and a fair share of the lines,
 * and a cut one ends with how many more there are below. `cut`: some lines did not fit.
 */
export function summariseNotices(notices: readonly ConfirmNotice[], budget: number): { lines: NoticeLine[]; cut: boolean } {
  const lines: NoticeLine[] = [];
  let left = Math.max(budget, notices.length * 2);
  let cut = false;
  notices.forEach((n, i) => {
    const share = Math.max(2, Math.floor(left / (notices.length - i)));
    lines.push({ text: `${n.title} (${n.lines.length})`, tone: n.tone, heading: true });
    const room = share - 1;
    // A cut notice still shows its first (biggest) line, then the count of the rest.
    const shown = n.lines.length <= room ? n.lines : n.lines.slice(0, Math.max(1, room - 1));
    lines.push(...shown.map((text) => ({ text, tone: n.tone, heading: false })));
    if (shown.length < n.lines.length) {
      cut = true;
      lines.push({ text: `  … and ${n.lines.length - shown.length} more below (↓ scrolls)`, tone: n.tone, heading: false });
    }
    left -= 1 + Math.min(n.lines.length, room);
  });
  return { lines, cut };
}

export type ConfirmAction = { type: 'scroll'; by: number } | { type: 'toggle-backup' } | { type: 'type'; text: string } | { type: 'erase' } | { type: 'mismatch' };

export function reduceConfirm(state: ConfirmFlow, action: ConfirmAction): ConfirmFlow {
  switch (action.type) {
    case 'scroll':
      return scrollBy(state, action.by);
    case 'toggle-backup':
      return state.backup === null ? state : { ...state, backup: !state.backup };
    case 'type':
      return { ...state, input: state.input + action.text, mismatch: false };
    case 'erase':
      return { ...state, input: state.input.slice(0, -1), mismatch: false };
    case 'mismatch':
      return { ...state, mismatch: true };
  }
}

// Keys
const SCROLL = new Map([
  ['down', 1],
  ['up', -1],
  ['pagedown', 10],
  ['pageup', -10],
]);

/** The registry's lint keys: while a name is typed only their ctrl- forms (letters type). */
function lintKey(state: ConfirmFlow, name: string): ConfirmFlow | undefined {
  const lint = state.lint;
  const binding = bindingFor(name, 'confirm');
  if (!lint || !binding || (state.phrase !== null && !name.startsWith('ctrl-'))) return undefined;
  const count = lint.findings.length;
  switch (binding.action) {
    case 'next-finding':
      return { ...state, lint: { ...lint, focus: (lint.focus + 1) % count }, scroll: 0 };
    case 'prev-finding':
      return { ...state, lint: { ...lint, focus: (lint.focus + count - 1) % count }, scroll: 0 };
    case 'show-fix':
      return { ...state, lint: { ...lint, showFix: !lint.showFix }, scroll: 0 };
    default:
      return undefined;
  }
}

/** How the lint keys are named on this screen (from the registry). */
const keysOf = (action: string) => KEYMAP.find((b) => b.action === action)?.keys ?? [];
const LINT_KEYS = { move: `${keysOf('next-finding')[0]} ${keysOf('prev-finding')[0]}`, fix: keysOf('show-fix')[0] ?? 'f' };
const LINT_KEYS_TYPING = { move: `${keysOf('next-finding')[1]} ${keysOf('prev-finding')[1]}`, fix: keysOf('show-fix')[1] ?? 'ctrl-f' };

/** Cancelling: back to where it was opened from (the flow that callback sets), or closed. */
const cancelled = (state: ConfirmFlow): KeyOutcome<ConfirmFlow> => (state.onCancel ? void state.onCancel() : null);

function onKey(state: ConfirmFlow, { name, input }: KeyPress): KeyOutcome<ConfirmFlow> {
  if (name === 'escape') return cancelled(state);
  const moved = lintKey(state, name);
  if (moved) return moved;
  const by = SCROLL.get(name);
  if (by !== undefined) return reduceConfirm(state, { type: 'scroll', by });
  if (name === 'tab' && state.backup !== null) return reduceConfirm(state, { type: 'toggle-backup' });
  if (state.phrase !== null) {
    if (name === 'backspace') return reduceConfirm(state, { type: 'erase' });
    if (name === 'enter') return state.input === state.phrase ? void state.onConfirm(state.backup ?? false) : reduceConfirm(state, { type: 'mismatch' });
    if (typesText(name, input)) return reduceConfirm(state, { type: 'type', text: input });
    return undefined;
  }
  if (name === 'y') return void state.onConfirm(state.backup ?? false);
  if (name === 'n' || name === 'enter' || name === 'q') return cancelled(state);
  return undefined;
}

// View
/** The typed-confirmation field (k9s / Shopify: the riskiest action needs the name typed). */
function TypedConfirm(props: { phrase: string; label: string; input: string; mismatch: boolean }) {
  const matches = props.input === props.phrase;
  return (
    <Box flexDirection="column">
      <Text>
        {`Type ${props.label ? `${props.label} ` : ''}`}
        <Text bold>{props.phrase}</Text>
        {' and press enter to confirm:'}
      </Text>
      <Text>
        {'> '}
        <Text color={matches ? colour('green') : colour('yellow')}>{props.input}</Text>
        <Text inverse> </Text>
      </Text>
      {props.mismatch ? <Text color={colour('red')}>{mismatchText(props.phrase, props.input)}</Text> : null}
    </Box>
  );
}

/** Why enter did nothing: the typed name is not the one asked for. */
const mismatchText = (phrase: string, input: string) => `${input ? `"${input}" does not match` : 'nothing typed'}: type ${phrase} exactly to confirm (esc cancels); nothing was run`;

/**
 * The notices first (summarised to fit), then the choices (backup, the typed name) — so the
 * prompt is never on screen without what is at risk — then the plan, which scrolls.
 */
function ConfirmView({ flow, width, height }: FlowViewProps<ConfirmFlow>) {
  // Opened from a list of choices, cancelling goes back to it: the footer says so.
  const cancel = flow.onCancel ? 'goes back to the choices' : 'cancels';
  const footer = flow.phrase !== null ? `type ${flow.phraseLabel ? 'the name' : flow.phrase} · enter confirms · esc ${cancel}` : `y confirms · n, enter or esc ${cancel} (default: No)`;
  const budget = Math.max(3, Math.floor((height - 8) / 2));
  const { lines: lead, cut } = summariseNotices(flow.notices, budget);
  // A summarised notice is given in full at the top of the plan, where "below" points.
  const full = cut ? flow.notices.flatMap((n) => [`${n.title}:`, ...n.lines, '']) : [];
  const prompt = `Type ${flow.phraseLabel ? `${flow.phraseLabel} ` : ''}${flow.phrase ?? ''} and press enter to confirm:`;
  const controls = (flow.backup !== null ? 1 : 0) + (flow.phrase !== null ? 1 + Math.ceil(prompt.length / Math.max(1, width - 2)) : 0) + (flow.phrase !== null && flow.mismatch ? Math.ceil(mismatchText(flow.phrase, flow.input).length / Math.max(1, width - 2)) : 0);
  const tones = { danger: colour('red'), warning: colour('yellow'), plain: undefined };
  const leadView = (
    <Box flexDirection="column">
      {lead.map((l, i) => (
        <Text key={i} color={tones[l.tone]} bold={l.heading} wrap="truncate">
          {l.text}
        </Text>
      ))}
      {flow.backup !== null ? <Text wrap="truncate">{`Backup first: ${flow.backup ? '[x] yes' : '[ ] NO — no backup will be taken'}   (tab toggles)`}</Text> : null}
      {flow.phrase !== null ? <TypedConfirm phrase={flow.phrase} label={flow.phraseLabel} input={flow.input} mismatch={flow.mismatch} /> : null}
      {lead.length + controls > 0 ? <Text color={colour('gray')}>{'─'.repeat(Math.max(0, width - 2))}</Text> : null}
    </Box>
  );
  return (
    <Panel
      title={flow.title}
      lead={leadView}
      leadHeight={lead.length + controls + (lead.length + controls > 0 ? 1 : 0)}
      body={[...full, ...findingLines(flow.lint, flow.phrase === null ? LINT_KEYS : LINT_KEYS_TYPING), ...flow.body]}
      scroll={flow.scroll}
      footer={footer}
      width={width}
      height={height}
      tone={flow.danger ? 'danger' : 'plain'}
    />
  );
}

export const confirm: FlowModule<ConfirmFlow> = { onKey, View: ConfirmView, typing: (state) => state.phrase !== null };
