import test from 'ava';
import Database from 'better-sqlite3';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFolder, pair } from './helpers/folders.js';
import { cli } from './helpers/cli.js';
import { KEYS, openScreen, panelText } from './helpers/screen.js';

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const upgradeAll = async (url: string, dir: string) => {
  const r = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  if (r.code !== 0) throw new Error(r.stderr);
};

test('navigation: j/k/G move the selection and the detail follows; / searches, n jumps to the next match', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE });
  try {
    await s.waitFor(/History \(9\)/);
    await s.waitFor('20260115090000 merge documents and audit\n', 'the newest revision in the detail title');
    t.regex(s.frame(), /○ \* 20260115090000 \(head\) merge documents/);
    t.regex(s.frame(), /\|\\/, 'the merge is drawn');
    await s.press('j');
    await s.waitFor(/20260112110000 create audit log with/);
    await s.press('G');
    await s.waitFor(/20260105090000 create application settings\n/);
    await s.press('k', 'k');
    await s.waitFor(/20260105092000 create roles\n/);
    await s.press('/', 'p', 'e', 'r', 'm', 'i', 's', 's', 'i', 'o', 'n');
    await s.waitFor('/permission', 'the search line');
    await s.press(KEYS.enter);
    await s.waitFor(/2 matches for "permission" \(n \/ N\)/);
    const first = s.frame();
    await s.press('n');
    await s.waitFor((first.includes('20260105093000 create permissions\n') ? /20260105095000 create role permissions\n/ : /20260105093000 create permissions\n/));
    t.pass();
  } finally {
    await s.close();
  }
});

test('each tab: up and down SQL formatted for the dialect, raw file, diff, schema (trial run, rolled back), info', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE });
  try {
    await upgradeAll(s.url, s.dir);
    await s.press('r');
    await s.waitFor('reloaded files and database state');
    await s.press('G', 'k');
    await s.waitFor(/20260105091000 create users\n/);
    await s.waitFor('CREATE TABLE users (');
    const up = await s.waitFor('id INTEGER PRIMARY KEY AUTOINCREMENT,');
    t.false(up.includes('BIGINT GENERATED'), 'the postgres section is not shown on SQLite');
    await s.press('f');
    await s.waitFor('-- migrate:dialect postgres', 'the raw file');
    await s.press('f', KEYS.tab);
    await s.waitFor(/DROP TABLE users;/);
    await s.press(KEYS.tab);
    await s.waitFor('applied SQL matches the file (no drift)');
    t.notRegex(s.frame(), /up vs down/);
    t.regex(s.frame(), /SCHEMA DIFF:\n.*press t to rehearse the up of 20260105091000|SCHEMA DIFF:\n.*rehearsal is available/);
    await s.press('g', KEYS.tab);
    await s.waitFor('press t to rehearse the down of 20260115090000');
    await s.press('t');
    await s.waitFor('rehearsal of the down of 20260115090000:');
    await s.waitFor('it runs on an in-memory copy of the database:');
    await s.waitFor('nothing was kept.');
    await s.press('G', 'k', 'k');
    await s.waitFor(/20260105092000 create roles\n/);
    await s.waitFor(/a rehearsal is available for a revision that can/);
    await s.press(KEYS.tab);
    await s.waitFor('parents     20260105091000');
    t.regex(s.frame(), /state {7}applied/);
    t.regex(s.frame(), /log \(newest first\):/);
    t.regex(s.frame(), /↑ migrate done/);
    // The trial runs left the schema alone.
    const status = JSON.parse((await cli(['--url', s.url, '--dir', s.dir, 'status', '--json'])).stdout);
    t.is(status.applied.length, 9);
  } finally {
    await s.close();
  }
});

test('schema tab on a pending revision shows the tables it would create, and leaves the database as it was', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE });
  try {
    await s.press('G');
    await s.waitFor(/20260105090000 create application settings\n/);
    await s.press(KEYS.tab, KEYS.tab, KEYS.tab);
    await s.waitFor('press t to rehearse the up of 20260105090000');
    await s.press('t');
    await s.waitFor('rehearsal of the up of 20260105090000:');
    await s.waitFor('+table application_settings');
    const status = JSON.parse((await cli(['--url', s.url, '--dir', s.dir, 'status', '--json'])).stdout);
    t.deepEqual(status.applied, []);
  } finally {
    await s.close();
  }
});

