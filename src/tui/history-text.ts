import type { Severity } from '../engine/index.js';
import type { HistoryLine } from './session.js';
import { cutToColumns } from './columns.js';
import { colour, type Colour } from './theme.js';

/**
 * The history pane's text, without Ink: the pane (components/history-pane.tsx) draws it, and so
 * does the early frame (early-frame.ts), which shows the history as soon as the folder and the
 * state are read, before Ink and React load (~0.1 s on 10,000 revisions); the screen then
 * replaces it with the same rows.
 */

/** The history's rows on a screen `height` rows tall (App: the status bar takes two, the pane's title one). */
export const listHeightOf = (height: number) => Math.max(3, height - 4);

/** The history pane's width on a screen `width` columns wide: side by side with the detail from 80 columns, else the whole width (stacked). */
export const historyWidthOf = (width: number) => (width >= 80 ? Math.max(30, Math.floor(width * 0.45)) : width);

/** `●` applied, `○` pending, `◆` current head, `~` drift, `!` dirty, `?` gap. Letters stay readable without colour. */
export function markOf(line: HistoryLine): { mark: string; color: ReturnType<typeof colour> } {
  if (line.dirty) return { mark: '!', color: colour('red') };
  if (line.gap) return { mark: '?', color: colour('yellow') };
  if (line.drift) return { mark: '~', color: colour('magenta') };
  if (line.current) return { mark: '◆', color: colour('green') };
  if (line.applied) return { mark: '●', color: colour('green') };
  return { mark: '○', color: colour('yellow') };
}

/** Lint marks, after the status mark: `✖` an error, `▲` a warning, `·` a notice (the lint tab says which). */
export const LINT_GLYPHS: Readonly<Record<Severity, { glyph: string; color: ReturnType<typeof colour> }>> = {
  error: { glyph: '✖', color: colour('red') },
  warning: { glyph: '▲', color: colour('yellow') },
  notice: { glyph: '·', color: colour('gray') },
};

/** The pane's title line. */
export function historyTitle(lines: readonly HistoryLine[], revisions: number): string {
  return `History${lines.length > 0 ? ` (${revisions})` : ''}`;
}

/** A connector line of the graph (no revision), cut to the pane's width. */
export function connectorText(line: HistoryLine, width: number): string {
  return `  ${line.graph}`.slice(0, width);
}

/** A revision's row after its two marks (status, lint): graph, id, `(head)`, labels, message, cut to the pane's width. */
export function rowBody(line: HistoryLine, width: number): string {
  const labels = line.labels.length > 0 ? ` [${line.labels.join(',')}]` : '';
  return cutToColumns(`${line.graph} ${line.id}${line.head ? ' (head)' : ''}${labels} ${line.message}`, width - 3);
}

const SGR: Readonly<Record<Colour, number>> = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90 };
const paint = (text: string, c: Colour | undefined) => (c ? `\x1b[${SGR[c]}m${text}\x1b[39m` : text);

/**
 * The pane as the screen first draws it (the first revision selected, the window at the top,
 * no lint marks yet), as lines with ANSI colours: its title, then up to `rows` lines of the
 * history. Each is at most `width` characters (as the pane cuts them).
 */
export function plainHistoryPane(lines: readonly HistoryLine[], selected: number, rows: number, width: number): string[] {
  const revisions = lines.reduce((n, l) => (l.id === null ? n : n + 1), 0);
  const out = [`\x1b[1m${historyTitle(lines, revisions).slice(0, width)}\x1b[22m`];
  for (const [k, line] of lines.slice(0, rows).entries()) {
    if (line.id === null) {
      out.push(paint(connectorText(line, width), colour('gray')));
      continue;
    }
    const { mark, color } = markOf(line);
    const body = rowBody(line, width).slice(0, Math.max(0, width - 2));
    // The selection is inverse and bold (the history has the focus), its mark uncoloured.
    out.push(k === selected ? `\x1b[1;7m${mark} ${body}\x1b[0m` : `${paint(mark, color)} ${body}`);
  }
  return out;
}
