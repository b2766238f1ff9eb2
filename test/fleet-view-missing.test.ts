import test from 'ava';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { openFleetScreen } from './helpers/fleet-screen.js';
import { makeFolder, pair } from './helpers/folders.js';
import { KEYS } from './helpers/screen.js';

/**
 * The fleet view on a target with an applied revision whose files are missing: its details
 * said only "at 3 · 1 pending", and the upgrade they invite is refused. SQLite: no server.
 */
test('the fleet view names an applied revision whose files are missing, and that upgrade refuses', async (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2'), ...pair('3') });
  const work = makeFolder({});
  const file = join(work, 'a.sqlite');
  t.is((await cli(['--url', `sqlite:${file}`, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  for (const suffix of ['up', 'down']) rmSync(join(dir, `3_step_3.${suffix}.sql`));
  const extra = pair('4');
  const withFour = makeFolder({ ...pair('1'), ...pair('2'), ...extra });
  const s = openFleetScreen({ migrations: withFour, targets: [{ name: 'a', url: `sqlite:${file}` }] });
  try {
    const frame = await s.waitFor(/MISSING/);
    t.regex(frame, /at 3 · 1 pending/);
    t.regex(frame, /MISSING: 3 is applied but its files are gone: upgrade refuses until they are back or reverted/);
    // The upgrade it invites is refused, and the hint's command names the target (copied, `migrate-tui downgrade -1` acted on the default database).
    await s.press('u');
    await s.waitFor('Type 1 target and press enter to confirm:');
    await s.press('1 target', KEYS.enter);
    const result = (await s.waitFor(/upgrade to heads on 1 target: 1 refused/)).split('\n').map((l) => l.replace(/^│|│$/g, '').trim()).join('');
    t.regex(result, /✗ a \[default\]: REFUSED — nothing ran: upgrade refused: 3 is applied but its files are missing/);
    t.regex(result, /revert it first with ?`migrate-tui --targets --only a downgrade -1` \(from the down SQL stored when it ran\)\)/);
  } finally {
    await s.close();
  }
});
