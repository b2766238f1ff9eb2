import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen, panelText } from './helpers/screen.js';

/**
 * A seed that fails part-way on MariaDB (statement by statement) leaves the database dirty. Its
 * hints offered `resolve seed:… --reverse` ("undo it"), and that resolve said the seed "is applied
 * but its files are missing, and no down SQL was stored for it" (the file was there) with a
 * hint to check out a branch or `stamp` past it. A seed has no down SQL: --reverse is refused
 * saying so, nothing changes, and the hints offer only what works.
 */
eachDatabase(
  'a seed left dirty is not offered --reverse, and resolve --reverse says a seed has no down SQL instead of "its files are missing"',
  async (t, url) => {
    const dir = makeFolder({
      'migrations/001_a.up.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
      'migrations/001_a.down.sql': 'DROP TABLE a;\n',
      'seeds/001_a.sql': 'INSERT INTO a VALUES (1);\nINSERT INTO a VALUES (1);\n',
    });
    const run = (...args: string[]) => cli(['--url', url, '--dir', join(dir, 'migrations'), ...args]);
    t.is((await run('--yes', 'upgrade')).code, 0);
    const seeded = await run('seed', '--seeds', join(dir, 'seeds'));
    t.is(seeded.code, 5, seeded.stderr);
    t.regex(seeded.stderr, /the database is now DIRTY: statement 1 of 2 ran and stays applied/);
    t.regex(seeded.stderr, /→ fix the cause, then `migrate-tui --url <url> resolve seed:001_a\.sql --resume` to run the rest, or --applied\/--reverted after fixing it by hand \(a seed has no down SQL: undo what ran by hand before --reverted\)/);
    t.notRegex(seeded.stderr, /--reverse/);

    const status = await run('status');
    t.regex(status.stdout, /resolve with: migrate-tui --url <url> resolve seed:001_a\.sql --resume \| --applied \| --reverted\n/);
    const again = await run('seed', '--seeds', join(dir, 'seeds'));
    t.is(again.code, 5, again.stderr);
    t.regex(again.stderr, /a seed has no down SQL: undo what ran by hand before --reverted/);
    t.notRegex(again.stderr, /--reverse/);
    const rb = await run('rollback');
    t.regex(rb.stdout, /resolve seed:001_a\.sql --resume \| --applied \| --reverted\n/);

    const reverse = await run('--yes', 'resolve', 'seed:001_a.sql', '--reverse');
    t.is(reverse.code, 1, reverse.stderr);
    t.regex(reverse.stderr, /error: seed:001_a\.sql is a seed: a seed has no down SQL, so --reverse has nothing to run\n {2}→ undo what ran by hand \(`migrate-tui --url <url> rollback` lists the statements that ran\), then `migrate-tui --url <url> resolve seed:001_a\.sql --reverted`; or `--resume` runs the rest\n/);
    t.notRegex(reverse.stderr, /files are missing|stamp/);
    // Nothing changed: the row the first statement inserted stays, and the step is still dirty.
    t.deepEqual((await withDb(url, (db) => db.query<{ id: unknown }>('SELECT id FROM a'))).map((r) => Number(r.id)), [1]);
    t.deepEqual((await withDb(url, (db) => db.query<{ status: string }>(`SELECT status FROM migrate_tui_log WHERE revision = 'seed:001_a.sql'`))).map((r) => r.status), ['dirty']);

    // What the hint says works: undo by hand, then --reverted; the database is clean again.
    await withDb(url, (db) => db.query('DELETE FROM a'));
    const reverted = await run('--yes', 'resolve', 'seed:001_a.sql', '--reverted');
    t.is(reverted.code, 0, reverted.stderr);
    t.notRegex((await run('status')).stdout, /DIRTY/);
  },
  ['mariadb'],
);

/** The TUI said the same: the rollback console's "(resume / reverse / applied / reverted)", and R offered reverse for a seed. */
eachDatabase(
  'the TUI: a seed left dirty is resolved with resume, applied or reverted; reverse is not offered',
  async (t, url) => {
    const folder = makeFolder({ '001_a.up.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n', '001_a.down.sql': 'DROP TABLE a;\n' });
    const seeds = makeFolder({ '001_a.sql': 'INSERT INTO a VALUES (1);\nINSERT INTO a VALUES (1);\n' });
    const s = await openScreen({ migrations: folder, url, variant: 'rollback' });
    try {
      t.is((await cli(['--url', url, '--dir', s.dir, '--yes', 'upgrade'])).code, 0);
      t.is((await cli(['--url', url, '--dir', s.dir, 'seed', '--seeds', seeds])).code, 5);
      await s.press('r');
      const frame = await s.waitFor(/DIRTY: the up of seed:001_a\.sql/);
      t.regex(panelText(frame), /press R to resolve it \(resume \/ applied \/ reverted: a seed has no down SQL\)/);
      await s.press('R');
      const choices = await s.waitFor(/Resolve the unfinished up of seed:001_a\.sql/);
      t.regex(choices, /resume: run the 1 statement\(s\) that did not run/);
      t.regex(choices, /reverted: record seed:001_a\.sql as NOT applied/);
      t.notRegex(choices, /reverse/);
    } finally {
      await s.close();
    }
  },
  ['mariadb'],
);
