import test from 'ava';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen } from './helpers/screen.js';

/**
 * The other tools' records on SQLite, in process: goose's replayed log, Flyway (mapped onto a
 * Flyway folder's V files, its baseline, a failed entry) and Alembic (mapped when its
 * version_num is a revision of the folder), tables that only
 * share a name, an empty record, a seed-only log, and the TUI's status bar and upgrade.
 * (golang-migrate and dbmate on every server: other-tools-db.test.ts.)
 */
const FOLDER = {
  '00001_a.up.sql': 'CREATE TABLE a (id int);\n',
  '00001_a.down.sql': 'DROP TABLE a;\n',
  '00002_b.up.sql': 'CREATE TABLE b (id int);\n',
  '00002_b.down.sql': 'DROP TABLE b;\n',
};

/** A SQLite file holding what `statements` make. */
async function setUp(statements: readonly string[]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'migrate-tui-other-')), 'db.sqlite');
  writeFileSync(file, '');
  const url = `sqlite:${file}`;
  await withDb(url, async (db) => {
    for (const s of statements) await db.execute(s);
  });
  return url;
}

const status = async (url: string, dir: string) => JSON.parse((await cli(['--url', url, '--dir', dir, '--json', 'status'])).stdout) as { otherTools: Array<Record<string, unknown>>; pending: string[] };
const tables = (url: string) => withDb(url, (db) => db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).then((rows) => rows.map((r) => r.name));

/** goose_db_version as goose's sqlite3 dialect creates it. */
const GOOSE = 'CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime(\'now\')))';

test("goose: the latest row of each version decides (2 applied, then reverted: at 1), version 0 is goose's own; stamp 00001 is suggested", async (t) => {
  const dir = makeFolder(FOLDER);
  const url = await setUp([GOOSE, 'INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1), (2, 1), (2, 0)']);
  const [goose] = (await status(url, dir)).otherTools;
  t.like(goose, { tool: 'goose', table: 'goose_db_version', versions: ['1'], stamp: '00001', problem: null });
  const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 11);
  t.regex(up.stderr, /goose \(goose_db_version: 1 version applied: 1\)/);
  t.deepEqual(await tables(url), ['goose_db_version', 'sqlite_sequence']);
});

