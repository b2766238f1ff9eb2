import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder, pair } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';

/**
 * TUI wording found by an on-call check: a refusal where nothing ran was titled "FAILED"
 * above "… Nothing ran"; resolve's warnings and hints named CLI flags (`--reverted`,
 * `--applied`, `migrate-tui resolve 2 --resume`) that a TUI user cannot type.
 */

/** The panel's text on one line: borders dropped, wrapped lines joined with a space. */
const flat = (frame: string) => frame.split('\n').map((l) => l.replace(/^[│|]|[│|]$/g, '').trim()).join(' ').replace(/\s+/g, ' ');
/** Without any white space: the panel wraps long lines anywhere, even inside a word. */
const squashed = (text: string) => text.replace(/\s+/g, '');
const shows = (frame: string, text: string) => squashed(flat(frame)).includes(squashed(text));

/** 3 applied (stamped) with its files gone and 4 pending; `U` pressed: the upgrade's refusal on screen. */
async function missingFilesRefusal(t: ExecutionContext, options: { width: number; source?: string }) {
  const s = await openScreen({ migrations: makeFolder({ ...pair('1'), ...pair('2'), ...pair('3') }), height: 40, ...options });
  try {
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade', '2'])).code, 0);
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'stamp', '3'])).code, 0);
    for (const f of readdirSync(s.dir).filter((f) => f.startsWith('3_'))) rmSync(join(s.dir, f));
    for (const [name, text] of Object.entries(pair('4'))) writeFileSync(join(s.dir, name), text);
    await s.press('r');
    await s.waitFor(/at 3 \(files missing\)/);
    await s.press('U');
    return { s, refused: await s.waitFor(/upgrade to heads: REFUSED — nothing ran/) };
  } catch (error) {
    await s.close();
    throw error;
  }
}

test('an upgrade refused while an applied revision\'s files are missing: titled as a refusal (it said FAILED above "Nothing ran")', async (t) => {
  const { s, refused } = await missingFilesRefusal(t, { width: 120 });
  try {
    t.regex(flat(refused), /upgrade refused: 3 is applied but its files are missing.*Nothing ran/);
    t.notRegex(refused, /FAILED/);
    const status = JSON.parse((await cli(['--url', s.url, '--dir', s.dir, 'status', '--json'])).stdout);
    t.deepEqual(status.current, ['3'], 'nothing ran');
  } finally {
    await s.close();
  }
});

test('opened with --url, the TUI\'s hints name it in the shell commands they give (`migrate-tui --url <url> downgrade -1`); opened on DATABASE_URL they stay bare', async (t) => {
  for (const [source, command] of [
    ['--url', '`migrate-tui --url <url> downgrade -1`'],
    ['DATABASE_URL', '`migrate-tui downgrade -1`'],
  ] as const) {
    const { s, refused } = await missingFilesRefusal(t, { width: 160, source });
    try {
      t.true(shows(refused, `revert it first with ${command}`), `${source}: ${flat(refused)}`);
    } finally {
      await s.close();
    }
  }
});

/** A step left dirty after 1 of its 2 statements (`CREATE TABLE a` ran, the INSERT failed). */
async function dirtyScreen() {
  const dir = makeFolder({
    ...pair('0'),
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
  });
  const s = await openScreen({ migrations: dir, width: 120, height: 40 });
  const up = await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade']);
  if (up.code !== 5) throw new Error(`expected a dirty upgrade (exit 5): ${up.stderr}`);
  await s.press('r');
  await s.waitFor(/DIRTY sqlite:/);
  return s;
}

