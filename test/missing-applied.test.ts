import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder, pair } from './helpers/folders.js';

/**
 * An applied revision whose files are missing has no place in the graph: the planner's heads
 * left it out, so `upgrade` applied a new revision as if it were not applied (heads "3, 4").
 * Now an upgrade with anything to apply is refused, naming it and the way on; a downgrade
 * still reverts it first from its stored down SQL, after which the upgrade runs.
 */
const run = (url: string, dir: string, ...args: string[]) => cli(['--url', url, '--dir', dir, ...args]);

eachDatabase('an applied revision whose files are missing: upgrade (online and --sql) is refused, naming it; after downgrade -1 it runs', async (t, url) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2'), ...pair('3') });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  for (const suffix of ['up', 'down']) rmSync(join(dir, `3_step_3.${suffix}.sql`));
  // Written on a branch without 3: in version order it follows 2.
  for (const [name, text] of Object.entries(pair('4'))) writeFileSync(join(dir, name), text);

  const status = await run(url, dir, 'status');
  // 3 is applied too: not left out of the count (it said "applied: 2 of 3 revisions").
  t.regex(status.stdout, /^applied: {2}2 of 3 revisions in the folder, and 1 whose files are missing \(below\)$/m);
  t.regex(status.stdout, /MISSING: {2}3 is applied .* but its files are gone; `downgrade` can revert it from the stored down SQL; `upgrade` refuses to apply anything until its files are back or it is reverted/);

  const refused = await run(url, dir, '--yes', 'upgrade');
  t.is(refused.code, 1, refused.stderr);
  t.regex(refused.stderr, /upgrade refused: 3 is applied but its files are missing, so where it sits in the history is unknown; applying 4 now would plan as if it were not applied\. Nothing ran/);
  t.regex(refused.stderr, /revert it first with `migrate-tui --url <url> downgrade -1`/);
  const logged = await withDb(url, (db) => db.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM migrate_tui_log WHERE revision = '4'"));
  t.is(Number(logged[0]!.n), 0, 'nothing of 4 ran or was logged');
  t.is((await run(url, dir, '--yes', 'upgrade', '+1')).code, 1);
  const script = await run(url, dir, 'upgrade', '--sql');
  t.is(script.code, 1, 'the offline script from this database is refused too');
  t.regex(script.stderr, /upgrade refused: 3 is applied/);
  const still = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.deepEqual(still.current, ['3']);
  // Downgrading to the pending 4: the heads named are all that is applied (it said "current heads: 2" with 3 applied).
  const toPending = await run(url, dir, '--yes', 'downgrade', '4', '--no-backup');
  t.is(toPending.code, 2, toPending.stderr);
  t.regex(toPending.stderr, /current heads: 2 in the folder, and 3 \(applied, files missing: reverted first from the stored down SQL\)/);

  const reverted = await run(url, dir, '--yes', 'downgrade', '-1', '--no-backup');
  t.is(reverted.code, 0, reverted.stderr);
  const upgraded = await run(url, dir, '--yes', 'upgrade');
  t.is(upgraded.code, 0, upgraded.stderr);
  const after = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.deepEqual(after.current, ['4']);
  t.deepEqual(after.missing, []);
});

eachDatabase('downgrade -1 with two applied revisions whose files are missing: the preview says the other one stays applied (it said only what the files know)', async (t, url) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2'), ...pair('3'), ...pair('5') });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  for (const version of ['3', '5']) for (const suffix of ['up', 'down']) rmSync(join(dir, `${version}_step_${version}.${suffix}.sql`));

  const preview = await run(url, dir, 'downgrade', '-1', '--dry-run');
  t.is(preview.code, 0, preview.stderr);
  t.regex(preview.stdout, /\[1\/1\] ↓ 5 \(files missing/);
  t.regex(preview.stdout, /stays applied: 2, 3 \(/, 'only 5 is reverted: 3 stays applied');
  const json = JSON.parse((await run(url, dir, '--json', 'downgrade', '-1', '--dry-run')).stdout);
  t.deepEqual(json.preview.staysApplied, ['2', '3']);

  t.is((await run(url, dir, '--yes', 'downgrade', '-1', '--no-backup')).code, 0);
  const after = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.deepEqual(after.missing.map((m: { revision: string }) => m.revision), ['3'], 'what the preview said stays is what stays');
});

eachDatabase('an upgrade with nothing to apply while an applied revision\'s files are missing: heads now is what the version table holds (it said "2, 3" with the table at 3)', async (t, url) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2'), ...pair('3') });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  for (const suffix of ['up', 'down']) rmSync(join(dir, `3_step_3.${suffix}.sql`));
  const noop = await run(url, dir, '--yes', 'upgrade');
  t.is(noop.code, 0, noop.stderr);
  t.regex(noop.stdout, /^nothing to do: the database is already there\nheads now: 3\n$/);
  const rows = await withDb(url, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'));
  t.deepEqual(rows.map((r) => r.revision), ['3']);
});

eachDatabase('upgrade --sql with nothing to apply while an applied revision\'s files are missing: the header names the heads the database holds and the missing revision (it said "heads before: 2; after: 2" with the table at 3); downgrade --sql is refused', async (t, url) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2'), ...pair('3') });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  for (const suffix of ['up', 'down']) rmSync(join(dir, `3_step_3.${suffix}.sql`));

  const script = await run(url, dir, 'upgrade', '--sql');
  t.is(script.code, 0, script.stderr);
  const header = script.stdout.split('\n').slice(0, 4);
  t.regex(header[0]!, /^-- migrate-tui upgrade to heads for \w+: 0 revisions$/);
  t.regex(header[1]!, / from database .* at 3$/);
  t.is(header[2], '-- heads before: 3; after: 3');
  t.is(header[3], '-- 3 is applied but its files are missing: this script does not touch it, and an upgrade that applies anything is refused until its files are back or it is reverted');
  t.notRegex(script.stdout, /INSERT INTO|UPDATE|DELETE FROM/, 'nothing but the state tables\' DDL');
  const json = JSON.parse((await run(url, dir, '--json', 'upgrade', '--sql')).stdout);
  t.deepEqual([json.plan.headsBefore, json.plan.headsAfter, json.plan.missing], [['3'], ['3'], ['3']]);

  // Online, downgrade -1 reverts 3 from its stored down SQL; a script from the files would revert 2 (and update a row that is not there).
  const down = await run(url, dir, 'downgrade', '-1', '--sql');
  t.is(down.code, 1, down.stderr);
  t.is(down.stdout, '');
  t.regex(down.stderr, /downgrade --sql refused: 3 is applied but its files are missing; a downgrade reverts it first, from the down SQL stored when it ran, which a script made from the files cannot\. No script was made/);
  t.regex(down.stderr, /`migrate-tui --url <url> downgrade -1 --dry-run`/);
  t.is((await run(url, dir, 'downgrade', 'base', '--sql')).code, 1);
  const rows = await withDb(url, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'));
  t.deepEqual(rows.map((r) => r.revision), ['3'], 'looking changed nothing');
});
