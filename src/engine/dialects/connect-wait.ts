import { MigrateTuiError } from '../errors.js';

/**
 * `--wait` (dbmate's flag): a server that is not up yet — a container started beside the one
 * that migrates, a database restarting — is tried again until it answers or the wait is over.
 * Only failures that a server coming up explains are waited out; a wrong password, a database
 * that does not exist or a URL that reaches something else fail at once, as without --wait.
 */

/** Why a failed connection may succeed once the server is up, or null when waiting cannot help. */
export function notUpYet(error: unknown): string | null {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown };
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      // A compose service's name is resolvable only once its container runs.
      return 'host name not found';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'PROTOCOL_CONNECTION_LOST':
      return 'connection closed during the handshake';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'connect-timeout':
      return 'no answer within the connect timeout';
    case '57P03':
      // cannot_connect_now: "the database system is starting up" (or in recovery, or shutting down).
      return typeof e.message === 'string' ? e.message : 'the database system is starting up';
  }
  // ER_SERVER_SHUTDOWN: MySQL/MariaDB going down (a restart).
  if (e.errno === 1053) return 'server shutdown in progress';
  return null;
}

export interface WaitingReport {
  /** Said once per new reason the server is not up. */
  waiting(reason: string, waitMs: number): void;
  /** Said when it answered after waiting. */
  up(afterMs: number): void;
  /** Stops the wait (Ctrl-C, SIGTERM: the CLI's); its reason names what stopped it. */
  readonly stop?: AbortSignal;
}

/** The wait was stopped (Ctrl-C, SIGTERM) before the server answered: nothing was read or written. */
export class WaitStoppedError extends MigrateTuiError {
  constructor(display: string, by: string, waitedMs: number) {
    super('cancelled', `stopped waiting for ${display} (${by}) after ${(waitedMs / 1000).toFixed(1)} s: it had not answered yet, and nothing was read or changed`, 'run it again once the server is up (--wait-timeout sets how long it waits)', { cancelled: true, by, waitedMs });
  }
}

/** The error of the last try, said with how long it waited. */
function gaveUp(error: unknown, waitedMs: number, waitMs: number): unknown {
  const e = error as Error;
  if (typeof e?.message === 'string') e.message = `${e.message} (gave up after waiting ${(waitedMs / 1000).toFixed(1)} s for the server: --wait-timeout ${waitMs / 1000} s)`;
  return error;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Opens with `open(timeoutMs)` (each try's connect timeout: the configured one, or what is left
 * of the wait when less), trying again every 0.25 s growing to 1 s while the failure is one a
 * server coming up explains, for at most `waitMs`.
 */
export async function openWaiting<T extends { close(): Promise<void> }>(open: (connectTimeoutMs: number) => Promise<T>, waitMs: number, connectTimeoutMs: number, report: WaitingReport, display: string): Promise<T> {
  const started = Date.now();
  const deadline = started + waitMs;
  const stop = stopping(report.stop, () => new WaitStoppedError(display, String(report.stop?.reason ?? 'stopped'), Date.now() - started));
  let said: string | null = null;
  try {
    for (let pause = 250; ; pause = Math.min(1000, pause * 2)) {
      try {
        const trying = open(Math.max(1000, Math.min(connectTimeoutMs, deadline - Date.now())));
        // A try that opens after the wait was stopped is closed, not left holding the process.
        trying.then((late) => (report.stop?.aborted ? late.close() : undefined), () => undefined).catch(() => undefined);
        const opened = await Promise.race([trying, stop.promise]);
        if (said !== null) report.up(Date.now() - started);
        return opened;
      } catch (error) {
        if (error instanceof WaitStoppedError) throw error;
        const reason = notUpYet(error);
        if (reason === null) throw error;
        const left = deadline - Date.now();
        // A peer that does not answer costs a try its whole connect timeout: one that would be cut short is not started.
        if (left <= 0 || (reason === 'no answer within the connect timeout' && left < connectTimeoutMs)) throw gaveUp(error, Date.now() - started, waitMs);
        if (reason !== said) report.waiting(reason, waitMs);
        said = reason;
        await Promise.race([sleep(Math.min(pause, left)), stop.promise]);
      }
    }
  } finally {
    stop.end();
  }
}

/** A promise that rejects with `error()` once `signal` aborts (never without one); `end()` stops listening. */
function stopping(signal: AbortSignal | undefined, error: () => Error): { promise: Promise<never>; end(): void } {
  let onAbort = () => undefined as void;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(error());
  });
  promise.catch(() => undefined);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return { promise, end: () => signal?.removeEventListener('abort', onAbort) };
}
