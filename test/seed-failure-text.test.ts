import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryAsync, cli } from './helpers/cli.js';
import { makeFolder, pair } from './helpers/folders.js';

/**
 * A seed that fails is named as a seed: the report said `upgrade of seed:01.sql failed …` and
 * `the migration was rolled back`, of a file that is neither a revision nor an upgrade.
 */
test('a failed seed says "seed 01_users.sql failed" and that the seed was rolled back, not "upgrade of seed:…" and "the migration"', async (t) => {
  const dir = makeFolder({ ...pair('1'), 'seeds/01_users.sql': 'INSERT INTO t_1 VALUES (1);\nINSERT INTO no_such_table VALUES (1);\n' });
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  const seeded = await cli(['--url', url, '--dir', dir, 'seed', '--seeds', join(dir, 'seeds')]);
  t.is(seeded.code, 1, seeded.stderr);
  t.regex(seeded.stderr, /error: seed 01_users\.sql failed at statement 2 of 2 \(.*01_users\.sql:2\):\n {2}no such table: no_such_table\n {2}the seed was rolled back: the database is as it was before it\n/);
  t.notRegex(seeded.stderr, /upgrade of seed:|the migration was rolled back/);
  // The count's plural follows the count (it followed the steps: `ran 0 seed file`).
  t.is(seeded.stdout, 'ran 0 seed files, 0 unchanged (skipped)\n');
});

/**
 * A seed run before `upgrade` fails on a table that does not exist yet, and the hint said only
 * "fix the SQL at seeds/01_users.sql:1 and run again": the SQL was right. It says how many
 * revisions are not applied, and to upgrade first; once they are, that note is gone.
 */
test('a seed that fails while revisions are pending says so and to upgrade first; after the upgrade it does not', async (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2'), 'seeds/01_users.sql': 'INSERT INTO t_2 VALUES (1);\n' });
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'])).code, 0);
  const early = await cli(['--url', url, '--dir', dir, 'seed', '--seeds', join(dir, 'seeds')]);
  t.is(early.code, 1, early.stderr);
  t.regex(early.stderr, /no such table: t_2\n {2}the seed was rolled back: the database is as it was before it\n {2}→ fix the SQL at .*01_users\.sql:1 and run again; 1 revision is not applied yet: if the seed needs its tables, run `migrate-tui --url <url> upgrade` first\n/);
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  writeFileSync(join(dir, 'seeds/01_users.sql'), 'INSERT INTO t_2 VALUES (1);\nINSERT INTO no_such_table VALUES (1);\n');
  const late = await cli(['--url', url, '--dir', dir, 'seed', '--seeds', join(dir, 'seeds')]);
  t.is(late.code, 1, late.stderr);
  t.regex(late.stderr, /→ fix the SQL at .*01_users\.sql:2 and run again\n$/);
  t.notRegex(late.stderr, /not applied yet/);
});

/** A seed's path is said as the migrations' are, relative to where it ran: it was absolute (`/tmp/…/seeds/01_users.sql:2`). */
test('a failed seed names its file relative to the working folder, as a migration is named', async (t) => {
  const dir = makeFolder({ 'migrations/1_t.up.sql': 'CREATE TABLE t_1 (id int);\n', 'migrations/1_t.down.sql': 'DROP TABLE t_1;\n', 'seeds/01_users.sql': 'INSERT INTO t_1 VALUES (1);\nINSERT INTO no_such_table VALUES (1);\n' });
  t.is((await cli(['--url', 'sqlite:./db.sqlite', '--yes', 'upgrade'], { cwd: dir })).code, 0);
  // The built binary, started in that folder (the in-process runner's folder is not the process's).
  const seeded = await binaryAsync(['--url', 'sqlite:./db.sqlite', 'seed'], { cwd: dir });
  t.is(seeded.code, 1, seeded.stderr);
  t.regex(seeded.stderr, /error: seed 01_users\.sql failed at statement 2 of 2 \(seeds\/01_users\.sql:2\):/);
});
