import { createHash } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryAsync } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/** An sqlx folder of simple migrations on real databases, through the built binary; and first contact with a database sqlx migrated. */
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'];
const run = (url: string, dir: string, ...args: string[]) => binaryAsync(['--url', url, '--dir', dir, ...args], { cwd: dir });
const tables = async (url: string) => Object.keys((await withDb(url, (db) => db.schema(STATE))).tables).sort();

const files = (concurrently: boolean) => ({
  '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
  // CREATE INDEX CONCURRENTLY fails inside a transaction on PostgreSQL: it runs only because the first line turns it off, as in sqlx.
  '2_users_idx.sql': `-- no-transaction\nCREATE INDEX ${concurrently ? 'CONCURRENTLY ' : ''}users_id ON users (id);\n`,
  '10_name.sql': '-- Add migration script here\nALTER TABLE users ADD COLUMN name varchar(20);\n',
});

eachDatabase(
  'sqlx folder: upgrade applies every file in numeric order (10 after 2), `-- no-transaction` outside a transaction; status; downgrade refused (no downs)',
  async (t, url, database) => {
    const dir = makeFolder(files(database.name === 'postgres'));
    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 0, up.stderr);
    t.regex(up.stderr + up.stdout, /\[1\/3\] 1 users[\s\S]*\[2\/3\] 2 users idx[\s\S]*\[3\/3\] 10 name/);
    t.deepEqual(await tables(url), ['users']);
    const status = await run(url, dir, 'status');
    t.is(status.code, 0, status.stderr);
    t.regex(status.stdout, /current:\s+10 name/);
    const down = await run(url, dir, '--yes', 'downgrade', 'base', '--no-backup');
    t.not(down.code, 0);
    t.regex(down.stderr, /an sqlx simple migration: sqlx runs it up only/);
  },
  ['sqlite', 'postgres', 'mariadb'],
);

/** _sqlx_migrations as each sqlx driver creates it (sqlx-postgres / sqlx-mysql / sqlx-sqlite src/migrate.rs). */
const DDL = {
  postgres: 'CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)',
  mariadb: 'CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)',
  sqlite: 'CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)',
} as const;
const sha384 = (text: string) => createHash('sha384').update(text).digest('hex');

eachDatabase(
  'first contact with a database sqlx migrated: status names _sqlx_migrations and the stamp, upgrade refuses (exit 11), a success = false row refuses with sqlx\'s repair, a hole is named, a changed file warns; stamp then upgrade applies only the new file',
  async (t, url, database) => {
    const texts = files(false);
    const dir = makeFolder(texts);
    const name = database.name as keyof typeof DDL;
    const bytes = (text: string) => (name === 'postgres' ? `decode('${sha384(text)}', 'hex')` : `X'${sha384(text)}'`);
    const row = (version: number, file: keyof typeof texts, success: boolean) => `INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (${version}, 'x', ${success ? 'TRUE' : 'FALSE'}, ${bytes(texts[file])}, 1000)`;
    await withDb(url, async (db) => {
      await db.query(DDL[name]);
      await db.query('CREATE TABLE users (id int PRIMARY KEY)');
      await db.query('CREATE INDEX users_id ON users (id)');
      await db.query(row(1, '1_users.sql', true));
      await db.query(row(2, '2_users_idx.sql', true));
    });
    const status = await run(url, dir, 'status');
    t.is(status.code, 0, status.stderr);
    t.regex(status.stdout, /OTHER: +this database was migrated by sqlx \(_sqlx_migrations: 2 versions applied: 1, 2\)/);
    t.regex(status.stdout, /stamp 2 \(runs no SQL\)/);
    const refused = await run(url, dir, '--yes', 'upgrade');
    t.is(refused.code, 11, refused.stderr);
    t.deepEqual(await tables(url), ['_sqlx_migrations', 'users']);

    // A failed row (sqlx on MySQL writes it before running the file): refused with sqlx's own repair.
    await withDb(url, (db) => db.query(row(10, '10_name.sql', false)));
    const failed = await run(url, dir, '--yes', 'upgrade');
    t.is(failed.code, 11, failed.stderr);
    t.regex(failed.stderr, /FAILED \(success = false\): 10/);
    t.regex(failed.stderr, /DELETE FROM _sqlx_migrations WHERE version = 10/);
    await withDb(url, (db) => db.query('DELETE FROM _sqlx_migrations WHERE version = 10'));

    // A hole: 1 and 10 recorded, 2 not.
    await withDb(url, async (db) => {
      await db.query('DELETE FROM _sqlx_migrations WHERE version = 2');
      await db.query(row(10, '10_name.sql', true));
    });
    const hole = JSON.parse((await run(url, dir, '--json', 'status')).stdout) as { otherTools: Array<{ stamp: string | null; problem: string | null }> };
    t.is(hole.otherTools[0]!.stamp, null);
    t.regex(hole.otherTools[0]!.problem ?? '', /does not record 2, which a recorded version is built on/);
    await withDb(url, async (db) => {
      await db.query('DELETE FROM _sqlx_migrations WHERE version = 10');
      await db.query(row(2, '2_users_idx.sql', true));
    });

    // A file changed since sqlx applied it: a warning (sqlx would refuse), the stamp still suggested.
    appendFileSync(join(dir, '1_users.sql'), '-- edited\n');
    const changed = await run(url, dir, 'status');
    t.regex(changed.stdout, /CHANGED SINCE APPLIED \(SHA-384 differs\): 1/);
    t.regex(changed.stdout, /warning: the file of version 1 is not what sqlx applied/);
    const json = JSON.parse((await run(url, dir, '--json', 'status')).stdout) as { otherTools: Array<{ changed?: string[]; stamp: string | null; checksums?: unknown }> };
    t.like(json.otherTools[0], { changed: ['1'], stamp: '2' });
    t.is(json.otherTools[0]!.checksums, undefined);
    writeFileSync(join(dir, '1_users.sql'), texts['1_users.sql']);
    t.notRegex((await run(url, dir, 'status')).stdout, /CHANGED SINCE APPLIED/);

    const stamp = await run(url, dir, '--yes', 'stamp', '2');
    t.is(stamp.code, 0, stamp.stderr);
    t.regex(stamp.stderr, /taking over from sqlx: its _sqlx_migrations is left as it was[\s\S]*sqlx::migrate!/);
    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 0, up.stderr);
    t.notRegex(up.stderr + up.stdout, /1 users|2 users idx/);
    t.regex(up.stderr + up.stdout, /10 name/);
    t.regex((await run(url, dir, 'status')).stdout, /applied:\s+3 of 3 revisions/);
  },
  ['sqlite', 'postgres', 'mariadb'],
);
