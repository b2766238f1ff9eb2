import test, { type ExecutionContext } from 'ava';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { cli, start } from './helpers/cli.js';
import { DATABASES, withDb } from './helpers/databases.js';
import { exampleWith, makeFolder } from './helpers/folders.js';
import type { VerifyReport } from '../src/engine/index.js';

/**
 * Issue 14: `verify` round-trips every revision (up, down, up) on every dialect, on scratch
 * databases it always drops. The scratch databases are looked for in the servers' own
 * lists (pg_database, SHOW DATABASES), by the name prefix of the process that made them.
 */
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));
const PG = process.env.TEST_POSTGRES_URL;
const MARIA = process.env.TEST_MARIADB_URL;

/** Both servers, or a loud NOT TESTED (a failure in CI). */
function servers(t: ExecutionContext): { pg: string; maria: string } | null {
  if (PG && MARIA) return { pg: PG, maria: MARIA };
  const message = 'POSTGRESQL/MARIADB SERVER NOT RUNNING: verify was NOT tested on them (run through npm test, which starts them)';
  console.error(`*** ${message}`);
  if (process.env.CI === 'true') t.fail(message);
  else t.log(message);
  t.pass();
  return null;
}

/** Scratch databases of process `pid` still on the servers. */
async function scratchLeft(pid: number): Promise<string[]> {
  const prefix = `migrate_tui_verify_${pid}_`;
  const sql = postgres(PG!, { max: 1, onnotice: () => {} });
  const pgNames = (await sql.unsafe<Array<{ n: string }>>('SELECT datname AS n FROM pg_database')).map((r) => r.n);
  await sql.end();
  const conn = await mysql.createConnection(MARIA!);
  const [rows] = await conn.query('SHOW DATABASES');
  await conn.end();
  const myNames = (rows as Array<Record<string, string>>).map((r) => Object.values(r)[0]!);
  return [...pgNames, ...myNames].filter((n) => n.startsWith(prefix));
}


const verifyJson = async (dir: string, s: { pg: string; maria: string }, ...args: string[]) => {
  const run = await cli(['--dir', dir, '--url', s.pg, '--url', s.maria, '--json', 'verify', ...args]);
  return { ...run, report: JSON.parse(run.stdout) as VerifyReport };
};

test.serial('the example verifies clean on SQLite, PostgreSQL and MariaDB, seeds twice included; nothing is left on the servers', async (t) => {
  const s = servers(t);
  if (!s) return;
  // The admin URLs name fresh, empty databases: verify must leave them untouched.
  const pgAdmin = await DATABASES[1]!.fresh();
  const mariaAdmin = await DATABASES[2]!.fresh();
  const run = await cli(['--dir', EXAMPLE, '--url', pgAdmin, '--url', mariaAdmin, '--json', 'verify', '--seeds', SEEDS]);
  t.is(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as VerifyReport;
  t.deepEqual(report.columns.map((c) => c.dialect), ['sqlite', 'postgres', 'mysql']);
  t.regex(report.columns[2]!.server!, /MariaDB/);
  t.is(report.revisions.length, 9);
  for (const r of report.revisions) {
    for (const d of ['sqlite', 'postgres', 'mysql']) t.is(report.cells[r.id]![d]!.status, r.id === '20260115090000' ? 'no-sql' : 'ok', `${r.id} ${d}`);
  }
  t.deepEqual(Object.values(report.seeds!).map((c) => c.status), ['ok', 'ok', 'ok']);
  t.true(report.ok);
  t.regex(run.stderr, /verify postgres: PostgreSQL .*scratch database migrate_tui_verify_/);
  t.deepEqual(await scratchLeft(process.pid), []);
  for (const admin of [pgAdmin, mariaAdmin]) t.deepEqual(Object.keys((await withDb(admin, (db) => db.schema([]))).tables), [], `${admin} untouched`);

  const text = await cli(['--dir', EXAMPLE, '--url', s.pg, '--url', s.maria, 'verify']);
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /^revision\s+sqlite\s+postgres\s+mysql\s*$/m);
  t.regex(text.stdout, /^20260105093000\s+✓ \d+ ms\s+✓ \d+ ms\s+✓ \d+ ms\s+create permissions$/m);
  t.regex(text.stdout, /^20260115090000\s+–\s+–\s+–\s+merge documents and audit$/m);
  t.regex(text.stdout, /verify: every checked revision round-trips/);
});

