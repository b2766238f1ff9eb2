import test from 'ava';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';
import { fitHints } from '../src/tui/components/status-bar.js';
import { summariseNotices } from '../src/tui/flows/confirm.js';

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));
const SIZES = [
  [80, 24],
  [60, 20],
] as const;

const lineOf = (frame: string, pattern: RegExp) => frame.split('\n').findIndex((l) => pattern.test(l));
const fits = (t: { true: (v: boolean, m?: string) => void }, frame: string, width: number, height: number) => {
  const lines = frame.split('\n');
  t.true(lines.length <= height - 1, `${lines.length} lines on a ${height}-line terminal`);
  t.true(lines.every((l) => [...l].length <= width), 'a line is wider than the terminal');
};

for (const [width, height] of SIZES) {
  test(`${width}×${height}: esc ends a search; while one is active the status bar says so; then n creates a revision again`, async (t) => {
    const s = await openScreen({ migrations: EXAMPLE, width, height });
    try {
      await s.waitFor(/History \(9\)/);
      await s.press('/', ...'permission'.split(''), KEYS.enter);
      await s.waitFor(/2 matches for "permission"/);
      await s.press('j');
      const active = await s.waitFor(/search: permission — n\/N next\/previous match · esc clears/);
      fits(t, active, width, height);
      await s.press(KEYS.escape);
      const cleared = await s.waitFor(/\? help {2}q quit/);
      t.notRegex(cleared, /search: permission/);
      await s.press('n');
      await s.waitFor(/New revision/, 'n opens the new-revision prompt once the search is cleared');
      await s.press(KEYS.escape);
      // A search with no match leaves nothing active: n is "new revision" at once.
      await s.press('/', 'z', 'q', 'x', KEYS.enter);
      await s.waitFor(/no match for "zqx"/);
      await s.press('n');
      await s.waitFor(/New revision/);
    } finally {
      await s.close();
    }
  });

  test(`${width}×${height}: the key bar keeps ? help and q quit; the rollback console's keys say what they do`, async (t) => {
    const s = await openScreen({ migrations: EXAMPLE, width, height });
    try {
      const frame = await s.waitFor(/\? help {2}q quit/);
      const bar = frame.split('\n').at(-1)!;
      t.regex(bar, /^j next {2}k prev/);
      t.true(bar.length <= width);
      t.notRegex(bar, /\? this|…$/);
    } finally {
      await s.close();
    }
    const r = await openScreen({ migrations: EXAMPLE, width, height, variant: 'rollback' });
    try {
      await cli(['--url', r.url, '--dir', r.dir, '--yes', 'upgrade']);
      await r.press('r');
      const frame = await r.waitFor(/d undo last.*\? help {2}q quit/);
      t.regex(frame, /d undo last {2}t undo to here {2}\? help {2}q quit/);
      t.notRegex(frame, /d roll {2}t roll/);
    } finally {
      await r.close();
    }
  });

  test(`${width}×${height}: the downgrade confirmation leads with the data at risk, biggest first and summarised, before the typed name`, async (t) => {
    const s = await openScreen({ migrations: EXAMPLE, width, height });
    try {
      t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade'])).code, 0);
      t.is((await cli(['--url', s.url, '--dir', s.dir, 'seed', '--seeds', SEEDS])).code, 0);
      await s.press('r');
      await s.waitFor('reloaded files and database state');
      await s.press('G');
      await s.waitFor(/20260105090000 create application settings\n/);
      await s.press('d');
      const frame = await s.waitFor(/Type the database name screen\.sqlite/);
      fits(t, frame, width, height);
      const risk = lineOf(frame, /DATA AT RISK \(\d+\)/);
      const prompt = lineOf(frame, /Type the database name/);
      t.true(risk >= 0 && risk < prompt, 'the data at risk is on screen above the typed name');
      // Biggest first: the permissions table (seeded with the most rows) leads.
      t.regex(frame.split('\n')[risk + 1]!, /drops table (permissions|role_permissions) \(\d{2,} rows\)/);
      t.regex(frame, /… and \d+ more below \(↓ scrolls\)/, 'the count of what is below the fold');
      t.true(lineOf(frame, /Downgrade screen\.sqlite to 20260105090000\?/) < risk, 'the question is the title');
    } finally {
      await s.close();
    }
  });

  test(`${width}×${height}: the upgrade confirmation flags destructive statements and files without a transaction`, async (t) => {
    const dir = makeFolder({
      '1_a.up.sql': 'CREATE TABLE a (id INTEGER, note TEXT);\n',
      '1_a.down.sql': 'DROP TABLE a;\n',
      '2_b.up.sql': '-- migrate:transaction off\nALTER TABLE a DROP COLUMN note;\nDELETE FROM a;\n',
      '2_b.down.sql': 'ALTER TABLE a ADD COLUMN note TEXT;\n',
    });
    const s = await openScreen({ migrations: dir, width, height });
    try {
      await s.waitFor(/History \(2\)/);
      await s.press('U');
      const frame = await s.waitFor(/Upgrade to heads\?/);
      fits(t, frame, width, height);
      t.regex(frame, /DESTRUCTIVE STATEMENTS \(2\)/);
      t.regex(frame, /drops column a\.note — 2, /);
      t.regex(frame, /RUNS WITHOUT A TRANSACTION \(1\)/);
      t.regex(frame, / 2 step 2 b: a failure part-way leaves the database dirty|2 b: a failure part-way/);
      const plan = lineOf(frame, /│upgrade sqlite:/);
      t.is(lineOf(frame, /DESTRUCTIVE/), 2, 'the flags come right under the title');
      t.true(plan === -1 || plan > 2, 'and before the plan');
    } finally {
      await s.close();
    }
  });
}

