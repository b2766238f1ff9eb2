import { MigrateTuiError } from '../errors.js';

/**
 * The run's one connection ended under it (pg_terminate_backend, a server restart or failover, a
 * network cut). The driver would connect again for the next query — a new session holding
 * neither the migration lock nor the step's transaction, where the queries still queued (the
 * rest of a pipelined step, its version row, its COMMIT) would run on their own. So nothing is
 * sent once it has ended.
 */
export class ConnectionLostError extends MigrateTuiError {
  /**
   * `unsentAt`: found lost before statement `unsentAt` of a step was sent (its COMMIT never was):
   * the step cannot have committed.
   */
  constructor(display: string, readonly unsentAt?: number) {
    super(
      'connection-lost',
      `the connection to ${display} ended (the server closed it, or the network did); nothing was sent on it after that`,
      'run `migrate-tui status` once the server answers: it reads what the database has (the TUI reads it on a new connection at the next r or action)',
      { database: display },
    );
  }
}

/**
 * Watches one driver connection. While the session holds what a new one would not — the
 * migration lock, a step's transaction or pipeline (`pin`) — a close not ours loses it: every
 * use fails at once. Unpinned (the TUI browsing, a status), the driver may connect again, as
 * it always has: a read needs nothing of the old session.
 */
export class ConnectionLink {
  private lostError: ConnectionLostError | null = null;
  private closing = false;
  private pins = 0;
  private onLost: Array<(error: ConnectionLostError) => void> = [];

  constructor(private readonly display: string) {}

  /** The driver's connection closed: by us (close()), or lost (true, the first time). */
  closed(): boolean {
    if (this.closing || this.lostError || this.pins === 0) return false;
    this.lostError = new ConnectionLostError(this.display);
    for (const notify of this.onLost.splice(0)) notify(this.lostError);
    return true;
  }

  /** The session now holds what a new one would not (the lock, a step); `unpin` when it no longer does. */
  pin(): void {
    this.pins++;
  }

  unpin(): void {
    this.pins = Math.max(0, this.pins - 1);
  }

  /** We close it: not a loss. */
  ending(): void {
    this.closing = true;
  }

  get lost(): ConnectionLostError | null {
    return this.lostError;
  }

  /** Throws once the connection is lost (before a query is handed to the driver). */
  guard(): void {
    if (this.lostError) throw this.lostError;
  }

  /** Rejects when the connection is lost; `end()` stops listening. */
  whenLost(): { promise: Promise<never>; end(): void } {
    let notify: (error: ConnectionLostError) => void = () => undefined;
    const promise = new Promise<never>((_, reject) => {
      notify = reject;
    });
    promise.catch(() => undefined);
    if (this.lostError) notify(this.lostError);
    else this.onLost.push(notify);
    return { promise, end: () => (this.onLost = this.onLost.filter((n) => n !== notify)) };
  }
}

/**
 * A state read or write whose connection ended as it waited (the query was on the wire: the
 * driver's `write CONNECTION_CLOSED`, mysql2's `Connection lost` or `closed state`) is the
 * connection's end, said as one: it was printed as "the database said: …", and mysql2's ended
 * the command with exit 70 and a stack trace. The server's own words (57P01 `terminating
 * connection due to administrator command`) stay the server's.
 */
export function asConnectionLost(error: unknown, display: string): unknown {
  return endedConnection(error) === 'closed' && !(error instanceof ConnectionLostError) ? new ConnectionLostError(display) : error;
}

/**
 * The error is the end of the connection, not the SQL's: ours above, the server ending the
 * session (PostgreSQL 57P01–57P03: pg_terminate_backend, a shutdown, a restart), or the driver
 * seeing the socket close.
 */
export function endedConnection(error: unknown): 'server-ended' | 'closed' | 'unsent' | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^57P0[123]$/.test(code)) return 'server-ended';
  if (error instanceof ConnectionLostError) return error.unsentAt !== undefined ? 'unsent' : 'closed';
  // mysql2: a query on a connection that has closed; the server's KILL CONNECTION of the session.
  if ((error as { fatal?: unknown } | null)?.fatal === true && /closed state/.test(String((error as Error).message))) return 'closed';
  if (code === 'ER_CONNECTION_KILLED') return 'server-ended';
  return typeof code === 'string' && ['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST'].includes(code) ? 'closed' : null;
}
