import test from 'ava';
import { cpSync, mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './helpers/cli.js';
import { notRun } from './helpers/not-run.js';
import { hasTmux, Tmux } from './helpers/tmux.js';
import { drawEarlyFrame } from '../src/tui/early-frame.js';

/**
 * Issue 15: the TUI's first frame comes before the folder, Ink and the database load, says
 * what it is doing, and the terminal is restored on every path (here: a database that
 * accepts the connection and never answers, so the frame stays until the connect timeout).
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));

test('the early frame: alternate screen, title, phase and status lines; leave() restores once', (t) => {
  let out = '';
  const frame = drawEarlyFrame((s) => void (out += s), { columns: 40, rows: 10 });
  t.true(out.startsWith('\x1b[?1049h'), 'enters the alternate screen');
  t.true(out.includes('migrate-tui — opening'));
  frame.database('postgres://app@db/app', true);
  frame.phase('indexing /a/very/long/folder/name/that/does/not/fit/in/forty/columns…');
  // Lines longer than the width end in … at the 40th column.
  const cut = (text: string) => `${text.slice(0, 39)}…`;
  t.true(out.includes(`\x1b[9;1H\x1b[2K${cut('READ-ONLY postgres://app@db/app · reading state…')}`), 'the status line on the row above the last, cut to the width');
  t.true(out.includes(`\x1b[2;1H\x1b[2K${cut('  indexing /a/very/long/folder/name/that/does/not/fit/in/forty/columns…')}`), 'the phase on row 2');
  frame.leave();
  frame.leave();
  frame.phase('after leaving');
  t.is(out.split('\x1b[?1049l').length, 2, 'left once');
  t.false(out.includes('after leaving'), 'nothing drawn after leaving');
});

test('the binary in tmux: the first frame shows while the database does not answer; the error is printed on the restored terminal', async (t) => {
  if (!hasTmux) return notRun(t, 'TMUX NOT INSTALLED: the early-frame terminal test did NOT run (apt-get install tmux)');
  await withSilentDatabase(async ({ port, work }) => {
    const tmux = new Tmux(`node ${BIN} --url 'postgres://app:secret@127.0.0.1:${port}/app' --connect-timeout 4; echo "EXIT=$?"; sleep 600`, work);
    try {
      const early = await tmux.waitFor('reading the database…');
      t.regex(early, /migrate-tui — opening/);
      t.regex(early, /9 revisions indexed; reading the database…/);
      t.regex(early, /postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/app · reading state…/);
      t.notRegex(early, /secret/);
      t.true(tmux.alternateScreen());
      const after = await tmux.waitFor(/EXIT=\d+/);
      t.false(tmux.alternateScreen(), 'the terminal left the alternate screen');
      t.regex(after, /error: cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1/);
      t.regex(after, /EXIT=1/);
    } finally {
      tmux.kill();
    }
  });
});

test('the early frame answers SIGINT, SIGTERM and SIGHUP while it is the screen; leave() and handOver() give them back', (t) => {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const counts = signals.map((signal) => process.listenerCount(signal));
  const before = counts[0]!;
  const frame = drawEarlyFrame(() => undefined, { columns: 40, rows: 10 });
  signals.forEach((signal, k) => t.is(process.listenerCount(signal), counts[k]! + 1, signal));
  frame.handOver();
  signals.forEach((signal, k) => t.is(process.listenerCount(signal), counts[k]!, signal));
  t.is(process.listenerCount('SIGINT'), before, 'the real screen answers signals from now on');
  const other = drawEarlyFrame(() => undefined, { columns: 40, rows: 10 });
  t.is(process.listenerCount('SIGINT'), before + 1);
  other.leave();
  t.is(process.listenerCount('SIGINT'), before);
});

test('the binary in tmux: Ctrl-C while it opens (the database does not answer) restores the terminal, says nothing changed and exits 130', async (t) => {
  if (!hasTmux) return notRun(t, 'TMUX NOT INSTALLED: the early-frame Ctrl-C test did NOT run (apt-get install tmux)');
  await withSilentDatabase(async ({ port, work, connected }) => {
    // A connect timeout far beyond the test: only the Ctrl-C can end it.
    const tmux = new Tmux(`node ${BIN} --url 'postgres://app@127.0.0.1:${port}/app' --connect-timeout 300; echo "EXIT=$?"; sleep 600`, work);
    try {
      await tmux.waitFor('reading the database…');
      // The connection is open and waiting: the server has it.
      await connected();
      t.true(tmux.alternateScreen());
      tmux.keys('C-c');
      const after = await tmux.waitFor(/EXIT=\d+/);
      t.false(tmux.alternateScreen(), 'the terminal left the alternate screen');
      t.regex(after, /migrate-tui: stopped by Ctrl-C while opening \(nothing was changed: the database was at most read\)/);
      t.regex(after, /EXIT=130/);
    } finally {
      tmux.kill();
    }
  });
});

/** A server on loopback that accepts connections and never answers (a database that hangs), and a folder with the example migrations. */
async function withSilentDatabase(work: (server: { port: number; work: string; connected: () => Promise<void> }) => Promise<void>): Promise<void> {
  const sockets: Socket[] = [];
  const silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const folder = mkdtempSync(join(tmpdir(), 'migrate-tui-early-'));
  cpSync(EXAMPLE, join(folder, 'migrations'), { recursive: true });
  const connected = async () => {
    while (sockets.length === 0) await new Promise((resolve) => silent.once('connection', resolve));
  };
  try {
    await work({ port: (silent.address() as { port: number }).port, work: folder, connected });
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
}
