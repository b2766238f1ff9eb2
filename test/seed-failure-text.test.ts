import test from 'ava';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
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
