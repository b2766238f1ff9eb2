import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen } from './helpers/screen.js';
import test from 'ava';

/**
 * `resolve --resume` after the file was fixed: it shows the change and makes the source of
 * the remaining statements an explicit choice (--from-file / --from-log); without one it
 * refuses, naming both. Each outcome is reported as it is.
 */
const run = (url: string, dir: string, ...args: string[]) => cli(['--url', url, '--dir', dir, ...args]);

eachDatabase('resume on a changed file: refuses without a choice (diff shown), --from-log replays the recorded SQL, --from-file runs the fixed file', async (t, url) => {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
  });
  const failed = await run(url, dir, '--yes', 'upgrade');
  t.is(failed.code, 5, failed.stderr);
  // The fix: the second statement now inserts into a.
  writeFileSync(join(dir, '1_a.up.sql'), '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\n');

  const refused = await run(url, dir, '--yes', 'resolve', '1', '--resume');
  t.is(refused.code, 2, refused.stderr);
  t.regex(refused.stderr, /1 changed since its unfinished up started/);
  t.regex(refused.stderr, /-INSERT INTO nowhere VALUES \(1\);\n\+INSERT INTO a VALUES \(1\);/);
  // Both sides are named (the recorded side's `---` line was cut, leaving `+++ … now` alone).
  t.regex(refused.stderr, /\n--- recorded when the up started\n\+\+\+ \S*1_a\.up\.sql now\n@@ /);
  t.regex(refused.stderr, /--from-file .* or --from-log/);

  const fromLog = await run(url, dir, '--yes', 'resolve', '1', '--resume', '--from-log');
  t.is(fromLog.code, 5, 'the recorded SQL fails again, and the database is still dirty');
  t.regex(fromLog.stderr, /from the SQL recorded when the step started/);
  t.regex(fromLog.stderr, /INSERT INTO nowhere/);

  const fromFile = await run(url, dir, '--yes', 'resolve', '1', '--resume', '--from-file');
  t.is(fromFile.code, 0, fromFile.stderr);
  t.regex(fromFile.stderr, /runs the 1 statement from statement 2 of the up of 1, from the file as it is now:\n {2}INSERT INTO a VALUES \(1\)/);
  // The step line says what the resume ran (it said "(2 statements) done" for the one it ran).
  t.regex(fromFile.stderr, /↑ \[1\/1\] 1 a \(statement 2 of 2\) done in \d+ ms/);
  const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.is(status.dirty, null);
  t.deepEqual(status.current, ['1']);
  t.deepEqual(status.drift, [], 'the log now records the SQL that ran: no false drift');
  t.is((await run(url, dir, 'resolve', '1', '--reverse', '--from-file')).code, 2, '--from-file goes with --resume only');
});

test('TUI: R → resume on a changed file shows the diff and asks file or log; f runs the rest of the file', async (t) => {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
  });
  const s = await openScreen({ migrations: dir });
  try {
    t.is((await run(s.url, s.dir, '--yes', 'upgrade')).code, 5);
    writeFileSync(join(s.dir, '1_a.up.sql'), '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\n');
    await s.press('r');
    await s.waitFor('reloaded files and database state');
    await s.press('R');
    await s.waitFor(/Resolve the unfinished up of 1/);
    await s.press('r');
    const choice = await s.waitFor('Resume 1: the file changed');
    t.regex(choice, /-INSERT INTO nowhere VALUES \(1\);/);
    t.regex(choice, /\+INSERT INTO a VALUES \(1\);/);
    t.regex(choice, /--- recorded when the up started\s*│\n│\+\+\+ \S*1_a\.up\.sql now/);
    t.regex(choice, /from the SQL recorded when the step started \(2 statements\)/);
    await s.press('f');
    await s.waitFor(/Resolve 1 \(resume from the file\)/);
    t.regex(s.frame(), /from the file as it is now/);
    await s.press('y');
    await s.waitFor(/resolve 1 \(resume\): done/);
    const status = JSON.parse((await run(s.url, s.dir, 'status', '--json')).stdout);
    t.is(status.dirty, null);
    t.deepEqual(status.current, ['1']);
  } finally {
    await s.close();
  }
});

eachDatabase(
  'the TUI running screen of a resume names the migration it runs (it read "migration 0 of 0: starting")',
  async (t, url) => {
    const dir = makeFolder({
      '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO gate VALUES (1);\n',
      '1_a.down.sql': 'DROP TABLE a;\n',
    });
    const s = await openScreen({ migrations: dir, url });
    try {
      t.is((await run(s.url, s.dir, '--yes', 'upgrade')).code, 5);
      await withDb(url, async (db) => {
        await db.execute('CREATE TABLE gate (id INTEGER)');
        // Another session holds the table the resume writes: the running screen stays up until it lets go.
        await db.execute('BEGIN');
        await db.execute('LOCK TABLE gate IN ACCESS EXCLUSIVE MODE');
        await s.press('r');
        await s.waitFor('reloaded files and database state');
        await s.press('R');
        await s.waitFor(/Resolve the unfinished up of 1/);
        await s.press('r');
        await s.waitFor(/Resolve 1 \(resume\)/);
        await s.press('y');
        const running = await s.waitFor(/statement 2 of 2/);
        t.regex(running, /migration 1 of 1: ↑ 1 a/);
        t.notRegex(running, /0 of 0|starting/);
        await db.execute('COMMIT');
      });
      await s.waitFor(/resolve 1 \(resume\): done/);
    } finally {
      await s.close();
    }
  },
  ['postgres'],
);
