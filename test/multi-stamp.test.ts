import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { DATABASES, eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { OtherToolError, type OtherToolRecord } from '../src/engine/index.js';
import { otherToolNotice, tuiHint } from '../src/tui/tui-hints.js';

/**
 * `stamp a b` (several targets, one per branch, as `alembic stamp a b`): the applied set becomes
 * exactly the targets and their ancestors, a version row per target that no other covers, a
 * `stamp` log row per revision marked; overlaps, bad targets; and first contact with an
 * alembic_version of rows on two branches (Alembic's own stamp writes it, where Alembic is installed).
 */
// aa ─ bb ─ cc      (two branches from aa; heads cc and ee)
//    └ dd ─ ee
const IDS = ['aa01', 'bb02', 'cc03', 'dd04', 'ee05'] as const;
const PARENT: Record<string, string | null> = { aa01: null, bb02: 'aa01', cc03: 'bb02', dd04: 'aa01', ee05: 'dd04' };
const FOLDER = Object.fromEntries(
  IDS.flatMap((id) => [
    [`${id}_t${id}.up.sql`, `-- migrate:revises ${PARENT[id] ?? 'base'}\nCREATE TABLE t_${id} (id int);\n`],
    [`${id}_t${id}.down.sql`, `DROP TABLE t_${id};\n`],
  ]),
);
/** What bb02 and dd04 (and aa01) made, as the other tool (or a stamp's user) left the database. */
const SCHEMA = ['aa01', 'bb02', 'dd04'].map((id) => `CREATE TABLE t_${id} (id int)`);

const setUp = (url: string, statements: readonly string[]) => withDb(url, async (db) => void (await statements.reduce((p, s) => p.then(() => db.execute(s)), Promise.resolve())));
const mt = (url: string, dir: string, ...args: string[]) => cli(['--url', url, '--dir', dir, ...args]);
const versionRows = (url: string) => withDb(url, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version')).then((r) => r.map((x) => String(x.revision)).sort());
const logRows = (url: string) =>
  withDb(url, (db) => db.query<{ revision: string; direction: string; kind: string }>('SELECT revision, direction, kind FROM migrate_tui_log ORDER BY id')).then((r) => r.map((x) => `${x.kind} ${x.direction} ${x.revision}`));
const hasStateTables = (url: string) => withDb(url, (db) => db.tableExists('migrate_tui_version'));

eachDatabase('stamp bb02 dd04 (one per branch): those two rows, a stamp log row per revision marked, current names both; upgrade then applies only cc03 and ee05', async (t, url) => {
  const dir = makeFolder(FOLDER);
  await setUp(url, SCHEMA);
  const stamp = await mt(url, dir, 'stamp', 'bb02', 'dd04');
  t.is(stamp.code, 0, stamp.stderr);
  t.is(stamp.stdout, 'stamped 3 revisions\nheads now: bb02, dd04\n');
  t.is(stamp.stderr, '');
  t.deepEqual(await versionRows(url), ['bb02', 'dd04']);
  t.deepEqual(await logRows(url), ['stamp up aa01', 'stamp up bb02', 'stamp up dd04']);
  t.regex((await mt(url, dir, 'current')).stdout, /^bb02 tbb02\ndd04 tdd04\n$/);
  const up = await mt(url, dir, '--yes', 'upgrade');
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /applied 2 revisions\nheads now: cc03, ee05/);
  t.deepEqual((await logRows(url)).filter((r) => r.startsWith('migrate')), ['migrate up cc03', 'migrate up ee05']);
  t.deepEqual(await versionRows(url), ['cc03', 'ee05']);
});

eachDatabase('stamp with two targets from a state: marking revisions NOT applied asks first (exit 4 without --yes, nothing written); with --yes the head of each branch goes back', async (t, url) => {
  const dir = makeFolder(FOLDER);
  t.is((await mt(url, dir, '--yes', 'upgrade')).code, 0);
  const before = await logRows(url);
  const asked = await mt(url, dir, 'stamp', 'bb02', 'dd04');
  t.is(asked.code, 4);
  t.regex(asked.stderr, /stamp bb02 dd04 runs no SQL; it records (ee05, cc03|cc03, ee05) as NOT applied/);
  t.deepEqual(await versionRows(url), ['cc03', 'ee05']);
  t.deepEqual(await logRows(url), before);
  const json = await mt(url, dir, '--yes', '--json', 'stamp', 'bb02', 'dd04');
  t.is(json.code, 0, json.stderr);
  t.like(JSON.parse(json.stdout), { direction: 'downgrade', target: 'bb02 dd04', targets: ['bb02', 'dd04'], covered: [], headsBefore: ['cc03', 'ee05'], headsAfter: ['bb02', 'dd04'], error: null });
  t.deepEqual((await logRows(url)).slice(before.length).sort(), ['stamp down cc03', 'stamp down ee05']);
  t.deepEqual(await versionRows(url), ['bb02', 'dd04']);
}, ['sqlite', 'postgres']);

test('overlapping targets: one below another, the same named twice, one below heads: noted, no row of its own, the set as the others make it (Alembic 1.8.1 writes a row per target)', async (t) => {
  const dir = makeFolder(FOLDER);
  const cases: Array<[string[], string[], string[], RegExp]> = [
    [['aa01', 'bb02'], ['bb02'], ['aa01', 'bb02'], /^note: aa01 adds nothing to bb02: stamping bb02 records it as applied already; it gets no version row of its own\n$/],
    [['bb02', 'aa01'], ['bb02'], ['aa01', 'bb02'], /^note: aa01 adds nothing to bb02/],
    [['bb02', 'bb02'], ['bb02'], ['aa01', 'bb02'], /^note: bb02 is named twice; it gets no version row of its own\n$/],
    [['bb', 'bb02'], ['bb02'], ['aa01', 'bb02'], /^note: bb02 adds nothing to bb/],
    [['bb02', 'heads'], ['cc03', 'ee05'], [...IDS], /^note: bb02 adds nothing to heads/],
    [['cc03', 'dd04', 'aa01'], ['cc03', 'dd04'], ['aa01', 'bb02', 'cc03', 'dd04'], /^note: aa01 adds nothing to cc03/],
  ];
  for (const [targets, rows, marked, note] of cases) {
    const url = await DATABASES[0]!.fresh();
    const run = await mt(url, dir, '--json', 'stamp', ...targets);
    t.is(run.code, 0, run.stderr);
    t.regex(run.stderr, note, targets.join(' '));
    const json = JSON.parse(run.stdout) as { headsAfter: string[]; targets: string[]; covered: Array<{ target: string; by: string }> };
    t.deepEqual(json.headsAfter, rows, targets.join(' '));
    t.deepEqual(json.targets, targets);
    t.is(json.covered.length, 1, targets.join(' '));
    t.deepEqual(await versionRows(url), rows, targets.join(' '));
    t.deepEqual((await logRows(url)).sort(), marked.map((id) => `stamp up ${id}`).sort(), targets.join(' '));
  }
});

test('bad targets: an unknown id among several is named (exit 2), base or a relative target with others is refused (exit 2); nothing is written', async (t) => {
  const dir = makeFolder(FOLDER);
  const url = await DATABASES[0]!.fresh();
  const unknown = await mt(url, dir, 'stamp', 'bb02', 'zz99');
  t.is(unknown.code, 2);
  t.is(unknown.stderr, 'error: no revision or branch label "zz99"\n  → see `migrate-tui history` for ids and `migrate-tui branches` for labels\n');
  const json = await mt(url, dir, '--json', 'stamp', 'zz99', 'bb02');
  t.is(json.code, 2);
  t.like(JSON.parse(json.stdout).error, { code: 'unknown-revision', meta: { ref: 'zz99' } });
  for (const other of ['base', '+1', 'dd04-1', 'bb@base', 'bb@-1']) {
    const run = await mt(url, dir, 'stamp', 'bb02', other);
    t.is(run.code, 2, other);
    t.true(run.stderr.startsWith(`error: "${other}" cannot be one of several stamp targets\n`), run.stderr);
    t.true(run.stderr.includes(`; stamp ${other} alone\n`), other);
  }
  t.false(await hasStateTables(url));
  // One target keeps its grammar: base, and relative targets from the state.
  t.is((await mt(url, dir, 'stamp', 'bb02')).code, 0);
  t.is((await mt(url, dir, 'stamp', '+1')).code, 0);
  t.deepEqual(await versionRows(url), ['cc03']);
});

const ALEMBIC_VERSION = 'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))';

eachDatabase("first contact with an alembic_version of two rows on two branches: status suggests `stamp bb02 dd04`; upgrade refuses (exit 11) naming it; stamp then upgrade applies only cc03 and ee05", async (t, url) => {
  const dir = makeFolder(FOLDER);
  await setUp(url, [ALEMBIC_VERSION, "INSERT INTO alembic_version (version_num) VALUES ('bb02')", "INSERT INTO alembic_version (version_num) VALUES ('dd04')", ...SCHEMA]);
  const status = await mt(url, dir, 'status');
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, /OTHER: +this database was migrated by Alembic \(alembic_version: version_num bb02, dd04\); migrate-tui has no record of it yet\n +take it over with: migrate-tui --url <url> stamp bb02 dd04 \(runs no SQL\); `upgrade` refuses \(exit 11\) until then\n/);
  const json = JSON.parse((await mt(url, dir, '--json', 'status')).stdout);
  // `stamp` stays one target (null here: it takes two), `stampTargets` lists them.
  t.like(json.otherTools[0], { tool: 'alembic', versions: ['bb02', 'dd04'], stamp: null, stampTargets: ['bb02', 'dd04'], problem: null });
  const up = await mt(url, dir, '--yes', 'upgrade');
  t.is(up.code, 11);
  t.regex(up.stderr, /→ if the database is at bb02 and dd04, take it over with `migrate-tui --url <url> stamp bb02 dd04` \(records bb02, dd04 and what they are built on as applied; runs no SQL\), then upgrade/);
  t.false(await hasStateTables(url));

  const stamp = await mt(url, dir, 'stamp', 'dd04', 'bb02');
  t.is(stamp.code, 0, stamp.stderr);
  // In either order it is the stamp the table says: no warning.
  t.notRegex(stamp.stderr, /warning/);
  t.regex(stamp.stderr, /taking over from Alembic: its alembic_version is left as it was/);
  const after = await mt(url, dir, '--yes', 'upgrade');
  t.is(after.code, 0, after.stderr);
  t.deepEqual((await logRows(url)).filter((r) => r.startsWith('migrate')), ['migrate up cc03', 'migrate up ee05']);
  const alembic = await withDb(url, (db) => db.query<{ version_num: string }>('SELECT version_num FROM alembic_version'));
  t.deepEqual(alembic.map((r) => r.version_num).sort(), ['bb02', 'dd04'], "Alembic's table is left as it was");
});

