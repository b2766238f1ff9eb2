import test, { type ExecutionContext } from 'ava';
import { untilActive } from './helpers/pg-activity.js';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { connectDatabase, DEFAULT_STATE_TABLES, lockNameOf, parseDatabaseUrl } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { DATABASES } from './helpers/databases.js';
import { openFleetScreen } from './helpers/fleet-screen.js';
import { makeFolder } from './helpers/folders.js';
import { KEYS, panelText } from './helpers/screen.js';

/**
 * Issue 16 item 3: the TUI fleet view on real targets — SQLite files and databases on the
 * PostgreSQL and MariaDB test servers — with ink-testing-library: keys typed, frames awaited.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const ci = process.env.CI === 'true';
const fresh = (name: 'sqlite' | 'postgres' | 'mariadb') => DATABASES.find((d) => d.name === name)!.fresh();

function serversUp(t: ExecutionContext): boolean {
  if (process.env.TEST_POSTGRES_URL && process.env.TEST_MARIADB_URL) return true;
  const message = 'POSTGRESQL/MARIADB SERVER NOT RUNNING: the fleet view tests were NOT run (run through npm test, which starts them)';
  console.error(`*** ${message}`);
  if (ci) t.fail(message);
  else t.log(message);
  t.pass();
  return false;
}

const status = async (url: string, dir: string) => JSON.parse((await cli(['--url', url, '--dir', dir, 'status', '--json'])).stdout) as { current: string[]; pending: string[]; applied: string[] };
const upgrade = async (url: string, dir: string, to = 'heads') => {
  const r = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', to]);
  if (r.code !== 0) throw new Error(r.stderr);
};
/** A server that accepts connections and never says a word (a hung database). */
async function silentServer(): Promise<{ server: Server; port: number }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
/** A row of the table (the line that names the target). */
const row = (frame: string, name: string) => frame.split('\n').find((l) => new RegExp(`^[> ] \\[[ x]\\] ${name} `).test(l)) ?? '';

/** A history whose second revision takes a while on the servers (so a frame can catch it running). */
const SLOW = {
  '001_t.up.sql': 'CREATE TABLE t (id INTEGER PRIMARY KEY);\n',
  '001_t.down.sql': 'DROP TABLE t;\n',
  '002_slow.up.sql': '-- migrate:dialect postgres\nSELECT pg_sleep(2);\n-- migrate:dialect mysql\nSELECT SLEEP(2);\n-- migrate:dialect default\nSELECT 1;\n-- migrate:end\nCREATE TABLE u (id INTEGER);\n',
  '002_slow.down.sql': 'DROP TABLE u;\n',
  '003_v.up.sql': 'CREATE TABLE v (id INTEGER);\n',
  '003_v.down.sql': 'DROP TABLE v;\n',
};

test('the table fills in as each target is read (SQLite, PostgreSQL, MariaDB); a missing file and a silent server show their error in their row within the connect timeout; looking writes nothing', async (t) => {
  if (!serversUp(t)) return;
  const work = makeFolder({});
  const done = `sqlite:${join(work, 'done.sqlite')}`;
  writeFileSync(join(work, 'empty.sqlite'), '');
  const [pg, maria] = [await fresh('postgres'), await fresh('mariadb')];
  await upgrade(done, EXAMPLE);
  await upgrade(pg, EXAMPLE, '20260105092000');
  const before = readFileSync(join(work, 'done.sqlite'));
  const { server, port } = await silentServer();
  const started = Date.now();
  const s = openFleetScreen({
    migrations: EXAMPLE,
    // 5 s: the live servers' connects must fit in it on a loaded machine too (2 s did not at load ~10).
    connectTimeoutMs: 5000,
    targets: {
      stages: ['canary', 'main'],
      targets: [
        { name: 'done', url: done, stage: 'canary' },
        { name: 'empty', url: `sqlite:${join(work, 'empty.sqlite')}`, stage: 'main' },
        { name: 'pg', url: pg, stage: 'main' },
        { name: 'maria', url: maria, stage: 'main', tags: ['eu'] },
        { name: 'missing', url: `sqlite:${join(work, 'missing.sqlite')}`, stage: 'main' },
        { name: 'silent', url: `mysql://app:s3cret@127.0.0.1:${port}/app`, stage: 'main' },
      ],
    },
  });
  try {
    await s.waitFor(/Fleet test targets: 6 targets · canary → main/);
    const read = await s.waitFor(/read 6\/6/, 'every row read');
    t.true(Date.now() - started < 5000 + 8000, `the silent server's row ended near the 5 s connect timeout (${Date.now() - started} ms)`);
    t.regex(row(read, 'done'), /done\s+canary\s+sqlite\s+20260115090000\s+0 -\s+-\s+n\/a\s+↑ 20260115090000 done/);
    t.regex(row(read, 'empty'), /empty\s+main\s+sqlite\s+base\s+9 -\s+-\s+n\/a\s+never/);
    const pgState = await status(pg, EXAMPLE);
    t.regex(row(read, 'pg'), new RegExp(`pg\\s+main\\s+postgres\\s+20260105092000\\s+${pgState.pending.length} -\\s+-\\s+free`));
    t.regex(row(read, 'maria'), /maria\s+main\s+mariadb\s+base\s+9 -\s+-\s+free\s+never/);
    t.regex(row(read, 'missing'), /✗ cannot read: no database at/);
    t.regex(row(read, 'silent'), /✗ cannot read: cannot connect to mysql:\/\/app:\*\*\*@127\.0\.0\.1/);
    t.notRegex(read, /s3cret/, 'the password is masked');
    t.regex(read, /2 unreachable · 3 behind/);
    // The details of the target under the cursor.
    await s.press('j', 'j');
    await s.waitFor(/pg \[main\] · postgres:\/\/.* · PostgreSQL/);
    await s.waitFor(/at 20260105092000 · \d+ pending/);
    await s.press('j', 'j', 'j');
    await s.waitFor(/cannot read: cannot connect to mysql:.*: no complete MySQL\/MariaDB hands/);
    // Looking wrote nothing: the files are as they were, nothing was created.
    t.deepEqual(readFileSync(join(work, 'done.sqlite')), before);
    t.is(readFileSync(join(work, 'empty.sqlite')).length, 0, 'no state tables in the empty file');
    t.false(existsSync(join(work, 'missing.sqlite')), 'a missing SQLite file is not created by looking');
    t.deepEqual((await status(maria, EXAMPLE)).applied, []);
  } finally {
    await s.close();
    server.close();
  }
});

