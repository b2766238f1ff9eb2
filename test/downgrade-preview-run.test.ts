import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { eachDatabase, withDb, withMigrator } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { dataAtRiskOf, type Migrator } from '../src/engine/index.js';

/**
 * The preview and the run of a downgrade: the rows at risk are counted exactly (batches sent
 * together, a failed batch counted table by table) and printed before the run's first DROP,
 * then the plan's findings; the run reuses the steps its preview planned and checked while
 * the state it reads under the lock plans the same, and plans anew from that state when not.
 */
const folder = (): Record<string, string> => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 3; i++) {
    const v = String(i).padStart(3, '0');
    files[`${v}_t${i}.up.sql`] = `CREATE TABLE pr_${v} (id INTEGER PRIMARY KEY);\n` + `INSERT INTO pr_${v} (id) VALUES ${Array.from({ length: i }, (_, k) => `(${k + 1})`).join(', ')};\n`;
    files[`${v}_t${i}.down.sql`] = `DROP TABLE pr_${v};\n`;
  }
  return files;
};

/** Counts the Migrator's own planning of downgrade steps. */
function countPlans(m: Migrator): { readonly n: number } {
  const counter = { n: 0 };
  const plan = m.planDowngradeSteps.bind(m);
  m.planDowngradeSteps = (state, target) => {
    counter.n++;
    return plan(state, target);
  };
  return counter;
}

eachDatabase('the run reuses its preview\'s steps while the state under the lock plans the same, and plans from that state when it changed', async (t, url) => {
  const dir = makeFolder(folder());
  await withMigrator(url, dir, async (m) => {
    t.is((await m.upgrade()).error, undefined);
    const plans = countPlans(m);
    const preview = await m.downgradePreview('base');
    t.is(plans.n, 1);
    const same = await m.downgrade('base', { preview });
    t.is(same.error, undefined);
    t.deepEqual(same.steps.map((s) => [s.revision, s.status]), [['003', 'done'], ['002', 'done'], ['001', 'done']]);
    t.is(plans.n, 1, 'the state under the lock planned the same: the preview\'s steps ran');

    // Another run reverts 003 between the preview and the lock: the run plans from what it reads then.
    t.is((await m.upgrade()).error, undefined);
    const stale = await m.downgradePreview('base');
    t.deepEqual(stale.steps.map((s) => s.revision), ['003', '002', '001']);
    t.is(plans.n, 2);
    t.is((await withMigrator(url, dir, (other) => other.downgrade('-1'))).error, undefined);
    const changed = await m.downgrade('base', { preview: stale });
    t.is(changed.error, undefined, changed.error?.message);
    t.is(plans.n, 3, 'planned again under the lock');
    t.deepEqual(changed.headsBefore, ['002']);
    t.deepEqual(changed.steps.map((s) => [s.revision, s.status]), [['002', 'done'], ['001', 'done']]);

    // A preview of another target is not reused for this one.
    t.is((await m.upgrade()).error, undefined);
    const toOne = await m.downgradePreview('001');
    const base = await m.downgrade('base', { preview: toOne });
    t.is(base.error, undefined);
    t.deepEqual(base.steps.map((s) => s.revision), ['003', '002', '001']);
  });
});

