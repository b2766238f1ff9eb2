import test from 'ava';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STATE_TABLES, parseDatabaseUrl, resolveConnection } from '../src/engine/index.js';
import { TuiSession } from '../src/tui/session.js';
import { binaryAsync, cli } from './helpers/cli.js';
import { notRun } from './helpers/not-run.js';

/**
 * A database URL that reaches something else (here an HTTP server on 127.0.0.1) fails
 * fast: at once when the peer answers with something that is not the database's protocol,
 * within --connect-timeout when it says nothing. Exit 1, no stack trace, password masked.
 */
async function httpServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-connect-'));
  mkdirSync(join(cwd, 'migrations'));
  return cwd;
}

for (const scheme of ['postgres', 'mysql'] as const) {
  test(`${scheme}:// to an HTTP server: status fails within --connect-timeout, exit 1, says what answered, no stack trace, password masked`, async (t) => {
    const { server, port } = await httpServer();
    try {
      const started = Date.now();
      // PostgreSQL: a long timeout, so "at once" is told from "at the timeout" without a tight clock (CI is loaded).
      const timeout = scheme === 'postgres' ? 30 : 2;
      const r = await cli(['--url', `${scheme}://app:s3cret-pw@127.0.0.1:${port}/appdb`, '--connect-timeout', String(timeout), 'status'], { cwd: project() });
      const elapsed = Date.now() - started;
      t.is(r.code, 1, r.stderr);
      // The slack is for starting the CLI on a loaded machine (5.1 s seen at load 12); a hang would be far longer.
      t.true(elapsed < timeout * 1000 + 10_000, `never much past the timeout: took ${elapsed} ms`);
      t.notRegex(r.stderr + r.stdout, /s3cret-pw/);
      t.regex(r.stderr, new RegExp(`cannot connect to ${scheme}://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/appdb`));
      t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
      if (scheme === 'postgres') {
        // The HTTP server answers the startup message at once: reported at once.
        t.regex(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is not a PostgreSQL server; it answered "HTTP/1\\.1 400 Bad Request"`));
        t.true(elapsed < 15_000, `a protocol mismatch is reported at once, not at the 30 s timeout (${elapsed} ms)`);
      } else {
        // It waits for a request and says nothing: the greeting never comes.
        t.regex(r.stderr, /accepted the connection but sent no greeting .* within 2 s/);
        t.true(elapsed >= 1900, 'it waited for the timeout it was given');
      }
      t.regex(r.stderr, /→ /, 'with a hint');
      const json = await cli(['--url', `${scheme}://app:s3cret-pw@127.0.0.1:${port}/appdb`, '--connect-timeout', '1', '--json', 'status'], { cwd: project() });
      t.is(json.code, 1);
      t.regex(JSON.parse(json.stdout).error.code, /^(protocol-mismatch|connect-timeout)$/);
    } finally {
      server.close();
    }
  });
}

test('postgres:// to a MariaDB port: named as a MySQL/MariaDB server with its version and the scheme to use, at once, exit 1', async (t) => {
  const maria = process.env.TEST_MARIADB_URL;
  if (!maria) return notRun(t, 'MARIADB SERVER NOT RUNNING: the ports-mixed-up test did NOT run (run through npm test)');
  const { hostname: host, port } = new URL(maria);
  const r = await cli(['--url', `postgres://app:s3cret-pw@${host}:${port}/appdb`, '--connect-timeout', '30', 'status'], { cwd: project() });
  t.is(r.code, 1, r.stderr);
  // Before: `it answered "d..."` (the printable bytes of the greeting packet).
  t.regex(r.stderr, new RegExp(`${host.replace(/\./g, '\\.')}:${port} is not a PostgreSQL server; it answered as a MySQL/MariaDB server \\([^)]*MariaDB[^)]*\\): its URL starts with mysql:// or mariadb://`));
  t.notRegex(r.stderr + r.stdout, /s3cret-pw/);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
});

test('postgres:// to an SSH server (it speaks first, "SSH-2.0-…"): named as not PostgreSQL with what it said, at once (it was "answered as PostgreSQL and then stalled")', async (t) => {
  const server = createTcpServer((socket) => socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  try {
    const started = Date.now();
    const r = await cli(['--url', `postgres://app:s3cret-pw@127.0.0.1:${port}/appdb`, '--connect-timeout', '20', 'status'], { cwd: project() });
    t.is(r.code, 1, r.stderr);
    t.regex(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is not a PostgreSQL server; it answered "SSH-2\\.0-OpenSSH_9\\.2p1 Debian-2"`));
    t.true(Date.now() - started < 15_000, 'at once, not at the connect timeout');
  } finally {
    server.close();
  }
});

test('the TUI opens under the same deadline: an HTTP server behind postgres:// fails its start with the typed error', async (t) => {
  const { server, port } = await httpServer();
  try {
    const cwd = project();
    const started = Date.now();
    const error = await t.throwsAsync(
      TuiSession.open({
        dir: join(cwd, 'migrations'),
        target: { ...parseDatabaseUrl(`postgres://app:pw@127.0.0.1:${port}/appdb`, 'test', cwd), connectTimeoutMs: 30_000 },
        tables: DEFAULT_STATE_TABLES,
        toolVersion: 'test',
        lockTimeoutMs: 1000,
        backupDir: join(cwd, 'backups'),
        readOnly: true,
      }),
    );
    t.is((error as { code?: string }).code, 'protocol-mismatch');
    // A 30 s deadline, so "at once" is told from "at the deadline" without a tight clock (CI is loaded).
    t.true(Date.now() - started < 15_000, `a protocol mismatch is reported at once, not at the 30 s deadline (${Date.now() - started} ms)`);
  } finally {
    server.close();
  }
});

test('connectTimeout: --connect-timeout, then the config file, then 10 s; 0 and words are refused', async (t) => {
  const cwd = project();
  const base = { url: 'postgres://a@127.0.0.1/db', cwd, env: {} };
  t.is(resolveConnection({ ...base, config: {} }).connectTimeoutMs, 10_000);
  t.is(resolveConnection({ ...base, config: { connectTimeout: 3 } }).connectTimeoutMs, 3000);
  t.is(resolveConnection({ ...base, config: { connectTimeout: 3 }, connectTimeout: 5 }).connectTimeoutMs, 5000);
  t.is((await cli(['--connect-timeout', '0', 'status'], { cwd })).code, 2);
  t.is((await cli(['--connect-timeout', 'soon', 'status'], { cwd })).code, 2);
  writeFileSync(join(cwd, 'migrate-tui.config.json'), '{"connectTimeout": "10"}');
  const bad = await cli(['status'], { cwd });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /"connectTimeout" must be a number of seconds above 0/);
});