test('summariseNotices: each notice keeps its heading and a share; a cut one says how many are below', (t) => {
  const many = Array.from({ length: 12 }, (_, i) => `  drops table t${i}`);
  const { lines, cut } = summariseNotices(
    [
      { title: 'DATA AT RISK', lines: many, tone: 'danger' },
      { title: 'RUNS WITHOUT A TRANSACTION', lines: ['  x'], tone: 'warning' },
    ],
    7,
  );
  t.true(cut);
  t.true(lines.length <= 7);
  t.deepEqual(
    lines.map((l) => l.text),
    ['DATA AT RISK (12)', '  drops table t0', '  … and 11 more below (↓ scrolls)', 'RUNS WITHOUT A TRANSACTION (1)', '  x'],
  );
  t.false(summariseNotices([{ title: 'A', lines: ['  1', '  2'], tone: 'plain' }], 7).cut);
});

test('fitHints: the others give way from the end; help and quit stay', (t) => {
  const hints = ['j next', 'k prev', '/ search', 'u upgrade', '? help', 'q quit'].map((text) => ({ text, keep: /help|quit/.test(text) }));
  t.is(fitHints(hints, 80), 'j next  k prev  / search  u upgrade  ? help  q quit');
  t.is(fitHints(hints, 30), 'j next  k prev  ? help  q quit');
  t.is(fitHints(hints, 10), '? help  q quit');
});

test('the README names the keys the status bar shows', async (t) => {
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync(join(fileURLToPath(new URL('../../', import.meta.url)), 'README.md'), 'utf8');
  t.regex(readme, /search: <text> — n\/N next\/previous match · esc clears/);
});

test('the diff tab: drift with each mark set apart (a removed SQL comment never looks like a --- header), then the schema diff on t; no up vs down', async (t) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (\n-- the note\nid INTEGER);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
  const s = await openScreen({ migrations: dir, width: 120, height: 24 });
  try {
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade'])).code, 0);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(s.dir, '1_a.up.sql'), 'CREATE TABLE a (\nid INTEGER, b TEXT);\n');
    await s.press('r');
    await s.waitFor('reloaded files and database state');
    await s.press(KEYS.tab, KEYS.tab);
    const frame = await s.waitFor(/DRIFT: the file changed since it was applied \(the SQL differs\)/);
    t.regex(frame, /\s- -- the note\n/, 'the removed comment, its mark set apart');
    t.regex(frame, /\s\+ id INTEGER, b TEXT\);?\n/);
    t.notRegex(frame, /\s(---|\+\+\+)/, 'nothing that reads as a file header');
    t.notRegex(frame, /up vs down/);
    t.regex(frame, /SCHEMA DIFF:\n.*press t to rehearse the down of 1/);
    await s.press('t');
    await s.waitFor(/rehearsal of the down of 1:/);
  } finally {
    await s.close();
  }
});
