import { ABANDON_TEXT } from '../engine/index.js';
import { render, useStdout } from 'ink';
import { useEffect, useState, type ReactElement } from 'react';
import type { EarlyFrame } from './early-frame.js';
import { tuiHeapAfterFirstFrame } from './heap.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[2J\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?25h\x1b[?1049l';

/** What a full-screen app gives its screen: leave at once, and the line said on quitting. */
export interface ScreenControls {
  /** A second ctrl-c while a run cancels: the terminal as it was, one line, exit 130 at once. */
  abandon(message: string): void;
  /** The one line printed on stderr after the screen closes, and the exit code (0: a quit; 130: ctrl-c, as the README's table says). */
  summary(text: string, code?: number): void;
}

export interface FullScreenApp {
  readonly view: (size: { width: number; height: number }, controls: ScreenControls) => ReactElement;
  /**
   * SIGTERM: `null` when nothing runs (the screen stops, exit 143); else the run is cancelled
   * like ctrl-c and the promise gives what the database says (then exit 130).
   */
  readonly cancelOnTerm: () => Promise<string> | null;
  /** Closes the connections (after the screen closed, or on a signal). */
  readonly close: () => Promise<void>;
  /** The frame drawn before the engine loaded: the alternate screen is already entered, and left through it. */
  readonly early?: EarlyFrame;
  /** Said on abandoning a run (a second SIGTERM), its command as the user must type it (hintAt); default ABANDON_TEXT. */
  readonly abandonText?: string;
}

/**
 * Runs an app full screen. Ink 6 clears the screen on every render when a frame is as tall
 * as the terminal, so the app draws one line less and we enter the alternate screen
 * ourselves — and leave it on every exit path: q, ctrl-c, SIGTERM/SIGHUP, a crash. Then one
 * line on stderr says what happened.
 */
export async function runFullScreen(app: FullScreenApp): Promise<number> {
  const out = process.stdout;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (app.early) app.early.leave();
    else out.write(LEAVE_ALT_SCREEN);
  };
  let summary = 'migrate-tui: quit';
  let exitCode = 0;
  // Already on the alternate screen when the early frame was drawn: cleared for the real one in
  // the same write as Ink's first frame, which comes a few tens of ms after render() — cleared
  // before, the screen stood blank meanwhile (a flicker; a terminal read then saw nothing).
  if (app.early) clearWithFirstWrite(out);
  else out.write(ENTER_ALT_SCREEN);
  const abandon = (message: string) => {
    instance.unmount();
    restore();
    process.stderr.write(`migrate-tui: ${message}\n`);
    process.exit(130);
  };
  const controls: ScreenControls = {
    abandon,
    summary: (text, code = 0) => {
      summary = text;
      exitCode = code;
    },
  };

  function Root() {
    const { stdout } = useStdout();
    const [size, setSize] = useState({ width: stdout.columns || 80, height: stdout.rows || 24 });
    useEffect(() => {
      const onResize = () => setSize({ width: stdout.columns || 80, height: stdout.rows || 24 });
      stdout.on('resize', onResize);
      return () => void stdout.off('resize', onResize);
    }, [stdout]);
    return app.view(size, controls);
  }

  // Up to 60 frames a second (Ink's default is 30): a key pressed within 33 ms of the last frame
  // waited for the next 30-per-second slot. Each key still draws one frame.
  const instance = render(<Root />, { exitOnCtrlC: false, maxFps: 60 });
  // The first frame is drawn (render is synchronous): full collections may come sooner from now on (heap.ts).
  tuiHeapAfterFirstFrame();
  const stopOn = (signal: NodeJS.Signals, code: number) => () => {
    instance.unmount();
    restore();
    process.stderr.write(`migrate-tui: stopped by ${signal}; a run in progress is rolled back or recorded as dirty by the database\n`);
    void app.close().finally(() => process.exit(code));
  };
  // SIGTERM during a run: cancel it on the server like ctrl-c, wait for what the database says,
  // and leave with that (exit 130); a second SIGTERM abandons at once. Otherwise: stop.
  let terminating = false;
  const onTerm = () => {
    if (terminating) return abandon(app.abandonText ?? ABANDON_TEXT);
    const cancelled = app.cancelOnTerm();
    if (!cancelled) return stopOn('SIGTERM', 143)();
    terminating = true;
    void cancelled.then((state) => {
      instance.unmount();
      restore();
      process.stderr.write(`migrate-tui: stopped by SIGTERM: ${state}\n`);
      void app.close().finally(() => process.exit(130));
    });
  };
  const onHup = stopOn('SIGHUP', 129);
  const onCrash = (error: unknown) => {
    restore();
    process.stderr.write(`migrate-tui: crashed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(70);
  };
  app.early?.handOver();
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', restore);
  try {
    await instance.waitUntilExit();
  } catch (error) {
    summary = `migrate-tui: the screen failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    restore();
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await app.close();
  }
  process.stderr.write(`${summary}\n`);
  return exitCode;
}

/**
 * Puts the screen's clearing in front of the first write to `out` that draws something (Ink's
 * first frame; a cursor-hiding escape before it does not count), once.
 */
function clearWithFirstWrite(out: NodeJS.WriteStream): void {
  const write = out.write;
  out.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (!/[^\s]/.test(text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''))) return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    out.write = write;
    return (write as (...args: unknown[]) => boolean).call(this, `\x1b[2J\x1b[H${text}`, ...rest);
  } as typeof out.write;
}
