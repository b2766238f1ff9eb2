import test from 'ava';
import { createServer, connect, type Server } from 'node:net';
import { notUpYet } from '../src/engine/dialects/connect-wait.js';
import { waitDuration } from '../src/cli/wiring.js';
import { cli, start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { freePort } from './servers.js';

/**
 * `--wait` and `wait` (dbmate's): a server that is not up yet (its port refuses) is tried
 * again until it answers, then the command runs; a failure waiting cannot fix (a wrong
 * password) fails at once; the wait ends at --wait-timeout. The server "comes up" as a relay
 * to the real test server that starts listening on the URL's port once the tool has said it
 * is waiting (synchronised on its output, not on a sleep).
 */
const FOLDER = { '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' };

/** The URL's server behind a port that refuses until `listen()`. */
async function lateServer(url: string): Promise<{ url: string; listen(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(url);
  const port = await freePort();
  let server: Server | null = null;
  const late = new URL(url);
  late.port = String(port);
  return {
    url: late.toString(),
    listen: () =>
      new Promise((resolve) => {
        server = createServer((client) => {
          const upstream = connect(Number(target.port), target.hostname);
          client.pipe(upstream).pipe(client);
          client.on('error', () => upstream.destroy());
          upstream.on('error', () => client.destroy());
        });
        server.listen(port, '127.0.0.1', () => resolve());
      }),
    close: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

async function untilSaid(read: () => string, text: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!read().includes(text)) {
    if (Date.now() > deadline) throw new Error(`never said "${text}": ${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

eachDatabase(
  '--wait: an upgrade against a server that is not up yet waits, says so, and runs once it accepts connections',
  async (t, url) => {
    const server = await lateServer(url);
    try {
      const dir = makeFolder(FOLDER);
      const run = start(['--wait', '--url', server.url, '--dir', dir, '--yes', 'upgrade']);
      await untilSaid(run.stderr, 'connection refused; trying again for up to 60 s (--wait)');
      await server.listen();
      t.is(await run.exit, 0, run.stderr());
      t.regex(run.stderr(), /accepts connections after \d+\.\d s/);
      t.regex(run.stdout() + run.stderr(), /applied 1 revision/);
      const rows = await withDb(url, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'));
      t.deepEqual(rows.map((r) => String(r.revision)), ['1']);
    } finally {
      await server.close();
    }
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  '`wait` exits 0 once the server accepts connections, reading and writing nothing; a wrong password is not waited out',
  async (t, url) => {
    const server = await lateServer(url);
    try {
      const run = start(['--url', server.url, 'wait']);
      await untilSaid(run.stderr, 'waiting for');
      await server.listen();
      t.is(await run.exit, 0, run.stderr());
      t.regex(run.stdout(), /accepts connections \((PostgreSQL|MariaDB)/);
      t.false(await withDb(url, (db) => db.tableExists('migrate_tui_version')), 'wait created nothing');
      const wrong = new URL(server.url);
      wrong.password = 'not-the-password';
      const started = Date.now();
      const refused = await cli(['--url', wrong.toString(), '--wait-timeout', '30', 'wait']);
      t.is(refused.code, 1);
      t.notRegex(refused.stderr, /waiting for/);
      t.true(Date.now() - started < 10_000, 'failed at once, not after the wait');
    } finally {
      await server.close();
    }
  },
  ['postgres', 'mariadb'],
);

test('--wait-timeout ends the wait: exit 1 with the last error and how long it waited', async (t) => {
  const port = await freePort();
  const started = Date.now();
  const r = await cli(['--url', `postgres://u:p@127.0.0.1:${port}/db`, '--wait-timeout', '1s', 'wait']);
  t.is(r.code, 1);
  t.true(Date.now() - started >= 1000);
  t.regex(r.stderr, /waiting for postgres:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/db: connection refused; trying again for up to 1 s/);
  t.regex(r.stderr, /ECONNREFUSED .*\(gave up after waiting 1\.\d s for the server: --wait-timeout 1 s\)/);
  // Without --wait, as before: refused at once, no waiting.
  const once = await cli(['--url', `postgres://u:p@127.0.0.1:${port}/db`, '--dir', makeFolder(FOLDER), 'status']);
  t.is(once.code, 1);
  t.notRegex(once.stderr, /waiting for/);
});

for (const [signal, by] of [['SIGINT', 'Ctrl-C'], ['SIGTERM', 'SIGTERM']] as const) {
  test(`${by} while --wait waits stops it: exit 130, said (in --json too), nothing created (it killed the process silently, 143 on SIGTERM)`, async (t) => {
    const port = await freePort();
    const dir = makeFolder(FOLDER);
    const waiting = start(['--url', `postgres://u:p@127.0.0.1:${port}/db`, '--wait-timeout', '60s', '--json', 'wait']);
    await untilSaid(waiting.stderr, 'connection refused; trying again');
    waiting.child.kill(signal);
    t.is(await waiting.exit, 130, waiting.stderr());
    const error = JSON.parse(waiting.stdout()).error;
    t.is(error.code, 'cancelled');
    t.regex(error.message, new RegExp(`stopped waiting for postgres://u:\\*\\*\\*@127\\.0\\.0\\.1:${port}/db \\(${by}\\) after \\d+\\.\\d s: it had not answered yet, and nothing was read or changed`));
    // A run waiting for its server: the same, in text.
    const upgrading = start(['--url', `postgres://u:p@127.0.0.1:${port}/db`, '--wait', '--dir', dir, '--yes', 'upgrade']);
    await untilSaid(upgrading.stderr, 'connection refused; trying again');
    upgrading.child.kill(signal);
    t.is(await upgrading.exit, 130, upgrading.stderr());
    t.regex(upgrading.stderr(), new RegExp(`stopped waiting for .* \\(${by}\\) after`));
  });
}

test('what is waited out: refused, unknown host, reset, starting up, the connect timeout; not a wrong password or a missing database', (t) => {
  t.is(notUpYet({ code: 'ECONNREFUSED' }), 'connection refused');
  t.is(notUpYet({ code: 'ENOTFOUND' }), 'host name not found');
  t.is(notUpYet({ code: 'ECONNRESET' }), 'connection closed during the handshake');
  t.is(notUpYet({ code: '57P03', message: 'the database system is starting up' }), 'the database system is starting up');
  t.is(notUpYet({ code: 'connect-timeout' }), 'no answer within the connect timeout');
  t.is(notUpYet({ code: '28P01', message: 'password authentication failed' }), null);
  t.is(notUpYet({ code: '3D000', message: 'database "x" does not exist' }), null);
  t.is(notUpYet({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }), null);
});

test("--wait-timeout takes seconds or dbmate's durations", (t) => {
  t.is(waitDuration('60'), 60);
  t.is(waitDuration('90s'), 90);
  t.is(waitDuration('2m'), 120);
  t.is(waitDuration('1m30s'), 90);
  t.is(waitDuration('500ms'), 0.5);
  for (const bad of ['5x', '0', '', 's', '1m 30s']) t.throws(() => waitDuration(bad), undefined, bad);
});
