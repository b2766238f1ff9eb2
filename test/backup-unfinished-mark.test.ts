import test from 'ava';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * A backup taken while a step had no recorded outcome (a killed run, or one whose writes to the
 * log met another session's lock): the log's count is all that is known, and more may have run.
 * The list said `(0 of 3 statements)` and the restore `0 of 3 statements had run` when
 * statements 1–2 had run.
 */
test("a backup taken while the unfinished step has no outcome says what the log recorded, not how many statements ran (list and restore's confirmation)", async (t) => {
  const dir = makeFolder({ '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\nCREATE TABLE c (id INTEGER);\n', '1_a.down.sql': 'DROP TABLE c;\nDROP TABLE b;\nDROP TABLE a;\n' });
  const work = makeFolder({});
  const file = join(work, 'db.sqlite');
  const url = `sqlite:${file}`;
  const backups = join(work, 'backups');
  const run = (...args: string[]) => cli(['--url', url, '--dir', dir, ...args], { cwd: work });
  t.is((await run('--yes', 'upgrade')).code, 0);
  // What such a run leaves: statements 1–2 ran, the log row still 'started' with none counted.
  const db = new Database(file);
  db.exec("DROP TABLE c; DELETE FROM migrate_tui_version; UPDATE migrate_tui_log SET status = 'started', statements_done = 0, finished_at = NULL, duration_ms = NULL");
  db.close();
  t.is((await run('backup', '--backup-dir', backups)).code, 0);
  const listed = await run('backups', '--backup-dir', backups);
  t.regex(listed.stdout, /DIRTY: taken during the unfinished up of 1 \(the log recorded 0 of 3 statements as done, and no outcome\)/);
  t.notRegex(listed.stdout, /\(0 of 3 statements\)/);
  const json = JSON.parse((await run('--json', 'backups', '--backup-dir', backups)).stdout);
  const backup = json.backups[0].file as string;
  const restore = await run('restore', backup);
  t.regex(restore.stderr, /taken while the up of 1 was unfinished \(the log recorded 0 of 3 statements as done, and no outcome: statement 1 or more may have run too\)/);
  t.notRegex(restore.stderr, /0 of 3 statements had run/);
});

test("resolve --reverse of a step with no recorded outcome says what the log records, not that 'only no statement of 3 ran'", async (t) => {
  const dir = makeFolder({ '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\nCREATE TABLE c (id INTEGER);\n', '1_a.down.sql': 'DROP TABLE c;\nDROP TABLE b;\nDROP TABLE a;\n' });
  const work = makeFolder({});
  const file = join(work, 'db.sqlite');
  const run = (...args: string[]) => cli(['--url', `sqlite:${file}`, '--dir', dir, ...args], { cwd: work });
  t.is((await run('--yes', 'upgrade')).code, 0);
  const db = new Database(file);
  db.exec("DROP TABLE c; DELETE FROM migrate_tui_version; UPDATE migrate_tui_log SET status = 'started', statements_done = 0, finished_at = NULL, duration_ms = NULL");
  db.close();
  const preview = await run('resolve', '1', '--reverse');
  t.is(preview.code, 4, 'no terminal to confirm on: nothing ran');
  const text = preview.stdout + preview.stderr;
  t.regex(text, /the log records no statement of 3 of the up as done \(no outcome was recorded: statement 1 or more may have run\), but the down SQL undoes all of them/);
  t.notRegex(text, /only no statement/);
});
