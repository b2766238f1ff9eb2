import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { eachDatabase, withDb, type TestDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/** What the server itself says its version is, asked without going through serverVersion. */
const VERSION_QUERY: Record<TestDatabase['name'], [string, string]> = {
  sqlite: ['SQLite', 'SELECT sqlite_version() AS v'],
  postgres: ['PostgreSQL', 'SHOW server_version'],
  mariadb: ['MariaDB', 'SELECT VERSION() AS v'],
};

eachDatabase('status and status --json name the server version the server reports', async (t, url, db) => {
  const dir = makeFolder({});
  const [product, query] = VERSION_QUERY[db.name];
  const reported = await withDb(url, async (adapter) => String(Object.values((await adapter.query<Record<string, unknown>>(query))[0]!)[0]));
  t.regex(reported, /^\d+\.\d+/);
  const json = await cli(['--url', url, '--dir', dir, 'status', '--json']);
  t.is(json.code, 0, json.stderr);
  t.is(JSON.parse(json.stdout).serverVersion, `${product} ${reported}`);
  const text = await cli(['--url', url, '--dir', dir, 'status']);
  t.true(text.stdout.includes(`(${product} ${reported}, dialect `), text.stdout);
  t.false(text.stdout.includes('undefined'));
});

/** A login with the given password that may do everything in the test's database; its URL. */
async function userWithPassword(url: string, db: TestDatabase, password: string): Promise<string> {
  const u = new URL(url);
  const database = u.pathname.slice(1);
  const user = `u_${randomBytes(4).toString('hex')}`;
  await withDb(url, async (admin) => {
    if (db.name === 'postgres') {
      await admin.execute(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
      await admin.execute(`ALTER DATABASE ${database} OWNER TO ${user}`);
    } else {
      await admin.execute(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'`);
      await admin.execute(`GRANT ALL ON \`${database}\`.* TO '${user}'@'127.0.0.1'`);
    }
  });
  return `${u.protocol}//${user}:${encodeURIComponent(password)}@${u.host}/${database}`;
}

/** Text with the masked URL passwords (`:***@`) taken out: any `***` left is a mangled message. */
const unmasked = (text: string) => text.split(':***@').join(':@');

eachDatabase(
  'a short or common password is masked only in credentials: errors and the log keep identifiers as the database wrote them',
  async (t, adminUrl, db) => {
    // What the database says about the failing statement, asked directly.
    const failing = 'INSERT INTO no_such_migrate_table (version_tui) VALUES (1)';
    const direct = await withDb(adminUrl, (admin) => admin.execute(failing).then(() => '', (e: Error) => e.message));
    t.regex(direct, /no_such_migrate_table/);
    for (const password of ['migrate', 'a', 'tui', 'version']) {
      const url = await userWithPassword(adminUrl, db, password);
      const dir = makeFolder({ [`1_${password}.up.sql`]: `CREATE TABLE version_${password}_tui (id INTEGER);\n${failing};\n`, [`1_${password}.down.sql`]: `DROP TABLE version_${password}_tui;\n` });
      const result = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
      // MariaDB keeps the CREATE TABLE (DDL commits): dirty, exit 5; elsewhere it is rolled back.
      t.is(result.code, db.name === 'mariadb' ? 5 : 1, result.stderr);
      t.true(result.stderr.includes(direct), `password ${password}: ${result.stderr}`);
      t.false(unmasked(result.stderr).includes('***'), result.stderr);
      t.false(result.stderr.includes(`:${password}@`), 'the URL is shown masked');
      const [row] = await withDb(adminUrl, (admin) => admin.query<{ error: string }>(`SELECT error FROM migrate_tui_log WHERE revision = '1'`));
      t.true(row!.error.includes(direct), `the log keeps the message: ${row!.error}`);
      t.false(row!.error.includes('***'));
      const json = JSON.parse((await cli(['--url', url, '--dir', dir, '--json', 'status'])).stdout);
      t.is(json.database, url.replace(`:${encodeURIComponent(password)}@`, ':***@'));
      await withDb(adminUrl, (admin) => admin.execute(`DROP TABLE IF EXISTS migrate_tui_log_text, migrate_tui_log, migrate_tui_version, version_${password}_tui${db.name === 'postgres' ? ' CASCADE' : ''}`));

      // A connection error naming a database whose name holds the password.
      const missing = `no_such_${password}_db`;
      const refused = await cli(['--url', url.replace(/\/[^/]*$/, `/${missing}`), '--dir', dir, 'status']);
      t.is(refused.code, 1);
      t.regex(refused.stderr, new RegExp(`["']${missing}["']`), refused.stderr);
      t.false(unmasked(refused.stderr).includes('***'), refused.stderr);
    }
    // A wrong password is never echoed, and the driver's own words stay whole.
    const wrong = (await userWithPassword(adminUrl, db, 'right-one')).replace(':right-one@', ':Wr0ng-s3cret@');
    const denied = await cli(['--url', wrong, '--dir', makeFolder({}), 'status']);
    t.is(denied.code, 1);
    t.regex(denied.stderr, db.name === 'postgres' ? /password authentication failed for user "u_[0-9a-f]+"/ : /Access denied for user 'u_[0-9a-f]+'@'127\.0\.0\.1' \(using password: YES\)/);
    t.false(denied.stderr.includes('Wr0ng-s3cret'));
  },
  ['postgres', 'mariadb'],
);

/**
 * A stored procedure, a function, a trigger, and ROW_COUNT() after an UPDATE that changes
 * nothing: the client's session flags decide all of them. With DELIMITER, so the `mariadb`
 * client runs the very same file.
 */
const ROUTINES = `CREATE TABLE t (v INT);
CREATE TABLE counts (what VARCHAR(40), n INT);
INSERT INTO t VALUES (1);
DELIMITER //
CREATE PROCEDURE unchanged() BEGIN UPDATE t SET v = 1; INSERT INTO counts VALUES ('unchanged update', ROW_COUNT()); END //
CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC BEGIN RETURN x * 2; END //
CREATE TRIGGER t_ins BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.v = twice(NEW.v); END //
DELIMITER ;
CALL unchanged();
`;

/** What the server stored about the routines and triggers, and what the statements did. */
const sessionFacts = (url: string) =>
  withDb(url, async (db) => ({
    routines: await db.query(
      `SELECT ROUTINE_NAME, ROUTINE_TYPE, SQL_MODE, ROUTINE_DEFINITION, CHARACTER_SET_CLIENT, COLLATION_CONNECTION, DATABASE_COLLATION
         FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_NAME`,
    ),
    triggers: await db.query(
      `SELECT TRIGGER_NAME, SQL_MODE, ACTION_STATEMENT, CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME`,
    ),
    counts: await db.query(`SELECT what, n FROM counts`),
  }));

eachDatabase(
  'MariaDB sessions run with the server\'s sql_mode: routines, triggers and ROW_COUNT() match the mariadb client',
  async (t, url) => {
    // The session as migrate-tui opens it.
    const modes = await withDb(url, (db) => db.query<{ session: string; global: string }>('SELECT @@SESSION.sql_mode AS session, @@GLOBAL.sql_mode AS global'));
    t.is(modes[0]!.session, modes[0]!.global);
    t.false(modes[0]!.session.includes('IGNORE_SPACE'));

    const dir = makeFolder({ '1_routines.up.sql': ROUTINES, '1_routines.down.sql': 'DROP TRIGGER t_ins;\nDROP FUNCTION twice;\nDROP PROCEDURE unchanged;\nDROP TABLE counts;\nDROP TABLE t;\n' });
    const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
    t.is(up.code, 0, up.stderr);
    const ours = await sessionFacts(url);

    // The same file through the mariadb client, into a database made the same way.
    const other = new URL(url.replace(/\/[^/]*$/, `/c_${randomBytes(6).toString('hex')}`));
    await withDb(url, (db) => db.execute(`CREATE DATABASE ${other.pathname.slice(1)}`));
    const client = spawnSync(
      'mariadb',
      ['--no-defaults', '--default-character-set=utf8mb4', '-h', other.hostname, '-P', other.port, '-u', decodeURIComponent(other.username), `--password=${decodeURIComponent(other.password)}`, other.pathname.slice(1)],
      { input: readFileSync(join(dir, '1_routines.up.sql')), encoding: 'utf8' },
    );
    t.is(client.status, 0, client.stderr);
    const theirs = await sessionFacts(other.href);

    t.is(ours.routines.length, 2);
    t.is(ours.triggers.length, 1);
    t.deepEqual(ours, theirs);
    t.deepEqual(ours.counts, [{ what: 'unchanged update', n: 0 }], 'an UPDATE that changes nothing affects 0 rows (no CLIENT_FOUND_ROWS)');
    for (const r of ours.routines as Array<{ SQL_MODE: string }>) t.is(r.SQL_MODE, modes[0]!.global);
  },
  ['mariadb'],
);
