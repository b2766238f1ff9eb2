import { hostname } from 'node:os';

/**
 * A migration lock held by the server session of a migrate-tui process that is gone (killed
 * with SIGKILL while a statement ran): the server keeps the session, and the lock, until it
 * notices, which is when the statement ends. Said instead of "another run holds the lock".
 */

/** The pid in our own connection name (`migrate-tui <user>@<host> pid <pid>`) when that process ran on this host and no longer exists. */
export function gonePid(applicationName: string): number | null {
  const m = /^migrate-tui \S+@(\S+) pid (\d+)$/.exec(applicationName);
  if (!m || m[1] !== hostname()) return null;
  const pid = Number(m[2]);
  try {
    process.kill(pid, 0);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? pid : null;
  }
}

/** What to add to the holder's description when its process is gone and its session lives on. */
export function orphanNote(pid: number, session: { pid: number; state: string | null; query: string | null }): string {
  const doing = session.state === 'active' && session.query ? `still running \`${session.query.replace(/\s+/g, ' ').slice(0, 80)}\`` : `still open (${session.state ?? 'state unknown'})`;
  return (
    `; that migrate-tui process is gone (no pid ${pid} on this host), but its server session is ${doing}: ` +
    `the server frees the lock when it ends that session, after the statement; to end it now: SELECT pg_terminate_backend(${session.pid})`
  );
}