test('resolve\'s reverse warning names the TUI\'s keys (R, then x or a), not --reverted / --applied or `migrate-tui status`', async (t) => {
  const s = await dirtyScreen();
  try {
    await s.press('R');
    await s.waitFor(/Resolve the unfinished up of 1/);
    await s.press('v');
    const confirm = flat(await s.waitFor(/Resolve 1 \(reverse\) on screen\.sqlite\?/));
    t.true(shows(confirm, 'warning: only statement 1 of 2 of the up ran, but the down SQL undoes all of them:'), confirm);
    t.true(shows(confirm, 'at the reverse step if part of it does (press R to see which: its title names the unfinished step); if it does, undo the rest by hand, then press R and x (reverted) or a (applied)'), confirm);
    t.notRegex(confirm, /--[a-z]|`migrate-tui/, 'no CLI flag or command on a TUI screen');
    // The CLI's preview keeps its own words.
    const preview = await cli(['--url', s.url, '--dir', s.dir, 'resolve', '1', '--reverse'], { answers: ['n'] });
    t.regex(preview.stderr, /at the reverse step if part of it does \(`migrate-tui --url <url> status` says which\); if it does, undo the rest by hand and use --reverted or --applied/);
  } finally {
    await s.close();
  }
});

test('a downgrade refused on a dirty database: titled as a refusal, and its hint names R and the choices, not `migrate-tui resolve 1 --resume`', async (t) => {
  const s = await dirtyScreen();
  try {
    await s.press('G');
    await s.waitFor(/0 step 0\n/);
    await s.press('d');
    const refused = await s.waitFor(/downgrade to 0: REFUSED — nothing ran/);
    const text = flat(refused);
    t.regex(text, /is dirty: the up of 1 stopped after 1 of 2 statements/);
    t.true(shows(refused, '→ inspect the database, then press R (resolve): r resume runs the rest, v reverse undoes it, a applied / x reverted record what you finished or undid by hand'), text);
    t.notRegex(text, /--[a-z]|migrate-tui resolve/, 'no CLI flag on a TUI screen');
    await s.press(KEYS.escape);
    // The keys it names are the ones that work: R opens the choices with r, v, a and x.
    await s.press('R');
    const choices = await s.waitFor(/Resolve the unfinished up of 1/);
    for (const key of ['r', 'v', 'a', 'x']) t.regex(choices, new RegExp(`${key} {2}(resume|reverse|applied|reverted):`));
  } finally {
    await s.close();
  }
});

test('an upgrade refused for a gap: titled as a refusal, and the hint says the TUI does not apply out of order (it said "pass --out-of-order" as if it could)', async (t) => {
  const s = await openScreen({ migrations: makeFolder({ ...pair('1'), ...pair('3') }), width: 120, height: 40 });
  try {
    t.is((await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade'])).code, 0);
    // Merged late with a lower version.
    for (const [name, text] of Object.entries(pair('2'))) writeFileSync(join(s.dir, name), text);
    await s.press('r');
    await s.waitFor(/1 pending/);
    await s.press('U');
    const refused = await s.waitFor(/upgrade to heads: REFUSED — nothing ran/);
    t.regex(flat(refused), /1 revision is not applied although revisions built on it are/);
    t.true(shows(refused, '→ this happens when a file is merged late with a lower version; the TUI does not apply out of order: check it is safe to run now, then run `migrate-tui upgrade --out-of-order` in a shell'), refused);
  } finally {
    await s.close();
  }
});

/**
 * A backup that cannot be taken (here pg_dump is not on PATH; on a private server it was a
 * LATIN1 client_encoding) stops the downgrade; the TUI's hint said "pass --no-backup to go on
 * without a backup", a flag no TUI key takes: the confirmation's "Backup first" (tab) is the way.
 * Serial: it empties this process's PATH while it runs.
 */
eachDatabase('a downgrade whose backup cannot be taken: the hint names tab on the confirmation, not --no-backup', async (t, url) => {
  const s = await openScreen({ migrations: makeFolder({ ...pair('1'), ...pair('2') }), url, width: 160 });
  const path = process.env.PATH;
  try {
    await s.press('U');
    await s.waitFor(/Upgrade to heads\?/);
    await s.press('y');
    await s.waitFor(/upgrade to heads: done/);
    await s.press(KEYS.escape);
    await s.waitFor(/at 2 · 0 pending/);
    process.env.PATH = mkdtempSync(join(tmpdir(), 'migrate-tui-nopath-'));
    await s.press('j', 'd');
    await s.waitFor(/Backup first: \[x\] yes/);
    await s.press(s.session.db.databaseName, KEYS.enter);
    const failed = flat(await s.waitFor(/downgrade to 1: BACKUP FAILED — nothing ran/));
    t.regex(failed, /pg_dump is not installed \(not on PATH\)/);
    t.regex(failed, /or turn "Backup first" off \(tab, on the confirmation\) to go on without one/);
    t.notRegex(failed, /--no-backup/, 'no CLI flag on a TUI screen');
  } finally {
    process.env.PATH = path;
    await s.close();
  }
}, ['postgres'], { serial: true });
