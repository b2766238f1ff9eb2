import test from 'ava';
import { makeFolder } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyLintReady } from '../src/tui/lint-view.js';
import { diskLintStore } from '../src/engine/index.js';

/** The TUI's lint: findings above the SQL in the upgrade confirmation (errors first), and the lint tab of a revision. */
const FOLDER = {
  '1_users.up.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n',
  '1_users.down.sql': 'DROP TABLE users;\n',
  '2_tighten.up.sql': 'DELETE FROM sessions;\nALTER TABLE users RENAME COLUMN email TO mail;\nALTER TABLE users ALTER COLUMN mail SET NOT NULL;\n',
  '2_tighten.down.sql': 'ALTER TABLE users RENAME COLUMN mail TO email;\n',
};

test('the upgrade confirmation lists the plan\'s findings above the SQL, errors first, with the fix', async (t) => {
  const s = await openScreen({ migrations: makeFolder(FOLDER), height: 60, width: 140 });
  try {
    await s.waitFor(/History \(2\)/);
    await s.press('U');
    const frame = await s.waitFor(/Upgrade to heads\?/);
    const flat = frame.replace(/│/g, '');
    // users is created earlier in the same plan: renaming its column breaks no running code (no DS406);
    // sessions was never created by the history, so it counts as existing (DS404).
    t.regex(flat, /LINT: 1 error, 1 warning, 0 notices/);
    t.notRegex(flat, /DS406/);
    const error = flat.indexOf('ERROR SL301');
    const warning = flat.indexOf('WARNING DS404');
    const sql = flat.indexOf('upgrade sqlite:');
    t.true(error >= 0 && warning > error && sql > warning, 'errors first, then warnings, then the SQL');
    t.regex(flat, /fix:\s+PRAGMA foreign_keys = OFF;/);
    await s.press(KEYS.escape);
  } finally {
    await s.close();
  }
});

