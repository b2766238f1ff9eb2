import { readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';

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

/**
 * MariaDB/MySQL: the server's sessions carry no program name or pid (connection attributes
 * are only readable with performance_schema, off by default on MariaDB), only the client's
 * `address:port` (PROCESSLIST.HOST). When that address is this host's and no socket here
 * uses that port any more (Linux's /proc/net/tcp, tcp6: a socket a process still owns has an
 * inode; a killed one's lingers without), the client is gone. Null when it is alive, or when
 * that cannot be told: another host, a Unix socket (`localhost` without a port), no /proc.
 */
export function goneClientPort(processlistHost: string): number | null {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(processlistHost);
  if (!m) return null;
  const port = Number(m[2]);
  if (!isThisHost(m[1]!.replace(/^::ffff:/i, ''))) return null;
  const sockets = readProc('/proc/net/tcp');
  if (sockets === null) return null;
  for (const line of `${sockets}\n${readProc('/proc/net/tcp6') ?? ''}`.split('\n')) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !f[1]!.includes(':')) continue;
    const localPort = parseInt(f[1]!.split(':')[1]!, 16);
    // 0A: listening (not a connection); inode 0: no process owns it (a killed client's, closing).
    if (localPort === port && f[3] !== '0A' && f[9] !== '0') return null;
  }
  return port;
}

function readProc(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function isThisHost(address: string): boolean {
  if (address === 'localhost' || address === hostname()) return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === address));
}

/** What to add to a MariaDB/MySQL holder's description when its client is gone and its session lives on. */
export function mysqlOrphanNote(port: number, session: { id: number; command: string; info: string | null }): string {
  const doing = session.command === 'Query' && session.info ? `still running \`${session.info.replace(/\s+/g, ' ').slice(0, 80)}\`` : `still open (${session.command})`;
  return (
    `; its client is gone (no process on this host has a connection from port ${port} any more), but its server session is ${doing}: ` +
    `the server frees the lock when it ends that session, after the statement; to end it now: KILL ${session.id}`
  );
}
