import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseDatabaseUrl, readLease, connectDatabase, isStale, type LeaseHolder } from '../src/engine/index.js';
import { cli, start } from './helpers/cli.js';
import { DATABASES, eachDatabase, withDb, testLockName } from './helpers/databases.js';
import { makeFolder, pair } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';

/**
 * Issue 16 item 4: the lease lock, on real PostgreSQL and MariaDB with advisory locks switched
 * off by the capability setting. No sleeps stand in for synchronisation: each wait polls the
 * lease row in the database (or a process's output) until it changes, under a deadline.
 */
const HOLDER = fileURLToPath(new URL('./fixtures/hold-lease.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const OFF = ['--capabilities', 'advisoryLocks=false'];

/** Reads the lease row as a looker would (a plain SELECT; null without the table or the row). */
function lease(url: string): Promise<LeaseHolder | null> {
  return withDb(url, (db) => readLease(db, 'migrate_tui_lock', 'migrate_tui_version'));
}

/** Polls `probe` until it returns a value other than undefined, or fails the test after `ms`. */
async function until<T>(t: ExecutionContext, what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      t.fail(`timed out waiting for ${what}`);
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts a process that takes the lease and keeps it; resolves once it says it holds it. */
async function holdLease(t: ExecutionContext, url: string, heartbeatMs: number, durationMs: number) {
  const child = spawn(process.execPath, [HOLDER, url, String(heartbeatMs), String(durationMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.teardown(() => void child.kill('SIGKILL'));
  const held = await Promise.race([
    new Promise<boolean>((resolve) => child.stdout.on('data', () => out.includes('held') && resolve(true))),
    exited.then(() => false),
  ]);
  if (!held) throw new Error(`the holder did not take the lease: ${err}`);
  return { child, exited };
}

/** An upgrade whose first migration sleeps 30 s, once it holds the lease and runs that statement. */
async function slowRun(t: ExecutionContext, url: string, dialect: string, env: Record<string, string> = {}) {
  const sleep = dialect === 'postgres' ? 'SELECT pg_sleep(30);' : 'SELECT SLEEP(30);';
  const dir = makeFolder({ '1_slow.up.sql': `${sleep}\n`, '1_slow.down.sql': 'SELECT 1;\n', ...pair('2') });
  const run = start([...OFF, '--url', url, '--dir', dir, '--yes', 'upgrade'], env);
  await until(t, 'the run to take the lease and start its statement', async () => (run.stderr().includes('↑ [1/2]') && (await lease(url)) ? true : undefined));
  return run;
}

eachDatabase(
  'the lease: taken by one process, renewed by its heartbeat, never taken over while live (not even with --steal-stale-lock), shown by status',
  async (t, url) => {
    const dir = makeFolder({ ...pair('1') });
    const { child } = await holdLease(t, url, 100, 60_000);
    const first = (await lease(url))!;
    t.is(first.pid, child.pid!);
    t.is(first.host, hostname());
    t.false(isStale(first));
    // The heartbeat advances the lease: wait on the row itself.
    const later = await until(t, 'three heartbeats', async () => {
      const now = await lease(url);
      return now && now.heartbeats >= first.heartbeats + 3 ? now : undefined;
    });
    t.is(later.owner, first.owner);
    t.true(later.expiresMs > first.expiresMs, `${later.expiresMs} > ${first.expiresMs}`);
    t.true(later.renewedMs > first.renewedMs);

    // A second runner waits, names the holder, and gives up after --lock-timeout (exit 6).
    for (const extra of [[], ['--steal-stale-lock']]) {
      const blocked = await cli([...OFF, ...extra, '--url', url, '--dir', dir, '--yes', '--lock-timeout', '1', 'upgrade']);
      t.is(blocked.code, 6, blocked.stderr);
      t.regex(blocked.stderr, new RegExp(`waiting for the migration lock \\(a lease held by .*@${hostname()} pid ${child.pid}`));
      t.regex(blocked.stderr, new RegExp(`another migrate-tui run holds the migration lock .*pid ${child.pid}`));
    }
    t.is((await lease(url))!.owner, first.owner, 'a live lease is never taken over');
    // Nothing was applied by the refused runs.
    t.is((await withDb(url, (d) => d.query('SELECT revision FROM migrate_tui_version'))).length, 0);

    // status shows the holder, with a plain SELECT.
    const status = await cli([...OFF, '--url', url, '--dir', dir, 'status']);
    t.is(status.code, 0, status.stderr);
    t.regex(status.stdout, /server: {3}\w+: lock: lease row with a heartbeat \(no advisory locks\).*\(advisoryLocks set by --capabilities\)/);
    t.regex(status.stdout, new RegExp(`LOCK: {5}a lease held by .* pid ${child.pid} \\(migrate-tui hold-lease\\), taken .* ago`));
    const json = JSON.parse((await cli([...OFF, '--url', url, '--dir', dir, 'status', '--json'])).stdout);
    t.is(json.capabilities.lock, 'lease');
    t.is(json.capabilities.advisoryLocks, false);
    t.is(json.lease.pid, child.pid);
    t.false(json.lease.stale);
  },
  ['postgres', 'mariadb'],
  { serial: true },
);

eachDatabase(
  'a lease whose owner was SIGKILLed goes stale: status shows its age and holder, a run refuses it (exit 10) until --steal-stale-lock takes it over',
  async (t, url) => {
    const { child, exited } = await holdLease(t, url, 100, 500);
    const owner = (await lease(url))!.owner;
    child.kill('SIGKILL');
    await exited;
    await until(t, 'the lease to expire', async () => ((await lease(url)) && isStale((await lease(url))!) ? true : undefined));

    const status = await cli([...OFF, '--url', url, '--dir', EXAMPLE, 'status']);
    t.is(status.code, 0, status.stderr);
    t.regex(status.stdout, new RegExp(`LOCK: {5}a STALE lease of .*@${hostname()} pid ${child.pid} .*taken [0-9.]+ s ago .*; it expired [0-9.]+ s ago`));
    t.regex(status.stdout, /the next run refuses \(exit 10\)/);

    const refused = await cli([...OFF, '--url', url, '--dir', EXAMPLE, '--yes', 'upgrade']);
    t.is(refused.code, 10, refused.stderr);
    t.regex(refused.stderr, new RegExp(`the migration lock on .* is a STALE lease of .*@${hostname()} pid ${child.pid} \\(migrate-tui hold-lease\\), taken [0-9.]+ s ago .*it expired [0-9.]+ s ago`));
    t.regex(refused.stderr, new RegExp(`check pid ${child.pid} on ${hostname()}.*--steal-stale-lock`));
    const json = JSON.parse((await cli([...OFF, '--url', url, '--dir', EXAMPLE, '--yes', '--json', 'upgrade'])).stdout);
    t.is(json.error.code, 'stale-lock');
    t.true(json.error.meta.holder.stale);
    t.is((await lease(url))!.owner, owner, 'refusing leaves the stale lease as it was');

    const stolen = await cli([...OFF, '--steal-stale-lock', '--url', url, '--dir', EXAMPLE, '--yes', 'upgrade']);
    t.is(stolen.code, 0, stolen.stderr);
    t.regex(stolen.stderr, new RegExp(`lock: took over a STALE lease of .* pid ${child.pid}`));
    t.regex(stolen.stdout, /applied 9 revisions/);
    t.is(await lease(url), null, 'the run released the lease at its end');
  },
  ['postgres', 'mariadb'],
  { serial: true },
);

eachDatabase(
  'two runners with --steal-stale-lock at once on one stale lease: exactly one takes it over (the conditional UPDATE decides), each migration applied once',
  async (t, url) => {
    const { child, exited } = await holdLease(t, url, 100, 300);
    child.kill('SIGKILL');
    await exited;
    await until(t, 'the lease to expire', async () => ((await lease(url)) && isStale((await lease(url))!) ? true : undefined));
    const runs = [0, 1].map(() => start([...OFF, '--steal-stale-lock', '--url', url, '--dir', EXAMPLE, '--yes', '--lock-timeout', '120', 'upgrade']));
    const codes = await Promise.all(runs.map((r) => r.exit));
    const all = runs.map((r) => r.stderr()).join('\n---\n');
    t.deepEqual(codes, [0, 0], all);
    t.is(runs.filter((r) => r.stderr().includes(`lock: took over a STALE lease of`)).length, 1, all);
    const log = await withDb(url, (d) => d.query<{ revision: string }>("SELECT revision FROM migrate_tui_log WHERE direction = 'up' AND kind = 'migrate' AND status = 'done'"));
    t.is(log.length, 9);
    t.is(await lease(url), null);
  },
  ['postgres', 'mariadb'],
  { serial: true },
);

eachDatabase(
  'Ctrl-C (SIGINT) during a run under the lease: the run is cancelled (exit 130) and the lease row is released',
  async (t, url, db) => {
    const run = await slowRun(t, url, db.name);
    run.child.kill('SIGINT');
    t.is(await run.exit, 130, run.stderr());
    t.is(await lease(url), null, run.stderr());
  },
  ['postgres', 'mariadb'],
  { serial: true },
);

eachDatabase(
  'a lease taken over under a running run (its row now has another owner): the heartbeat notices, the run is cancelled and says why (exit 130)',
  async (t, url, db) => {
    const run = await slowRun(t, url, db.name, { MIGRATE_TUI_LEASE_HEARTBEAT: '0.1', MIGRATE_TUI_LEASE_DURATION: '30' });
    // What another runner's --steal-stale-lock would have done had the lease expired.
    await withDb(url, (d) => d.update("UPDATE migrate_tui_lock SET owner = 'someone-else'", []));
    t.is(await run.exit, 130, run.stderr());
    t.regex(run.stderr(), /lock: the lease on the migration lock was lost: another run took the lease over \(its row has another owner now\); the run stops/);
    t.regex(run.stderr(), /cancelled because the lease on the migration lock was lost/);
    t.is((await lease(url))!.owner, 'someone-else', 'the run never deletes a lease that is not its own');
  },
  ['postgres', 'mariadb'],
  { serial: true },
);

eachDatabase(
  'four runners at once with advisory locks off: each migration applied exactly once, every process exits 0, no lease left',
  async (t, url) => {
    const runs = Array.from({ length: 4 }, () => start([...OFF, '--url', url, '--dir', EXAMPLE, '--yes', '--lock-timeout', '120', 'upgrade']));
    const codes = await Promise.all(runs.map((r) => r.exit));
    t.deepEqual(codes, [0, 0, 0, 0], runs.map((r) => r.stderr()).join('\n---\n'));
    const log = await withDb(url, (d) => d.query<{ revision: string }>("SELECT revision FROM migrate_tui_log WHERE direction = 'up' AND kind = 'migrate' AND status = 'done'"));
    t.is(log.length, 9);
    t.is(new Set(log.map((r) => r.revision)).size, 9);
    const applied = runs.map((r) => /applied (\d+) revisions?/.exec(r.stdout())?.[1] ?? '0').map(Number);
    t.is(applied.reduce((a, b) => a + b, 0), 9, runs.map((r) => r.stdout()).join('\n---\n'));
    // The lock was the lease (its table exists) and every runner released it.
    t.true(await withDb(url, (d) => d.tableExists('migrate_tui_lock')));
    t.is(await lease(url), null);
  },
  ['postgres', 'mariadb'],
  { serial: true },
);

eachDatabase(
  'looking never writes: status with advisory locks off on an empty database creates no table, not even the lock table',
  async (t, url) => {
    const status = await cli([...OFF, '--url', url, '--dir', EXAMPLE, 'status', '--json']);
    t.is(status.code, 0, status.stderr);
    t.is(JSON.parse(status.stdout).lease, null);
    const target = parseDatabaseUrl(url, 'test', process.cwd());
    const db = await connectDatabase(target, testLockName(target));
    try {
      for (const table of ['migrate_tui_lock', 'migrate_tui_version', 'migrate_tui_log']) t.false(await db.tableExists(table), table);
    } finally {
      await db.close();
    }
  },
  ['postgres', 'mariadb'],
  { serial: true },
);

eachDatabase(
  'transactionalDdl=false on PostgreSQL: a failing migration runs with dirty-tracking (exit 5, the first statement stays) instead of rolling back',
  async (t, url) => {
    const dir = makeFolder({ '1_twice.up.sql': 'CREATE TABLE a (id int);\nCREATE TABLE a (id int);\n', '1_twice.down.sql': 'DROP TABLE a;\n' });
    const run = await cli(['--capabilities', 'transactionalDdl=false', '--url', url, '--dir', dir, '--yes', 'upgrade']);
    t.is(run.code, 5, run.stderr);
    t.regex(run.stderr, /statement 2 of 2/);
    t.true(await withDb(url, (d) => d.tableExists('a')), 'the first CREATE TABLE stays: nothing rolled it back');
    const status = JSON.parse((await cli(['--url', url, '--dir', dir, 'status', '--json'])).stdout);
    t.is(status.dirty.revision, '1');
    // Without the setting, PostgreSQL's transactional DDL rolls the same file back whole.
    const plain = await DATABASES.find((d) => d.name === 'postgres')!.fresh();
    const rolledBack = await cli(['--url', plain, '--dir', dir, '--yes', 'upgrade']);
    t.is(rolledBack.code, 1, rolledBack.stderr);
    t.false(await withDb(plain, (d) => d.tableExists('a')));
  },
  ['postgres'],
  { serial: true },
);

eachDatabase(
  'TUI: the status bar shows LOCKED for a live lease and STALE LOCK once its owner is gone; an upgrade refused by the stale lease offers a typed confirmation that takes it over',
  async (t, url) => {
    const { child, exited } = await holdLease(t, url, 100, 400);
    const s = await openScreen({ migrations: makeFolder({ ...pair('1'), ...pair('2') }), url, capabilities: { advisoryLocks: false }, width: 120 });
    try {
      await s.waitFor(/LOCKED /);
      child.kill('SIGKILL');
      await exited;
      await until(t, 'the lease to expire', async () => ((await lease(url)) && isStale((await lease(url))!) ? true : undefined));
      await s.press('r');
      await s.waitFor(/STALE LOCK /);
      await s.press('U');
      await s.waitFor(/Upgrade to heads\?/);
      await s.press('y');
      const offer = await s.waitFor(/the lock is a STALE lease — take it over\?/);
      t.regex(offer.replace(/│\n│\s*/g, ' '), new RegExp(`pid ${child.pid}`));
      t.regex(offer, /Type the database name/);
      t.not(await lease(url), null, 'nothing is taken over before the name is typed');
      await s.press(...s.session.db.databaseName.split(''), KEYS.enter);
      await s.waitFor(/upgrade to heads: done \(2 steps\)/);
      t.is(await lease(url), null, 'the run released the lease it took over');
      await s.press(KEYS.escape);
      await s.waitFor(/at 2 · 0 pending/);
      t.notRegex(s.frame(), /STALE LOCK|LOCKED/);
    } finally {
      await s.close();
    }
  },
  ['postgres', 'mariadb'],
  { serial: true },
);
