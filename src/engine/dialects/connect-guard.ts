import { connect, type Socket } from 'node:net';
import { MigrateTuiError } from '../errors.js';

/**
 * Connecting fails fast: the whole handshake runs under one deadline, and the first bytes
 * the peer sends are checked before the driver reads them, so a URL that reaches something
 * else (an HTTP proxy, the wrong port) is reported at once, with what answered, instead of
 * the driver parsing garbage or reconnecting for ever. The socket handed to the driver is
 * ours (postgres.js `socket`, mysql2 `stream`): no extra connection is made.
 */

export type Protocol = 'postgres' | 'mysql';

const PROTOCOL_NAMES: Record<Protocol, string> = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB' };

export class ConnectTimeoutError extends MigrateTuiError {
  constructor(display: string, timeoutMs: number, reached: string) {
    super(
      'connect-timeout',
      `cannot connect to ${display}: no complete ${reached} within ${formatSeconds(timeoutMs)}`,
      'check the host and port, and that the server is up and not overloaded; raise --connect-timeout <seconds> (or "connectTimeout" in migrate-tui.config.json) for a slow network',
      { database: display, timeoutMs },
    );
  }
}

export class ProtocolMismatchError extends MigrateTuiError {
  constructor(display: string, protocol: Protocol, peer: string, answer: string) {
    super(
      'protocol-mismatch',
      `cannot connect to ${display}: ${peer} is not a ${PROTOCOL_NAMES[protocol]} server; it answered ${answer}`,
      `check the port and scheme of the URL (${protocol === 'postgres' ? 'PostgreSQL listens on 5432' : 'MySQL/MariaDB listen on 3306'} by default); a proxy or load balancer in between must pass the database protocol through`,
      { database: display, peer },
    );
  }
}

/** The server answered the SSL request with N (no SSL), and the URL's setting makes the driver go on with TLS, which then fails. */
export class SslRefusedError extends MigrateTuiError {
  constructor(display: string, peer: string, setting: string) {
    super(
      'ssl-refused',
      `cannot connect to ${display}: ${peer} does not accept SSL connections (it answered N to the SSL request), but the URL's ${setting} asks for SSL`,
      "enable SSL on the server; or, where the connection need not be encrypted (a local or private network), take the setting out of the URL or write sslmode=disable (sslmode=prefer uses SSL when the server offers it)",
      { database: display, peer, setting },
    );
  }
}

/**
 * The URL's SSL setting when the driver (postgres.js) fails on a server without SSL: it sends
 * the SSL request for any setting but `disable`/`false`, and goes on without SSL only for
 * `prefer`. It went on with TLS against the server's "no", and said only "Client network socket
 * disconnected before secure TLS connection was established" (psql: "server does not support
 * SSL, but SSL was required"). Null when it does not fail so.
 */