const BROKEN = {
  // Forgets an index: the down does nothing.
  '20260120090000_index_permissions.up.sql': 'CREATE INDEX permissions_code_idx ON permissions (name);\n',
  '20260120090000_index_permissions.down.sql': '-- (forgot DROP INDEX)\n',
  // Drops a column of another table.
  '20260120091000_notes.up.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY);\n',
  '20260120091000_notes.down.sql': 'DROP TABLE notes;\nALTER TABLE users DROP COLUMN display_name;\n',
  // Leaves a trigger.
  '20260120092000_users_trigger.up.sql': [
    '-- migrate:dialect postgres',
    "CREATE FUNCTION users_touch() RETURNS trigger AS $$ BEGIN NEW.display_name := trim(NEW.display_name); RETURN NEW; END; $$ LANGUAGE plpgsql;",
    'CREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_touch();',
    '-- migrate:dialect mysql',
    'CREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW SET NEW.display_name = TRIM(NEW.display_name);',
    '-- migrate:dialect sqlite',
    "CREATE TRIGGER users_touch AFTER INSERT ON users BEGIN UPDATE users SET display_name = trim(display_name) WHERE id = NEW.id; END;",
    '-- migrate:end',
    '',
  ].join('\n'),
  '20260120092000_users_trigger.down.sql': '-- (forgot DROP TRIGGER, and on PostgreSQL its function)\n',
  // Only PostgreSQL has SQL: the others show "–".
  '20260120093000_pg_only.up.sql': '-- migrate:dialect postgres\nCREATE TABLE pg_only (id int);\n-- migrate:end\n',
  '20260120093000_pg_only.down.sql': '-- migrate:dialect postgres\nDROP TABLE pg_only;\n-- migrate:end\n',
};

test.serial('broken downs are caught, naming the revision, the dialect and the object; a missing dialect section is "–"', async (t) => {
  const s = servers(t);
  if (!s) return;
  const dir = exampleWith(BROKEN);
  const { code, report, stderr } = await verifyJson(dir, s);
  t.is(code, 1, stderr);
  t.false(report.ok);
  for (const d of ['sqlite', 'postgres', 'mysql']) {
    const index = report.cells['20260120090000']![d]!;
    t.is(index.status, 'differs', d);
    t.true(index.differences.includes(`down of 20260120090000 (${d}) leaves index permissions_code_idx on permissions`), index.differences.join('\n'));
    // The second up then fails on the index left behind: said as a note, not instead of the difference.
    t.regex(index.note ?? '', /up again then failed at .*20260120090000_index_permissions\.up\.sql:1/);
    t.truthy(index.diff);
    t.regex(index.diff!, /^\+index permissions_code_idx on permissions/m);

    const column = report.cells['20260120091000']![d]!;
    t.is(column.status, 'differs', d);
    t.true(column.differences.some((x) => x.startsWith(`after the down of 20260120091000 (${d}), column users.display_name is missing`)), column.differences.join('\n'));

    // Checks go on after a difference (on a fresh scratch database, the ups replayed).
    const after = report.cells['20260112110000']![d]!;
    // Seen once 'differs' in a CI rehearsal at load ~10 (not reproduced in 2 runs after): say what differed next time.
    t.is(after.status, 'ok', `${d}: ${(after.differences ?? []).join('\n')} ${after.note ?? ''}`);
  }
  for (const d of ['sqlite', 'postgres', 'mysql']) {
    const trigger = report.cells['20260120092000']![d]!;
    t.is(trigger.status, 'differs', d);
    t.true(trigger.differences.includes(`down of 20260120092000 (${d}) leaves trigger users_touch`), trigger.differences.join('\n'));
  }
  t.true(report.cells['20260120092000']!.postgres!.differences.includes('down of 20260120092000 (postgres) leaves routine users_touch()'));
  for (const d of ['sqlite', 'mysql']) t.is(report.cells['20260120093000']![d]!.status, 'no-sql', d);
  t.is(report.cells['20260120093000']!.postgres!.status, 'ok');
  t.deepEqual(await scratchLeft(process.pid), []);

  const text = await cli(['--dir', dir, '--url', s.pg, '--url', s.maria, 'verify', '--revisions', '20260120090000:20260120093000']);
  t.is(text.code, 1);
  t.regex(text.stdout, /^20260120090000\s+✗ differs \d+ ms\s+✗ differs \d+ ms\s+✗ differs \d+ ms\s+index permissions$/m);
  t.regex(text.stdout, /^20260120093000\s+–\s+✓ \d+ ms\s+–\s+pg only$/m);
  t.regex(text.stdout, /^ {2}down of 20260120090000 \(postgres\) leaves index permissions_code_idx on permissions$/m);
  t.notRegex(text.stdout, /^20260105090000/m, 'the revisions below the range are applied, not checked');
  t.regex(text.stdout, /verify: FAILED/);
});