eachDatabase('the rows at risk are exact in batches sent together; a batch with a missing table is counted table by table, in order', async (t, url) => {
  // 230 tables: three batches of up to 100; the second holds a table that does not exist and a dropped column.
  const n = 230;
  const steps = Array.from({ length: n }, (_, i) => ({
    revision: String(i).padStart(3, '0'),
    path: null,
    statements: [{ line: 1, endLine: 1, sql: i === 150 ? 'DROP TABLE ar_missing' : i === 151 ? 'ALTER TABLE ar_151 DROP COLUMN note' : `DROP TABLE ar_${i}` }],
  }));
  const counts = await withDb(url, async (db) => {
    for (let i = 0; i < n; i++) {
      if (i === 150) continue;
      await db.execute(`CREATE TABLE ar_${i} (id INTEGER PRIMARY KEY, note VARCHAR(10))`);
      const rows = i % 4;
      if (rows > 0) await db.execute(`INSERT INTO ar_${i} (id, note) VALUES ${Array.from({ length: rows }, (_, k) => `(${k + 1}, ${k === 0 ? 'NULL' : "'x'"})`).join(', ')}`);
    }
    return dataAtRiskOf(db, steps);
  });
  t.is(counts.length, n);
  for (const [i, risk] of counts.entries()) {
    if (i === 150) t.like(risk, { table: 'ar_missing', kind: 'drop-table', rows: null });
    else if (i === 151) t.like(risk, { table: 'ar_151', kind: 'drop-column', column: 'note', rows: 3, nonNull: 2 });
    else t.like(risk, { table: `ar_${i}`, kind: 'drop-table', rows: i % 4, revision: String(i).padStart(3, '0') }, `table ${i}`);
  }
});

eachDatabase('downgrade --yes prints the rows at risk, counted before the first DROP, then the plan\'s findings, then runs', async (t, url) => {
  // 004's down leaves the table its up created: a lint finding (RV601) of the plan.
  const dir = makeFolder({ ...folder(), '004_keep.up.sql': 'CREATE TABLE pr_004 (id INTEGER);\n', '004_keep.down.sql': 'SELECT 1;\n' });
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, '--yes', ...args]);
  t.is((await run('upgrade')).code, 0);
  const down = await run('downgrade', 'base', '--no-backup');
  t.is(down.code, 0, down.stderr);
  for (const v of [1, 2, 3]) t.regex(down.stderr, new RegExp(`drops table pr_00${v} \\(${v} rows?\\) — 00${v}`));
  // The findings come after what the preview counted, and before the first step.
  const risk = down.stderr.indexOf('DATA AT RISK'), finding = down.stderr.indexOf('RV601'), step = down.stderr.indexOf('[1/4]');
  t.true(risk >= 0 && finding > risk && step > finding, down.stderr);
  await withDb(url, async (db) => t.false(await db.tableExists('pr_001')));
});

eachDatabase('a down file that fails the check refuses the downgrade after its rows were counted, and nothing is dropped', async (t, url) => {
  const dir = makeFolder(folder());
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, '--yes', ...args]);
  t.is((await run('upgrade')).code, 0);
  // Broken after it was applied (an upgrade checks the down files too).
  writeFileSync(join(dir, '003_t3.down.sql'), "DROP TABLE pr_003;\nINSERT INTO pr_002 (id) VALUES ('oops);\n");
  const down = await run('downgrade', 'base', '--no-backup');
  t.not(down.code, 0);
  t.regex(down.stderr, /003_t3\.down\.sql:2.*unterminated string/);
  t.notRegex(down.stderr, /DATA AT RISK|\[1\/3\]/);
  await withDb(url, async (db) => t.deepEqual((await db.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM pr_003')).map((r) => Number(r.n)), [3]));
});

eachDatabase('a downgrade checks the down files it runs, not the up files: an up file that fails the check refuses the upgrade only', async (t, url) => {
  const dir = makeFolder(folder());
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, '--yes', ...args]);
  t.is((await run('upgrade')).code, 0);
  writeFileSync(join(dir, '003_t3.up.sql'), "CREATE TABLE pr_003 (id INTEGER PRIMARY KEY);\nINSERT INTO pr_003 (id) VALUES ('oops);\n");
  const down = await run('downgrade', '-1', '--no-backup');
  t.is(down.code, 0, down.stderr);
  t.regex(down.stderr, /drops table pr_003 \(3 rows\) — 003/);
  await withDb(url, async (db) => t.false(await db.tableExists('pr_003')));
  const up = await run('upgrade');
  t.not(up.code, 0);
  t.regex(up.stderr, /003_t3\.up\.sql:2.*unterminated string/);
});