/** A TCP peer that accepts and never says a word (a firewall's tarpit, a wedged server), counting the connections it gets. */
async function silentPeer(): Promise<{ port: number; connections: () => number; close: () => void }> {
  const sockets: Socket[] = [];
  const server = createTcpServer((socket) => {
    socket.on('error', () => undefined);
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => sockets.length,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

for (const [what, peer] of [
  ['a silent peer (the connect timeout)', silentPeer],
  ['an HTTP server (a protocol mismatch)', async () => {
    const { server, port } = await httpServer();
    let connections = 0;
    server.on('connection', () => connections++);
    return { port, connections: () => connections, close: () => server.close() };
  }],
] as const) {
  test(`postgres:// to ${what}: one connection, and the process ends with the error (postgres.js connected again once and its connect timer kept the process alive 4 s past the message)`, async (t) => {
    const { port, connections, close } = await peer();
    try {
      const r = await binaryAsync(['--url', `postgres://app:pw@127.0.0.1:${port}/appdb`, '--connect-timeout', '2', 'status'], { cwd: project() });
      t.is(r.code, 1, r.stderr);
      t.regex(r.stderr, /cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1/);
      // Counted once the process has exited: a reconnect would have landed before it.
      t.is(connections(), 1, 'the driver did not connect again after the attempt failed');
    } finally {
      close();
    }
  });
}
