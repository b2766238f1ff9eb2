import { cellProblems, cellSymbol, isFailure, type VerifyCell, type VerifyEvent, type VerifyReport } from '../../engine/index.js';
import { Panel } from '../components/panel.js';
import type { FlowModule, FlowViewProps, KeyOutcome } from './flow.js';

/**
 * Verify: the matrix revision × dialect filling in as each dialect's worker checks a
 * revision on its scratch database; a failing cell opens its schema diff. esc stops a run
 * (the scratch databases are dropped first) or closes the finished matrix.
 */

// State
export interface VerifyFlow {
  readonly kind: 'verify';
  readonly title: string;
  /** Where the scratch databases are made, one line per dialect. */
  readonly where: readonly string[];
  readonly columns: readonly string[];
  readonly revisions: ReadonlyArray<{ readonly id: string; readonly message: string }>;
  readonly cells: Readonly<Record<string, Readonly<Record<string, VerifyCell>>>>;
  /** What each dialect is doing now: "20260105093000 down". */
  readonly active: Readonly<Record<string, string>>;
  readonly columnInfo: Readonly<Record<string, string>>;
  readonly row: number;
  readonly col: number;
  /** The selected cell's differences and diff are open, scrolled this far. */
  readonly detail: number | null;
  readonly report: VerifyReport | null;
  readonly error: string | null;
  readonly cancelling: boolean;
  readonly onCancel: () => void;
}

export function verifyFlow(options: { title: string; where: readonly string[]; columns: readonly string[]; revisions: VerifyFlow['revisions']; onCancel: () => void }): VerifyFlow {
  return { kind: 'verify', ...options, cells: {}, active: {}, columnInfo: {}, row: 0, col: 0, detail: null, report: null, error: null, cancelling: false };
}

/** The engine's progress, folded into the matrix. */
export function reduceVerify(state: VerifyFlow, event: VerifyEvent): VerifyFlow {
  switch (event.type) {
    case 'cell-start':
      return { ...state, active: { ...state.active, [event.dialect]: `${event.revision} ${event.phase}` } };
    case 'cell': {
      const row = { ...(state.cells[event.revision] ?? {}), [event.dialect]: event.cell };
      return { ...state, cells: { ...state.cells, [event.revision]: row } };
    }
    case 'column': {
      const c = event.column;
      const info = c.error ? `could not run: ${c.error}` : c.leftover ? `NOT CLEANED UP: ${c.leftover}` : `${c.server ?? ''}${c.scratch ? `, scratch ${c.scratch}` : ''}`;
      return { ...state, columnInfo: { ...state.columnInfo, [c.dialect]: info } };
    }
    default:
      return state;
  }
}

export const verifyFinished = (state: VerifyFlow, report: VerifyReport): VerifyFlow => ({ ...state, report, cells: report.cells, active: {}, cancelling: false });
export const verifyFailed = (state: VerifyFlow, error: string): VerifyFlow => ({ ...state, error, active: {}, cancelling: false });

const selectedCell = (s: VerifyFlow): VerifyCell | undefined => s.cells[s.revisions[s.row]?.id ?? '']?.[s.columns[s.col] ?? ''];
const running = (s: VerifyFlow) => s.report === null && s.error === null;

// Keys
function onKey(state: VerifyFlow, { name }: { name: string }): KeyOutcome<VerifyFlow> {
  if (state.detail !== null) {
    if (name === 'escape' || name === 'enter' || name === 'q') return { ...state, detail: null };
    if (name === 'down' || name === 'j') return { ...state, detail: state.detail + 1 };
    if (name === 'up' || name === 'k') return { ...state, detail: Math.max(0, state.detail - 1) };
    return undefined;
  }
  if (name === 'escape' || name === 'q') {
    if (!running(state)) return null;
    if (!state.cancelling) state.onCancel();
    return { ...state, cancelling: true };
  }
  if (name === 'down' || name === 'j') return { ...state, row: Math.min(state.revisions.length - 1, state.row + 1) };
  if (name === 'up' || name === 'k') return { ...state, row: Math.max(0, state.row - 1) };
  if (name === 'right' || name === 'l' || name === 'tab') return { ...state, col: (state.col + 1) % Math.max(1, state.columns.length) };
  if (name === 'left' || name === 'h') return { ...state, col: Math.max(0, state.col - 1) };
  if (name === 'enter') {
    const cell = selectedCell(state);
    return cell && isFailure(cell) ? { ...state, detail: 0 } : undefined;
  }
  return undefined;
}

