import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { ConnectWatch } from '../src/engine/dialects/connect-guard.js';

/**
 * The connect deadline judges the server, not our event loop: a process starved of CPU (the
 * runner tests start dozens of processes on 2 cores) wakes with the deadline's timer and the
 * server's answer due together. Timers run before I/O is read, so the answer must still win.
 */
function listening(onConnection: (socket: import('node:net').Socket) => void): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer(onConnection).listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

/** Blocks the event loop, as a starved or busy process would be. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}

/** A PostgreSQL-like peer in another process (ours will be busy): answers the first bytes with "R". */
async function peerProcess(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', "const s = require('net').createServer((c) => c.once('data', () => c.write('R'))).listen(0, '127.0.0.1', () => console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(line.toString().trim()) };
}

test('an answer that arrived before the deadline is not a timeout, however late our event loop reads it', async (t) => {
  const { child, port } = await peerProcess();
  try {
    const watch = new ConnectWatch('postgres', 'postgres://x@127.0.0.1', 300, '127.0.0.1', port);
    const answered = watch.run(
      () =>
        new Promise<string>((resolve) => {
          const socket = watch.socket();
          socket.once('connect', () => {
            socket.write('startup');
            // The answer comes within a few ms; we are busy past the 300 ms deadline (in an
            // I/O callback: the next loop turn runs the due timer before it reads the answer).
            busy(2000);
          });
          socket.once('data', (chunk) => {
            socket.destroy();
            resolve(chunk.toString());
          });
        }),
      async () => undefined,
    );
    t.is(await answered, 'R');
  } finally {
    child.kill();
  }
});

test('a peer that never answers still fails at the deadline, naming where it stalled', async (t) => {
  const { server, port } = await listening(() => undefined);
  try {
    const watch = new ConnectWatch('mysql', 'mysql://x@127.0.0.1', 200, '127.0.0.1', port);
    const started = Date.now();
    const error = await t.throwsAsync(watch.run(() => new Promise<never>(() => void watch.socket()), async () => undefined));
    t.regex(error!.message, /accepted the connection but sent no greeting .* within 0\.2 s/);
    t.true(Date.now() - started < 5_000);
  } finally {
    server.close();
  }
});
