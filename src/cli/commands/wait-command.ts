import type { Command } from 'commander';
import type { ConnectionTarget, ConnectOptions, DatabaseAdapter, WaitingReport } from '../../engine/index.js';
import { engine } from '../engine.js';
import { onSignals } from '../interrupt.js';
import type { CommandResult } from '../command-result.js';
import type { CliIo } from '../io.js';
import type { Wiring } from '../wiring.js';

/** What `--wait` says on stderr while a server is not up yet, and once it answers. */
export function waitingOnStderr(io: CliIo, target: ConnectionTarget): WaitingReport {
  return {
    waiting: (reason, waitMs) => io.err(`waiting for ${target.display}: ${reason}; trying again for up to ${waitMs / 1000} s (--wait)\n`),
    up: (afterMs) => io.err(`${target.display} accepts connections after ${(afterMs / 1000).toFixed(1)} s\n`),
  };
}

/**
 * Opens the database; with --wait, says on stderr while it waits, and Ctrl-C or SIGTERM stop
 * the wait (exit 130, said as an error: in --json too), where they killed the process silently.
 */
export function connectWaiting(io: CliIo, target: ConnectionTarget, lockName: string, options: ConnectOptions = {}): Promise<DatabaseAdapter> {
  if (!target.waitMs || target.kind === 'sqlite') return engine.connectDatabase(target, lockName, options);
  const stop = new AbortController();
  const waiting = { ...waitingOnStderr(io, target), stop: stop.signal };
  return onSignals((signal) => stop.abort(signal === 'SIGINT' ? 'Ctrl-C' : signal), () => engine.connectDatabase(target, lockName, { ...options, waiting }));
}

/**
 * `wait` (dbmate's): until the database accepts connections, for up to --wait-timeout (60 s),
 * then exit 0; nothing is read or written (a SQLite file must exist, as for every look).
 */
export function registerWaitCommand(program: Command, w: Wiring): void {
  w.add(program.command('wait').description("wait until the database accepts connections, up to --wait-timeout (default 60 s), as dbmate's wait; reads and changes nothing"), async (_c, g): Promise<CommandResult> => {
    const ctx = w.database(g);
    const target: ConnectionTarget = { ...ctx.target, waitMs: (g.waitSeconds ?? 60) * 1000 };
    const started = Date.now();
    const db = await connectWaiting(w.io, target, `migrate_tui:${target.databaseName}:wait`);
    try {
      const waitedMs = Date.now() - started;
      return { text: `${target.display} accepts connections (${db.serverVersion})\n`, json: { database: target.display, serverVersion: db.serverVersion, waitedMs } };
    } finally {
      await db.close();
    }
  });
}
