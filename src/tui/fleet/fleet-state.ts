import type { FleetTarget, TargetState, TargetStatus } from '../../engine/index.js';

/**
 * The fleet view's state and its reducer: pure, tested without a terminal. One row per
 * target: what was read of it (or why it could not be), and what the last action from this
 * view did to it.
 */
export type RowRead = { readonly kind: 'reading' } | { readonly kind: 'ready'; readonly state: TargetState } | { readonly kind: 'error'; readonly message: string };

/** A target's part in a fleet action started here: waiting, running (with its step), or how it ended. */
export interface RowRun {
  readonly status: 'queued' | 'running' | TargetStatus;
  readonly text: string;
}

export interface FleetRow {
  readonly target: FleetTarget;
  readonly read: RowRead;
  readonly run: RowRun | null;
}

/** A fleet action in progress: its title and, once ctrl-c asked, what the cancel did. */
export interface FleetRunning {
  readonly title: string;
  readonly names: readonly string[];
  readonly cancelling: string | null;
}

export interface FleetView {
  readonly rows: readonly FleetRow[];
  readonly cursor: number;
  readonly top: number;
  readonly height: number;
  readonly selected: ReadonlySet<string>;
  readonly notice: string | null;
  readonly running: FleetRunning | null;
}

export type FleetAction =
  | { type: 'move'; by: number }
  | { type: 'resize'; height: number }
  | { type: 'toggle' }
  | { type: 'toggle-all' }
  | { type: 'clear-selection' }
  | { type: 'notice'; text: string | null }
  | { type: 'reading'; names: readonly string[] }
  | { type: 'read'; name: string; read: RowRead }
  | { type: 'run-start'; title: string; names: readonly string[] }
  | { type: 'run-target'; name: string; run: RowRun }
  | { type: 'cancelling'; text: string }
  | { type: 'run-end' };

export function initialFleetView(targets: readonly FleetTarget[], height: number): FleetView {
  return { rows: targets.map((target) => ({ target, read: { kind: 'reading' }, run: null })), cursor: 0, top: 0, height: Math.max(1, height), selected: new Set(), notice: null, running: null };
}

function withCursor(state: FleetView, cursor: number): FleetView {
  const c = Math.max(0, Math.min(state.rows.length - 1, cursor));
  let top = state.top;
  if (c < top) top = c;
  if (c >= top + state.height) top = c - state.height + 1;
  return { ...state, cursor: c, top: Math.max(0, Math.min(top, Math.max(0, state.rows.length - state.height))) };
}

const updateRow = (state: FleetView, name: string, update: (row: FleetRow) => FleetRow): FleetView => ({ ...state, rows: state.rows.map((r) => (r.target.name === name ? update(r) : r)) });

export function reduceFleet(state: FleetView, action: FleetAction): FleetView {
  switch (action.type) {
    case 'move':
      return withCursor(state, state.cursor + action.by);
    case 'resize':
      return withCursor({ ...state, height: Math.max(1, action.height) }, state.cursor);
    case 'toggle': {
      const name = state.rows[state.cursor]?.target.name;
      if (name === undefined) return state;
      const selected = new Set(state.selected);
      if (selected.has(name)) selected.delete(name);
      else selected.add(name);
      // The cursor moves on, so space space space selects a run of targets.
      return withCursor({ ...state, selected }, state.cursor + 1);
    }
    case 'toggle-all':
      return { ...state, selected: state.selected.size === state.rows.length ? new Set() : new Set(state.rows.map((r) => r.target.name)) };
    case 'clear-selection':
      return { ...state, selected: new Set() };
    case 'notice':
      return { ...state, notice: action.text };
    case 'reading': {
      const names = new Set(action.names);
      return { ...state, rows: state.rows.map((r) => (names.has(r.target.name) ? { ...r, read: { kind: 'reading' } } : r)) };
    }
    case 'read':
      return updateRow(state, action.name, (r) => ({ ...r, read: action.read }));
    case 'run-start': {
      const names = new Set(action.names);
      return { ...state, running: { title: action.title, names: action.names, cancelling: null }, rows: state.rows.map((r) => ({ ...r, run: names.has(r.target.name) ? { status: 'queued', text: 'queued' } : null })) };
    }
    case 'run-target':
      return updateRow(state, action.name, (r) => ({ ...r, run: action.run }));
    case 'cancelling':
      return state.running ? { ...state, running: { ...state.running, cancelling: action.text } } : state;
    case 'run-end':
      return { ...state, running: null };
  }
}

/** The targets an action takes: the selection, else every target (in the fleet's order). */
export function actionTargets(state: FleetView): FleetTarget[] {
  const rows = state.selected.size > 0 ? state.rows.filter((r) => state.selected.has(r.target.name)) : state.rows;
  return rows.map((r) => r.target);
}

/** Counts for the header: read, unreachable, pending, dirty; and during a run how many ended. */
export function fleetCounts(state: FleetView) {
  let read = 0;
  let errors = 0;
  let behind = 0;
  let dirty = 0;
  let ended = 0;
  for (const r of state.rows) {
    if (r.read.kind !== 'reading') read++;
    if (r.read.kind === 'error') errors++;
    if (r.read.kind === 'ready' && r.read.state.pending > 0) behind++;
    if (r.read.kind === 'ready' && r.read.state.dirty) dirty++;
    if (r.run && r.run.status !== 'queued' && r.run.status !== 'running') ended++;
  }
  return { read, errors, behind, dirty, ended };
}