test('the lock holder: a run holding the migration lock on PostgreSQL and MariaDB shows HELD and who; the view reads past it; r reads again', async (t) => {
  if (!serversUp(t)) return;
  const [pg, maria] = [await fresh('postgres'), await fresh('mariadb')];
  const holders = await Promise.all(
    [pg, maria].map(async (url) => {
      const target = parseDatabaseUrl(url, 'test', process.cwd());
      const db = await connectDatabase(target, lockNameOf(target, DEFAULT_STATE_TABLES));
      await db.lock(1000, () => undefined);
      return db;
    }),
  );
  const s = openFleetScreen({ migrations: EXAMPLE, targets: [{ name: 'pg', url: pg }, { name: 'maria', url: maria }] });
  try {
    const read = await s.waitFor(/read 2\/2/);
    t.regex(row(read, 'pg'), /\s9 -\s+-\s+HELD/);
    t.regex(row(read, 'maria'), /\s9 -\s+-\s+HELD/);
    await s.waitFor(/lock: held by migrate-tui .* pid \d+/, 'the PostgreSQL holder in the details');
    await s.press('j');
    await s.waitFor(/lock: held by connection \d+/, 'the MariaDB holder in the details');
    await Promise.all(holders.map((db) => db.unlock()));
    await s.press('r');
    const again = await s.waitFor(/\] pg .* free [\s\S]*\] maria .* free /, 'both locks free after r');
    t.notRegex(again, /HELD/);
  } finally {
    await s.close();
    await Promise.all(holders.map((db) => db.close()));
  }
});

