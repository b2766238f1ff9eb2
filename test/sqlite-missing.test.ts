import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STATE_TABLES, parseDatabaseUrl } from '../src/engine/index.js';
import { TuiSession } from '../src/tui/session.js';
import { cli } from './helpers/cli.js';
import { KEYS, openScreen } from './helpers/screen.js';

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const fresh = () => mkdtempSync(join(tmpdir(), 'migrate-tui-missing-'));

// Every command that only looks: each refuses a missing file, says which, and creates nothing.
const LOOKING: string[][] = [
  ['status'],
  ['current'],
  ['check'],
  ['history', '-r', 'current:'],
  ['show', 'current'],
  ['rollback'],
  ['backup'],
  ['backups'],
  ['downgrade', '-1'],
  ['downgrade', '-1', '--dry-run'],
  ['upgrade', '--sql'],
];

test('a missing SQLite file: every command that only looks refuses with "no database at …; `upgrade` creates it", and creates nothing', async (t) => {
  for (const args of LOOKING) {
    const cwd = fresh();
    const r = await cli(['--url', 'sqlite:./x.sqlite', '--dir', EXAMPLE, ...args], { cwd });
    if (args[0] === 'backups') {
      // Lists files in backups/ and opens no database when there are none to match: still creates nothing.
      t.false(existsSync(join(cwd, 'x.sqlite')), 'backups creates nothing');
      continue;
    }
    t.is(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /^error: no database at \.\/x\.sqlite; `upgrade` creates it\n {2}→ check the path \(it comes from --url\); `migrate-tui --url <url> upgrade` creates the file/m, args.join(' '));
    t.deepEqual(readdirSync(cwd), [], `${args.join(' ')} created nothing`);
  }
});

test('check on a missing SQLite file also names check --offline, which checks the files alone', async (t) => {
  const cwd = fresh();
  const r = await cli(['--url', 'sqlite:./x.sqlite', '--dir', EXAMPLE, 'check'], { cwd });
  t.regex(r.stderr, /; `check --offline` checks the files only\n/);
  const offline = await cli(['--url', 'sqlite:./x.sqlite', '--dir', EXAMPLE, 'check', '--offline'], { cwd });
  t.is(offline.code, 0, offline.stderr);
  t.false(existsSync(join(cwd, 'x.sqlite')));
});

test('a SQLite path in a missing folder: the message names the folder and mkdir, never a server', async (t) => {
  const cwd = fresh();
  const look = await cli(['--url', 'sqlite:./data/x.sqlite', '--dir', EXAMPLE, 'status'], { cwd });
  t.is(look.code, 1);
  t.regex(look.stderr, /no database at \.\/data\/x\.sqlite; `upgrade` creates it \(its folder \.\/data does not exist either\)\n {2}→ create the folder \(mkdir -p \.\/data\), or fix the path \(it comes from --url\)\n/);
  const write = await cli(['--url', 'sqlite:./data/x.sqlite', '--dir', EXAMPLE, '--yes', 'upgrade'], { cwd });
  t.is(write.code, 1);
  t.regex(write.stderr, /cannot create the SQLite database \.\/data\/x\.sqlite: the folder \.\/data does not exist\n {2}→ create the folder \(mkdir -p \.\/data\)/);
  t.notRegex(look.stderr + write.stderr, /server/);
  t.deepEqual(readdirSync(cwd), []);
});

test('commands that write create the file: upgrade, stamp, seed, init --tables-only', async (t) => {
  for (const args of [['--yes', 'upgrade'], ['stamp', 'heads'], ['seed', '--seeds', join(EXAMPLE, '../seeds')], ['init', '--tables-only']]) {
    const cwd = fresh();
    const r = await cli(['--url', 'sqlite:./x.sqlite', '--dir', EXAMPLE, ...args], { cwd });
    // seed on an empty database fails in the seed's SQL (no tables), after the file was opened.
    if (args[0] !== 'seed') t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    t.true(existsSync(join(cwd, 'x.sqlite')), `${args.join(' ')} created the file`);
  }
});

