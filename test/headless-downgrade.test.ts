import { cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * A headless revert (`--yes`) prints the plan in a line and everything it destroys, with
 * the rows counted now (in batched queries); `--verbose` prints every statement as well.
 */
const folder = () => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 5; i++) {
    const v = String(i).padStart(3, '0');
    files[`${v}_t${i}.up.sql`] = `CREATE TABLE hd_${v} (id INTEGER PRIMARY KEY, note VARCHAR(20));\nINSERT INTO hd_${v} (id, note) VALUES (1, 'a');\nINSERT INTO hd_${v} (id, note) VALUES (2, 'b');\n`;
    files[`${v}_t${i}.down.sql`] = `DROP TABLE hd_${v};\n`;
  }
  // A down file that drops a column and a table the database does not have: its batch fails, and each is counted alone.
  files['006_extra.up.sql'] = 'ALTER TABLE hd_001 ADD COLUMN extra INTEGER;\n';
  files['006_extra.down.sql'] = 'ALTER TABLE hd_001 DROP COLUMN extra;\nDROP TABLE IF EXISTS hd_missing;\n';
  return makeFolder(files);
};

eachDatabase('downgrade --yes prints a summary and every table it destroys with its rows; --verbose every statement', async (t, url) => {
  const dir = folder();
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, ...args]);
  t.is((await run('--yes', 'upgrade')).code, 0);
  await withDb(url, (db) => db.query("UPDATE hd_001 SET extra = 7 WHERE id = 1"));
  const out = await run('--yes', 'downgrade', '002', '--no-backup');
  t.is(out.code, 0, out.stderr);
  t.regex(out.stderr, /to 002: 4 revisions \(006, 005 … 003\), 5 statements; --verbose prints each with its SQL\n/);
  t.regex(out.stderr, /stays applied: 002 /);
  t.regex(out.stderr, /drops column hd_001\.extra \(1 non-null of 2 rows\) — 006/);
  t.regex(out.stderr, /drops table hd_missing \(table not found now\) — 006/);
  // A column the table does not have (a reverse after an up that stopped before adding it) is
  // said as such: it said "table not found now" of a table that is there.
  const again = await run('--yes', 'upgrade');
  t.is(again.code, 0, again.stderr);
  await withDb(url, (db) => db.execute('ALTER TABLE hd_001 DROP COLUMN extra'));
  const noColumn = await run('downgrade', '005', '--dry-run');
  t.is(noColumn.code, 0, noColumn.stderr);
  t.regex(noColumn.stdout + noColumn.stderr, /drops column hd_001\.extra \(column not found now; the table has 2 rows\) — 006/);
  await withDb(url, (db) => db.execute('ALTER TABLE hd_001 ADD COLUMN extra INTEGER'));
  t.is((await run('--yes', 'downgrade', '002', '--no-backup')).code, 0);
  for (const v of ['003', '004', '005']) t.regex(out.stderr, new RegExp(`drops table hd_${v} \\(2 rows\\) — ${v}`));
  t.notRegex(out.stderr, /^\s+DROP TABLE hd_003;?$/m, 'no statements without --verbose');

  const verbose = await run('--yes', 'downgrade', 'base', '--no-backup', '--verbose');
  t.is(verbose.code, 0, verbose.stderr);
  t.regex(verbose.stderr, /in this order/);
  t.regex(verbose.stderr, /^\s+DROP TABLE hd_001;?$/m);
  t.regex(verbose.stderr, /drops table hd_002 \(2 rows\) — 002/);
});
