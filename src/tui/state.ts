/**
 * The TUI's state and its reducer: pure, tested without a terminal. Components render it;
 * hooks feed it engine data and dispatch actions.
 */
export const TABS = ['up', 'down', 'diff', 'schema', 'info', 'lint'] as const;
export type Tab = (typeof TABS)[number];

export type Mode =
  | { kind: 'browse' }
  | { kind: 'search'; query: string }
  | { kind: 'help' }
  | { kind: 'log' }
  | { kind: 'backups'; selected: number }
  | { kind: 'detail' };

export interface ViewState {
  /** Lines in the history (revisions and the graph's connector lines). */
  readonly count: number;
  /** The lines that are revisions: the only ones the selection stops on. */
  readonly stops: readonly number[];
  /** The selected line. */
  readonly selected: number;
  /** First visible line. */
  readonly top: number;
  /** How many lines fit. */
  readonly height: number;
  readonly tab: Tab;
  readonly raw: boolean;
  readonly detailScroll: number;
  /** The schema tab's rehearsal was asked for (its key), for the selected revision; moving or changing tab forgets it. */
  readonly trial: boolean;
  readonly mode: Mode;
  /** The last search and its matches (indexes into revisions). */
  readonly search: { readonly query: string; readonly matches: readonly number[] } | null;
  /** A one-line notice (read-only refusals, results); cleared by the next key. */
  readonly notice: string | null;
}

export type Action =
  | { type: 'move'; by: number }
  | { type: 'move-to'; index: number }
  | { type: 'page'; direction: 1 | -1 }
  | { type: 'resize'; height: number }
  | { type: 'lines'; count: number; stops: readonly number[] }
  | { type: 'tab'; tab?: Tab }
  | { type: 'toggle-raw' }
  | { type: 'trial' }
  | { type: 'scroll-detail'; by: number }
  | { type: 'mode'; mode: Mode }
  | { type: 'search-type'; text: string }
  | { type: 'search-erase' }
  | { type: 'search-done'; matches: readonly number[] }
  | { type: 'search-clear' }
  | { type: 'match'; direction: 1 | -1 }
  | { type: 'notice'; text: string | null };

export function initialView(count: number, stops: readonly number[], height: number): ViewState {
  return { count, stops, selected: stops[0] ?? 0, top: 0, height: Math.max(1, height), tab: 'up', raw: false, detailScroll: 0, trial: false, mode: { kind: 'browse' }, search: null, notice: null };
}

/** Position of the selection among the stops. */
function stopIndex(state: ViewState): number {
  const i = state.stops.indexOf(state.selected);
  return i < 0 ? 0 : i;
}

/**
 * Selects a line (snapped to a stop) and keeps it inside the window: the visible window
 * moves with the selection (the virtualised list of @inkjs/ui's select).
 */
function clamp(state: ViewState, line: number): ViewState {
  if (state.stops.length === 0) return { ...state, selected: 0, top: 0 };
  const snapped = state.stops.find((s) => s >= line) ?? state.stops[state.stops.length - 1]!;
  let top = state.top;
  if (snapped < top) top = snapped;
  if (snapped >= top + state.height) top = snapped - state.height + 1;
  top = Math.max(0, Math.min(top, Math.max(0, state.count - state.height)));
  return { ...state, selected: snapped, top, detailScroll: snapped === state.selected ? state.detailScroll : 0, trial: snapped === state.selected && state.trial };
}

function moveStops(state: ViewState, by: number): ViewState {
  if (state.stops.length === 0) return state;
  const i = Math.max(0, Math.min(state.stops.length - 1, stopIndex(state) + by));
  return clamp(state, state.stops[i]!);
}

export function reduce(state: ViewState, action: Action): ViewState {
  switch (action.type) {
    case 'move':
      return moveStops(state, action.by);
    case 'move-to':
      return clamp(state, action.index);
    case 'page':
      return moveStops(state, action.direction * Math.max(1, Math.floor(state.height / 2)));
    case 'resize':
      return clamp({ ...state, height: Math.max(1, action.height) }, state.selected);
    case 'lines':
      return clamp({ ...state, count: action.count, stops: action.stops }, state.selected);
    case 'tab': {
      const next = action.tab ?? TABS[(TABS.indexOf(state.tab) + 1) % TABS.length]!;
      return { ...state, tab: next, detailScroll: 0, trial: false };
    }
    case 'trial':
      return state.tab === 'schema' || state.tab === 'diff' ? { ...state, trial: true, detailScroll: 0 } : state;
    case 'toggle-raw':
      return { ...state, raw: !state.raw, detailScroll: 0 };
    case 'scroll-detail':
      return { ...state, detailScroll: Math.max(0, state.detailScroll + action.by) };
    case 'mode':
      return { ...state, mode: action.mode };
    case 'search-type':
      return state.mode.kind === 'search' ? { ...state, mode: { kind: 'search', query: state.mode.query + action.text } } : state;
    case 'search-erase':
      return state.mode.kind === 'search' ? { ...state, mode: { kind: 'search', query: state.mode.query.slice(0, -1) } } : state;
    case 'search-done': {
      const query = state.mode.kind === 'search' ? state.mode.query : '';
      // Only a search with matches stays active (n and N step through it until esc clears it).
      const moved = { ...state, mode: { kind: 'browse' } as Mode, search: query && action.matches.length > 0 ? { query, matches: action.matches } : null };
      if (action.matches.length === 0) return { ...moved, notice: query ? `no match for "${query}"` : null };
      const next = action.matches.find((m) => m >= state.selected) ?? action.matches[0]!;
      return { ...clamp(moved, next), notice: `${action.matches.length} match${action.matches.length === 1 ? '' : 'es'} for "${query}" (n / N)` };
    }
    case 'search-clear':
      return { ...state, search: null, notice: null };
    case 'match': {
      const matches = state.search?.matches ?? [];
      if (matches.length === 0) return state;
      const next =
        action.direction > 0 ? (matches.find((m) => m > state.selected) ?? matches[0]!) : ([...matches].reverse().find((m) => m < state.selected) ?? matches[matches.length - 1]!);
      return clamp(state, next);
    }
    case 'notice':
      return { ...state, notice: action.text };
  }
}
