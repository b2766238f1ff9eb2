import { App } from './app.js';
import { runFullScreen } from './full-screen.js';
import { TuiSession, type SessionOptions } from './session.js';
import type { EarlyFrame } from './early-frame.js';

/** Opens the TUI on one database, full screen (see runFullScreen). */
export async function runTui(options: SessionOptions & { variant: 'main' | 'rollback'; early?: EarlyFrame }): Promise<number> {
  const session = await TuiSession.open(options);
  return runFullScreen({
    view: (size, controls) => <App session={session} width={size.width} height={size.height} readOnly={options.readOnly} variant={options.variant} onQuit={controls.summary} onAbandon={controls.abandon} />,
    cancelOnTerm: () => cancelSessionRun(session),
    close: () => session.close(),
    ...(options.early ? { early: options.early } : {}),
  });
}

/** SIGTERM during a run of one database: cancelled like ctrl-c; the promise says what the database says. `null`: no run. */
export function cancelSessionRun(session: TuiSession): Promise<string> | null {
  const running = session.inFlight;
  if (!running) return null;
  void session.cancel().catch(() => undefined);
  return running.then((result) => ('steps' in result && !result.error ? 'the run finished before it could be cancelled' : `${(result.error as Error).message}`));
}
