import test from 'ava';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryAsync, cli } from './helpers/cli.js';
import { DATABASES, eachDatabase, withDb } from './helpers/databases.js';
import { openFleetScreen } from './helpers/fleet-screen.js';
import { makeFolder, pair } from './helpers/folders.js';
import { KEYS } from './helpers/screen.js';

/**
 * "Each target's own code is in --json" (README, Fleets): a target whose command threw said
 * exitCode 1 whatever the one-database command exits with (5 for a dirty database, 8 when no
 * backup can be taken). And a downgrade whose backup could not be taken ran nothing, but was
 * `FAILED` ("an error that may have changed it"), not `REFUSED — nothing ran`.
 */
test('a dirty target refused in a fleet run has exitCode 5 in --json, as the one-database upgrade exits', async (t) => {
  const dir = makeFolder({
    ...pair('1'),
    '2_b.up.sql': '-- migrate:transaction off\nCREATE TABLE b (id int);\nINSERT INTO nowhere VALUES (1);\n',
    '2_b.down.sql': 'DROP TABLE b;\n',
  });
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'migrate-tui.targets.json'), JSON.stringify([{ name: 'one', url: 'sqlite:./one.sqlite' }]));
  const first = await cli(['--targets', '--dir', dir, 'upgrade', '--json'], { cwd });
  t.is(JSON.parse(first.stdout).targets[0].exitCode, 5, 'the failure left it dirty: 5, as a one-database upgrade exits');
  const single = await cli(['--url', `sqlite:${join(cwd, 'one.sqlite')}`, '--dir', dir, 'upgrade']);
  t.is(single.code, 5, single.stderr);
  const again = await cli(['--targets', '--dir', dir, 'upgrade', '--json'], { cwd });
  t.is(again.code, 1, again.stderr);
  const target = JSON.parse(again.stdout).targets[0];
  t.is(target.status, 'refused');
  t.is(target.exitCode, 5);
  t.is(target.result.error.code, 'dirty');
});

eachDatabase(
  'a fleet downgrade whose backup cannot be taken (no dump tool) is refused, nothing ran, its exitCode 8; the later stage is skipped as refused',
  async (t, url) => {
    const dir = makeFolder({ ...pair('1'), ...pair('2') });
    const cwd = makeFolder({});
    const later = join(cwd, 'later.sqlite');
    writeFileSync(join(cwd, 'migrate-tui.targets.json'), JSON.stringify({ stages: ['canary', 'rest'], targets: [{ name: 'server', url, stage: 'canary' }, { name: 'later', url: `sqlite:${later}`, stage: 'rest' }] }));
    t.is((await cli(['--targets', '--dir', dir, 'upgrade'], { cwd })).code, 0);
    const emptyPath = mkdtempSync(join(tmpdir(), 'migrate-tui-nopath-'));
    const r = await binaryAsync(['--targets', '--dir', dir, '--yes', 'downgrade', '-1', '--json'], { cwd, env: { PATH: emptyPath } });
    t.is(r.code, 1, r.stderr);
    const [server, rest] = JSON.parse(r.stdout).targets;
    t.is(server.status, 'refused');
    t.regex(server.summary, /^REFUSED — nothing ran: (pg_dump|mariadb-dump or mysqldump) is not installed \(not on PATH\), so no backup can be taken( before the downgrade)? \(→ install /);
    t.is(server.exitCode, 8);
    t.is(rest.status, 'skipped');
    t.regex(rest.summary, /^skipped: stage "canary" had 1 refused target \(server\)/);
    // Nothing ran: both still at 2.
    t.deepEqual((await withDb(url, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'))).map((x) => x.revision), ['2']);
    t.deepEqual((await withDb(`sqlite:${later}`, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'))).map((x) => x.revision), ['2']);
  },
  ['postgres', 'mariadb'],
);

/** The fleet view's downgrade said the same target "FAILED" when its backup could not be taken. Serial: it hides the dump tool from this process's PATH, and puts it back. */
test.serial('the fleet view: a downgrade whose backup cannot be taken is REFUSED — nothing ran, and the target is untouched', async (t) => {
  if (!process.env.TEST_POSTGRES_URL) {
    t.log('POSTGRESQL SERVER NOT RUNNING: not tested');
    if (process.env.CI === 'true') t.fail('PostgreSQL server not running');
    t.pass();
    return;
  }
  const dir = makeFolder({ ...pair('1'), ...pair('2') });
  const pg = await DATABASES.find((d) => d.name === 'postgres')!.fresh();
  t.is((await cli(['--url', pg, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  const s = openFleetScreen({ migrations: dir, targets: [{ name: 'pg', url: pg }] });
  const path = process.env.PATH;
  try {
    await s.waitFor(/read 1\/1/);
    process.env.PATH = mkdtempSync(join(tmpdir(), 'migrate-tui-nopath-'));
    await s.press('a', 'd');
    await s.waitFor('Downgrade 1 target: to which revision?');
    await s.press('1', KEYS.enter);
    await s.waitFor('Type 1 target and press enter to confirm:');
    await s.press('1 target', KEYS.enter);
    const result = await s.waitFor('downgrade to 1 on 1 target: 1 refused');
    t.regex(result, /✗ pg \[default\]: REFUSED — nothing ran: pg_dump is not installed \(not on PATH\)/);
    t.notRegex(result, /FAILED/);
  } finally {
    process.env.PATH = path;
    await s.close();
  }
  t.deepEqual((await withDb(pg, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'))).map((x) => x.revision), ['2']);
});

test('a fleet upgrade of a SQLite target whose folder does not exist is refused (nothing created), not failed; its status is a failed read', async (t) => {
  const dir = makeFolder(pair('1'));
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'migrate-tui.targets.json'), JSON.stringify([{ name: 'nofolder', url: 'sqlite:./nope/x.sqlite' }]));
  const up = await cli(['--targets', '--dir', dir, 'upgrade', '--json'], { cwd });
  t.is(up.code, 1, up.stderr);
  const target = JSON.parse(up.stdout).targets[0];
  t.is(target.status, 'refused');
  t.is(target.summary, 'REFUSED — nothing ran: cannot create the SQLite database ./nope/x.sqlite: the folder ./nope does not exist (→ create the folder (mkdir -p ./nope), or fix the path (it comes from target "nofolder"))');
  t.is(target.exitCode, 1);
  t.false(existsSync(join(cwd, 'nope')));
  const status = JSON.parse((await cli(['--targets', '--dir', dir, 'status', '--json'], { cwd })).stdout).targets[0];
  t.is(status.status, 'failed');
  t.regex(status.summary, /^FAILED: no database at \.\/nope\/x\.sqlite/);
});
