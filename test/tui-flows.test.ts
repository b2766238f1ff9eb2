import test from 'ava';
import { confirmFlow } from '../src/tui/flows/confirm.js';
import { flowKey, flowTyping, type Flow } from '../src/tui/flows/index.js';
import { promptFlow } from '../src/tui/flows/prompt.js';
import { bindingFor, keyName, KEYMAP } from '../src/tui/keymap.js';

/** The flows without a terminal: each key handler is a pure function of the flow's state. */
const press = (start: Flow, ...names: string[]): Flow | null => {
  let flow: Flow | null = start;
  for (const name of names) {
    if (!flow) return null;
    const next = flowKey(flow, { name, input: name.length === 1 ? name : '' });
    if (next !== undefined) flow = next;
  }
  return flow;
};

test('typed confirmation: only the exact name confirms; backspace edits; y is text, not yes', (t) => {
  const confirmed: boolean[] = [];
  const flow = confirmFlow({ title: 'Downgrade?', body: [], phrase: 'app.db', backup: true, onConfirm: (backup) => confirmed.push(backup) });
  t.true(flowTyping(flow));
  const typed = press(flow, 'y', 'a', 'p', 'p', '.', 'd', 'b');
  t.is(typed?.kind === 'confirm' ? typed.input : null, 'yapp.db');
  t.deepEqual(confirmed, []);
  press(typed!, 'enter');
  t.deepEqual(confirmed, [], 'a wrong name does nothing');
  const erased = press(typed!, 'backspace');
  t.is(erased?.kind === 'confirm' ? erased.input : null, 'yapp.d');
  const fixed = press(typed!, 'tab');
  t.is(fixed?.kind === 'confirm' ? fixed.backup : null, false, 'tab toggles the backup');
  const right = confirmFlow({ title: 'Downgrade?', body: [], phrase: 'app.db', backup: true, onConfirm: (backup) => confirmed.push(backup) });
  press(right, 'a', 'p', 'p', '.', 'd', 'b', 'enter');
  t.deepEqual(confirmed, [true]);
  t.is(press(right, 'escape'), null);
});

test('control keys never type into a text field: ctrl-d (as Ink hands it over: input "d", ctrl) typed a "d" into the name being confirmed', (t) => {
  const confirmed: boolean[] = [];
  const ink = (input: string, key: { ctrl?: boolean } = {}) => ({ name: keyName(input, key), input });
  let flow: Flow | null | undefined = confirmFlow({ title: 'Resolve?', body: [], phrase: 'oncall', backup: true, onConfirm: (backup) => confirmed.push(backup) });
  for (const key of [ink('oncal'), ink('d', { ctrl: true }), ink('a', { ctrl: true }), ink('e', { ctrl: true }), ink('w', { ctrl: true })]) flow = flowKey(flow!, key) ?? flow;
  t.is(flow?.kind === 'confirm' ? flow.input : null, 'oncal');
  flow = flowKey(flow!, ink('l')) ?? flow;
  flowKey(flow!, { name: 'enter', input: '\r' });
  t.deepEqual(confirmed, [true], 'the name typed without the control keys confirms');
  let prompt: Flow | null | undefined = promptFlow('New revision', ['message', 'branch'], () => undefined);
  for (const key of [ink('add'), ink('d', { ctrl: true }), ink('u', { ctrl: true })]) prompt = flowKey(prompt!, key) ?? prompt;
  t.deepEqual(prompt?.kind === 'prompt' ? prompt.values : null, ['add', '']);
});

test('yes/no confirmation: y confirms, n, enter and q cancel (default No)', (t) => {
  let yes = 0;
  const flow = confirmFlow({ title: 'Upgrade?', body: ['a', 'b'], onConfirm: () => yes++ });
  t.false(flowTyping(flow));
  for (const key of ['n', 'enter', 'q', 'escape']) t.is(press(flow, key), null, key);
  press(flow, 'y');
  t.is(yes, 1);
});

test('prompt: tab and enter move between fields; enter on the last submits only with a message', (t) => {
  const submitted: Array<readonly string[]> = [];
  const flow = promptFlow('New revision', ['message', 'branch'], (values) => submitted.push(values));
  const empty = press(flow, 'enter', 'enter');
  t.is(empty?.kind === 'prompt' ? empty.field : null, 0, 'back to the empty message');
  press(flow, 'a', 'd', 'd', 'tab', 'x', 'enter');
  t.deepEqual(submitted, [['add', 'x']]);
});

test('n is the next match after a search, else a new revision; every binding has a scope', (t) => {
  t.is(bindingFor('n', 'browse', true)?.action, 'next-match');
  t.is(bindingFor('n', 'browse', false)?.action, 'new');
  t.is(bindingFor('n', 'rollback'), undefined);
  t.true(KEYMAP.every((b) => b.scopes.length > 0));
});