test("first contact: an alembic_version with a row below another (as `alembic stamp aa01 bb02` leaves it) suggests the upper one; a stamp elsewhere warns with both targets; dbmate's versions ending on two branches suggest two targets", async (t) => {
  const dir = makeFolder(FOLDER);
  const url = await DATABASES[0]!.fresh();
  await setUp(url, [ALEMBIC_VERSION, "INSERT INTO alembic_version VALUES ('aa01'), ('bb02')"]);
  t.like((await statusJson(url, dir)).otherTools[0], { stamp: 'bb02', stampTargets: ['bb02'], problem: null });
  await setUp(url, ["INSERT INTO alembic_version VALUES ('dd04')"]);
  const stamp = await mt(url, dir, 'stamp', 'bb02', 'ee05');
  t.is(stamp.code, 0);
  t.regex(stamp.stderr, /warning: Alembic's alembic_version says the database is at bb02 dd04, not bb02 ee05: check the schema before going on/);

  const dbmate = await DATABASES[0]!.fresh();
  await setUp(dbmate, ['CREATE TABLE schema_migrations (version varchar(128) primary key)', "INSERT INTO schema_migrations VALUES ('aa01'), ('bb02'), ('dd04')"]);
  t.like((await statusJson(dbmate, dir)).otherTools[0], { tool: 'dbmate', stamp: null, stampTargets: ['bb02', 'dd04'], problem: null });
  // All the heads: `stamp heads`, as before.
  await setUp(dbmate, ["INSERT INTO schema_migrations VALUES ('cc03'), ('ee05')"]);
  t.like((await statusJson(dbmate, dir)).otherTools[0], { stamp: 'heads', stampTargets: ['heads'] });
});

const statusJson = async (url: string, dir: string) => JSON.parse((await mt(url, dir, '--json', 'status')).stdout) as { otherTools: Array<Record<string, unknown>> };

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const hasAlembic = spawnSync(python, ['-c', 'import alembic'], { encoding: 'utf8' }).status === 0;

/** An Alembic project with the folder's graph (same ids and parents), whose env.py connects to `sqlite`. */
function alembicProject(sqlite: string): string {
  const root = mkdtempSync(join(tmpdir(), 'migrate-tui-alembic-stamp-'));
  mkdirSync(join(root, 'migrations', 'versions'), { recursive: true });
  writeFileSync(join(root, 'alembic.ini'), `[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///${sqlite}\n`);
  writeFileSync(
    join(root, 'migrations', 'env.py'),
    'from alembic import context\nfrom sqlalchemy import engine_from_config, pool\nconfig = context.config\nengine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)\nwith engine.connect() as connection:\n    context.configure(connection=connection)\n    with context.begin_transaction():\n        context.run_migrations()\n',
  );
  for (const id of IDS) {
    const down = PARENT[id] === null ? 'None' : `'${PARENT[id]}'`;
    writeFileSync(join(root, 'migrations', 'versions', `${id}.py`), `revision = '${id}'\ndown_revision = ${down}\nbranch_labels = None\ndepends_on = None\nfrom alembic import op\ndef upgrade():\n    op.execute("CREATE TABLE t_${id} (id int)")\ndef downgrade():\n    op.execute("DROP TABLE t_${id}")\n`);
  }
  return root;
}

test("Alembic 1.8.1's own `alembic stamp bb02 dd04` and `alembic upgrade bb02`, `upgrade dd04`: migrate-tui's status suggests the same two targets, and its stamp writes the rows Alembic wrote; on overlapping targets Alembic writes both rows and then refuses its own upgrade", async (t) => {
  if (!hasAlembic) {
    const message = `ALEMBIC NOT INSTALLED: \`alembic stamp a b\` was NOT compared (${python} cannot import alembic)`;
    if (process.env.CI === 'true') t.fail(message);
    else t.log(message);
    t.pass();
    return;
  }
  const dir = makeFolder(FOLDER);
  const alembic = (root: string, ...args: string[]) => spawnSync(python, ['-c', 'import sys; from alembic.config import main; main(argv=sys.argv[1:])', ...args], { cwd: root, encoding: 'utf8' });
  const alembicRows = (url: string) => withDb(url, (db) => db.query<{ version_num: string }>('SELECT version_num FROM alembic_version')).then((r) => r.map((x) => x.version_num).sort());
  for (const verb of ['stamp', 'upgrade']) {
    const url = await DATABASES[0]!.fresh();
    const root = alembicProject(url.slice('sqlite:'.length));
    // `alembic upgrade` takes one target: one branch, then the other.
    for (const args of verb === 'stamp' ? [['stamp', 'bb02', 'dd04']] : [['upgrade', 'bb02'], ['upgrade', 'dd04']]) {
      const run = alembic(root, ...args);
      t.is(run.status, 0, run.stderr);
    }
    t.deepEqual(await alembicRows(url), ['bb02', 'dd04'], `alembic ${verb}`);
    t.like((await statusJson(url, dir)).otherTools[0], { tool: 'alembic', stampTargets: ['bb02', 'dd04'] });
    t.is((await mt(url, dir, 'stamp', 'bb02', 'dd04')).code, 0);
    t.deepEqual(await versionRows(url), await alembicRows(url), `migrate-tui's rows are Alembic's after alembic ${verb}`);
    t.is((await mt(url, dir, '--yes', 'upgrade')).code, 0);
    const schema = await withDb(url, (db) => db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE name LIKE 't_%' ORDER BY name"));
    // Only cc03 and ee05 ran here: Alembic's stamp made no table, its upgrade the other three.
    t.deepEqual(schema.map((r) => r.name), verb === 'stamp' ? ['t_cc03', 't_ee05'] : IDS.map((id) => `t_${id}`));
  }
  // Overlap: Alembic writes a row per target, and its next upgrade refuses; migrate-tui reads that table as Alembic's `current` does.
  const url = await DATABASES[0]!.fresh();
  const root = alembicProject(url.slice('sqlite:'.length));
  t.is(alembic(root, 'stamp', 'aa01', 'bb02').status, 0);
  t.deepEqual(await alembicRows(url), ['aa01', 'bb02']);
  const refused = alembic(root, 'upgrade', 'heads');
  t.not(refused.status, 0);
  t.regex(refused.stdout + refused.stderr, /Requested revision bb02 overlaps with other requested revisions aa01/);
  t.like((await statusJson(url, dir)).otherTools[0], { stamp: 'bb02', stampTargets: ['bb02'] });
  t.is((await mt(url, dir, 'stamp', 'aa01', 'bb02')).code, 0);
  t.deepEqual(await versionRows(url), ['bb02']);
});

test("the TUI's words on first contact with rows on two branches: the status bar and an upgrade's refusal name the CLI's two-target stamp (its own stamp key marks one revision)", (t) => {
  const record: OtherToolRecord = { tool: 'alembic', table: 'alembic_version', versions: ['bb02', 'dd04'], dirty: false, position: 'version_num bb02, dd04', stamp: null, stampTargets: ['bb02', 'dd04'], problem: null };
  // The take-over first (an 80-column status bar cuts the end), the other tool's table last.
  t.is(otherToolNotice([record]), 'migrated by Alembic: `migrate-tui stamp bb02 dd04` takes it over · no migrate-tui record; alembic_version: version_num bb02, dd04');
  t.is(otherToolNotice([record], { url: true }), 'migrated by Alembic: `migrate-tui --url <url> stamp bb02 dd04` takes it over · no migrate-tui record; alembic_version: version_num bb02, dd04');
  const hint = tuiHint(new OtherToolError([record], 'sqlite:x', 'upgrade', 'aa01'));
  t.regex(hint ?? '', /^if the database is at bb02 and dd04, take it over in a shell with `migrate-tui stamp bb02 dd04` \(one stamp, several targets: the TUI's \S+ stamps one revision\)\. If alembic_version is not this history's/);
  // One target: as before, the TUI's own key.
  t.regex(otherToolNotice([{ ...record, versions: ['bb02'], stamp: 'bb02', stampTargets: ['bb02'] }]) ?? '', /^migrated by Alembic: stamp bb02 \(\S+\) takes it over · /);
});
