import test from 'ava';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder, pair } from './helpers/folders.js';
import { KEYS, openScreen, panelText } from './helpers/screen.js';

/** The on-call console (`migrate-tui rollback`) against histories that are not a clean line. */

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const MERGE = '20260115090000 merge documents and audit';

async function ok(url: string, dir: string, ...args: string[]) {
  const r = await cli(['--url', url, '--dir', dir, ...args]);
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}

const count = (text: string, part: string) => text.split(part).length - 1;

test('after a revert, the console shows the history as it is now; a shows the reverted step, marked', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE, variant: 'rollback' });
  try {
    await ok(s.url, s.dir, '--yes', 'upgrade');
    await ok(s.url, s.dir, '--yes', 'downgrade', '-1', '--no-backup');
    await ok(s.url, s.dir, '--yes', 'upgrade');
    await s.press('r');
    const now = await s.waitFor(/Rollback console — last 9 applied steps, newest first/);
    t.is(count(now, MERGE), 1, 'the merge applied twice is listed once');
    t.regex(now, new RegExp(`latest ${MERGE} — by `));
    t.notRegex(now, /REVERTED/);
    await s.press('a');
    const all = await s.waitFor(/last 9 applied steps and 1 reverted since, newest first/);
    t.is(count(all, MERGE), 2);
    t.regex(all, new RegExp(`latest ${MERGE} — by `));
    t.regex(all, new RegExp(` {7}${MERGE} — REVERTED \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d · by `));
    // t on a reverted step refuses instead of planning a downgrade to it.
    await s.press('j', 't');
    await s.waitFor(/that step of 20260115090000 was reverted since/);
    await s.press('a');
    await s.waitFor(/last 9 applied steps, newest first/);
  } finally {
    await s.close();
  }
});

test('on a dirty database the console leads with the dirty step, and d opens resolve instead of a downgrade', async (t) => {
  const folder = makeFolder({
    '1_base.up.sql': 'CREATE TABLE base (id INTEGER);\n',
    '1_base.down.sql': 'DROP TABLE base;\n',
    '2_half.up.sql': '-- migrate:transaction off\nCREATE TABLE half (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '2_half.down.sql': 'DROP TABLE half;\n',
  });
  const s = await openScreen({ migrations: folder, variant: 'rollback' });
  try {
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade'])).code, 5);
    await s.press('r');
    const frame = await s.waitFor(/DIRTY: the up of 2 half did not finish \(1 of 2 statements ran\)/);
    t.regex(frame.split('\n')[0]!, /^DIRTY: the up of 2/, 'the dirty step comes first');
    t.regex(frame, /press R to resolve it/);
    t.regex(frame, /R: resolve the dirty step/);
    await s.press('d');
    const resolve = await s.waitFor(/Resolve the unfinished up of 2/);
    t.regex(resolve, /resume: run the 1 statement\(s\) that did not run/);
    t.notRegex(resolve, /Downgrade|downgrade to -1/);
  } finally {
    await s.close();
  }
});

test('with two heads, d asks which head to undo and reverts that head alone', async (t) => {
  const folder = makeFolder({ ...pair('1'), ...pair('2', ['-- migrate:revises 1']), ...pair('3', ['-- migrate:revises 1']) });
  const s = await openScreen({ migrations: folder, variant: 'rollback' });
  try {
    await ok(s.url, s.dir, '--yes', 'upgrade');
    await s.press('r');
    await s.waitFor(/2 current heads: 2, 3 — d asks which one to undo/);
    await s.press('d');
    const choose = await s.waitFor(/Undo one step: which head\?/);
    t.regex(choose, /1 {2}2 step 2 {2}→ downgrade 2@-1/);
    t.regex(choose, /2 {2}3 step 3 {2}→ downgrade 3@-1/);
    await s.press('2');
    const preview = await s.waitFor(/Downgrade screen\.sqlite to 3@-1\?/);
    t.regex(preview, /↓ 3 step 3/);
    t.notRegex(preview, /↓ 2 step 2/, 'the other branch is not reverted');
    await s.press('screen.sqlite', KEYS.enter);
    await s.waitFor(/downgrade to 3@-1: done \(1 step\)/);
    const status = JSON.parse((await cli(['--url', s.url, '--dir', s.dir, 'status', '--json'])).stdout);
    t.deepEqual(status.applied, ['1', '2']);
  } finally {
    await s.close();
  }
});

