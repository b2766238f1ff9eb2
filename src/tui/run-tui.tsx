import { ABANDON_TEXT, hintAt } from '../engine/index.js';
import { TuiSession, type SessionOptions } from './session.js';
import type { EarlyFrame } from './early-frame.js';
import { historyWidthOf, listHeightOf, plainHistoryPane } from './history-text.js';

/**
 * Opens the TUI on one database, full screen (see runFullScreen). The folder and the state are
 * read first, and the history is drawn on the early frame (the main screen side by side, from
 * 80 columns); Ink and React load after it (~0.1 s) and their first frame replaces it.
 */
export async function runTui(options: SessionOptions & { variant: 'main' | 'rollback'; early?: EarlyFrame }): Promise<number> {
  const session = await TuiSession.open(options);
  const { columns, rows } = process.stdout;
  if (options.early && options.variant === 'main' && columns >= 80) {
    options.early.history(plainHistoryPane(session.lines, session.stops[0] ?? 0, listHeightOf(rows || 24), historyWidthOf(columns)), historyWidthOf(columns));
  }
  options.early?.phase('loading the screen…');
  const [{ App }, { runFullScreen }] = await Promise.all([import('./app.js'), import('./full-screen.js')]);
  return runFullScreen({
    view: (size, controls) => <App session={session} width={size.width} height={size.height} readOnly={options.readOnly} variant={options.variant} onQuit={controls.summary} onAbandon={controls.abandon} />,
    cancelOnTerm: () => cancelSessionRun(session),
    close: () => session.close(),
    abandonText: hintAt(ABANDON_TEXT, session.commandPlace),
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
