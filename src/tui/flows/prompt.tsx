import { Panel } from '../components/panel.js';
import { typesText, type FlowModule, type FlowViewProps, type KeyOutcome, type KeyPress } from './flow.js';

/** Prompt: a few text fields (tab/enter to the next); enter on the last submits, when the first is filled. */

// State
export interface PromptFlow {
  readonly kind: 'prompt';
  readonly title: string;
  readonly labels: readonly string[];
  readonly values: readonly string[];
  readonly field: number;
  readonly onSubmit: (values: readonly string[]) => void;
  /** What enter on the last field does (default: writes the files, for a new revision). */
  readonly submits?: string;
  /** Why the last submit was refused (shown under the fields; nothing ran). */
  readonly error?: readonly string[];
}

export const promptFlow = (title: string, labels: readonly string[], onSubmit: (values: readonly string[]) => void, submits?: string): PromptFlow => ({ kind: 'prompt', title, labels, values: labels.map(() => ''), field: 0, onSubmit, ...(submits ? { submits } : {}) });

export type PromptAction = { type: 'type'; text: string } | { type: 'erase' } | { type: 'field'; field: number };

export function reducePrompt(state: PromptFlow, action: PromptAction): PromptFlow {
  switch (action.type) {
    case 'type':
      return { ...state, error: undefined, values: state.values.map((v, i) => (i === state.field ? v + action.text : v)) };
    case 'erase':
      return { ...state, error: undefined, values: state.values.map((v, i) => (i === state.field ? v.slice(0, -1) : v)) };
    case 'field':
      return { ...state, field: action.field };
  }
}

// Keys
function onKey(state: PromptFlow, { name, input }: KeyPress): KeyOutcome<PromptFlow> {
  if (name === 'escape') return null;
  if (name === 'backspace') return reducePrompt(state, { type: 'erase' });
  if (name === 'enter' || name === 'tab') {
    if (state.field < state.labels.length - 1) return reducePrompt(state, { type: 'field', field: state.field + 1 });
    if (name === 'tab' || !state.values[0]!.trim()) return reducePrompt(state, { type: 'field', field: 0 });
    return void state.onSubmit(state.values);
  }
  if (typesText(name, input)) return reducePrompt(state, { type: 'type', text: input });
  return undefined;
}

// View
function PromptView({ flow, width, height }: FlowViewProps<PromptFlow>) {
  const body = [...flow.labels.map((l, i) => `${i === flow.field ? '>' : ' '} ${l}: ${flow.values[i]}${i === flow.field ? '▏' : ''}`), ...(flow.error ? ['', ...flow.error] : [])];
  return <Panel title={flow.title} body={body} footer={`type · tab/enter next field · enter on the last ${flow.submits ?? 'writes the files'} · esc cancels`} width={width} height={height} />;
}

export const prompt: FlowModule<PromptFlow> = { onKey, View: PromptView, typing: () => true };