export function sslInsisted(url: string): string | null {
  const query = /\?(.*)$/.exec(url)?.[1] ?? '';
  const params = new URLSearchParams(query);
  const [key, value] = params.has('sslmode') ? ['sslmode', params.get('sslmode')!] : params.has('ssl') ? ['ssl', params.get('ssl')!] : [null, ''];
  if (key === null || ['prefer', 'disable', 'false', ''].includes(value)) return null;
  return `${key}=${value}`;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The peer's first bytes, printable: `"HTTP/1.1 400 Bad Request"`. */
export function describeBytes(chunk: Buffer): string {
  const text = chunk.subarray(0, 60).toString('latin1').split(/\r?\n/)[0]!;
  const printable = text.replace(/[^\x20-\x7e]/g, '.');
  return printable.trim() ? `"${printable}"` : `bytes ${chunk.subarray(0, 12).toString('hex')}`;
}

/**
 * What answered, for the mismatch message. A MySQL/MariaDB greeting behind a postgres:// URL
 * (the ports mixed up) is named as such, with the server's version, instead of the printable
 * bytes of its binary packet (`"d..."`).
 */
export function describeAnswer(protocol: Protocol, chunk: Buffer): string {
  if (protocol === 'postgres' && chunk.length > 5 && chunk[4] === 0x0a) {
    const end = chunk.indexOf(0, 5);
    const version = chunk.subarray(5, end > 5 ? Math.min(end, 65) : Math.min(chunk.length, 65)).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    return `as a MySQL/MariaDB server (${version}): its URL starts with mysql:// or mariadb://`;
  }
  return describeBytes(chunk);
}

/**
 * What a database sends first. PostgreSQL answers the client's startup or SSL request with
 * R (authentication), E (error), N/S (SSL answer) or v (protocol negotiation); MySQL speaks
 * first, a packet whose payload starts with protocol version 10, or an error packet (0xff).
 */
export function looksLike(protocol: Protocol, chunk: Buffer): boolean {
  // The SSL answer is one byte, and the server says nothing more until the client does: an `S`
  // with more after it is something else speaking first (an SSH server's `SSH-2.0-…`).
  if (protocol === 'postgres') return [0x52, 0x45, 0x76].includes(chunk[0]!) || ([0x4e, 0x53].includes(chunk[0]!) && chunk.length === 1);
  return chunk.length < 5 || chunk[4] === 0x0a || chunk[4] === 0xff;
}

/** One connection attempt's watch: where it got to, and a promise that fails on a mismatch or the deadline. */
export class ConnectWatch {
  private stage: 'tcp' | 'handshake' | 'answered' = 'tcp';
  private reject!: (error: Error) => void;
  /** Why the attempt failed, once it has. */
  private reason: Error | null = null;
  private timer: NodeJS.Timeout;
  private finished = false;
  private abandoned = false;
  private readonly sockets: Socket[] = [];
  /** Rejects when the peer is not the database or the deadline passes; never resolves. */
  readonly failed: Promise<never>;

  constructor(
    private readonly protocol: Protocol,
    private readonly display: string,
    readonly timeoutMs: number,
    readonly host: string | null,
    readonly port: number,
    /** sslInsisted's setting: the server's N to the SSL request fails the attempt, naming it. */
    private readonly sslSetting: string | null = null,
  ) {
    this.failed = new Promise<never>((_, reject) => (this.reject = reject));
    this.failed.catch(() => undefined);
    // The deadline is decided after the I/O already waiting is read (setImmediate runs after
    // the poll phase): a process starved of CPU wakes with the timer and the server's answer
    // due together, and timers run first — an answer that came in time is not a stall.
    this.timer = setTimeout(() => setImmediate(() => this.finished || this.fail(new ConnectTimeoutError(display, timeoutMs, this.stalled()))), timeoutMs);
    this.timer.unref();
  }

  private fail(error: Error): void {
    this.reason ??= error;
    this.reject(this.reason);
  }

  /** Where the attempt stalled, for the timeout message. */
  private stalled(): string {
    const name = PROTOCOL_NAMES[this.protocol];
    if (this.stage === 'tcp') return `TCP connection to ${this.peer()}`;
    if (this.stage === 'answered') return `${name} handshake (${this.peer()} answered as ${name} and then stalled)`;
    return this.protocol === 'mysql'
      ? `${name} handshake: ${this.peer()} accepted the connection but sent no greeting (a MySQL/MariaDB server greets at once: is this port a database?)`
      : `${name} handshake: ${this.peer()} accepted the connection but never answered the startup message`;
  }

  private peer(): string {
    return this.host ? `${this.host}:${this.port}` : 'the server';
  }

  /** A TCP socket to the peer that checks the first bytes it sends (the driver reads them too). */
  socket(): Socket {
    // postgres.js connects again when the socket closes while its first query waits (the peer
    // that answered wrongly hangs up; run() destroys the sockets): no second connection to a
    // peer that already failed — its connect timer kept the process alive past the error.
    // Thrown here, postgres.js fails the attempt without starting that timer.
    if (this.reason || this.abandoned) throw this.reason ?? new Error('connection attempt abandoned');
    const socket = connect(this.port, this.host!);
    this.sockets.push(socket);
    socket.once('connect', () => (this.stage = 'handshake'));
    socket.once('data', (chunk: Buffer) => {
      this.stage = 'answered';
      if (this.sslSetting && this.protocol === 'postgres' && chunk.length === 1 && chunk[0] === 0x4e) {
        this.fail(new SslRefusedError(this.display, this.peer(), this.sslSetting));
        socket.destroy();
        return;
      }
      if (looksLike(this.protocol, chunk)) return;
      this.fail(new ProtocolMismatchError(this.display, this.protocol, this.peer(), describeAnswer(this.protocol, chunk)));
      socket.destroy();
    });
    return socket;
  }

  done(): void {
    this.finished = true;
    clearTimeout(this.timer);
  }

  /** Runs `open` against the deadline and the peer check; `abandon` cleans up the driver when they win. */
  async run<T>(open: () => Promise<T>, abandon: () => Promise<void>): Promise<T> {
    try {
      return await Promise.race([open(), this.failed]);
    } catch (error) {
      this.abandoned = true; // no new socket for the driver's reconnect (see socket())
      for (const socket of this.sockets) socket.destroy();
      await abandon().catch(() => undefined);
      // The driver's own error can come first (the socket closed): the watch's reason is the truer one.
      throw this.reason ?? error;
    } finally {
      this.done();
    }
  }
}

/** The single TCP host and port of a URL, or null (several hosts, a socket path in ?host=). */
export function tcpPeer(url: string, defaultPort: number): { host: string; port: number } | null {
  let u: URL;
  try {
    u = new URL(url.replace(/^[a-z0-9+]+:/i, 'http:'));
  } catch {
    return null;
  }
  if (u.searchParams.has('host') || u.searchParams.has('socketPath') || u.hostname.includes(',') || !u.hostname) return null;
  return { host: decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1'), port: u.port ? Number(u.port) : defaultPort };
}