test('upgrade from the view: space selects, the typed count confirms, the rows show each migration as it runs (stages in order), the unselected target is untouched', async (t) => {
  if (!serversUp(t)) return;
  const dir = makeFolder(SLOW);
  const work = makeFolder({});
  writeFileSync(join(work, 'lite.sqlite'), '');
  const [pg, maria] = [await fresh('postgres'), await fresh('mariadb')];
  const lite = `sqlite:${join(work, 'lite.sqlite')}`;
  const s = openFleetScreen({
    migrations: dir,
    targets: { stages: ['canary', 'main'], targets: [{ name: 'pg', url: pg, stage: 'canary' }, { name: 'lite', url: lite, stage: 'main' }, { name: 'maria', url: maria, stage: 'main' }] },
  });
  try {
    await s.waitFor(/read 3\/3/);
    await s.press(' ', ' ');
    await s.waitFor(/2 selected/);
    await s.press('u');
    await s.waitFor('Upgrade 2 targets to heads (003)?');
    const confirm = await s.waitFor('Type 2 targets and press enter to confirm:');
    t.regex(confirm, /\[canary\] pg postgres:.*: at base, 3 pending/);
    t.regex(confirm, /\[main\] lite sqlite:.*: at base, 3 pending/);
    t.notRegex(confirm, /\] maria /, 'the unselected target is not in the plan');
    await s.press('3', ' ', 't', KEYS.enter);
    await s.waitFor('> 3 t');
    t.regex(s.frame(), /Upgrade 2 targets/, 'a wrong count does not confirm');
    await s.press(KEYS.backspace, KEYS.backspace, KEYS.backspace, '2 targets', KEYS.enter);
    // Live: the canary runs its slow migration while the next stage waits.
    const live = await s.waitFor(/\] pg .*▸ ↑ 2\/3 002/, 'the canary running its second migration');
    t.regex(row(live, 'lite'), /· queued/);
    t.regex(live, /upgrade to heads: 0 of 2 ended · ctrl-c cancels/);
    const result = await s.waitFor('upgrade to heads on 2 targets: 2 done');
    t.regex(result, /✓ pg \[canary\]: applied 3 revisions; heads now 003/);
    t.regex(result, /✓ lite \[main\]: applied 3 revisions; heads now 003/);
    await s.press(KEYS.enter);
    const after = await s.waitFor(/\] pg .* 003 +0 [\s\S]*\] lite .* 003 +0 /, 'both read again after the run');
    t.regex(row(after, 'pg'), /003 +0 -.*✓ applied 3 revisions/);
    t.regex(row(after, 'maria'), /base +3 /);
    t.deepEqual((await status(maria, dir)).applied, [], 'the unselected target was not touched');
    t.deepEqual((await status(pg, dir)).current, ['003']);
  } finally {
    await s.close();
  }
});

test('enter opens the one-database view of a target; q there comes back to the table, which reads that target again', async (t) => {
  const work = makeFolder({});
  for (const f of ['a', 'b']) writeFileSync(join(work, `${f}.sqlite`), '');
  const s = openFleetScreen({ migrations: EXAMPLE, targets: [{ name: 'a', url: `sqlite:${join(work, 'a.sqlite')}` }, { name: 'b', url: `sqlite:${join(work, 'b.sqlite')}` }] });
  try {
    await s.waitFor(/read 2\/2/);
    await s.press('j', KEYS.enter);
    await s.waitFor(/History \(9\)/);
    await s.waitFor(/b\.sqlite · sqlite · at base · 9 pending/);
    await s.press('U');
    await s.waitFor('Upgrade to heads?');
    await s.press('y');
    await s.waitFor(/upgrade to heads: done \(9 steps\)/);
    await s.press(KEYS.enter, 'q');
    const table = await s.waitFor(/\] b .* 20260115090000 +0 /, 'the table, with b read again');
    t.regex(row(table, 'a'), /base +9 /);
    t.is(s.quitSummary(), null, 'q in the target view did not quit the app');
    await s.press('q');
    t.regex(s.quitSummary() ?? '', /migrate-tui: quit; fleet test targets: 2 targets, 1 with pending revisions when last read/);
  } finally {
    await s.close();
  }
});

test('--read-only: u, d and s say why and open nothing; the hints leave them out', async (t) => {
  const work = makeFolder({});
  writeFileSync(join(work, 'a.sqlite'), '');
  const s = openFleetScreen({ migrations: EXAMPLE, readOnly: true, targets: [{ name: 'a', url: `sqlite:${join(work, 'a.sqlite')}` }] });
  try {
    const frame = await s.waitFor(/read 1\/1/);
    t.regex(frame, /READ-ONLY: upgrade, downgrade and stamp are disabled/);
    t.notRegex(frame, /u upgrade/);
    for (const [key, name] of [['u', 'fleet upgrade'], ['d', 'fleet downgrade'], ['s', 'fleet stamp']] as const) {
      await s.press(key);
      await s.waitFor(`read-only: "${name}" is disabled (started with --read-only)`);
      t.notRegex(s.frame(), /Type 1 target/);
    }
    t.is(readFileSync(join(work, 'a.sqlite')).length, 0);
  } finally {
    await s.close();
  }
});