test('a migration with its own COMMIT: the info tab says it runs without a transaction, and the schema tab does not try it (its COMMIT would make the trial real)', async (t) => {
  const s = await openScreen({ migrations: makeFolder({ '1_own.up.sql': 'CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n', '1_own.down.sql': 'DROP TABLE b;\nDROP TABLE a;\n' }) });
  try {
    await s.waitFor(/1 own\n/);
    await s.press(KEYS.tab, KEYS.tab, KEYS.tab);
    await s.waitFor('not available for this up: it runs without a');
    await s.press(KEYS.tab);
    await s.waitFor('up on sqlite: runs without a transaction');
    const tables = await cli(['--url', s.url, '--dir', s.dir, 'status', '--json']);
    t.deepEqual(JSON.parse(tables.stdout).applied, []);
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(s.url.slice('sqlite:'.length), { readonly: true });
    t.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('a', 'b')").all(), []);
    db.close();
  } finally {
    await s.close();
  }
});

test('downgrade flow on SQLite: preview, data at risk, backup prompt, typed confirmation, progress, result', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE });
  try {
    await upgradeAll(s.url, s.dir);
    await s.press('r');
    await s.waitFor('reloaded files and database state');
    await s.press('G', 'k', 'k', 'k');
    await s.waitFor(/20260105093000 create permissions\n/);
    await s.press('d');
    const confirm = await s.waitFor(/Downgrade screen\.sqlite to 20260105093000\?/);
    t.regex(confirm, /downgrade .* to 20260105093000: 5 revisions, in/);
    t.regex(confirm, /DATA AT RISK \(4\)/);
    t.regex(confirm, /drops table role_permissions \(0 rows\)/);
    t.regex(confirm, /Backup first: \[x\] yes/);
    t.regex(confirm, /Type the database name screen\.sqlite and press enter to confirm:/);
    // A wrong name does nothing; the right one runs.
    await s.press('n', 'o', KEYS.enter);
    await s.waitFor('> no');
    t.regex(s.frame(), /Downgrade screen\.sqlite/);
    await s.press(KEYS.backspace, KEYS.backspace, ...'screen.sqlite'.split(''));
    await s.waitFor('> screen.sqlite');
    await s.press(KEYS.enter);
    const result = await s.waitFor(/downgrade to 20260105093000: done \(5 steps\)/);
    t.regex(result, /backup: .*backups\/\d{8}T\d{6}Z_screen_20260115090000\.sqlite/);
    t.regex(result, /now at: 20260105093000/);
    t.is(readdirSync(join(s.work, 'backups')).filter((f) => f.endsWith('.sqlite')).length, 1);
    await s.press(KEYS.enter);
    await s.waitFor(/at 20260105093000 · 5 pending/);
    // The command log lists the statements run.
    await s.press('@');
    await s.waitFor(/Command log: 5 statements run this session/);
  } finally {
    await s.close();
  }
});

test('a failing migration is shown as an error with path:line and the database state, and the UI keeps working', async (t) => {
  const dir = makeFolder({ ...pair('1'), '2_bad.up.sql': 'CREATE TABLE b (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n', '2_bad.down.sql': 'DROP TABLE b;\n' });
  const s = await openScreen({ migrations: dir });
  try {
    await s.waitFor(/History \(2\)/);
    await s.press('U');
    await s.waitFor(/Upgrade to heads\?/);
    await s.press('y');
    const failed = await s.waitFor(/upgrade to heads: FAILED/);
    t.regex(panelText(failed), /upgrade of 2 failed at statement 2 of 2 \(.*2_bad\.up\.sql:2\)/);
    t.regex(failed, /no such table: nowhere/);
    t.regex(failed, /rolled back: the database is as it was before 2/);
    t.regex(failed, /✓ ↑ 1 {2}done/);
    await s.press(KEYS.escape);
    await s.waitFor(/at 1 · 1 pending/);
    await s.press('j');
    await s.waitFor(/1 step 1\n/);
  } finally {
    await s.close();
  }
});