test('the backups list shows the connected database\'s backups; a adds the others, and restoring one asks a second time naming both', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE });
  try {
    const other = `sqlite:${join(s.work, 'staging.sqlite')}`;
    await ok(s.url, s.dir, '--yes', 'upgrade');
    await ok(other, s.dir, '--yes', 'upgrade');
    const backups = join(s.work, 'backups');
    await ok(s.url, s.dir, 'backup', '--backup-dir', backups);
    await ok(other, s.dir, 'backup', '--backup-dir', backups);
    await s.press('r', 'b');
    const mine = panelText(await s.waitFor(/this database: screen\.sqlite/));
    t.regex(mine, /this database: screen\.sqlite \(sqlite, sqlite:\S*screen\.sqlite\) — 1 backup/);
    t.notRegex(mine, /_staging_/);
    t.regex(mine, /1 backup\(s\) of 1 other database\(s\) not shown: a shows them/);
    await s.press('a');
    await s.waitFor(/OTHER DATABASE: staging\.sqlite \(sqlite, sqlite:\S*staging\.sqlite\) — 1 /);
    await s.press('j', KEYS.enter);
    await s.waitFor(/ANOTHER DATABASE: this backup was not taken from screen\.sqlite/);
    await s.press('screen.sqlite', KEYS.enter);
    const second = await s.waitFor(/Restore a backup of ANOTHER database into screen\.sqlite\?/);
    t.regex(second, /the backup was taken from: {2}staging\.sqlite/);
    t.regex(second, /Type both names staging\.sqlite into screen\.sqlite and press enter to confirm/);
    await s.press('staging.sqlite into screen.sqlite', KEYS.enter);
    await s.waitFor(/restore into another database: done/);
  } finally {
    await s.close();
  }
});

eachDatabase(
  'the TUI restore confirmation says tables created after the backup stay, as the CLI does, and they do',
  async (t, url) => {
    const dir = makeFolder({ ...pair('1'), ...pair('2') });
    const s = await openScreen({ migrations: dir, url });
    try {
      await ok(s.url, s.dir, '--yes', 'upgrade');
      await ok(s.url, s.dir, 'backup', '--backup-dir', join(s.work, 'backups'));
      await withDb(url, (db) => db.execute('CREATE TABLE made_later (id int)'));
      await s.press('r', 'b');
      await s.waitFor(/│> \d{4}-/);
      await s.press(KEYS.enter);
      const confirm = await s.waitFor(/Restore .* from this backup\?/);
      t.regex(confirm, /the data is replaced by the backup's/);
      t.regex(confirm, /tables created after the backup are left in place/);
      await s.press(new URL(url).pathname.slice(1), KEYS.enter);
      await s.waitFor(/restore: done/);
      t.true(await withDb(url, (db) => db.tableExists('made_later')), 'what the confirmation said: the later table is still there');
    } finally {
      await s.close();
    }
  },
  ['postgres', 'mariadb'],
);

/**
 * A backup taken while a step was unfinished: restoring it marks that step unfinished again.
 * The CLI said so before and after; the TUI's confirmation said only "the data is replaced by the
 * backup's", and its result "restore: done … now at: 1" without a word that the database was
 * dirty again.
 */
eachDatabase('the TUI restore of a backup taken while dirty says the step is marked unfinished again, and its result says DIRTY', async (t, url) => {
  const dir = makeFolder({
    ...pair('1'),
    '2_half.up.sql': '-- migrate:transaction off\nCREATE TABLE h (id int);\nINSERT INTO nowhere VALUES (1);\n',
    '2_half.down.sql': 'DROP TABLE h;\n',
  });
  const s = await openScreen({ migrations: dir, url, width: 180 });
  try {
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade'])).code, 5);
    await ok(s.url, s.dir, 'backup', '--backup-dir', join(s.work, 'backups'));
    await ok(s.url, s.dir, '--yes', 'resolve', '2', '--reverse', '--no-backup');
    await s.press('r');
    await s.waitFor(/at 1 · 1 pending/);
    t.notRegex(s.frame(), /DIRTY/);
    // The list marks the backup as taken during the unfinished step (CLI and TUI): it was a plain line.
    const listed = await cli(['--url', s.url, '--dir', s.dir, 'backups', '--backup-dir', join(s.work, 'backups')]);
    t.regex(listed.stdout, /at 1 {2}\d+ bytes {2}.*DIRTY: taken during the unfinished up of 2 \(1 of 2 statements\)/);
    await s.press('b');
    t.regex(await s.waitFor(/│> \d{4}-/), /DIRTY: taken during the unfinished up of 2 \(1 of 2 statements\)/);
    await s.press(KEYS.enter);
    const confirm = await s.waitFor(/Restore .* from this backup\?/);
    t.regex(confirm, /taken while the up of 2 was unfinished \(1 of 2 statements had run\): the restored data has what they did, so 2 is marked unfinished again/);
    await s.press(s.session.db.databaseName, KEYS.enter);
    const done = await s.waitFor(/restore: done/);
    t.regex(done, /DIRTY: the up of 2 stopped after 1 of 2 statements → press R \(resolve\)/);
  } finally {
    await s.close();
  }
});

test('after a killed run, the rollback console (headless and TUI) lists what ran and names the statement that may or may not have completed', async (t) => {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id int);\nINSERT INTO nowhere VALUES (1);\nCREATE TABLE c (id int);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
  });
  const s = await openScreen({ migrations: dir, variant: 'rollback' });
  try {
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade'])).code, 5);
    // What a SIGKILL during statement 2 leaves: the step started, 1 statement recorded, no outcome.
    const db = new Database(join(s.work, 'screen.sqlite'));
    db.prepare("UPDATE migrate_tui_log SET status = 'started', error = NULL WHERE status = 'dirty'").run();
    db.close();
    const headless = await cli(['--url', s.url, '--dir', s.dir, 'rollback']);
    t.is(headless.code, 0, headless.stderr);
    t.notRegex(headless.stdout, /1 of 3 statements ran/, 'the log counts what it could record: more may have run');
    t.regex(headless.stdout, /DIRTY: the up of 1 did not finish \(the log records 1 of 3 statements as done\)\n {2}1\. CREATE TABLE a \(id int\)\n {2}no outcome was recorded .*: statement 2 \(INSERT INTO nowhere VALUES \(1\)\) may or may not have completed/);
    await s.press('r');
    const screen = await s.waitFor(/DIRTY: the up of 1/);
    t.regex(screen, /statement 2 may or may not have completed/);
    t.regex(screen, /did not finish \(the log records 1 of 3 statements as done\)/);
    t.notRegex(screen, /1 of 3 statements ran/);
  } finally {
    await s.close();
  }
});