test('the lint tab shows a revision\'s findings with why and do-instead; a clean revision says so', async (t) => {
  const s = await openScreen({ migrations: makeFolder(FOLDER), height: 50, width: 140 });
  try {
    await s.waitFor(/History \(2\)/);
    for (let k = 0; k < 5; k++) await s.press(KEYS.tab);
    const tab = await s.waitFor(/ERROR SL301 \(up\)/);
    t.regex(tab, /ALTER COLUMN users\.mail SET NOT NULL: SQLite's ALTER TABLE cannot do this/);
    t.regex(tab, /why: SQLite's ALTER TABLE only renames tables and columns/);
    t.regex(tab, /WARNING DS406 \(up\)/);
    await s.press('j');
    await s.waitFor(/no lint findings for 1 on sqlite/);
  } finally {
    await s.close();
  }
});

test('the history marks revisions with findings (✖ error, ▲ warning), none on a clean one', async (t) => {
  const folder = {
    ...FOLDER,
    '3_drop.up.sql': 'DROP TABLE users;\n',
    '3_drop.down.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, mail TEXT);\n',
  };
  const s = await openScreen({ migrations: makeFolder(folder), height: 30, width: 120 });
  try {
    const frame = await s.waitFor(/○✖\* 2 tighten/, 'the error mark on 2');
    t.regex(frame, /○▲\* 3 \(head\) drop/);
    t.regex(frame, /○ \* 1 users/);
  } finally {
    await s.close();
  }
});

test('the confirmation\'s suggested fix is one key away: ] focuses the next finding, f shows its do-instead and fix, f hides it', async (t) => {
  const s = await openScreen({ migrations: makeFolder(FOLDER), height: 60, width: 140 });
  try {
    await s.waitFor(/History \(2\)/);
    await s.press('U');
    let frame = (await s.waitFor(/Upgrade to heads\?/)).replace(/│/g, '');
    t.regex(frame, /▶ ERROR SL301/);
    t.regex(frame, /\] \[ moves ▶, f shows its fix/);
    await s.press('f');
    frame = (await s.waitFor(/FIX for ERROR SL301 \(finding 1 of 2; f hides\)/)).replace(/│/g, '');
    t.regex(frame, /do instead: Rebuild the table/);
    t.regex(frame, /for this statement:\s+PRAGMA foreign_keys = OFF;/);
    await s.press(']');
    frame = (await s.waitFor(/FIX for WARNING DS404 \(finding 2 of 2; f hides\)/)).replace(/│/g, '');
    t.regex(frame, /▶ WARNING DS404/);
    t.regex(frame, /do instead: Add the WHERE clause that was meant/);
    await s.press('f');
    frame = await s.waitFor(/^(?![\s\S]*FIX for)[\s\S]*Upgrade to heads\?/, 'the fix hidden, still the confirmation');
    t.regex(frame, /▶ WARNING DS404/);
    await s.press(KEYS.escape);
  } finally {
    await s.close();
  }
});

/** 2,000 revisions, every 10th (and the newest) dropping the table before it: a warning (▲) each. */
function largeFolder(count = 2000): string {
  const files: Record<string, string> = {};
  for (let i = 1; i <= count; i++) {
    const v = String(i).padStart(4, '0');
    const drop = i % 10 === 0 ? `DROP TABLE t${i - 1};\n` : '';
    files[`${v}_s${v}.up.sql`] = `CREATE TABLE t${i} (id INTEGER PRIMARY KEY);\n${drop}`;
    files[`${v}_s${v}.down.sql`] = `DROP TABLE t${i};\n`;
  }
  return makeFolder(files);
}

test('keys are answered while the marks are still computed, and the marks come after, on the right rows', async (t) => {
  const s = await openScreen({ migrations: largeFolder(), height: 30, width: 120 });
  try {
    await s.waitFor(/History \(2000\)/);
    const ready = () => historyLintReady(s.session.project, 'sqlite');
    t.false(ready(), 'the first frame does not wait for lint');
    await s.press('j');
    // The key's frame: 1999 selected, its SQL in the detail pane, no marks yet, lint still running.
    let frame = await s.waitFor(/1999_s1999\.up\.sql/, 'the detail of 1999 after j');
    t.false(ready(), 'the key was answered before lint finished');
    t.notRegex(frame, /○[✖▲·]/);
    await s.press('k');
    frame = await s.waitFor(/2000_s2000\.up\.sql/, 'the detail of 2000 after k');
    t.false(ready(), 'a second key too');
    frame = await s.waitFor(/○▲\* 2000 \(head\)/, 'the mark of 2000');
    t.true(ready());
    t.regex(frame, /○▲\* 1990 /);
    t.regex(frame, /○ \* 1999 /, 'no mark on a clean revision');
    t.regex(frame, /○ \* 1991 /);
  } finally {
    await s.close();
  }
});

test('the lint tab opened while the marks are computed waits for them (keys still answered), then shows the findings', async (t) => {
  const s = await openScreen({ migrations: largeFolder(), height: 40, width: 140 });
  try {
    await s.waitFor(/2000_s2000\.up\.sql/, 'the up tab of 2000');
    for (let k = 0; k < 5; k++) await s.press(KEYS.tab);
    let frame = await s.waitFor(/loading…/, 'the lint tab waiting');
    t.false(historyLintReady(s.session.project, 'sqlite'));
    frame = await s.waitFor(/WARNING DS401 \(up\)/, 'the findings of 2000');
    t.regex(frame, /DROP TABLE t1999/);
    await s.press('j');
    await s.waitFor(/no lint findings for 1999 on sqlite/);
  } finally {
    await s.close();
  }
});

test('the marks are kept in the lint store after a cold start and read from it by the next start (no lint), never written read-only', async (t) => {
  const folder = largeFolder(300);
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-tui-store-'));
  const entries = () => readdirSync(dir).filter((name) => name.endsWith('.json'));
  // --read-only: the results are computed, and nothing is written.
  let s = await openScreen({ migrations: folder, height: 30, width: 120, lintStore: diskLintStore(dir, { write: false }), readOnly: true });
  const work = s.work; // the same folder each time (the results hold its paths, the key too)
  try {
    await s.waitFor(/○▲\* 0300 \(head\)/, 'the mark of 300');
  } finally {
    await s.close();
  }
  t.deepEqual(entries(), [], 'a read-only TUI keeps nothing');
  // Cold: computed, then kept.
  s = await openScreen({ migrations: folder, work, height: 30, width: 120, lintStore: diskLintStore(dir, { write: true }) });
  try {
    await s.waitFor(/○▲\* 0300 \(head\)/, 'the mark of 300');
  } finally {
    await s.close();
  }
  t.is(entries().length, 1, 'one entry kept');
  // The kept entry says 290's finding is an error: a start that shows ✖ on 290 read it instead of linting.
  const file = join(dir, entries()[0]!);
  const entry = JSON.parse(readFileSync(file, 'utf8')) as { value: { raw: Array<{ revision: string; severity: string }> } };
  const finding = entry.value.raw.find((f) => f.revision === '0290');
  t.truthy(finding, 'the kept results hold the finding of 0290');
  finding!.severity = 'error';
  writeFileSync(file, JSON.stringify(entry));
  s = await openScreen({ migrations: folder, work, height: 30, width: 120, lintStore: diskLintStore(dir, { write: true }) });
  try {
    const frame = await s.waitFor(/○✖\* 0290 /, 'the kept (doctored) mark of 0290');
    t.regex(frame, /○▲\* 0300 \(head\)/);
  } finally {
    await s.close();
  }
});