test('stamp warns that no SQL runs; stamping back needs the typed name; merge writes the merge revision', async (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2', ['-- migrate:revises 1']), ...pair('3', ['-- migrate:revises 1']) });
  const s = await openScreen({ migrations: dir });
  try {
    await s.waitFor(/History \(3\)/);
    await s.press('s');
    const stamp = await s.waitFor(/Stamp screen\.sqlite to 3\?/);
    t.regex(stamp, /STAMP RUNS NO SQL/);
    t.regex(stamp, /\+ mark 1 as applied/);
    t.regex(stamp, /\+ mark 3 as applied/);
    await s.press('y');
    await s.waitFor(/stamp 3: done/);
    await s.press(KEYS.enter, 'G', 's');
    const back = await s.waitFor(/- mark 3 as NOT applied/);
    t.regex(back, /Type the database name screen\.sqlite/);
    await s.press(KEYS.escape);
    await s.waitFor(/at 3 · 1 pending/);
    await s.press('m');
    await s.waitFor(/Merge 2 heads\?/);
    await s.press('y');
    const merged = await s.waitFor(/merge revision (\d{14}) written/);
    const id = /merge revision (\d{14}) written/.exec(merged)![1]!;
    t.true(existsSync(join(s.dir, `${id}_merge_2_and_3.up.sql`)));
    await s.press(KEYS.enter);
    await s.waitFor(new RegExp(`○ \\* ${id} \\(head\\) merge 2 and 3`));
  } finally {
    await s.close();
  }
});

test('new revision asks for a message and a branch, writes the pair and selects it', async (t) => {
  const dir = makeFolder(pair('1'));
  const s = await openScreen({ migrations: dir });
  try {
    await s.waitFor(/History \(1\)/);
    await s.press('n');
    await s.waitFor(/New revision/);
    await s.press(...'add orders'.split(''), KEYS.tab, ...'shop'.split(''), KEYS.enter);
    const done = await s.waitFor(/revision (\d{14}) written/);
    t.regex(done, /revises 1/);
    await s.press(KEYS.escape);
    await s.waitFor(/\d{14} \(head\) \[shop\] add orders/);
  } finally {
    await s.close();
  }
});

test('--read-only: mutating keys say why they are disabled; ? lists every key', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE, readOnly: true });
  try {
    await s.waitFor(/READ-ONLY/);
    for (const key of ['u', 'd', 's', 'm']) {
      await s.press(key);
      await s.waitFor(/read-only: ".*" is disabled \(started with --read-only\)/);
      t.notRegex(s.frame(), /Upgrade to|Downgrade|Stamp|Merge \d/);
    }
    await s.press('?');
    const help = await s.waitFor(/Keys/);
    t.regex(help, /upgrade to the selected revision {2}\(disabled: --read-only\)/);
    t.regex(help, /j, down {10}next revision/);
  } finally {
    await s.close();
  }
});

test('the rollback console lists the last applied steps and rolls back the latest with the same guards', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE, variant: 'rollback' });
  try {
    await upgradeAll(s.url, s.dir);
    await s.press('r');
    const list = await s.waitFor(/Rollback console — last 9 applied steps, newest first/);
    t.regex(list, /latest 20260115090000 merge documents and audit — by \S+@\S+, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    t.notRegex(list, /History/);
    await s.press('j', 't');
    await s.waitFor(/Downgrade screen\.sqlite to 20260112110000-1\?/);
    await s.press(KEYS.escape, 'd');
    const preview = await s.waitFor(/Downgrade screen\.sqlite to -1\?/);
    t.regex(preview, /data at risk: none found/);
    t.regex(preview, /y confirms/);
    await s.press('y');
    await s.waitFor(/downgrade to -1: done \(1 step\)/);
    await s.press(KEYS.escape);
    await s.waitFor(/latest 20260112110000/);
  } finally {
    await s.close();
  }
});

test('without a terminal, migrate-tui prints the status and exits 0', async (t) => {
  const dir = makeFolder(pair('1'));
  const url = `sqlite:${join(dir, 'x.sqlite')}`;
  writeFileSync(join(dir, 'x.sqlite'), '');
  const r = await cli(['--url', url, '--dir', dir]);
  t.is(r.code, 0);
  t.regex(r.stdout, /^database: sqlite:.*\npending: {2}1 step 1|current: {2}base/m);
});