test.serial('a failing up reports file:line and the error; that dialect stops, the others go on; its scratch database is dropped', async (t) => {
  const s = servers(t);
  if (!s) return;
  const dir = makeFolder({
    '1_a.up.sql': 'CREATE TABLE a (id int);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
    '2_b.up.sql': '-- migrate:dialect postgres\nCREATE TABLE b (id int);\nSELECT * FROM no_such_table;\n-- migrate:dialect default\nCREATE TABLE b (id int);\n-- migrate:end\n',
    '2_b.down.sql': 'DROP TABLE b;\n',
    '3_c.up.sql': 'CREATE TABLE c (id int);\n',
    '3_c.down.sql': 'DROP TABLE c;\n',
  });
  const { code, report } = await verifyJson(dir, s);
  t.is(code, 1);
  const failed = report.cells['2']!.postgres!;
  t.is(failed.status, 'failed');
  t.like(failed.error, { phase: 'up', line: 3 });
  t.regex(failed.error!.path, /2_b\.up\.sql$/);
  t.regex(failed.error!.message, /no_such_table/);
  t.is(report.cells['3']!.postgres!.status, 'not-run');
  t.deepEqual(['sqlite', 'mysql'].map((d) => report.cells['3']![d]!.status), ['ok', 'ok']);
  t.deepEqual(await scratchLeft(process.pid), []);
});

test.serial('a role without CREATE DATABASE (PostgreSQL, MariaDB) gets a clear message naming the grant', async (t) => {
  const s = servers(t);
  if (!s) return;
  const sql = postgres(s.pg, { max: 1, onnotice: () => {} });
  await sql.unsafe("DROP ROLE IF EXISTS verify_nocreate; CREATE ROLE verify_nocreate LOGIN PASSWORD 'nocreate-pw' NOCREATEDB");
  await sql.end();
  const url = s.pg.replace(/\/\/[^@]*@/, '//verify_nocreate:nocreate-pw@');
  const run = await cli(['--dir', EXAMPLE, '--url', url, 'verify', '--dialects', 'postgres']);
  t.is(run.code, 1);
  t.regex(run.stdout, /postgres: the role in postgres:\/\/verify_nocreate:\*\*\*@.* may not create a database .*CREATEDB/);
  t.regex(run.stdout, /^20260105090000\s+not run/m);
  t.false(run.stdout.includes('nocreate-pw'));

  const conn = await mysql.createConnection(s.maria);
  await conn.query("CREATE USER IF NOT EXISTS 'verify_nocreate'@'127.0.0.1' IDENTIFIED BY 'nocreate-pw'");
  await conn.query("GRANT SELECT ON mysql.* TO 'verify_nocreate'@'127.0.0.1'");
  await conn.end();
  const maria = await cli(['--dir', EXAMPLE, '--url', s.maria.replace(/\/\/[^@]*@/, '//verify_nocreate:nocreate-pw@'), 'verify', '--dialects', 'mysql']);
  t.is(maria.code, 1);
  t.regex(maria.stdout, /mysql: the role in mysql:\/\/verify_nocreate:\*\*\*@.* may not create a database .*GRANT ALL ON `migrate\\_tui\\_verify\\_%`/);
  t.false(maria.stdout.includes('nocreate-pw'));
});

test.serial('--dialects postgres without a PostgreSQL --url is a usage error saying what to add', async (t) => {
  const run = await cli(['--dir', EXAMPLE, 'verify', '--dialects', 'sqlite,postgres']);
  t.is(run.code, 2);
  t.regex(run.stderr, /--dialects postgres needs a server: no --url for postgres was given/);
});

for (const server of ['postgres', 'mariadb'] as const) {
  test.serial(`${server}: SIGINT during a long statement stops verify, exits 130 and drops the scratch databases`, async (t) => {
    const s = servers(t);
    if (!s) return;
    const sleep = server === 'postgres' ? 'SELECT pg_sleep(60)' : 'SELECT SLEEP(60)';
    const dir = makeFolder({ '1_slow.up.sql': `CREATE TABLE slow_t (id int);\n${sleep};\n`, '1_slow.down.sql': 'DROP TABLE slow_t;\n' });
    const url = server === 'postgres' ? s.pg : s.maria;
    const child = start(['--dir', dir, '--url', url, 'verify', '--dialects', server === 'postgres' ? 'postgres' : 'mysql']);
    // Wait on the server's own view until the sleep runs in the scratch database.
    const t0 = Date.now();
    const query =
      server === 'postgres'
        ? "SELECT datname AS db FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep(60)%'"
        : "SELECT DB AS db FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%'";
    let db = '';
    while (!db) {
      const rows = await withDb(url, (a) => a.query<{ db: string }>(query));
      db = rows.find((r) => r.db.startsWith(`migrate_tui_verify_${child.child.pid}_`))?.db ?? '';
      if (Date.now() - t0 > 20_000) throw new Error(`the sleep never ran in a scratch database: ${child.stderr()}`);
      if (!db) await new Promise((r) => setTimeout(r, 50));
    }
    t.deepEqual((await scratchLeft(child.child.pid!)).length, 1, 'the scratch database exists while it runs');
    child.child.kill('SIGINT');
    const code = await child.exit;
    t.is(code, 130, child.stderr());
    t.regex(child.stderr(), /Ctrl-C: stopping verify; the scratch databases are dropped before it exits/);
    t.deepEqual(await scratchLeft(child.child.pid!), []);
  });
}