test('a backup folder that is a file: `backups` says so (it was exit 70 with a stack trace) and the TUI b shows it instead of crashing', async (t) => {
  const s = await openScreen({ migrations: makeFolder({ ...pair('1') }) });
  try {
    writeFileSync(join(s.work, 'backups'), 'not a folder\n');
    const listed = await cli(['--url', s.url, '--dir', s.dir, 'backups', '--backup-dir', join(s.work, 'backups')]);
    t.is(listed.code, 1, listed.stderr);
    t.regex(listed.stderr, /the backup folder \S+backups is a file, not a folder\n {2}→ point --backup-dir/);
    t.notRegex(listed.stderr, /internal error|\n\s+at /);
    await s.press('b');
    const shown = await s.waitFor(/backups: FAILED/);
    t.regex(shown, /is a file, not a folder/);
    await s.press(KEYS.escape);
    await s.waitFor(/History \(1\)/);
  } finally {
    await s.close();
  }
});

/**
 * A step left unfinished at 02:14 and finished by `resolve --resume` later: its row keeps the
 * first run's start, user and host, and the resume's duration. The console (TUI and headless)
 * showed "by …, 02:14:00, 12 ms" as if one run had done it all in 12 ms at 02:14.
 */
test('a step finished by resolve --resume shows its first start and the resume\'s finish, not one run', async (t) => {
  const dir = makeFolder({ '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id int);\nINSERT INTO later VALUES (1);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
  const s = await openScreen({ migrations: dir, variant: 'rollback' });
  try {
    const failed = await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade']);
    t.not(failed.code, 0);
    const file = s.url.slice('sqlite:'.length);
    const db = new Database(file);
    db.exec("CREATE TABLE later (id int); UPDATE migrate_tui_log SET started_at = '2026-01-01T02:14:00.000Z' WHERE revision = '1'");
    db.close();
    await ok(s.url, s.dir, '--yes', 'resolve', '1', '--resume', '--no-backup');
    const headless = await cli(['--url', s.url, '--dir', s.dir, 'rollback']);
    t.regex(headless.stdout, /1 a — migrate, started by \S+@\S+ 2026-01-01T02:14:00\.000Z, finished on resume 20\d\d-\S+ \(the resume took \d+ ms\)/);
    t.notRegex(headless.stdout, /, 2026-01-01T02:14:00\.000Z, \d+ ms/);
    await s.press('r');
    const screen = await s.waitFor(/finished on resume/);
    t.regex(screen, /started by \S+ 2026-01-01 02:14:00, finished on resume 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d/);
  } finally {
    await s.close();
  }
});

/**
 * A restore's result names the backup and says what each revision's version row became: none
 * of a revision's SQL runs in a restore. It read `✓ ↑ 2  done  0 ms`, as if the up of 2 had run.
 */
test('the TUI restore result names the backup and says the revisions are applied again from its data, not run', async (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2') });
  const s = await openScreen({ migrations: dir });
  try {
    await ok(s.url, s.dir, '--yes', 'upgrade');
    await ok(s.url, s.dir, 'backup', '--backup-dir', join(s.work, 'backups'));
    await ok(s.url, s.dir, '--yes', 'downgrade', '1', '--no-backup');
    await s.press('r', 'b');
    await s.waitFor(/│> \d{4}-/);
    await s.press(KEYS.enter);
    await s.waitFor(/Restore .* from this backup\?/);
    await s.press('screen.sqlite', KEYS.enter);
    const result = panelText(await s.waitFor(/restore: done/));
    t.regex(result, /restored from \S+backups\/\S+\.sqlite/);
    t.regex(result, /✓ 2 applied again: its data is the backup's \(none of its SQL ran\)/);
    t.notRegex(result, /↑ 2 done/);
    t.regex(result, /now at: 2/);
  } finally {
    await s.close();
  }
});
