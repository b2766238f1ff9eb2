import { notRun } from './helpers/not-run.js';
import test from 'ava';
import { untilActive } from './helpers/pg-activity.js';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { BIN, cli } from './helpers/cli.js';
import { DATABASES } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { hasTmux, Tmux } from './helpers/tmux.js';

/**
 * The built binary's fleet view in a real terminal (tmux): `migrate-tui --targets` opens the
 * table, space selects, u and the typed count upgrade the selection, enter opens a target's
 * view and q comes back, q quits — and the terminal is restored with one line.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));

test('the binary in tmux: migrate-tui --targets opens the fleet table; select, upgrade with the typed count, open a target, come back, quit', async (t) => {
  for (const [missing, what] of [[!hasTmux, 'TMUX NOT INSTALLED (apt-get install tmux)'], [!process.env.TEST_POSTGRES_URL, 'POSTGRESQL SERVER NOT RUNNING (run through npm test)']] as const) {
    if (!missing) continue;
    notRun(t, `${what}: the fleet view end-to-end test did NOT run`);
    return;
  }
  const work = makeFolder({});
  cpSync(EXAMPLE, join(work, 'migrations'), { recursive: true });
  for (const f of ['a', 'b']) writeFileSync(join(work, `${f}.sqlite`), '');
  const pg = await DATABASES.find((d) => d.name === 'postgres')!.fresh();
  writeFileSync(
    join(work, 'migrate-tui.targets.json'),
    JSON.stringify({ stages: ['canary', 'main'], targets: [{ name: 'canary-a', url: 'sqlite:./a.sqlite', stage: 'canary' }, { name: 'main-b', url: 'sqlite:./b.sqlite', stage: 'main' }, { name: 'main-pg', url: pg, stage: 'main' }] }),
  );
  const tmux = new Tmux(`node ${BIN} --targets; echo "EXIT=$?"; sleep 600`, work);
  try {
    await tmux.waitFor(/Fleet migrate-tui\.targets\.json: 3 targets · canary → main · read 3\/3 · 3 behind/);
    t.true(tmux.alternateScreen(), 'the fleet view runs on the alternate screen');
    t.regex(tmux.screen(), /main-pg +main +postgres +base +9 -\s+-\s+free +never/);
    // Select canary-a and main-pg, upgrade them.
    tmux.keys('Space', 'j', 'Space');
    await tmux.waitFor('2 selected');
    tmux.keys('u');
    await tmux.waitFor('Type 2 targets and press enter to confirm:');
    tmux.type('2 targets');
    await tmux.waitFor('> 2 targets');
    tmux.keys('Enter');
    const result = await tmux.waitFor('upgrade to heads on 2 targets: 2 done');
    t.regex(result, /✓ canary-a \[canary\]: applied 9 revisions; heads now 20260115090000/);
    t.regex(result, /✓ main-pg \[main\]: applied 9 revisions; heads now 20260115090000/);
    tmux.keys('Enter');
    await tmux.waitFor(/main-pg +main +postgres +20260115090000 +0 /);
    t.regex(tmux.screen(), /main-b +main +sqlite +base +9 /, 'the unselected target is untouched');
    t.is(readFileSync(join(work, 'b.sqlite')).length, 0);
    // Open main-b in the one-database view and come back.
    tmux.keys('k', 'Enter');
    await tmux.waitFor(/History \(9\)/);
    await tmux.waitFor(/b\.sqlite · sqlite · at base · 9 pending/);
    tmux.keys('q');
    await tmux.waitFor(/Fleet migrate-tui\.targets\.json: 3 targets/);
    tmux.keys('q');
    const after = await tmux.waitFor('EXIT=0');
    t.false(tmux.alternateScreen(), 'the terminal left the alternate screen');
    t.regex(after, /migrate-tui: quit; fleet migrate-tui\.targets\.json: 3 targets, 1 with pending revisions when last read/);
    t.notRegex(after, /History \(9\)|Fleet migrate-tui/, 'nothing of the TUI is left on the normal screen');
    t.deepEqual(JSON.parse((await cli(['--url', pg, '--dir', EXAMPLE, 'status', '--json'])).stdout).pending, []);
  } finally {
    tmux.kill();
  }
});

test('the binary in tmux: SIGTERM during a fleet upgrade cancels the running target on the server (it rolls back), starts nothing new, exits 130 with one line', async (t) => {
  if (!hasTmux || !process.env.TEST_POSTGRES_URL) {
    notRun(t, 'TMUX OR POSTGRESQL MISSING: the fleet view SIGTERM test did NOT run');
    return;
  }
  const work = makeFolder({
    'migrations/001_t.up.sql': 'CREATE TABLE t (id INTEGER);\n',
    'migrations/001_t.down.sql': 'DROP TABLE t;\n',
    'migrations/002_slow.up.sql': '-- migrate:dialect postgres\nSELECT pg_sleep(30);\n-- migrate:dialect default\nSELECT 1;\n-- migrate:end\n',
    'migrations/002_slow.down.sql': '',
  });
  writeFileSync(join(work, 'b.sqlite'), '');
  const pg = await DATABASES.find((d) => d.name === 'postgres')!.fresh();
  writeFileSync(join(work, 'migrate-tui.targets.json'), JSON.stringify({ stages: ['canary', 'main'], targets: [{ name: 'pg', url: pg, stage: 'canary' }, { name: 'b', url: 'sqlite:./b.sqlite', stage: 'main' }] }));
  const tmux = new Tmux(`node ${BIN} --targets; echo "EXIT=$?"; sleep 600`, work);
  const admin = postgres(process.env.TEST_POSTGRES_URL!, { max: 1, onnotice: () => {} });
  try {
    await tmux.waitFor(/read 2\/2/);
    tmux.keys('u');
    await tmux.waitFor('Type 2 targets');
    tmux.type('2 targets');
    await tmux.waitFor('> 2 targets');
    tmux.keys('Enter');
    await tmux.waitFor(/pg +canary .*▸ ↑ 2\/2 002/);
    const database = new URL(pg).pathname.slice(1);
    await untilActive(admin, database, '%pg_sleep%');
    const shell = tmux.panePid();
    const node = Number(spawnSync('pgrep', ['-P', String(shell)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
    t.true(node > 0, 'the binary runs under the pane\'s shell');
    const started = Date.now();
    process.kill(node, 'SIGTERM');
    const after = await tmux.waitFor('EXIT=130');
    t.true(Date.now() - started < 15_000, 'the 30 s statement was cancelled, not waited for');
    t.regex(after, /migrate-tui: stopped by SIGTERM: the fleet action was cancelled: nothing new started/);
    t.false(tmux.alternateScreen());
    t.deepEqual(JSON.parse((await cli(['--url', pg, '--dir', join(work, 'migrations'), 'status', '--json'])).stdout).current, ['001'], 'the slow migration rolled back');
    t.is(readFileSync(join(work, 'b.sqlite')).length, 0, 'the later stage never started');
  } finally {
    tmux.kill();
    await admin.end();
  }
});

test("the binary in tmux: with the fleet view's first frame (drawn before the engine loads) a bad targets file is reported on the restored terminal (exit 2); a good one opens the table and q quits", async (t) => {
  if (!hasTmux) {
    notRun(t, 'TMUX NOT INSTALLED: the fleet view first-frame test did NOT run');
    return;
  }
  const work = makeFolder({ 'migrations/001_t.up.sql': 'CREATE TABLE t (id INTEGER);\n', 'migrations/001_t.down.sql': 'DROP TABLE t;\n', 'bad.json': '[{"name": "a"}]' });
  const tmux = new Tmux(`node ${BIN} --targets bad.json; echo "EXIT=$?"; sleep 600`, work);
  try {
    const after = await tmux.waitFor('EXIT=2');
    t.false(tmux.alternateScreen(), 'the first frame left the alternate screen');
    t.regex(after, /bad\.json/);
    t.notRegex(after, /migrate-tui — opening/, 'nothing of the first frame is left on the normal screen');
  } finally {
    tmux.kill();
  }
  // A good file: the first frame, then the table, q quits.
  writeFileSync(join(work, 'a.sqlite'), '');
  writeFileSync(join(work, 'migrate-tui.targets.json'), JSON.stringify([{ name: 'a', url: 'sqlite:./a.sqlite' }]));
  const view = new Tmux(`node ${BIN} --targets; echo "EXIT=$?"; sleep 600`, work);
  try {
    // The first frame's status line names the fleet once the file is read (too brief to catch every time).
    await view.waitFor(/fleet migrate-tui\.targets\.json: 1 target · reading state…|Fleet migrate-tui\.targets\.json/);
    await view.waitFor(/Fleet migrate-tui\.targets\.json: 1 target · default · read 1\/1 · 1 behind/);
    view.keys('q');
    await view.waitFor('EXIT=0');
    t.false(view.alternateScreen());
  } finally {
    view.kill();
  }
});
