import { Panel } from '../components/panel.js';
import { listKey, type FlowModule, type FlowViewProps, type KeyOutcome, type KeyPress } from './flow.js';

/** Choose: pick one of a few options with j/k and enter, or the option's own key (resolve's four ways out). */

// State
export interface ChooseFlow {
  readonly kind: 'choose';
  readonly title: string;
  readonly intro: readonly string[];
  readonly options: ReadonlyArray<{ readonly key: string; readonly label: string }>;
  readonly selected: number;
  readonly onChoose: (index: number) => void;
}

export const chooseFlow = (title: string, intro: readonly string[], options: ChooseFlow['options'], onChoose: (index: number) => void): ChooseFlow => ({ kind: 'choose', title, intro, options, selected: 0, onChoose });

// Keys
function onKey(state: ChooseFlow, { name }: KeyPress): KeyOutcome<ChooseFlow> {
  const moved = listKey(state, name, state.options.length, ['escape', 'q']);
  if (moved !== undefined) return moved;
  if (name === 'enter') return void state.onChoose(state.selected);
  const picked = state.options.findIndex((o) => o.key === name);
  if (picked >= 0) return void state.onChoose(picked);
  return undefined;
}

// View
function ChoiceList({ flow, width, height }: FlowViewProps<ChooseFlow>) {
  const body = [...flow.intro, '', ...flow.options.map((o, i) => `${i === flow.selected ? '>' : ' '} ${o.key}  ${o.label}`)];
  return <Panel title={flow.title} body={body} footer="j/k then enter, or an option's letter, opens its preview · esc cancels" width={width} height={height} tone="danger" />;
}

export const choose: FlowModule<ChooseFlow> = { onKey, View: ChoiceList };
