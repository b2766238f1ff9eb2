import { ABANDON_TEXT } from '../engine/index.js';
import { render, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { App } from './app.js';
import { TuiSession, type SessionOptions } from './session.js';
import type { EarlyFrame } from './early-frame.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[2J\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?25h\x1b[?1049l';

/**
 * Opens the TUI full screen. Ink 6 clears the screen on every render when a frame is as tall
 * as the terminal, so the app draws one line less and we enter the alternate screen
 * ourselves — and leave it on every exit path: q, ctrl-c, SIGTERM/SIGHUP, a crash. Then one
 * line on stderr says what happened.
 */
export async function runTui(options: SessionOptions & { variant: 'main' | 'rollback'; early?: EarlyFrame }): Promise<number> {
  const session = await TuiSession.open(options);
  const out = process.stdout;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (options.early) options.early.leave();
    else out.write(LEAVE_ALT_SCREEN);
  };
  let summary = 'migrate-tui: quit';
  // Already on the alternate screen when the early frame was drawn: cleared for the real one.
  out.write(options.early ? '\x1b[2J\x1b[H' : ENTER_ALT_SCREEN);

  function Root() {
    const { stdout } = useStdout();
    const [size, setSize] = useState({ width: stdout.columns || 80, height: stdout.rows || 24 });
    useEffect(() => {
      const onResize = () => setSize({ width: stdout.columns || 80, height: stdout.rows || 24 });
      stdout.on('resize', onResize);
      return () => void stdout.off('resize', onResize);
    }, [stdout]);
    return <App session={session} width={size.width} height={size.height} readOnly={options.readOnly} variant={options.variant} onQuit={(s) => (summary = s)} onAbandon={abandon} />;
  }

  // A second ctrl-c while a run cancels: the terminal as it was, one line, and out at once.
  const abandon = (message: string) => {
    instance.unmount();
    restore();
    process.stderr.write(`migrate-tui: ${message}\n`);
    process.exit(130);
  };
  const instance = render(<Root />, { exitOnCtrlC: false });
  const stopOn = (signal: NodeJS.Signals, code: number) => () => {
    instance.unmount();
    restore();
    process.stderr.write(`migrate-tui: stopped by ${signal}; a run in progress is rolled back or recorded as dirty by the database\n`);
    void session.close().finally(() => process.exit(code));
  };
  // SIGTERM during a run: cancel it on the server like ctrl-c, wait for what the database says,
  // and leave with that (exit 130); a second SIGTERM abandons at once. Otherwise: stop.
  let terminating = false;
  const onTerm = () => {
    const running = session.inFlight;
    if (!running) return stopOn('SIGTERM', 143)();
    if (terminating) return abandon(ABANDON_TEXT);
    terminating = true;
    void session.cancel().catch(() => undefined);
    void running.then((result) => {
      instance.unmount();
      restore();
      const state = 'steps' in result && !result.error ? 'the run finished before it could be cancelled' : `${(result.error as Error).message}`;
      process.stderr.write(`migrate-tui: stopped by SIGTERM: ${state}\n`);
      void session.close().finally(() => process.exit(130));
    });
  };
  const onHup = stopOn('SIGHUP', 129);
  const onCrash = (error: unknown) => {
    restore();
    process.stderr.write(`migrate-tui: crashed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(70);
  };
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
    await session.close();
  }
  process.stderr.write(`${summary}\n`);
  return 0;
}