test('works at 80×24, and stacks the panes below 80 columns', async (t) => {
  for (const [width, height] of [
    [80, 24],
    [60, 24],
  ] as const) {
    const s = await openScreen({ migrations: EXAMPLE, width, height });
    try {
      const frame = await s.waitFor(/CREATE TABLE|no statements/);
      const lines = frame.split('\n');
      t.true(lines.length <= height - 1, `${width}×${height}: ${lines.length} lines`);
      t.true(lines.every((l) => [...l].length <= width), `${width}×${height}: a line is wider than the terminal`);
      const historyRow = lines.findIndex((l) => l.includes('History (9)'));
      const tabsRow = lines.findIndex((l) => l.includes('up  down  diff  schema  info'));
      if (width >= 80) t.is(historyRow, tabsRow, 'side by side');
      else t.true(tabsRow > historyRow, 'stacked: the detail below the history');
      t.regex(frame, /j next {2}k prev/);
    } finally {
      await s.close();
    }
  }
});

/** The TUI on a SQLite database left dirty: a transaction-off migration failed at its 2nd statement. */
async function dirtyScreen() {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
  });
  const s = await openScreen({ migrations: dir });
  const up = await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade']);
  if (up.code !== 5) throw new Error(`expected a dirty upgrade (exit 5): ${up.stderr}`);
  return s;
}

