import { notRun } from './helpers/not-run.js';
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isStale, readLease, type LeaseHolder } from '../src/engine/index.js';
import { DATABASES, withDb } from './helpers/databases.js';
import { openFleetScreen } from './helpers/fleet-screen.js';
import { makeFolder } from './helpers/folders.js';
import { panelText } from './helpers/screen.js';

/**
 * The fleet view on servers without advisory locks (PostgreSQL and MariaDB told
 * advisoryLocks=false): its runs use the lease settings it is given (the CLI's), a stale
 * lease shows as STALE and makes the action fail on that target without being taken over,
 * and --steal-stale-lock takes it over. Waits poll the lease row or the frame.
 */
const HOLDER = fileURLToPath(new URL('./fixtures/hold-lease.js', import.meta.url));

/** A first revision that sleeps on the servers, so the lease row can be read while it runs. */
const SLOW = {
  '001_slow.up.sql': '-- migrate:dialect postgres\nSELECT pg_sleep(2);\n-- migrate:dialect mysql\nSELECT SLEEP(2);\n-- migrate:dialect default\nSELECT 1;\n-- migrate:end\nCREATE TABLE t (id INTEGER);\n',
  '001_slow.down.sql': 'DROP TABLE t;\n',
};

/** The result panel's text with its wrapped lines joined (its border left out). */
const unwrapped = panelText;

const lease = (url: string): Promise<LeaseHolder | null> => withDb(url, (db) => readLease(db, 'migrate_tui_lock', 'migrate_tui_version'));

async function until<T>(t: ExecutionContext, what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A lease whose owner was SIGKILLed, left to expire: a stale lease on `url`; resolves with its owner. */
async function staleLease(t: ExecutionContext, url: string): Promise<string> {
  const child = spawn(process.execPath, [HOLDER, url, '100', '500'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void child.kill('SIGKILL'));
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => (out += String(d)).includes('held') && resolve());
    void exited.then(() => reject(new Error('the holder did not take the lease')));
  });
  const owner = (await lease(url))!.owner;
  child.kill('SIGKILL');
  await exited;
  await until(t, 'the lease to expire', async () => {
    const h = await lease(url);
    return h && isStale(h) ? true : undefined;
  });
  return owner;
}

test('fleet view, advisoryLocks=false on PostgreSQL and MariaDB: runs use the lease settings given (duration 7 s, not the default 30 s); a stale lease shows STALE, fails its target naming the holder and stays; --steal-stale-lock takes it over', async (t) => {
  if (!process.env.TEST_POSTGRES_URL || !process.env.TEST_MARIADB_URL) {
    notRun(t, 'POSTGRESQL/MARIADB SERVER NOT RUNNING: the fleet view lease test did NOT run (run through npm test)');
    return;
  }
  const dir = makeFolder(SLOW);
  const [pg, my] = await Promise.all(['postgres', 'mariadb'].map((n) => DATABASES.find((d) => d.name === n)!.fresh()));
  const targets = [
    { name: 'pg', url: pg, capabilities: { advisoryLocks: false } },
    { name: 'my', url: my, capabilities: { advisoryLocks: false } },
  ];
  const owners = { pg: await staleLease(t, pg!), my: await staleLease(t, my!) };

  // Without --steal-stale-lock: the table shows STALE; the upgrade fails on both, naming the holder; the leases stay.
  const refused = openFleetScreen({ migrations: dir, targets, lease: { durationMs: 7000, heartbeatMs: 2000 } });
  try {
    const read = await refused.waitFor(/read 2\/2/);
    for (const name of ['pg', 'my']) t.regex(read.split('\n').find((l) => new RegExp(`\\] ${name} `).test(l)) ?? '', /STALE/, `${name}'s row says STALE`);
    t.regex(read, /lock: a STALE lease of .* pid \d+ \(migrate-tui hold-lease\), taken [0-9.]+ s ago/);
    await refused.press('u');
    await refused.waitFor('Type 2 targets');
    await refused.press(...'2 targets'.split(''), '\r');
    const result = await refused.waitFor('upgrade to heads on 2 targets: 2 failed');
    t.regex(unwrapped(result), /✗ pg \[default\]: FAILED: the migration lock on postgres:\/\/\S+ is a STALE lease of \S+ pid \d+ \(migrate-tui hold-lease\).*--steal-stale-lock/);
    t.regex(unwrapped(result), /✗ my \[default\]: FAILED: the migration lock on mysql:\/\/\S+ is a STALE lease of \S+ pid \d+ \(migrate-tui hold-lease\).*--steal-stale-lock/);
    t.is((await lease(pg!))!.owner, owners.pg, 'the stale lease on PostgreSQL stays as it was');
    t.is((await lease(my!))!.owner, owners.my, 'the stale lease on MariaDB stays as it was');
  } finally {
    await refused.close();
  }

  // With --steal-stale-lock: each run takes its stale lease over, for the lease's configured duration.
  const stealing = openFleetScreen({ migrations: dir, targets, lease: { durationMs: 7000, heartbeatMs: 2000 }, stealStaleLock: true });
  try {
    await stealing.waitFor(/read 2\/2/);
    await stealing.press('u');
    await stealing.waitFor('Type 2 targets');
    await stealing.press(...'2 targets'.split(''), '\r');
    for (const [name, url] of [['pg', pg!], ['my', my!]] as const) {
      const taken = await until(t, `${name}'s run to take the lease over`, async () => {
        const h = await lease(url);
        return h && h.owner !== owners[name] ? h : undefined;
      });
      t.is(taken.expiresMs - taken.renewedMs, 7000, `${name}: the lease lasts the configured 7 s`);
      t.false(isStale(taken));
    }
    const result = await stealing.waitFor('upgrade to heads on 2 targets: 2 done');
    t.regex(result, /✓ pg \[default\]: applied 1 revision/);
    t.regex(result, /✓ my \[default\]: applied 1 revision/);
    t.is(await lease(pg!), null, 'released at the end');
    t.is(await lease(my!), null, 'released at the end');
  } finally {
    await stealing.close();
  }
});
