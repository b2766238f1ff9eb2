import type { ReactNode } from 'react';
import type { TuiSession } from '../session.js';

/**
 * What every flow module is made of (the pattern of @inkjs/ui's components): a state with a
 * pure reducer, a key handler that turns a key into the next state, and a view. The key
 * handler is a plain function, not an Ink `useInput` per flow: the app keeps one input
 * subscription that reads the current flow from a ref, so keys that arrive before Ink has
 * re-subscribed after a render (fast typing, a paste) still reach the flow they belong to.
 */
export interface KeyPress {
  /** The key's name (`keyName`): a character, or `enter`, `escape`, `up`, `ctrl-d`… */
  readonly name: string;
  /** The text typed, for the flows with a text field. */
  readonly input: string;
}

/**
 * A flow's answer to a key: its next state, `null` to close it, or `undefined` when the key
 * changes nothing here (or handed over to a callback that chose the next flow itself).
 */
export type KeyOutcome<S> = S | null | undefined;

export interface FlowViewProps<S> {
  readonly flow: S;
  readonly width: number;
  readonly height: number;
  readonly readOnly: boolean;
  /** The one-database session; absent on the fleet view (its flows do not read it). */
  readonly session?: TuiSession;
}

export interface FlowModule<S> {
  readonly onKey: (state: S, key: KeyPress) => KeyOutcome<S>;
  readonly View: (props: FlowViewProps<S>) => ReactNode;
  /** True while the flow takes text: a chunk of input is then one piece of text, not many keys. */
  readonly typing?: (state: S) => boolean;
}

/** Keys that are never text in a text field. */
export const NOT_TEXT = ['tab', 'enter', 'escape', 'backspace', 'up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end'];

/**
 * Whether a key types its input into a text field. A control key never does: Ink hands
 * ctrl-d over as input "d", which typed a "d" into the database name being confirmed.
 */
export const typesText = (name: string, input: string): boolean => input !== '' && !name.startsWith('ctrl-') && !NOT_TEXT.includes(name);

/** Scrolls a panel; never above its first line. */
export function scrollBy<S extends { readonly scroll: number }>(state: S, by: number): S {
  return { ...state, scroll: Math.max(0, state.scroll + by) };
}

/** Moves a list's selection within its `count` options. */
export function selectBy<S extends { readonly selected: number }>(state: S, by: number, count: number): S {
  return { ...state, selected: by > 0 ? Math.min(count - 1, state.selected + by) : Math.max(0, state.selected + by) };
}

/** A read-only panel's keys: one of `closeKeys` closes it, j/k and the arrows scroll it. */
export function pagerKey<S extends { readonly scroll: number }>(state: S, name: string, closeKeys: readonly string[]): KeyOutcome<S> {
  if (closeKeys.includes(name)) return null;
  if (name === 'down' || name === 'j') return scrollBy(state, 1);
  if (name === 'up' || name === 'k') return scrollBy(state, -1);
  return undefined;
}

/** A list's keys: one of `closeKeys` closes it, j/k and the arrows move the selection. */
export function listKey<S extends { readonly selected: number }>(state: S, name: string, count: number, closeKeys: readonly string[]): KeyOutcome<S> {
  if (closeKeys.includes(name)) return null;
  if (name === 'down' || name === 'j') return selectBy(state, 1, count);
  if (name === 'up' || name === 'k') return selectBy(state, -1, count);
  return undefined;
}

/** A read-only overlay that a key of the main screen opens (help, the command log): it scrolls. */
export interface OverlayFlow<K extends string> {
  readonly kind: K;
  readonly scroll: number;
}

export const overlayFlow = <K extends string>(kind: K): OverlayFlow<K> => ({ kind, scroll: 0 });

/** An overlay's keys: esc, q, ? or @ close it; j/k scroll it. */
export const overlayKey = <S extends { readonly scroll: number }>(state: S, { name }: KeyPress): KeyOutcome<S> => pagerKey(state, name, ['escape', 'q', '?', '@']);