test('a dirty database: R offers the four ways out, previews the reverse and runs it behind the typed name and a backup', async (t) => {
  const s = await dirtyScreen();
  try {
    await s.press('r');
    await s.waitFor('reloaded files and database state');
    await s.press('k');
    const dirty = await s.waitFor(/DIRTY .*\n.*R resolve/, 'the dirty mark and the R hint');
    t.regex(dirty, /DIRTY sqlite:/);
    await s.press('R');
    const choices = await s.waitFor(/Resolve the unfinished up of 1/);
    t.regex(choices, /1 of 2 statements ran; it stopped on: no such table: nowhere/);
    t.regex(choices, /1\. CREATE TABLE a \(id INTEGER\)/);
    t.regex(choices, /> r {2}resume: run the 1 statement\(s\) that did not run/);
    t.regex(choices, /v {2}reverse: run the down SQL of 1 as a new step/);
    t.regex(choices, /x {2}reverted: record 1 as NOT applied/);
    await s.press('v');
    const confirm = await s.waitFor(/Resolve 1 \(reverse\) on screen\.sqlite\?/);
    t.regex(confirm, /runs the down SQL below \(1 statement\), then records 1 as NOT applied/);
    t.regex(confirm, /warning: only statement 1 of 2 of the up ran/);
    t.regex(confirm, /│  DROP TABLE a +│/);
    t.regex(confirm, /Backup first: \[x\] yes/);
    // A wrong name: said so, naming the one to type; still on the confirmation, nothing run.
    await s.press(...'screen'.split(''), KEYS.enter);
    const wrong = await s.waitFor('"screen" does not match: type screen.sqlite exactly to confirm (esc cancels); nothing was run');
    t.regex(wrong, /Resolve 1 \(reverse\) on screen\.sqlite\?/);
    await s.press(...'.sqlite'.split(''), KEYS.enter);
    const done = await s.waitFor(/resolve 1 \(reverse\): done \(1 step\)/);
    t.regex(done, /backup: .*backups\//);
    await s.press(KEYS.escape);
    await s.waitFor(/sqlite:.* · at base · 1 pending/);
    t.notRegex(s.frame(), /DIRTY/);
    const status = JSON.parse((await cli(['--url', s.url, '--dir', s.dir, 'status', '--json'])).stdout);
    t.is(status.dirty, null);
    t.is(readdirSync(join(s.work, 'backups')).filter((f) => f.endsWith('.sqlite')).length, 1);
    await s.press('R');
    await s.waitFor('nothing to resolve: the database is not dirty');
  } finally {
    await s.close();
  }
});

test('a dirty database: d shows the dirty refusal, never a downgrade preview', async (t) => {
  const dir = makeFolder({
    ...pair('1'),
    '2_half.up.sql': '-- migrate:transaction off\nCREATE TABLE half (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '2_half.down.sql': 'DROP TABLE half;\n',
  });
  const s = await openScreen({ migrations: dir });
  try {
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade'])).code, 5);
    await s.press('r');
    await s.waitFor(/DIRTY sqlite:/, 'the dirty mark');
    await s.press('G');
    await s.waitFor(/1 step 1\n/, 'revision 1 selected');
    await s.press('d');
    // Nothing ran: a refusal, not a failure; the way on in the TUI's keys (it named `migrate-tui resolve 2 --resume`).
    const refused = await s.waitFor(/downgrade to 1: REFUSED — nothing ran.*\n.*is dirty: the up of 2 stopped after 1 of 2/);
    t.regex(refused, /→ inspect the database, then press R \(resolve\)/);
    t.notRegex(refused, /--resume/);
    t.notRegex(refused, /Downgrade screen\.sqlite to 1\?|DATA AT RISK|data at risk|DROP TABLE|Backup first/);
  } finally {
    await s.close();
  }
});

test('a killed run (a statement may or may not have completed): R offers resuming after it as its own key, and the warning names keys, not CLI flags', async (t) => {
  const s = await dirtyScreen();
  try {
    // What a SIGKILL during statement 2 leaves: the step started, 1 statement recorded, no outcome.
    const db = new Database(join(s.work, 'screen.sqlite'));
    db.prepare("UPDATE migrate_tui_log SET status = 'started', error = NULL WHERE status = 'dirty'").run();
    db.close();
    await s.press('r');
    await s.waitFor('reloaded files and database state');
    await s.press('R');
    const choices = await s.waitFor(/e {2}resume after statement 2 \(its change is already in the database\)/);
    t.regex(choices, /r {2}resume: run the 1 statement\(s\) the log does not record as done \(statement 2 again\)/);
    t.regex(choices, /the log records 1 of 2 statements as done, and no outcome: statement 2 may or may not have/);
    t.notRegex(choices, /1 of 2 statements ran/);
    await s.press('r');
    const again = await s.waitFor(/warning: statement 2 may or may not have completed \(no outcome was recorded\): this resume runs it \│\n│  again/);
    t.regex(again, /if its change is already in the database: esc, then e \(resume after statement 2\)/);
    t.notRegex(again, /--[a-z]/, 'no CLI flag on a TUI screen');
    // Esc goes back to the choices (it went to the main screen), where e resumes after it.
    await s.press(KEYS.escape);
    await s.waitFor(/Resolve the unfinished up of 1/);
    await s.press('e');
    const after = await s.waitFor(/Resolve 1 \(resume at statement 3\) on screen\.sqlite\?/);
    t.notRegex(after, /runs it again/);
    await s.press('y');
    await s.waitFor(/resolve 1 \(resume\): done/);
    const status = JSON.parse((await cli(['--url', s.url, '--dir', s.dir, 'status', '--json'])).stdout);
    t.is(status.dirty, null);
    t.deepEqual(status.applied, ['1']);
  } finally {
    await s.close();
  }
});

test('a run whose log writes met a lock (statements 1–2 ran, the log records none): R says what the log records, not "0 of 3 statements ran", and n resumes at the statement its failure named', async (t) => {
  const dir = makeFolder({ '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\nCREATE TABLE c (id INTEGER);\n', '1_a.down.sql': 'DROP TABLE c;\nDROP TABLE b;\nDROP TABLE a;\n' });
  const s = await openScreen({ migrations: dir });
  try {
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade'])).code, 0);
    // What such a run leaves: statements 1–2 ran, its log row still 'started' with none counted, no version row.
    const db = new Database(join(s.work, 'screen.sqlite'));
    db.exec("DROP TABLE c; DELETE FROM migrate_tui_version; UPDATE migrate_tui_log SET status = 'started', statements_done = 0, finished_at = NULL, duration_ms = NULL");
    db.close();
    await s.press('r');
    await s.waitFor('reloaded files and database state');
    await s.press('R');
    const choices = await s.waitFor(/n {2}resume at a statement you name \(statement 3: the ones before it are already in the database\)/);
    t.regex(choices, /the log records 0 of 3 statements as done, and no outcome: statement 1 may or may not have/);
    t.notRegex(choices, /0 of 3 statements ran/);
    await s.press('n');
    await s.waitFor(/Resume 1 at statement/);
    await s.press('x', KEYS.enter);
    await s.waitFor(/not a statement number: 'x' \(3\)/);
    await s.press(KEYS.backspace, '3', KEYS.enter);
    const preview = await s.waitFor(/Resolve 1 \(resume at statement 3\) on screen\.sqlite\?/);
    t.regex(preview, /statements 1–2 are taken as completed \(the resume[\s│]+starts at statement 3\) and do not run/);
    t.notRegex(preview, /--[a-z]/, 'no CLI flag on a TUI screen');
    await s.press('y');
    await s.waitFor(/resolve 1 \(resume\): done/);
    const status = JSON.parse((await cli(['--url', s.url, '--dir', s.dir, 'status', '--json'])).stdout);
    t.is(status.dirty, null);
    t.deepEqual(status.applied, ['1']);
  } finally {
    await s.close();
  }
});

test('an applied revision whose files are gone: the status bar says so (the history pane cannot show it), as status does', async (t) => {
  const s = await openScreen({ migrations: makeFolder({ ...pair('1'), ...pair('2'), ...pair('3') }) });
  try {
    await upgradeAll(s.url, s.dir);
    for (const f of readdirSync(s.dir).filter((f) => f.startsWith('3_'))) rmSync(join(s.dir, f));
    await s.press('r');
    const frame = await s.waitFor('reloaded files and database state');
    t.regex(frame, /History \(2\)/);
    t.regex(frame, /at 3 \(files missing\) · 0 pending/);
    for (const f of readdirSync(s.dir).filter((f) => f.startsWith('2_'))) rmSync(join(s.dir, f));
    await s.press('r');
    t.regex(await s.waitFor(/History \(1\)/), /at 3 \(files missing\) · 1 applied without files · 0 pending/);
  } finally {
    await s.close();
  }
});

test('an action reads the database before its preview: after another session changed it, the plan, the notice and the status bar say what is there now', async (t) => {
  const s = await openScreen({ migrations: makeFolder({ ...pair('1'), ...pair('2'), ...pair('3') }) });
  try {
    await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade', '1']);
    await s.press('r');
    await s.waitFor(/at 1 · 2 pending/);
    // Another session applies 2 while the screen shows 1.
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade', '2'])).code, 0);
    await s.press('U');
    const plan = await s.waitFor(/Upgrade to heads\?/);
    t.regex(plan, /to heads: 1 revision, in this order/);
    t.notRegex(plan, /↑ 2 /, 'the plan is not drawn from the stale screen');
    await s.press(KEYS.escape);
    t.regex(await s.waitFor(/at 2 · 1 pending/), /at 2 · 1 pending/);
    // Another session reverts 2: d on 1 says there is nothing to do, and the bar agrees.
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'downgrade', '1', '--no-backup'])).code, 0);
    await s.press('G', 'd');
    const after = await s.waitFor(/nothing to downgrade: the database is already at 1/);
    t.regex(after, /at 1 · 2 pending/);
  } finally {
    await s.close();
  }
});

test('a step left dirty by a TUI run: the result names the TUI key (R), not the CLI flags', async (t) => {
  const s = await openScreen({
    migrations: makeFolder({
      '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id int);\nINSERT INTO nowhere VALUES (1);\n',
      '1_a.down.sql': 'DROP TABLE a;\n',
    }),
  });
  try {
    await s.press('U');
    await s.waitFor(/Upgrade to heads\?/);
    await s.press('y');
    const result = await s.waitFor(/upgrade to heads: FAILED/);
    t.regex(result, /DIRTY: statement 1 of 2 ran and stays applied/);
    t.regex(result, /→ fix the cause, then press R \(resolve\)/);
    t.notRegex(result, /--resume|--reverse|--applied/, 'no CLI flag on a TUI screen');
  } finally {
    await s.close();
  }
});
