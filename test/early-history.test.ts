import test from 'ava';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawEarlyFrame } from '../src/tui/early-frame.js';
import { historyWidthOf, listHeightOf, plainHistoryPane } from '../src/tui/history-text.js';
import { BIN } from './helpers/cli.js';
import { notRun } from './helpers/not-run.js';
import { openScreen } from './helpers/screen.js';
import { hasTmux, Tmux } from './helpers/tmux.js';

/**
 * The TUI draws the history on its early frame as soon as the folder and the state are read,
 * before Ink and React load (run-tui.tsx); Ink's first frame then replaces it. What it draws
 * must be what the history pane draws, row for row.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-early-history-'));
  const pair = (name: string, up: string) => {
    writeFileSync(join(dir, `${name}.up.sql`), up);
    writeFileSync(join(dir, `${name}.down.sql`), 'SELECT 1;\n');
  };
  pair('0001_base', 'CREATE TABLE a (id INTEGER);\n');
  pair('0002_left', '-- migrate:revises 0001\n-- migrate:branch left_side\nCREATE TABLE b (id INTEGER);\n');
  pair('0003_right', '-- migrate:revises 0001\n-- migrate:message a message far too long to fit in the history pane of a hundred-column screen\nCREATE TABLE c (id INTEGER);\n');
  pair('0004_merge', '-- migrate:revises 0002, 0003\nSELECT 1;\n');
  pair('0005_after', 'CREATE TABLE d (id INTEGER);\n');
  return dir;
}

test('the early history is the history pane of the first frame: title, connectors, labels, cut messages, the selection', async (t) => {
  const height = 20;
  const s = await openScreen({ migrations: folder(), width: 100, height, readOnly: true });
  try {
    const ink = (await s.waitFor('0001 base')).split('\n');
    const width = historyWidthOf(100);
    const plain = plainHistoryPane(s.session.lines, s.session.stops[0]!, listHeightOf(height), width).map((l) => strip(l).trimEnd());
    t.true(s.session.lines.some((l) => l.id === null), 'the folder has connector lines');
    t.regex(plain.join('\n'), /left_side/);
    t.regex(plain.join('\n'), /…/, 'a message is cut');
    t.is(plain.length, s.session.lines.length + 1);
    t.deepEqual(plain, ink.slice(0, plain.length).map((l) => l.slice(0, width).trimEnd()));
  } finally {
    await s.close();
  }
});

test('the early history is cut to the window and the pane width; the selection is inverse', (t) => {
  const line = (id: string, message: string) => ({ graph: '*', id, message, labels: [], applied: false, current: false, head: false, drift: false, dirty: false, gap: false });
  const lines = Array.from({ length: 50 }, (_, k) => line(String(50 - k).padStart(4, '0'), `step ${'x'.repeat(k)}`));
  const rows = plainHistoryPane(lines, 0, 10, 30);
  t.is(rows.length, 11, 'the title and 10 rows');
  t.is(strip(rows[0]!), 'History (50)');
  t.true(rows[1]!.includes('\x1b[1;7m'), 'the selected row is bold and inverse');
  t.false(rows[2]!.includes('\x1b[1;7m'));
  for (const r of rows) t.true(strip(r).length <= 30, strip(r));
});

test('the early frame draws the history at the top left; the phase moves right of it and the status no longer says the state is being read', (t) => {
  let out = '';
  const frame = drawEarlyFrame((s) => void (out += s), { columns: 100, rows: 20 });
  frame.database('sqlite:/tmp/x.sqlite', true);
  out = '';
  frame.history(['History (2)', 'row one', 'row two'], 45);
  t.true(out.startsWith('\x1b[2J'), 'the screen is cleared first');
  t.true(out.includes('\x1b[1;1HHistory (2)\x1b[2;1Hrow one\x1b[3;1Hrow two'));
  t.true(out.includes('\x1b[19;1H\x1b[2KREAD-ONLY sqlite:/tmp/x.sqlite'));
  t.false(out.includes('reading state…'));
  out = '';
  frame.phase('loading the screen…');
  t.true(out.includes('\x1b[2;47H\x1b[Kloading the screen…'), 'the phase right of the pane, on row 2');
  t.false(out.includes('\x1b[2;1H'), 'the first row of the history is not erased');
  frame.leave();
  out = '';
  frame.history(['late'], 45);
  t.is(out, '', 'nothing drawn after leaving');
});

test('keys typed once the early history shows wait for the screen: raw mode before the history is written, cooked again on leaving', (t) => {
  const events: string[] = [];
  const input = { isTTY: true, setRawMode: (raw: boolean) => void events.push(`raw ${raw}`) };
  const frame = drawEarlyFrame((s) => void events.push(s.includes('row one') ? 'history written' : 'write'), { columns: 100, rows: 20 }, input);
  t.false(events.some((e) => e.startsWith('raw')), 'the opening frame leaves the terminal as it is');
  frame.history(['History (1)', 'row one'], 45);
  t.deepEqual(events.filter((e) => e !== 'write'), ['raw true', 'history written']);
  frame.leave();
  t.is(events.at(-2), 'raw false');
  // Without a terminal nothing is set.
  const plain = { isTTY: false, setRawMode: () => t.fail('no raw mode without a terminal') };
  const bare = drawEarlyFrame(() => undefined, { columns: 100, rows: 20 }, plain);
  bare.history(['History (1)'], 45);
  bare.leave();
});

test('the binary in tmux: from the early history to Ink\'s screen the terminal never stands blank (the clearing goes with Ink\'s first frame)', async (t) => {
  if (!hasTmux) return notRun(t, 'TMUX NOT INSTALLED: the early-history terminal test did NOT run (apt-get install tmux)');
  const work = mkdtempSync(join(tmpdir(), 'migrate-tui-early-blank-'));
  cpSync(EXAMPLE, join(work, 'migrations'), { recursive: true });
  const tmux = new Tmux(`node ${BIN} --url sqlite:./t.sqlite --yes upgrade >/dev/null 2>&1; node ${BIN} --url sqlite:./t.sqlite; sleep 600`, work);
  try {
    // Every frame the terminal shows, read as fast as tmux answers, from the early history until Ink's tabs show.
    await tmux.waitFor('History (9)');
    const seen: string[] = [];
    for (let screen = tmux.screen(); !screen.includes('up  down  diff'); screen = tmux.screen()) seen.push(screen.trim() === '' ? 'blank' : 'drawn');
    t.false(seen.includes('blank'), `frames seen between the early history and the screen: ${seen.join(', ')}`);
  } finally {
    tmux.kill();
  }
});