test('downgrade on a selection: the previews lead with the data at risk per target, the typed count confirms, each target backs up into its own folder; stamp records without SQL', async (t) => {
  if (!serversUp(t)) return;
  const work = makeFolder({});
  const lite = `sqlite:${join(work, 'lite.sqlite')}`;
  const pg = await fresh('postgres');
  for (const url of [lite, pg]) await upgrade(url, EXAMPLE);
  const s = openFleetScreen({ migrations: EXAMPLE, targets: [{ name: 'lite', url: lite }, { name: 'pg', url: pg }] });
  try {
    await s.waitFor(/read 2\/2/);
    await s.press('a', 'd');
    await s.waitFor('Downgrade 2 targets: to which revision?');
    // An unknown revision is refused before anything runs: no preview, no target touched.
    await s.press('zzzz', KEYS.enter);
    const unknown = await s.waitFor('✗ no revision or branch label "zzzz": nothing was run on any target');
    t.regex(unknown, /Downgrade 2 targets: to which revision\?/);
    t.notRegex(unknown, /FAILED/);
    await s.press(...Array<string>(4).fill(KEYS.backspace), '20260105093000', KEYS.enter);
    const confirm = await s.waitFor('Type 2 targets and press enter to confirm:');
    t.regex(confirm, /DATA AT RISK \(\d+\)/);
    t.regex(confirm, /(lite|pg): drops table role_permissions \(\d+ rows?\)/);
    t.regex(confirm, /Backup first: \[x\] yes/);
    await s.press('2 targets', KEYS.enter);
    const result = await s.waitFor('downgrade to 20260105093000 on 2 targets: 2 done');
    t.regex(result, /✓ lite \[default\]: reverted 5 revisions; heads now 20260105093000; backup /);
    t.regex(result, /✓ pg \[default\]: reverted 5 revisions; heads now 20260105093000; backup /);
    for (const name of ['lite', 'pg']) t.is(readdirSync(join(s.work, 'backups', name)).filter((f) => f.endsWith('.json')).length, 1, `${name} backed up into its own folder`);
    await s.press(KEYS.enter);
    await s.waitFor(/\] pg .* 20260105093000 +5 /);
    // Stamp the selection back to heads: no SQL runs, the version rows say heads.
    await s.press('s');
    await s.waitFor('Stamp 2 targets: to which revision?');
    await s.press('nosuchrev', KEYS.enter);
    const refused = await s.waitFor('✗ no revision or branch label "nosuchrev": nothing was run on any target');
    t.regex(refused, /Stamp 2 targets: to which revision\?/, 'the prompt stays open');
    t.regex(refused, /→ see `migrate-tui history` for ids/);
    t.notRegex(refused, /FAILED/);
    await s.press(...Array<string>('nosuchrev'.length).fill(KEYS.backspace), 'heads', KEYS.enter);
    await s.waitFor('STAMP RUNS NO SQL');
    await s.press('2 targets', KEYS.enter);
    await s.waitFor('stamp heads on 2 targets: 2 done');
    t.deepEqual((await status(pg, EXAMPLE)).current, ['20260115090000']);
    const tables = JSON.parse((await cli(['--url', pg, '--dir', EXAMPLE, 'status', '--json'])).stdout) as { pending: string[] };
    t.deepEqual(tables.pending, []);
  } finally {
    await s.close();
  }
});

test('ctrl-c during a fleet upgrade: the running canary is cancelled on the server and rolls back, the later stage is skipped, nothing new starts', async (t) => {
  if (!serversUp(t)) return;
  // A sleep that outlasts the test's looking on a loaded machine (2 s could end before pg_stat_activity was read); Ctrl-C cancels it.
  const dir = makeFolder({ ...SLOW, '002_slow.up.sql': SLOW['002_slow.up.sql'].replace('pg_sleep(2)', 'pg_sleep(60)') });
  const work = makeFolder({});
  writeFileSync(join(work, 'lite.sqlite'), '');
  const pg = await fresh('postgres');
  const s = openFleetScreen({ migrations: dir, targets: { stages: ['canary', 'main'], targets: [{ name: 'pg', url: pg, stage: 'canary' }, { name: 'lite', url: `sqlite:${join(work, 'lite.sqlite')}`, stage: 'main' }] } });
  try {
    await s.waitFor(/read 2\/2/);
    await s.press('u');
    await s.waitFor('Type 2 targets');
    await s.press('2 targets', KEYS.enter);
    await s.waitFor(/\] pg .*▸ ↑ 2\/3 002/);
    // The server's own view: the slow statement is running.
    const admin = postgres(process.env.TEST_POSTGRES_URL!, { max: 1, onnotice: () => {} });
    try {
      const database = new URL(pg).pathname.slice(1);
      await untilActive(admin, database, '%pg_sleep%');
    } finally {
      await admin.end();
    }
    await s.press('\x03');
    await s.waitFor(/cancelling: nothing new starts; 1 target still running/);
    const result = await s.waitFor(/upgrade to heads on 2 targets: .*1 interrupted/);
    t.regex(result, /! pg \[canary\]: INTERRUPTED: upgrade of 002 failed at statement 1 of 2/);
    t.regex(panelText(result), /canceling statement due to user request.*the migration was rolled back.*heads now 001/);
    t.regex(result, /- lite \[main\]: skipped: the run was cancelled/);
    t.is(s.quitSummary(), null, 'the first ctrl-c does not leave the view');
    t.deepEqual((await status(pg, dir)).current, ['001'], 'the slow migration rolled back');
    t.is(readFileSync(join(work, 'lite.sqlite')).length, 0, 'the later stage never started');
  } finally {
    await s.close();
  }
});