test('the embedded default that does not exist: no command and no terminal prints the empty state, exit 0, and creates nothing; status refuses', async (t) => {
  const cwd = fresh();
  const r = await cli(['--dir', EXAMPLE], { cwd });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^database: sqlite:\.\/migrate-tui\.sqlite: no database yet; `upgrade` creates it\ncurrent: +base \(nothing applied\)\napplied: +0 of 9 revisions\n/);
  const json = JSON.parse((await cli(['--dir', EXAMPLE, '--json'], { cwd })).stdout);
  t.true(json.notCreated);
  t.is(json.pending.length, 9);
  const status = await cli(['--dir', EXAMPLE, 'status'], { cwd });
  t.is(status.code, 1);
  t.regex(status.stderr, /no database at \.\/migrate-tui\.sqlite; `upgrade` creates it\n {2}→ check the path \(it is the embedded default, used when no --url, DATABASE_URL, DATABASE_PROVIDER or "url" in migrate-tui\.config\.json is set\)/);
  t.deepEqual(readdirSync(cwd), []);
});

test('the TUI refuses a missing SQLite file named by a setting', async (t) => {
  const cwd = fresh();
  const error = await t.throwsAsync(
    TuiSession.open({ dir: EXAMPLE, target: parseDatabaseUrl('sqlite:./x.sqlite', '--url', cwd), tables: DEFAULT_STATE_TABLES, toolVersion: 'test', lockTimeoutMs: 1000, backupDir: join(cwd, 'backups'), readOnly: false }),
  );
  t.is((error as { code?: string }).code, 'no-database');
  t.regex(error!.message, /^no database at \.\/x\.sqlite; `upgrade` creates it$/);
  t.deepEqual(readdirSync(cwd), []);
});

for (const [width, height] of [
  [80, 24],
  [60, 20],
] as const) {
  test(`the TUI on the embedded default before it exists (${width}×${height}): the empty state, browsing creates nothing, the first upgrade creates the file`, async (t) => {
    const s = await openScreen({ migrations: EXAMPLE, embeddedDefault: true, width, height });
    try {
      const file = join(s.work, 'screen.sqlite');
      await s.waitFor(/no database yet: upgrade creates it · 9 pending/);
      await s.press('j', KEYS.tab, KEYS.tab, 'k');
      await s.waitFor(/History \(9\)/);
      t.false(existsSync(file), 'browsing creates no file');
      await s.press('U');
      await s.waitFor('the database file does not exist yet: this creates it');
      t.false(existsSync(file), 'the confirmation creates no file');
      await s.press('y');
      await s.waitFor(/upgrade to heads: done \(9 steps\)/, 'the upgrade to finish');
      t.true(existsSync(file), 'the first write created the file');
      await s.press(KEYS.escape);
      await s.waitFor(/at 20260115090000 · 0 pending/);
      t.false(s.session.notCreated);
    } finally {
      await s.close();
    }
  });
}

test('quitting the TUI on the embedded default before it exists says it does not exist yet, not that it "is at base"', async (t) => {
  const s = await openScreen({ migrations: EXAMPLE, embeddedDefault: true, width: 80, height: 24 });
  try {
    await s.waitFor(/no database yet: upgrade creates it/);
    await s.press('q');
    t.regex(s.quitSummary() ?? '', /^migrate-tui: quit; sqlite:\S+screen\.sqlite does not exist yet \(nothing was created\)$/);
    t.false(existsSync(join(s.work, 'screen.sqlite')));
  } finally {
    await s.close();
  }
});

test('an existing empty file is a database: status reads it as nothing applied', async (t) => {
  const cwd = fresh();
  writeFileSync(join(cwd, 'x.sqlite'), '');
  const r = await cli(['--url', 'sqlite:./x.sqlite', '--dir', EXAMPLE, 'status'], { cwd });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /applied: +0 of 9/);
});
