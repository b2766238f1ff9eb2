import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetTitle } from '../src/tui/fleet/fleet-table.js';
import { openFleetScreen } from './helpers/fleet-screen.js';
import { makeFolder } from './helpers/folders.js';

/**
 * The fleet view's title line at 100 columns: the counts (read, unreachable, behind, the
 * selection) stay whole when the line is too long for them all — the terminal is never
 * left to cut it. SQLite files only: no server needed.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const width = (line: string) => [...line].length;

test('a selection on a fleet whose title is too long: the title fits 100 columns and keeps every count, the selection included', async (t) => {
  const work = makeFolder({});
  for (const f of ['canary-1', 'eu-1', 'eu-2']) writeFileSync(join(work, `${f}.sqlite`), '');
  const targets = [
    { name: 'canary-1', url: `sqlite:${join(work, 'canary-1.sqlite')}`, stage: 'canary' },
    { name: 'eu-1', url: `sqlite:${join(work, 'eu-1.sqlite')}`, stage: 'europe-west' },
    { name: 'eu-2', url: `sqlite:${join(work, 'eu-2.sqlite')}`, stage: 'us-east-and-more' },
    { name: 'gone', url: `sqlite:${join(work, 'gone.sqlite')}`, stage: 'last' },
  ];
  const s = openFleetScreen({ migrations: EXAMPLE, targets });
  try {
    const read = await s.waitFor(/read 4\/4/);
    const before = read.split('\n')[0]!;
    t.is(before, 'Fleet test targets: 4 targets · read 4/4 · 1 unreachable · 3 behind', 'too long with the stages: they go (the stage column has them)');
    await s.press(' ');
    const selected = await s.waitFor('1 selected');
    const title = selected.split('\n')[0]!;
    t.true(width(title) <= 100, `the title is ${width(title)} columns: ${title}`);
    t.regex(title, /read 4\/4 · 1 unreachable · 3 behind · 1 selected$/);
    t.notRegex(title, /…/, 'cut by the view, not by the terminal');
    for (const line of selected.split('\n')) t.true(width(line) <= 100, `a line of ${width(line)} columns: ${line}`);
  } finally {
    await s.close();
  }
});

test('fleetTitle: whole when it fits; else the stages go, then the file name loses its start; the counts are never cut before the head is gone', (t) => {
  const tally = 'read 4/4 · 1 unreachable · 2 behind · 1 selected';
  t.is(fleetTitle('Fleet f.json: 4 targets', 'canary → eu', tally, 100), `Fleet f.json: 4 targets · canary → eu · ${tally}`);
  t.is(fleetTitle('Fleet migrate-tui.targets.json: 4 targets', 'canary → eu → us', tally, 100), `Fleet migrate-tui.targets.json: 4 targets · ${tally}`);
  const long = fleetTitle(`Fleet ${'x'.repeat(60)}.json: 4 targets`, 'canary', tally, 100);
  t.is(width(long), 100);
  t.regex(long, /^Fleet \.\.\.x+\.json: 4 targets · read 4\/4 · 1 unreachable · 2 behind · 1 selected$/);
  t.is(fleetTitle('Fleet f.json: 4 targets', 'a', tally, 30), [...tally].slice(0, 30).join(''));
  for (let w = 20; w <= 120; w++) t.true(width(fleetTitle(`Fleet ${'y'.repeat(40)}: 200 targets`, 'canary → main', tally, w)) <= w, `at ${w} columns`);
});