test("goose: a folder's Go migrations (as pressly/goose's examples/go-migrations) are errors naming each, the SQL files' history is still shown, and first contact names them instead of 'not revisions of this folder'", async (t) => {
  const goMigration = (fn: string) => `package main\n\nimport "github.com/pressly/goose/v3"\n\nfunc init() {\n\tgoose.${fn}(up, down)\n}\n`;
  const files = {
    '00001_create_users.sql': '-- +goose Up\nCREATE TABLE users (id int, username text);\n\n-- +goose Down\nDROP TABLE users;\n',
    '00002_rename_root.go': goMigration('AddMigrationContext'),
    '00003_add_user_no_tx.go': goMigration('AddMigrationNoTxContext'),
    'main.go': 'package main\n\nfunc main() {}\n',
    '00004_helpers.go': 'package main\n\n// not a migration: registers nothing\n',
    '00005_x_test.go': goMigration('AddMigration'),
  };
  const dir = makeFolder(files);
  const check = await cli(['--dir', dir, 'check', '--offline', '--json']);
  t.is(check.code, 1);
  const errors = (JSON.parse(check.stdout) as { problems: Array<{ code: string; severity: string; path: string; message: string }> }).problems.filter((p) => p.severity === 'error');
  t.deepEqual(errors.map((p) => [p.code, p.path.slice(dir.length + 1)]), [
    ['goose-go-migration', '00002_rename_root.go'],
    ['goose-go-migration', '00003_add_user_no_tx.go'],
  ]);
  t.regex(errors[1]!.message, /^a goose Go migration \(version 00003, goose\.AddMigrationNoTxContext\): goose runs it between the SQL files by its version; migrate-tui runs SQL files only/);
  // goose took the database past every version: the Go ones are named as such, and upgrade refuses.
  const url = await setUp([GOOSE, 'INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1), (2, 1), (3, 1)', 'CREATE TABLE users (id int, username text)']);
  const [goose] = (await status(url, dir)).otherTools;
  t.like(goose, { tool: 'goose', versions: ['1', '2', '3'], stamp: null });
  t.regex(String(goose!.problem), /records versions 2, 3: goose Go migrations of this folder \(00002_rename_root\.go, 00003_add_user_no_tx\.go\), which migrate-tui does not run/);
  t.notRegex(String(goose!.problem), /not revisions of this folder/);
  // The folder's errors refuse an upgrade first (exit 3), not first contact's exit 11.
  const text = await cli(['--url', url, '--dir', dir, 'status']);
  t.regex(text.stdout, /; `upgrade` refuses until then \(exit 3 while the folder has errors, then exit 11\)\n/);
  const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 3);
  t.regex(up.stderr, /00002_rename_root\.go: error: a goose Go migration/);
  // A SQLite file the upgrade would create is not made when the folder refuses it (it was left behind, empty).
  const newFile = join(makeFolder({}), 'new.sqlite');
  const refused = await cli(['--url', `sqlite:${newFile}`, '--dir', dir, '--yes', 'upgrade']);
  t.is(refused.code, 3, refused.stderr);
  t.false(existsSync(newFile), 'no SQLite file was created');
  t.notRegex(refused.stderr, /created the SQLite database/);
  // Written as SQL files of the same versions, the stamp fits.
  const converted = makeFolder({
    '00001_create_users.sql': files['00001_create_users.sql'],
    '00002_rename_root.sql': "-- +goose Up\nUPDATE users SET username = 'admin' WHERE username = 'root';\n\n-- +goose Down\nUPDATE users SET username = 'root' WHERE username = 'admin';\n",
    '00003_add_user_no_tx.sql': "-- +goose NO TRANSACTION\n-- +goose Up\nINSERT INTO users VALUES (2, 'gopher');\n\n-- +goose Down\nDELETE FROM users WHERE id = 2;\n",
  });
  t.like((await status(url, converted)).otherTools[0], { stamp: '00003', problem: null });
  // Many Go files (navidrome has 95): the first five are named, then how many more.
  const many = makeFolder({ '00001_create_users.sql': files['00001_create_users.sql'], ...Object.fromEntries([2, 3, 4, 5, 6, 7].map((v) => [`0000${v}_m${v}.go`, goMigration('AddMigrationContext')])) });
  const url7 = await setUp([GOOSE, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), ${[1, 2, 3, 4, 5, 6, 7].map((v) => `(${v}, 1)`).join(', ')}`]);
  t.regex(String((await status(url7, many)).otherTools[0]!.problem), /records versions 2, 3, 4, 5, 6 and 1 more: goose Go migrations of this folder \(00002_m2\.go, 00003_m3\.go, 00004_m4\.go, 00005_m5\.go, 00006_m6\.go and 1 more\)/);
});

/** flyway_schema_history as Flyway creates it (its SQLite flavour). */
const FLYWAY = "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TEXT NOT NULL DEFAULT (datetime('now')), execution_time INT NOT NULL, success BOOLEAN NOT NULL)";
const FLYWAY_FOLDER = {
  'V1__a.sql': 'CREATE TABLE a (id int);\n',
  'U1__a.sql': 'DROP TABLE a;\n',
  'V1_1__b.sql': 'CREATE TABLE b (id int);\n',
  'U1_1__b.sql': 'DROP TABLE b;\n',
  'V2__c.sql': 'CREATE TABLE c (id int);\n',
  'U2__c.sql': 'DROP TABLE c;\n',
};
const flywayRow = (rank: number, version: string | null, script: string, type = 'SQL', success = 1) => `(${rank}, ${version === null ? 'NULL' : `'${version}'`}, 'x', '${type}', '${script}', 1, 'me', datetime('now'), 1, ${success})`;

test('Flyway: its successful versioned entries map onto the folder\'s V files (1_1 is revision 1.1), repeatable ones are skipped; stamp 1.1, then upgrade applies only 2', async (t) => {
  const dir = makeFolder(FLYWAY_FOLDER);
  const url = await setUp([FLYWAY, 'CREATE TABLE a (id int)', 'CREATE TABLE b (id int)', `INSERT INTO flyway_schema_history VALUES ${[flywayRow(1, '1', 'V1__a.sql'), flywayRow(2, null, 'R__view.sql'), flywayRow(3, '1.1', 'V1_1__b.sql')].join(', ')}`]);
  const [flyway] = (await status(url, dir)).otherTools;
  t.like(flyway, { tool: 'flyway', versions: ['1', '1.1'], dirty: false, stamp: '1.1', problem: null });
  const text = (await cli(['--url', url, '--dir', dir, 'status'])).stdout;
  t.regex(text, /migrated by Flyway \(flyway_schema_history: 2 versions applied: 1, 1\.1\)/);
  t.regex(text, /take it over with: migrate-tui --url <url> stamp 1\.1 \(runs no SQL\)/);
  // Not "nothing applied": that is migrate-tui's record only.
  t.regex(text, /current: +base by migrate-tui's record \(see OTHER\)\napplied: +0 of 3 revisions by migrate-tui's record\n/);
  t.notRegex(text, /nothing applied/);
  const current = await cli(['--url', url, '--dir', dir, 'current']);
  t.is(current.stdout, "base by migrate-tui's record; the database was migrated by Flyway (flyway_schema_history: 2 versions applied: 1, 1.1): `migrate-tui --url <url> status` says how to take it over\n");
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 11);
  const stamp = await cli(['--url', url, '--dir', dir, '--yes', 'stamp', '1.1']);
  t.is(stamp.code, 0);
  t.is(stamp.stderr, "taking over from Flyway: its flyway_schema_history is left as it was (migrate-tui never writes it); stop running Flyway on this database (a Spring Boot application runs it at start while flyway-core is on its classpath: set spring.flyway.enabled=false), and drop the table when you no longer need it\n");
  const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /applied 1 revision/);
  t.deepEqual((await tables(url)).filter((n) => /^[abc]$/.test(n)), ['a', 'b', 'c']);
});

test('Flyway: a baseline counts for itself and everything below it; a FAILED entry names flyway repair and no stamp; a version the folder lacks says so', async (t) => {
  const dir = makeFolder(FLYWAY_FOLDER);
  const baseline = await setUp([FLYWAY, `INSERT INTO flyway_schema_history VALUES ${[flywayRow(1, '1.1', '<< Flyway Baseline >>', 'BASELINE'), flywayRow(2, '2', 'V2__c.sql')].join(', ')}`]);
  t.like((await status(baseline, dir)).otherTools[0], { tool: 'flyway', versions: ['2'], baseline: '1.1', stamp: '2', problem: null });
  const failed = await setUp([FLYWAY, `INSERT INTO flyway_schema_history VALUES ${[flywayRow(1, '1', 'V1__a.sql'), flywayRow(2, '1.1', 'V1_1__b.sql', 'SQL', 0)].join(', ')}`]);
  const [dirty] = (await status(failed, dir)).otherTools;
  t.like(dirty, { dirty: true, stamp: null });
  t.regex(String(dirty!.problem), /records a FAILED migration: Flyway's own repair comes first .*flyway repair/);
  // Without Flyway (a team switching away from it), the repair of a failed entry is one DELETE: it works, and the version is pending again.
  t.regex(String(dirty!.problem), /without Flyway: `DELETE FROM flyway_schema_history WHERE NOT success`, which is what repair does to a failed entry/);
  t.is((await cli(['--url', failed, '--dir', dir, '--yes', 'upgrade'])).code, 11);
  // A stamp anyway is the user's call, but the FAILED entry is said (its partial changes are still there).
  const again = await setUp([FLYWAY, `INSERT INTO flyway_schema_history VALUES ${[flywayRow(1, '1', 'V1__a.sql'), flywayRow(2, '1.1', 'V1_1__b.sql', 'SQL', 0)].join(', ')}`]);
  const stamp = await cli(['--url', again, '--dir', dir, '--yes', 'stamp', '1']);
  t.is(stamp.code, 0);
  t.regex(stamp.stderr, /warning: no stamp fits: Flyway's flyway_schema_history records a FAILED migration: .*undo by hand what it did before it failed/);
  // The database came from --url: the command it suggests carries it, as status's does (it said `migrate-tui status`, which reads another database).
  t.regex(stamp.stderr, /then look again with `migrate-tui --url <url> status`/);
  await withDb(failed, (db) => db.execute('DELETE FROM flyway_schema_history WHERE NOT success'));
  t.like((await status(failed, dir)).otherTools[0], { versions: ['1'], dirty: false, stamp: '1', problem: null });
  const foreign = await setUp([FLYWAY, `INSERT INTO flyway_schema_history VALUES ${flywayRow(1, '7', 'V7__x.sql')}`]);
  const [unknown] = (await status(foreign, dir)).otherTools;
  t.like(unknown, { stamp: null });
  t.regex(String(unknown!.problem), /version 7, which is not a revision of this folder/);
  for (const url of [baseline, foreign]) t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 11);
});

test('Flyway: a baseline covers every V file at or below its version, a file of the folder or not; a baseline with nothing after it refuses like applied versions (flyway baseline on an existing schema)', async (t) => {
  const dir = makeFolder(FLYWAY_FOLDER);
  const base = (version: string) => flywayRow(1, version, '<< Flyway Baseline >>', 'BASELINE');
  // 1.5 is no file: Flyway skips V1 and V1_1 below it and applied V2.
  const between = await setUp([FLYWAY, `INSERT INTO flyway_schema_history VALUES ${[base('1.5'), flywayRow(2, '2', 'V2__c.sql')].join(', ')}`]);
  t.like((await status(between, dir)).otherTools[0], { versions: ['2'], baseline: '1.5', stamp: '2', problem: null });
  // Only the baseline: the schema is at 1.1 by Flyway's word, and an upgrade would run V1 on it.
  const only = await setUp([FLYWAY, 'CREATE TABLE a (id int)', 'CREATE TABLE b (id int)', `INSERT INTO flyway_schema_history VALUES ${base('1.5')}`]);
  t.like((await status(only, dir)).otherTools[0], { versions: [], baseline: '1.5', stamp: '1.1', problem: null });
  const text = (await cli(['--url', only, '--dir', dir, 'status'])).stdout;
  t.regex(text, /take it over with: migrate-tui --url <url> stamp 1\.1 \(runs no SQL\)/);
  const up = await cli(['--url', only, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 11, up.stderr);
  t.regex(up.stderr, /an upgrade would apply revision 1, which Flyway's baseline 1\.5 counts as already in the schema\. Nothing was written/);
  t.deepEqual(await tables(only), ['a', 'b', 'flyway_schema_history']);
  // Below every file (`flyway baseline` at 0): it covers nothing, and the upgrade starts at V1 as Flyway's would.
  const below = await setUp([FLYWAY, `INSERT INTO flyway_schema_history VALUES ${base('0')}`]);
  t.like((await status(below, dir)).otherTools[0], { baseline: '0', stamp: null, problem: null });
  t.is((await cli(['--url', below, '--dir', dir, '--yes', 'upgrade'])).code, 0);
});

test("Flyway: an undo (UNDO_SQL, UNDO_SCRIPT) or a repair's DELETE row takes its version back out, as Flyway reads its history; the newest baseline counts", async (t) => {
  const dir = makeFolder(FLYWAY_FOLDER);
  // V2 applied, then undone by Flyway Teams' U2: the database is at 1.1.
  const undone = await setUp([FLYWAY, `INSERT INTO flyway_schema_history VALUES ${[flywayRow(1, '1', 'V1__a.sql'), flywayRow(2, '1.1', 'V1_1__b.sql'), flywayRow(3, '2', 'V2__c.sql'), flywayRow(4, '2', 'U2__c.sql', 'UNDO_SCRIPT')].join(', ')}`]);
  t.like((await status(undone, dir)).otherTools[0], { versions: ['1', '1.1'], stamp: '1.1', problem: null });
  // V7's file was removed and `flyway repair` marked it deleted: it is no longer one of the versions.
  const deleted = await setUp([FLYWAY, `INSERT INTO flyway_schema_history VALUES ${[flywayRow(1, '1', 'V1__a.sql'), flywayRow(2, '7', 'V7__x.sql'), flywayRow(3, '7', 'V7__x.sql', 'DELETE')].join(', ')}`]);
  t.like((await status(deleted, dir)).otherTools[0], { versions: ['1'], stamp: '1', problem: null });
  // Two baselines: Flyway takes the newest version, whatever its rank.
  const two = await setUp([FLYWAY, `INSERT INTO flyway_schema_history VALUES ${[flywayRow(1, '1.1', '<< Flyway Baseline >>', 'BASELINE'), flywayRow(2, '1', '<< Flyway Baseline >>', 'BASELINE')].join(', ')}`]);
  t.like((await status(two, dir)).otherTools[0], { baseline: '1.1', stamp: '1.1' });
});

test("Flyway before 5 (schema_version, with version_rank; INIT was its baseline before 3) is read as Flyway's history; a schema_version of other columns is not", async (t) => {
  const dir = makeFolder(FLYWAY_FOLDER);
  const OLD = FLYWAY.replace('flyway_schema_history (', 'schema_version (version_rank INT NOT NULL, ');
  const old = await setUp([OLD, `INSERT INTO schema_version (version_rank, installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (1, 1, '1', '<< Flyway Init >>', 'INIT', '<< Flyway Init >>', NULL, 'me', datetime('now'), 0, 1), (2, 2, '1.1', 'b', 'SQL', 'V1_1__b.sql', 1, 'me', datetime('now'), 1, 1)`]);
  t.like((await status(old, dir)).otherTools[0], { tool: 'flyway', table: 'schema_version', versions: ['1.1'], baseline: '1', stamp: '1.1', problem: null });
  const up = await cli(['--url', old, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 11);
  t.regex(up.stderr, /migrated by Flyway \(schema_version: baseline 1; 1 version applied: 1\.1\)/);
  const mine = await setUp(['CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version TEXT)', "INSERT INTO schema_version (version) VALUES ('3')"]);
  t.deepEqual((await status(mine, dir)).otherTools, []);
});

test("the TUI on a Flyway history with a FAILED entry: the status bar and the quit line say no stamp fits and where to read why", async (t) => {
  const dir = makeFolder(FLYWAY_FOLDER);
  const url = await setUp([FLYWAY, 'CREATE TABLE a (id int)', `INSERT INTO flyway_schema_history VALUES ${[flywayRow(1, '1', 'V1__a.sql'), flywayRow(2, '1.1', 'V1_1__b.sql', 'SQL', 0)].join(', ')}`]);
  const s = await openScreen({ migrations: dir, url, width: 200 });
  try {
    await s.waitFor(/migrated by Flyway \(a FAILED entry\): no stamp fits \(`migrate-tui status` says why\) · no migrate-tui record; flyway_schema_history: 1 version applied: 1; FAILED: 1\.1/);
    await s.press('q');
    for (let i = 0; i < 10_000 && s.quitSummary() === null; i++) await new Promise((r) => setImmediate(r));
  } finally {
    await s.close();
  }
  t.regex(String(s.quitSummary()), /is at base by migrate-tui's record, and was migrated by Flyway \(flyway_schema_history: 1 version applied: 1; FAILED: 1\.1\): no stamp fits, `migrate-tui status` says why and what to do$/);
});

test("the TUI's stamp on first contact says what the CLI's does: Flyway's table stays, stop running Flyway (Spring Boot's setting)", async (t) => {
  const dir = makeFolder(FLYWAY_FOLDER);
  const url = await setUp([FLYWAY, 'CREATE TABLE a (id int)', 'CREATE TABLE b (id int)', `INSERT INTO flyway_schema_history VALUES ${[flywayRow(1, '1', 'V1__a.sql'), flywayRow(2, '1.1', 'V1_1__b.sql')].join(', ')}`]);
  const s = await openScreen({ migrations: dir, url, width: 240 });
  try {
    await s.waitFor(/stamp 1\.1 \(s\) takes it over/);
    await s.press('j');
    await s.waitFor(/> ?. \* 1\.1|1\.1 b/);
    await s.press('s');
    const confirm = await s.waitFor(/Stamp .* to 1\.1\?/);
    t.regex(confirm, /taking over from Flyway: its flyway_schema_history is left as it was \(migrate-tui never writes it\); stop running Flyway on this database \(a Spring Boot application runs it at start/);
    await s.press('n');
  } finally {
    await s.close();
  }
  t.deepEqual(await tables(url), ['a', 'b', 'flyway_schema_history']);
});

test("Alembic: a version_num that is a revision of the folder suggests its stamp; one that is not says so", async (t) => {
  const dir = makeFolder(FOLDER);
  const url = await setUp(['CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)', "INSERT INTO alembic_version VALUES ('00001')"]);
  t.like((await status(url, dir)).otherTools[0], { tool: 'alembic', versions: ['00001'], stamp: '00001' });
  await withDb(url, (db) => db.execute("UPDATE alembic_version SET version_num = 'ae1027a6acf'"));
  const [unknown] = (await status(url, dir)).otherTools;
  t.like(unknown, { stamp: null });
  t.regex(String(unknown!.problem), /version ae1027a6acf, which is not a revision of this folder/);
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 11);
  // A stamp elsewhere than the table says is the user's call, but said.
  await withDb(url, (db) => db.execute("UPDATE alembic_version SET version_num = '00001'"));
  const stamp = await cli(['--url', url, '--dir', dir, 'stamp', '00002']);
  t.is(stamp.code, 0);
  t.regex(stamp.stderr, /warning: Alembic's alembic_version says the database is at 00001, not 00002: check the schema before going on/);
});

test('a schema_migrations of other columns is not read; an empty golang-migrate table is said and refuses nothing', async (t) => {
  const dir = makeFolder(FOLDER);
  const foreign = await setUp(['CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, filename TEXT)', "INSERT INTO schema_migrations (filename) VALUES ('x')"]);
  t.deepEqual((await status(foreign, dir)).otherTools, []);
  t.is((await cli(['--url', foreign, '--dir', dir, '--yes', 'upgrade'])).code, 0);

  const empty = await setUp(['CREATE TABLE schema_migrations (version uint64, dirty bool)']);
  const text = (await cli(['--url', empty, '--dir', dir, 'status'])).stdout;
  t.regex(text, /OTHER: +golang-migrate's table schema_migrations is here and records nothing applied/);
  t.regex(text, /pending: +00001 a/);
  const up = await cli(['--url', empty, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 0, up.stderr);
});

test('a log of seeds only is still first contact (a seed records no revision): upgrade refuses after `seed`', async (t) => {
  const dir = makeFolder(FOLDER);
  const seeds = makeFolder({ '01_x.sql': 'SELECT 1;\n' });
  const url = await setUp(['CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)', 'INSERT INTO schema_migrations VALUES (2, 0)']);
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'seed', '--seeds', seeds])).code, 0);
  t.true((await tables(url)).includes('migrate_tui_log'));
  const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  t.is(up.code, 11, up.stderr);
  t.regex(up.stderr, /stamp 00002/);
});

test("the TUI: the status bar says which tool migrated the database and the stamp; u is refused before any confirmation, naming the stamp key", async (t) => {
  const dir = makeFolder(FOLDER);
  const url = await setUp(['CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)', 'INSERT INTO schema_migrations VALUES (1, 0)']);
  const s = await openScreen({ migrations: dir, url, width: 160 });
  try {
    await s.waitFor(/migrated by golang-migrate: stamp 00001 \(s\) takes it over · no migrate-tui record; schema_migrations: version 1, not dirty/);
    await s.press('u');
    const refused = await s.waitFor(/REFUSED — nothing ran/);
    t.regex(refused, /select 00001 in the history and press s/);
    t.notRegex(refused, /Upgrade to/);
    await s.press('\u001B', 'q');
    // Quitting reports synchronously from the key; poll the condition (bounded), never a sleep.
    for (let i = 0; i < 10_000 && s.quitSummary() === null; i++) await new Promise((r) => setImmediate(r));
  } finally {
    await s.close();
  }
  t.regex(String(s.quitSummary()), /is at base by migrate-tui's record, and was migrated by golang-migrate \(schema_migrations: version 1, not dirty\): `migrate-tui stamp 00001` takes it over/);
  t.deepEqual(await tables(url), ['schema_migrations']);
});
