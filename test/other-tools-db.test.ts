import type { ExecutionContext } from 'ava';
import { binaryAsync } from './helpers/cli.js';
import { eachDatabase, withDb, withMigrator, type TestDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * First contact with a database another tool migrated (golang-migrate, dbmate): `status` says
 * so, `upgrade` refuses (exit 11) before writing anything, `stamp` takes it over, and a
 * database migrate-tui already tracks is not looked at. The built binary, as a user runs it.
 */
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text', 'migrate_tui_lock'];

/** golang-migrate's layout (`migrate create -seq`): revision ids 000001…, which golang-migrate records as 1…. Revision 1 would run again without an error. */
const FOLDER = {
  '000001_roles.up.sql': "CREATE TABLE IF NOT EXISTS roles (name varchar(20));\nINSERT INTO roles VALUES ('admin');\n",
  '000001_roles.down.sql': 'DROP TABLE roles;\n',
  '000002_t2.up.sql': 'CREATE TABLE t2 (id int);\n',
  '000002_t2.down.sql': 'DROP TABLE t2;\n',
  '000003_t3.up.sql': 'CREATE TABLE t3 (id int);\n',
  '000003_t3.down.sql': 'DROP TABLE t3;\n',
};
/** What revisions 1 and 2 made, as the other tool left the database. */
const SCHEMA_AT_2 = ['CREATE TABLE roles (name varchar(20))', "INSERT INTO roles VALUES ('admin')", 'CREATE TABLE t2 (id int)'];

/** golang-migrate's table as its drivers create it (database/postgres, mysql: `version bigint not null primary key, dirty boolean not null`; sqlite3: `version uint64, dirty bool` and a unique index). */
function golangMigrateTable(db: TestDatabase, version: number, dirty: boolean): string[] {
  const create =
    db.name === 'sqlite'
      ? ['CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool)', 'CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version)']
      : ['CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)'];
  return [...create, `INSERT INTO schema_migrations (version, dirty) VALUES (${version}, ${db.name === 'sqlite' ? Number(dirty) : dirty})`];
}

/** dbmate's table (`version varchar(128) primary key`), one row per applied version. */
const dbmateTable = (versions: readonly string[]) => ['CREATE TABLE schema_migrations (version varchar(128) primary key)', ...versions.map((v) => `INSERT INTO schema_migrations (version) VALUES ('${v}')`)];

const setUp = (url: string, statements: readonly string[]) => withDb(url, async (db) => void (await statements.reduce((p, s) => p.then(() => db.execute(s)), Promise.resolve())));
const mt = (url: string, dir: string, ...args: string[]) => binaryAsync(['--url', url, '--dir', dir, ...args], { env: { NO_COLOR: '1' } });

/** The tables there are (of those that matter here), the other tool's rows, and the roles rows. */
async function snapshot(url: string) {
  return withDb(url, async (db) => {
    const tables: string[] = [];
    for (const name of [...STATE, 'schema_migrations', 'roles', 't2', 't3']) if (await db.tableExists(name)) tables.push(name);
    const other = (await db.query<Record<string, unknown>>('SELECT * FROM schema_migrations')).map((r) => Object.values(r).map((v) => String(Number(v) === Number(v) ? Number(v) : v)).join(':')).sort();
    const roles = (await db.query<{ n: unknown }>('SELECT count(*) AS n FROM roles'))[0]!.n;
    return { tables: tables.sort(), other, roles: Number(roles) };
  });
}

async function refusesAndChangesNothing(t: ExecutionContext, url: string, dir: string, table: RegExp, db: TestDatabase) {
  const before = await snapshot(url);
  t.false(before.tables.some((n) => STATE.includes(n)));
  // On a server, also with the lease lock (a row in a table the lease creates): refused before it is taken.
  const lease = db.name === 'sqlite' ? [] : [['--capabilities', 'advisoryLocks=false', '--yes', 'upgrade']];
  for (const args of [['--yes', 'upgrade'], ['upgrade'], ['upgrade', '--sql'], ['--yes', 'downgrade', 'base', '--no-backup'], ...lease]) {
    const run = await mt(url, dir, ...args);
    t.is(run.code, 11, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
    t.regex(run.stderr, /refused: .* was migrated by .*, and migrate-tui has no record of it yet/);
    t.regex(run.stderr, table);
    t.regex(run.stderr, /drop or rename it/);
  }
  // Nothing written: no state table (not even the lock's), the other tool's table and the data as they were.
  t.deepEqual(await snapshot(url), before);
}

eachDatabase('golang-migrate at version 2: status says so and the stamp; upgrade refuses (exit 11) and writes nothing; stamp 000002 then upgrade applies only 000003', async (t, url, db) => {
  const dir = makeFolder(FOLDER);
  await setUp(url, [...golangMigrateTable(db, 2, false), ...SCHEMA_AT_2]);
  const status = await mt(url, dir, 'status');
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, /OTHER: +this database was migrated by golang-migrate \(schema_migrations: version 2, not dirty\); migrate-tui has no record of it yet/);
  t.regex(status.stdout, /take it over with: migrate-tui --url <url> stamp 000002 \(runs no SQL\)/);
  const json = JSON.parse((await mt(url, dir, '--json', 'status')).stdout);
  t.like(json.otherTools[0], { tool: 'golang-migrate', table: 'schema_migrations', versions: ['2'], dirty: false, stamp: '000002', problem: null });
  // `check` with the database (CI before a deploy): an error, as the deploy's upgrade would refuse.
  const check = await mt(url, dir, 'check');
  t.is(check.code, 1);
  t.regex(check.stdout, /error: was migrated by golang-migrate \(schema_migrations: version 2, not dirty\), and migrate-tui has no record of it yet: an upgrade would apply revision 000001 again\n/);

  await refusesAndChangesNothing(t, url, dir, /golang-migrate \(schema_migrations: version 2, not dirty\)[\s\S]*`migrate-tui --url <url> stamp 000002`/, db);

  const stamp = await mt(url, dir, 'stamp', '000002');
  t.is(stamp.code, 0, stamp.stderr);
  t.regex(stamp.stderr, /taking over from golang-migrate: its schema_migrations is left as it was \(migrate-tui never writes it\)/);
  t.notRegex(stamp.stderr, /warning/);
  const up = await mt(url, dir, '--yes', 'upgrade');
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /applied 1 revision\nheads now: 000003/);
  const after = await snapshot(url);
  t.is(after.roles, 1, 'revision 000001 ran again');
  t.true(after.tables.includes('t3'));
  t.deepEqual(after.other, ['2:0'], "the other tool's table is left as it was");
  const ran = await withDb(url, (d) => d.query<{ revision: string }>("SELECT revision FROM migrate_tui_log WHERE kind = 'migrate'"));
  t.deepEqual(ran.map((r) => r.revision), ['000003']);
  // Tracked now: no OTHER line.
  t.notRegex((await mt(url, dir, 'status')).stdout, /OTHER/);
});

