import test, { type ExecutionContext } from 'ava';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { cli, start } from './helpers/cli.js';
import { DATABASES, withDb } from './helpers/databases.js';
import { makeFolder, pair } from './helpers/folders.js';

/**
 * Issue 16: fleet runs on real targets — SQLite files and databases on the PostgreSQL and
 * MariaDB test servers — through the CLI and the built binary.
 */
const ci = process.env.CI === 'true';
const fresh = (name: 'sqlite' | 'postgres' | 'mariadb') => DATABASES.find((d) => d.name === name)!.fresh();

function serversUp(t: ExecutionContext): boolean {
  if (process.env.TEST_POSTGRES_URL && process.env.TEST_MARIADB_URL) return true;
  const message = 'POSTGRESQL/MARIADB SERVER NOT RUNNING: the fleet tests were NOT run (run through npm test, which starts them)';
  console.error(`*** ${message}`);
  if (ci) t.fail(message);
  else t.log(message);
  t.pass();
  return false;
}

type Spec = { name: string; url: string; stage?: string; tags?: string[] };
/** A targets file in a fresh folder (also the working directory: backups land there). */
function targetsFile(specs: Spec[], files: Record<string, string>): { dir: string; cwd: string; file: string } {
  const dir = makeFolder(files);
  const cwd = makeFolder({});
  const file = join(cwd, 'migrate-tui.targets.json');
  writeFileSync(file, JSON.stringify(specs, null, 2));
  return { dir, cwd, file };
}

const history = { ...pair('1'), ...pair('2'), ...pair('3') };

async function upLog(url: string): Promise<string[]> {
  const rows = await withDb(url, (d) => d.query<{ revision: string; status: string }>("SELECT revision, status FROM migrate_tui_log WHERE direction = 'up' AND kind = 'migrate'"));
  return rows.map((r) => `${r.revision}:${r.status}`).sort();
}
const current = async (url: string, dir: string) => JSON.parse((await cli(['--url', url, '--dir', dir, 'status', '--json'])).stdout).current as string[];

/** Two targets on each kind, a password only in the environment for the server ones. */
async function mixedFleet(): Promise<Spec[]> {
  const specs: Spec[] = [];
  for (const kind of ['sqlite', 'postgres', 'mariadb'] as const) {
    for (const n of [1, 2]) {
      const url = await fresh(kind);
      specs.push({ name: `${kind}-${n}`, url: url.replace(/:([^:@/]+)@/, ':${FLEET_PW}@'), stage: n === 1 ? 'canary' : 'rest', tags: [kind] });
    }
  }
  return specs;
}
const passwordOf = (env: Record<string, string>) => (url: string) => url.replace('${FLEET_PW}', env.FLEET_PW!);

test('a mixed fleet (SQLite, PostgreSQL, MariaDB): upgrade, status, a re-run says nothing to do, a downgrade backs up each target into its own folder', async (t) => {
  if (!serversUp(t)) return;
  const specs = await mixedFleet();
  // Both test servers share no password: give each kind its own file, the same variable name.
  const pg = new URL(process.env.TEST_POSTGRES_URL!).password;
  const my = new URL(process.env.TEST_MARIADB_URL!).password;
  const setups = [
    { kinds: ['sqlite', 'postgres'], env: { FLEET_PW: pg } },
    { kinds: ['mariadb'], env: { FLEET_PW: my } },
  ];
  for (const { kinds, env } of setups) {
    const mine = specs.filter((s) => kinds.includes(s.tags![0]!));
    const { dir, cwd, file } = targetsFile(mine, history);
    const up = await cli(['--dir', dir, 'upgrade', '--targets', file], { cwd, env });
    t.is(up.code, 0, up.stderr);
    for (const s of mine) t.regex(up.stdout, new RegExp(`✓ ${s.name} \\[${s.stage}\\] .*: applied 3 revisions; heads now 3`));
    t.regex(up.stdout, new RegExp(`upgrade on ${mine.length} targets: ${mine.length} done\\n`));
    t.false(up.stdout.includes(env.FLEET_PW) || up.stderr.includes(env.FLEET_PW), 'the password never shows');
    for (const s of mine) t.deepEqual(await current(passwordOf(env)(s.url), dir), ['3']);

    const again = await cli(['--dir', dir, 'upgrade', '--targets', file, '--json'], { cwd, env });
    t.is(again.code, 0);
    const json = JSON.parse(again.stdout);
    t.deepEqual(json.summary, { done: 0, current: mine.length, pending: 0, refused: 0, failed: 0, skipped: 0, interrupted: 0 });
    t.true(json.targets.every((x: { summary: string }) => x.summary === 'nothing to do: already at 3'));

    const down = await cli(['--dir', dir, '--yes', 'downgrade', '-1', '--targets', file, '--only', `tag:${kinds[kinds.length - 1]}`], { cwd, env });
    t.is(down.code, 0, down.stdout + down.stderr);
    const downed = mine.filter((s) => s.tags![0] === kinds[kinds.length - 1]);
    for (const s of downed) {
      t.deepEqual(await current(passwordOf(env)(s.url), dir), ['2']);
      t.is(readdirSync(join(cwd, 'backups', s.name)).filter((f) => !f.endsWith('.json')).length, 1, `one backup for ${s.name}`);
    }
    const status = await cli(['--dir', dir, 'status', '--targets', file], { cwd, env });
    t.is(status.code, 0);
    for (const s of mine) t.regex(status.stdout, new RegExp(downed.includes(s) ? `… ${s.name} .*: at 2; 1 pending` : `= ${s.name} .*: at 3; nothing pending`));
  }
});