/** A cell as shown: its symbol, or what its dialect is doing on it now. */
function cellText(state: VerifyFlow, id: string, dialect: string): string {
  const cell = state.cells[id]?.[dialect];
  if (cell) return `${cellSymbol(cell)}${cell.status === 'ok' || isFailure(cell) ? ` ${cell.ms} ms` : ''}`;
  const active = state.active[dialect];
  if (active?.startsWith(`${id} `)) return `… ${active.slice(id.length + 1)}`;
  return running(state) ? '·' : '';
}

// View
function VerifyView({ flow, width, height }: FlowViewProps<VerifyFlow>) {
  if (flow.detail !== null) {
    const id = flow.revisions[flow.row]!.id;
    const dialect = flow.columns[flow.col]!;
    const cell = selectedCell(flow)!;
    const body = [...cellProblems(id, dialect, cell), '', ...(cell.diff ? cell.diff.split('\n').slice(1) : ['(no schema diff: a statement failed)'])];
    return <Panel title={`verify ${id} on ${dialect}: ${cellSymbol(cell)}`} body={body} scroll={flow.detail} footer="j/k scroll · esc back to the matrix" width={width} height={height} tone="error" />;
  }
  const idWidth = 2 + Math.max(8, ...flow.revisions.map((r) => r.id.length));
  const widths = flow.columns.map((d) => Math.max(d.length + 2, 16));
  const line = (first: string, cells: readonly string[], rest: string) => [first.padEnd(idWidth), ...cells.map((c, i) => c.padEnd(widths[i]!)), rest].join('  ');
  const body = [
    ...flow.where,
    ...flow.columns.filter((d) => flow.columnInfo[d]).map((d) => `${d}: ${flow.columnInfo[d]}`),
    '',
    line('  revision', flow.columns.map((d) => ` ${d}`), ''),
    ...flow.revisions.map((r, k) =>
      line(
        `${k === flow.row ? '▶ ' : '  '}${r.id}`,
        flow.columns.map((d, c) => {
          const text = cellText(flow, r.id, d);
          return k === flow.row && c === flow.col ? `[${text}]` : ` ${text}`;
        }),
        r.message,
      ),
    ),
    '',
    '✓ round-trips (up, down = before, up again = after) · ✗ differs or fails · – no SQL for this dialect · irreversible: applied once',
    ...(flow.error ? ['', `error: ${flow.error}`] : []),
    ...(flow.report ? ['', flow.report.ok ? 'every checked revision round-trips; scratch databases dropped' : flow.report.cancelled ? 'cancelled; scratch databases dropped' : '✗ some revisions do not round-trip: select a ✗ cell and press enter'] : []),
    ...(flow.cancelling ? ['', 'stopping: each dialect stops before its next step, then its scratch databases are dropped…'] : []),
  ];
  const scroll = Math.max(0, flow.row - Math.max(1, height - 12));
  const footer = running(flow) ? 'checking… j/k h/l move · enter opens a ✗ cell · esc stops (scratch databases are dropped)' : 'j/k h/l move · enter opens a ✗ cell · esc closes';
  const tone = flow.report ? (flow.report.ok ? 'ok' : 'error') : flow.error ? 'error' : undefined;
  return <Panel title={flow.title} body={body} scroll={scroll} footer={footer} width={width} height={height} {...(tone ? { tone } : {})} />;
}

export const verify: FlowModule<VerifyFlow> = { onKey, View: VerifyView };