eachDatabase("dbmate's table: contiguous versions suggest the stamp; a set with a hole says which revision is missing and suggests none", async (t, url, db) => {
  const dir = makeFolder(FOLDER);
  await setUp(url, [...dbmateTable(['000001', '000002']), ...SCHEMA_AT_2]);
  const status = await mt(url, dir, 'status');
  t.regex(status.stdout, /migrated by dbmate \(schema_migrations: 2 versions applied: 000001, 000002\)/);
  t.regex(status.stdout, /stamp 000002 \(runs no SQL\)/);
  await refusesAndChangesNothing(t, url, dir, /dbmate \(schema_migrations: 2 versions applied: 000001, 000002\)/, db);

  await withDb(url, (d) => d.execute("DELETE FROM schema_migrations WHERE version = '000001'"));
  const hole = JSON.parse((await mt(url, dir, '--json', 'status')).stdout).otherTools[0];
  t.like(hole, { tool: 'dbmate', versions: ['000002'], stamp: null });
  t.regex(hole.problem, /does not record 000001, which a recorded version is built on/);
  const text = await mt(url, dir, 'status');
  t.regex(text.stdout, /no stamp fits: dbmate's schema_migrations does not record 000001/);
  t.notRegex(text.stdout, /take it over with/);
  const up = await mt(url, dir, '--yes', 'upgrade');
  t.is(up.code, 11);
  t.notRegex(up.stderr, /migrate-tui --url <url> stamp/);
});

eachDatabase("a DIRTY golang-migrate table: no stamp is suggested, golang-migrate's own repair comes first; upgrade refuses and writes nothing", async (t, url, db) => {
  const dir = makeFolder(FOLDER);
  await setUp(url, [...golangMigrateTable(db, 2, true), ...SCHEMA_AT_2]);
  const status = await mt(url, dir, 'status');
  t.regex(status.stdout, /golang-migrate \(schema_migrations: version 2, DIRTY\)/);
  t.regex(status.stdout, /no stamp fits: .*DIRTY at version 2.*`migrate force/);
  // Someone leaving golang-migrate may no longer have its CLI: what force writes, by hand.
  t.regex(status.stdout, /without golang-migrate, what force writes: `UPDATE schema_migrations SET dirty = false` if you finished 2 by hand, or `UPDATE schema_migrations SET version = <the version before 2>, dirty = false` if you undid it/);
  t.notRegex(status.stdout, /take it over with/);
  await refusesAndChangesNothing(t, url, dir, /DIRTY at version 2/, db);
});

eachDatabase("migrate-tui's own record beside an old schema_migrations: no refusal, no OTHER line, and no query looks for other tools", async (t, url, db) => {
  const dir = makeFolder(FOLDER);
  t.is((await mt(url, dir, '--yes', 'upgrade', '000001')).code, 0);
  // Left behind by the tool used before (or by the application): dirty, at a version this folder does not have.
  await setUp(url, golangMigrateTable(db, 7, true));
  const status = await mt(url, dir, 'status');
  t.is(status.code, 0);
  t.notRegex(status.stdout, /OTHER|migrated by|pending: +\(/);
  t.deepEqual(JSON.parse((await mt(url, dir, '--json', 'status')).stdout).otherTools, []);
  // The engine's queries on that path (state read, upgrade): none reads the catalogue for other tools, nor their tables.
  const seen: string[] = [];
  await withMigrator(url, dir, async (m) => {
    const query = m.db.query.bind(m.db);
    m.db.query = ((sql: string, params?: readonly unknown[]) => (seen.push(sql), query(sql, params))) as typeof m.db.query;
    t.is((await m.readState()).otherTools, undefined);
    const result = await m.upgrade();
    t.is(result.error, undefined);
    t.is(result.steps.length, 2);
  });
  t.true(seen.length > 0);
  t.deepEqual(seen.filter((sql) => /information_schema\.columns|pragma_table_info|schema_migrations/i.test(sql)), []);
});

eachDatabase('a table this user may not read (INSERT granted, not SELECT): what it records is unknown, so upgrade refuses and says so, without claiming the database was migrated', async (t, url, db) => {
  const dir = makeFolder(FOLDER);
  const role = `reader_${Math.random().toString(36).slice(2, 10)}`;
  await setUp(url, [...golangMigrateTable(db, 2, false), `CREATE ROLE ${role} LOGIN PASSWORD 'pw'`, `GRANT INSERT ON schema_migrations TO ${role}`, `GRANT CREATE ON SCHEMA public TO ${role}`]);
  const asRole = url.replace(/\/\/[^@]*@/, `//${role}:pw@`);
  const status = await mt(asRole, dir, 'status');
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, /OTHER: +this database has golang-migrate's table schema_migrations, which this user may not read \(permission denied for table schema_migrations\)/);
  t.regex(status.stdout, /no stamp fits: migrate-tui may not read golang-migrate's schema_migrations, so what it records is unknown: grant SELECT on it/);
  const up = await mt(asRole, dir, '--yes', 'upgrade');
  t.is(up.code, 11, up.stderr);
  t.regex(up.stderr, /an upgrade would start at revision 000001, whatever that table records\. Nothing was written/);
  t.false(await withDb(url, (d) => d.tableExists('migrate_tui_version')));
  await setUp(url, [`DROP OWNED BY ${role}`, `DROP ROLE ${role}`]);
}, ['postgres']);
