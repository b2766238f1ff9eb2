import type { CommandPlace, Migrator } from '../engine/index.js';
import { engine } from './engine.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';

/**
 * While `work` runs, the first Ctrl-C or SIGTERM cancels the run: the server cancels the
 * running statement (SQLite: the run stops after it), and the run reports the true state,
 * rolled back or DIRTY. With no run holding the lock (connecting, waiting for it, a backup),
 * it exits at once. A second signal abandons the run and exits at once.
 */
export async function cancellable<T>(io: CliIo, m: Migrator, work: () => Promise<T>, place: CommandPlace = { url: false }): Promise<T> {
  let signals = 0;
  // What the cancel did is said before the run's own outcome (the lines that follow it): the
  // answer to the cancel comes after the server has cancelled, often once the run has ended.
  let said: Promise<void> = Promise.resolve();
  const onSignal = (signal: NodeJS.Signals) => {
    const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (++signals > 1) {
      io.err(`\n${name} again: ${engine.hintAt(engine.ABANDON_TEXT, place)}\n`);
      process.exit(EXIT.interrupted);
    }
    io.err(`\n${name}: cancelling… (${name} again abandons the run at once)\n`);
    said = m.cancel().then((outcome) => {
      if (outcome.kind === 'idle') {
        io.err('no migration was running; exiting\n');
        process.exit(EXIT.interrupted);
      }
      io.err(`${engine.cancelText(outcome)}\n`);
    }, () => undefined);
  };
  try {
    return await onSignals(onSignal, work);
  } finally {
    await said;
  }
}

/** Runs `work` with `onSignal` handling SIGINT and SIGTERM, and removes it afterwards. */
export async function onSignals<T>(onSignal: (signal: NodeJS.Signals) => void, work: () => Promise<T>): Promise<T> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