test('a failing canary stops the later stages (they stay at base); --continue-on-error goes on; a re-run after the fix completes', async (t) => {
  if (!serversUp(t)) return;
  const canary = await fresh('postgres');
  const rest = [await fresh('sqlite'), await fresh('mariadb'), await fresh('postgres')];
  // The canary already has the table revision 2 creates: its upgrade fails there.
  await withDb(canary, (d) => d.execute('CREATE TABLE t_2 (id int)'));
  const specs: Spec[] = [{ name: 'canary', url: canary, stage: 'canary' }, ...rest.map((url, i) => ({ name: `r${i}`, url, stage: 'rest' }))];
  const { dir, cwd, file } = targetsFile(specs, history);

  const stopped = await cli(['--dir', dir, 'upgrade', '--targets', file], { cwd });
  t.is(stopped.code, 1);
  t.regex(stopped.stdout, /✗ canary \[canary\] .*: FAILED: .*t_2.*\(applied 1 first\); heads now 1/);
  for (const i of [0, 1, 2]) t.regex(stopped.stdout, new RegExp(`- r${i} \\[rest\\] .*: skipped: stage "canary" had 1 failed target \\(canary\\)`));
  t.regex(stopped.stdout, /upgrade on 4 targets: 1 failed, 3 skipped/);
  for (const url of rest) t.deepEqual(await current(url, dir), []);

  const goneOn = await cli(['--dir', dir, 'upgrade', '--targets', file, '--continue-on-error'], { cwd });
  t.is(goneOn.code, 1);
  t.regex(goneOn.stdout, /upgrade on 4 targets: 3 done, 1 failed/);
  for (const url of rest) t.deepEqual(await current(url, dir), ['3']);

  await withDb(canary, (d) => d.execute('DROP TABLE t_2'));
  const fixed = await cli(['--dir', dir, 'upgrade', '--targets', file], { cwd });
  t.is(fixed.code, 0, fixed.stdout);
  t.regex(fixed.stdout, /upgrade on 4 targets: 1 done, 3 already current/);
  // Each failed attempt is logged; each revision was applied once per target.
  t.deepEqual(await upLog(canary), ['1:done', '2:done', '2:failed', '2:failed', '3:done']);
  for (const url of rest) t.deepEqual(await upLog(url), ['1:done', '2:done', '3:done']);
});

test('two fleet runs at once apply each migration once per target', async (t) => {
  if (!serversUp(t)) return;
  const urls = [await fresh('sqlite'), await fresh('sqlite'), await fresh('postgres'), await fresh('postgres'), await fresh('mariadb'), await fresh('mariadb')];
  const { dir, file } = targetsFile(urls.map((url, i) => ({ name: `t${i}`, url })), history);
  const runs = [0, 1].map(() => start(['--dir', dir, '--lock-timeout', '120', 'upgrade', '--targets', file, '--parallel', '2']));
  const codes = await Promise.all(runs.map((r) => r.exit));
  t.deepEqual(codes, [0, 0], runs.map((r) => r.stderr()).join('\n---\n'));
  for (const url of urls) t.deepEqual(await upLog(url), ['1:done', '2:done', '3:done'], url);
  // Between them, each target was upgraded by exactly one run; the other found nothing to do.
  const applied = runs.map((r) => (r.stderr().match(/: applied 3 revisions/g) ?? []).length);
  t.is(applied[0]! + applied[1]!, urls.length, runs.map((r) => r.stderr()).join('\n---\n'));
});

