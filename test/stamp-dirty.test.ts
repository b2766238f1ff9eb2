import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { withDb } from './helpers/databases.js';
import { openFleetScreen } from './helpers/fleet-screen.js';
import { makeFolder } from './helpers/folders.js';
import { KEYS } from './helpers/screen.js';

/**
 * `stamp` on a dirty database clears the dirty state (the unfinished step's log row becomes
 * `resolved`), and its statements that ran stay. Its result said "nothing to do: the database is
 * already there"; a fleet stamp (asked once, `--yes` for all) did it to every dirty target unasked,
 * each line "= nothing to do: already at 001" (status `current`). Now the one-database stamp says
 * what it cleared, and a fleet stamp refuses a dirty target (resolve it on that target alone).
 */
const FILES = {
  '001_a.up.sql': 'CREATE TABLE a (id int);\n',
  '001_a.down.sql': 'DROP TABLE a;\n',
  '002_b.up.sql': '-- migrate:transaction off\nCREATE TABLE b (id int);\nINSERT INTO nowhere VALUES (1);\n',
  '002_b.down.sql': 'DROP TABLE b;\n',
};
const logStatus = (file: string) => withDb(`sqlite:${file}`, (db) => db.query<{ status: string }>("SELECT status FROM migrate_tui_log WHERE revision = '002'")).then((r) => r.map((x) => x.status));
const tables = (file: string) => withDb(`sqlite:${file}`, (db) => db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b') ORDER BY name")).then((r) => r.map((x) => x.name));

async function dirtyAt(dir: string, cwd: string, name: string): Promise<string> {
  const up = await cli(['--url', `sqlite:./${name}`, '--dir', dir, 'upgrade'], { cwd });
  if (up.code !== 5) throw new Error(up.stderr);
  return join(cwd, name);
}

test('stamp on a dirty database says it cleared the dirty state and that the statements that ran stay, not "nothing to do"', async (t) => {
  const dir = makeFolder(FILES);
  const cwd = makeFolder({});
  const file = await dirtyAt(dir, cwd, 'd.sqlite');
  const r = await cli(['--url', 'sqlite:./d.sqlite', '--dir', dir, '--yes', 'stamp', '001'], { cwd });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'cleared the dirty state of the unfinished up of 002: 1 of its 2 statements had run, and it stays in the database (stamp runs no SQL)\nheads now: 001\n');
  t.regex(r.stderr, /stamp 001 runs no SQL; it records the state and clears the dirty state/);
  // True per the database: the step is resolved, and table b, from its first statement, is there.
  t.deepEqual(await logStatus(file), ['resolved']);
  t.deepEqual(await tables(file), ['a', 'b']);

  const other = await dirtyAt(dir, cwd, 'e.sqlite');
  const json = JSON.parse((await cli(['--url', 'sqlite:./e.sqlite', '--dir', dir, '--yes', 'stamp', '002', '--json'], { cwd })).stdout);
  t.deepEqual(json.clearedDirty, { revision: '002', direction: 'up', statementsDone: 1, statementsTotal: 2 });
  t.deepEqual(json.headsAfter, ['002']);
  t.deepEqual(await logStatus(other), ['resolved', 'done']);
  const clean = JSON.parse((await cli(['--url', 'sqlite:./e.sqlite', '--dir', dir, '--yes', 'stamp', '002', '--json'], { cwd })).stdout);
  t.is(clean.clearedDirty, null);
});

test('a fleet stamp refuses a dirty target (exit 5, nothing recorded) instead of clearing its state under the one question; the others are stamped', async (t) => {
  const dir = makeFolder(FILES);
  const cwd = makeFolder({});
  const dirty = await dirtyAt(dir, cwd, 'd.sqlite');
  t.is((await cli(['--url', 'sqlite:./c.sqlite', '--dir', dir, 'upgrade', '001'], { cwd })).code, 0);
  writeFileSync(join(cwd, 'migrate-tui.targets.json'), JSON.stringify([{ name: 'dirty', url: 'sqlite:./d.sqlite' }, { name: 'clean', url: 'sqlite:./c.sqlite' }]));
  const r = await cli(['--targets', '--dir', dir, '--yes', 'stamp', '002', '--json'], { cwd });
  t.is(r.code, 1, r.stderr);
  const [d, c] = JSON.parse(r.stdout).targets;
  t.is(d.status, 'refused');
  t.is(d.exitCode, 5);
  t.regex(d.summary, /^REFUSED — nothing ran: sqlite:\.\/d\.sqlite is dirty: the up of 002 stopped after 1 of 2 statements .*\(→ inspect the database, then: `migrate-tui --url <dirty's url> resolve 002 --resume`/);
  t.is(c.status, 'done');
  t.is(c.summary, 'stamped 1 revision; heads now 002');
  // Nothing recorded on the dirty one: its step is still dirty, status says so.
  t.deepEqual(await logStatus(dirty), ['dirty']);
  t.regex((await cli(['--url', 'sqlite:./d.sqlite', '--dir', dir, 'status'], { cwd })).stdout, /DIRTY: {4}the up of 002 stopped after 1 of 2 statements/);
});

test("the fleet view's stamp refuses a dirty target too (its state is not cleared under the one typed confirmation)", async (t) => {
  const dir = makeFolder(FILES);
  const cwd = makeFolder({});
  const dirty = await dirtyAt(dir, cwd, 'd.sqlite');
  const s = openFleetScreen({ migrations: dir, targets: [{ name: 'dirty', url: `sqlite:${dirty}` }] });
  try {
    await s.waitFor(/read 1\/1/);
    await s.press('a', 's');
    await s.waitFor('Stamp 1 target: to which revision?');
    await s.press('001', KEYS.enter);
    await s.waitFor('STAMP RUNS NO SQL');
    await s.press('1 target', KEYS.enter);
    const result = await s.waitFor('stamp 001 on 1 target: 1 refused');
    t.regex(result, /✗ dirty \[default\]: REFUSED — nothing ran: \S+ is dirty:/);
    t.notRegex(result, /nothing to do/);
  } finally {
    await s.close();
  }
  t.deepEqual(await logStatus(dirty), ['dirty']);
});
