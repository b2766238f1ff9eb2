/**
 * The TUI's first frame, drawn before anything heavy loads (the folder, Ink and React, the
 * database): the alternate screen with what is being done, then each phase as it starts, until
 * the real screen replaces it. No Ink here, so it shows a few hundred ms after the process
 * starts however large the folder is (a 10,000-revision folder takes seconds to index and
 * draw). The terminal is restored by `leave()` on every path, a failure included.
 */

import { tuiHeap } from './heap.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[2J\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?25h\x1b[?1049l';

export interface EarlyFrame {
  /** Says what is being done now (the second line of the frame). */
  phase(text: string): void;
  /** The database, once the connection is resolved, for the status line. */
  database(display: string, readOnly: boolean): void;
  /**
   * The history pane's lines (history-text.ts: plainHistoryPane), `left` columns wide, once the
   * folder and the state are read: drawn at the top left while Ink loads; the phase moves to
   * the right of it, and the status line no longer says the state is being read.
   */
  history(lines: readonly string[], left: number): void;
  /** Leaves the alternate screen (idempotent); the real screen's own restore does it as well. */
  leave(): void;
  /**
   * The real screen takes the signals over (full-screen.tsx): from now on a signal is its to
   * answer (a run may be cancelled), not the opening's.
   */
  handOver(): void;
}

/** The exit code a signal ends the opening with (as the README's table has them for the screen). */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** The terminal's input (process.stdin unless a test gives its own). */
export interface RawInput {
  readonly isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

/** The TUI starts here (both screens, on every path): V8's heap is set for it first when asked (MIGRATE_TUI_HEAP, see heap.ts). */
export function drawEarlyFrame(write: (text: string) => void, size: { columns?: number; rows?: number }, input?: RawInput): EarlyFrame {
  tuiHeap(process.env);
  const width = Math.max(20, size.columns || 80);
  const height = Math.max(3, size.rows || 24);
  const fit = (text: string) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
  let left = false;
  let db = '';
  let status = 'reading state…';
  let now = 'starting…';
  // The phase's column: 1, or right of the history once it is drawn.
  let column = 1;
  let raw: RawInput | null = null;
  // Ctrl-C (before raw mode: a signal), SIGTERM or SIGHUP while opening — a slow connect, a
  // large folder — ends the process with the terminal restored, not left on the alternate
  // screen with its cursor hidden. Nothing has been done to the database then: it was only read.
  const onSignal = (signal: NodeJS.Signals) => {
    leave();
    process.stderr.write(`migrate-tui: stopped by ${signal === 'SIGINT' ? 'Ctrl-C' : signal} while opening (nothing was changed: the database was at most read)\n`);
    process.exit(SIGNAL_EXIT[signal] ?? 1);
  };
  const signals = Object.keys(SIGNAL_EXIT) as NodeJS.Signals[];
  const release = () => signals.forEach((signal) => process.off(signal, onSignal));
  signals.forEach((signal) => process.on(signal, onSignal));
  write(`${ENTER_ALT_SCREEN}\x1b[?25l${fit('migrate-tui — opening')}`);
  // Line 2 for the phase, the line above the last for the status bar (as the screen has it).
  const phaseText = () => (column === 1 ? `\x1b[2;1H\x1b[2K${fit(`  ${now}`)}` : `\x1b[2;${column}H\x1b[K${now.slice(0, Math.max(0, width - column))}`);
  const draw = () => void (left || write(`${phaseText()}\x1b[${height - 1};1H\x1b[2K${fit(status)}`));
  draw();
  return {
    phase: (text) => {
      now = text;
      draw();
    },
    database: (display, readOnly) => {
      db = `${readOnly ? 'READ-ONLY ' : ''}${display}`;
      status = `${db} · reading state…`;
      draw();
    },
    history: (lines, paneWidth) => {
      if (left) return;
      // Before the history shows: keys typed from then on wait for the screen, which answers
      // them when it starts (raw mode: not echoed, ctrl-c not a signal that kills the process).
      const keys = input ?? process.stdin;
      if (keys.isTTY && keys.setRawMode) {
        keys.setRawMode(true);
        raw = keys;
      }
      column = paneWidth + 2;
      status = db;
      write(`\x1b[2J${lines.map((line, k) => `\x1b[${k + 1};1H${line}`).join('')}`);
      draw();
    },
    leave,
    handOver: release,
  };

  function leave(): void {
    release();
    if (left) return;
    left = true;
    raw?.setRawMode?.(false);
    write(LEAVE_ALT_SCREEN);
  }
}