test('Ctrl-C during a fleet run: the running target rolls back its migration, nothing new starts, exit 130; a re-run completes the rest', async (t) => {
  if (!serversUp(t)) return;
  const first = await fresh('postgres');
  const later = [await fresh('postgres'), await fresh('sqlite'), await fresh('mariadb')];
  const files = { ...pair('1'), '2_gate.up.sql': 'CREATE TABLE t_2 (id int);\nINSERT INTO gate VALUES (1);\n', '2_gate.down.sql': 'DROP TABLE t_2;\n', ...pair('3') };
  for (const url of [first, ...later]) await withDb(url, (d) => d.execute('CREATE TABLE gate (id int)'));
  const { dir, file } = targetsFile([{ name: 'first', url: first, stage: 'a' }, ...later.map((url, i) => ({ name: `later-${i}`, url, stage: 'b' }))], files);
  // Hold a lock on the first target's gate table: its revision 2 waits on it.
  const holder = postgres(first, { max: 1, onnotice: () => {} });
  const watcher = postgres(first, { max: 1, onnotice: () => {} });
  const reserved = await holder.reserve();
  await reserved.unsafe('BEGIN');
  await reserved.unsafe('LOCK TABLE gate IN ACCESS EXCLUSIVE MODE');
  const run = start(['--dir', dir, 'upgrade', '--targets', file]);
  try {
    const dbName = new URL(first).pathname.slice(1);
    const waiting = async () => (await watcher`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${dbName} AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO gate%'`)[0]!.n as number;
    const t0 = Date.now();
    while ((await waiting()) === 0) {
      if (Date.now() - t0 > 30_000) throw new Error(`revision 2 never waited on the lock:\n${run.stderr()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    run.child.kill('SIGINT');
    t.is(await run.exit, 130, run.stderr());
  } finally {
    await reserved.unsafe('ROLLBACK');
    reserved.release();
    await holder.end();
    await watcher.end();
  }
  t.regex(run.stderr(), /Ctrl-C: nothing new starts; 1 running target finishes or rolls back its current migration/);
  t.regex(run.stderr(), /first: asked the server to cancel the running statement/);
  t.regex(run.stderr(), /! first \[a\] .*: INTERRUPTED: upgrade of 2 failed at statement 2 of 2 .*canceling statement due to user request; the migration was rolled back: the database is as it was before 2; the run was cancelled by the user \(applied 1 first\); heads now 1/);
  for (const i of [0, 1, 2]) t.regex(run.stdout(), new RegExp(`- later-${i} \\[b\\] .*: skipped: the run was cancelled`));
  t.regex(run.stdout(), /upgrade on 4 targets: 3 skipped, 1 interrupted/);
  t.deepEqual(await upLog(first), ['1:done', '2:failed']);
  t.deepEqual(await current(first, dir), ['1']);
  for (const url of later) t.deepEqual(await current(url, dir), []);

  const again = await cli(['--dir', dir, 'upgrade', '--targets', file], { cwd: makeFolder({}) });
  t.is(again.code, 0, again.stdout + again.stderr);
  t.regex(again.stdout, /✓ first \[a\] .*: applied 2 revisions; heads now 3/);
  t.regex(again.stdout, /upgrade on 4 targets: 4 done/);
  for (const url of later) t.deepEqual(await upLog(url), ['1:done', '2:done', '3:done']);
});

test('fleet targets with "capabilities": {"advisoryLocks": false} lock with the lease: two fleet runs at once apply each migration once per target', async (t) => {
  if (!serversUp(t)) return;
  const urls = [await fresh('postgres'), await fresh('postgres'), await fresh('mariadb'), await fresh('mariadb')];
  const dir = makeFolder(history);
  const cwd = makeFolder({});
  const file = join(cwd, 'migrate-tui.targets.json');
  writeFileSync(file, JSON.stringify(urls.map((url, i) => ({ name: `t${i}`, url, capabilities: { advisoryLocks: false } }))));
  const runs = [0, 1].map(() => start(['--dir', dir, '--lock-timeout', '120', 'upgrade', '--targets', file, '--parallel', '2']));
  const codes = await Promise.all(runs.map((r) => r.exit));
  t.deepEqual(codes, [0, 0], runs.map((r) => r.stderr()).join('\n---\n'));
  for (const url of urls) {
    t.deepEqual(await upLog(url), ['1:done', '2:done', '3:done'], url);
    // The lease table exists (the lock was the lease, not the advisory lock) and no lease is left.
    t.deepEqual(await withDb(url, async (d) => [await d.tableExists('migrate_tui_lock'), (await d.query('SELECT name FROM migrate_tui_lock')).length]), [true, 0], url);
  }
  const status = JSON.parse((await cli(['--dir', dir, 'status', '--targets', file, '--json'], { cwd })).stdout);
  t.deepEqual(status.targets.map((x: { result: { capabilities: { lock: string; overriddenBy: string } } }) => x.result.capabilities.lock), ['lease', 'lease', 'lease', 'lease']);
  t.regex(status.targets[0].result.capabilities.overriddenBy, /target "t0" of .*migrate-tui\.targets\.json/);
});
