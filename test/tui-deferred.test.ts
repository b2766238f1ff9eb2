import test from 'ava';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { openScreen } from './helpers/screen.js';

/**
 * The TUI's first frame on a large folder comes before the database's state is read (issue
 * 15): the folder with every mark unknown and "reading state…", then the marks. A key that
 * needs the state waits for it; quitting before it is read claims nothing about the database.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const HEAD = '20260115090000';

test('deferred open: the first frame shows the folder and "reading state…", then the state and marks', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE, deferState: true });
  try {
    // Read before anything is awaited: the frame render() drew, before the state's read could finish.
    const first = s.frame();
    t.regex(first, /reading state…/);
    t.regex(first, new RegExp(`· \\* ${HEAD} \\(head\\)`), 'every mark unknown, not "pending"');
    t.notRegex(first, /[●◆○]/);
    t.regex(first, /reading state…/, 'the detail pane claims nothing either');
    await s.waitFor(/at base · 9 pending/);
    await s.waitFor(new RegExp(`○ \\* ${HEAD} \\(head\\)`));
    // The detail pane asks again once the state is read (it re-renders on the state's arrival).
    const deadline = Date.now() + 15_000;
    while (/reading state/.test(s.frame()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    t.notRegex(s.frame(), /reading state/);
  } finally {
    await s.close();
  }
});

test('deferred open on an upgraded database: the marks after the read are the database\'s (current head ◆)', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE, deferState: true });
  try {
    t.regex(s.frame(), /reading state…/);
    await s.waitFor(/at base · 9 pending/);
    await s.close();
    const up = await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade']);
    t.is(up.code, 0, up.stderr);
    const again = await openScreen({ migrations: s.dir, url: s.url, deferState: true });
    try {
      t.regex(again.frame(), /reading state…/);
      t.notRegex(again.frame(), /◆/);
      await again.waitFor(new RegExp(`◆ \\* ${HEAD} \\(head\\)`));
      await again.waitFor(new RegExp(`at ${HEAD} · 0 pending`));
    } finally {
      await again.close();
    }
  } finally {
    await s.close().catch(() => undefined);
  }
});
