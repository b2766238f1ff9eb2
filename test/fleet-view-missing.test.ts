import test from 'ava';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { withDb } from './helpers/databases.js';
import { openFleetScreen } from './helpers/fleet-screen.js';
import { makeFolder, pair } from './helpers/folders.js';
import { KEYS, panelText } from './helpers/screen.js';

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
    const result = panelText(await s.waitFor(/upgrade to heads on 1 target: 1 refused/));
    t.regex(result, /✗ a \[default\]: REFUSED — nothing ran: upgrade refused: 3 is applied but its files are missing/);
    t.regex(result, /revert it first with ?`migrate-tui --targets --only a downgrade -1` \(from the down SQL stored when it ran\)\)/);
  } finally {
    await s.close();
  }
});

/**
 * The fleet view on a target another tool migrated (golang-migrate at version 2, no migrate-tui
 * record): its row said "2 pending" like any database behind, and only the upgrade it invites
 * said REFUSED. Its row and details now say so, with the stamp naming the target.
 */
test('the fleet view says a target was migrated by another tool, with the stamp that takes it over, before an upgrade refuses', async (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2'), ...pair('3') });
  const file = join(makeFolder({}), 'other.sqlite');
  writeFileSync(file, '');
  await withDb(`sqlite:${file}`, async (db) => {
    await db.execute('CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)');
    await db.execute('INSERT INTO schema_migrations VALUES (2, 0)');
  });
  const s = openFleetScreen({ migrations: dir, targets: [{ name: 'legacy', url: `sqlite:${file}` }] });
  try {
    const frame = (await s.waitFor(/OTHER: golang-migrate/)).split('\n').map((l) => l.replace(/^│|│$/g, '').trim()).join(' ');
    t.regex(frame, /legacy +default +sqlite +base +3 OTHER/);
    t.regex(frame, /OTHER: golang-migrate \(schema_migrations: version 2, not dirty\): stamp 2 \(s\) takes it over/);
    // The upgrade it warns of refuses, its way out naming the target.
    await s.press('u');
    await s.waitFor('Type 1 target and press enter to confirm:');
    await s.press('1 target', KEYS.enter);
    const result = panelText(await s.waitFor(/upgrade to heads on 1 target: 1 refused/));
    t.regex(result, /✗ legacy \[default\]: REFUSED — nothing ran: refused: .* was migrated by golang-migrate/);
    t.regex(result, /`migrate-tui --targets --only legacy stamp 2`/);
  } finally {
    await s.close();
  }
  // Headless, `--targets status` says it too (it said "at base; 3 pending"), and its JSON keeps the record.
  const cwd = makeFolder({});
  const targets = join(cwd, 'migrate-tui.targets.json');
  writeFileSync(targets, JSON.stringify([{ name: 'legacy', url: `sqlite:${file}` }]));
  const status = await cli(['--dir', dir, 'status', '--targets', targets], { cwd });
  t.regex(status.stdout, /legacy \[default\] .*: at base; 3 pending; it was migrated by golang-migrate \(schema_migrations: version 2, not dirty\), no migrate-tui record: stamp 2 takes it over, upgrade refuses until then/);
  // Looking wrote nothing: no state table beside golang-migrate's.
  t.deepEqual(await withDb(`sqlite:${file}`, (db) => db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).then((rows) => rows.map((r) => r.name)), ['schema_migrations']);
});
