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
export async function openWaiting<T>(open: (connectTimeoutMs: number) => Promise<T>, waitMs: number, connectTimeoutMs: number, report: WaitingReport): Promise<T> {
  const started = Date.now();
  const deadline = started + waitMs;
  let said: string | null = null;
  for (let pause = 250; ; pause = Math.min(1000, pause * 2)) {
    try {
      const opened = await open(Math.max(1000, Math.min(connectTimeoutMs, deadline - Date.now())));
      if (said !== null) report.up(Date.now() - started);
      return opened;
    } catch (error) {
      const reason = notUpYet(error);
      if (reason === null) throw error;
      const left = deadline - Date.now();
      // A peer that does not answer costs a try its whole connect timeout: one that would be cut short is not started.
      if (left <= 0 || (reason === 'no answer within the connect timeout' && left < connectTimeoutMs)) throw gaveUp(error, Date.now() - started, waitMs);
      if (reason !== said) report.waiting(reason, waitMs);
      said = reason;
      await sleep(Math.min(pause, left));
    }
  }
}
