import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { atlasSumEntries, formatAtlasSum } from '../src/engine/index.js';
import { binaryAsync } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/** An Atlas folder on real databases, through the built binary; and first contact with a database Atlas migrated. */
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'];
const run = (url: string, dir: string, ...args: string[]) => binaryAsync(['--url', url, '--dir', dir, ...args], { cwd: dir });
const tables = async (url: string) => Object.keys((await withDb(url, (db) => db.schema(STATE))).tables).sort();

const FILES = {
  '20220811074144_create_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
  '20220811074200_add_name.sql': '-- atlas:txmode none\n\nALTER TABLE users ADD COLUMN name varchar(20);\nCREATE INDEX users_name ON users (name);\n',
  '20220811074300_pets.sql': '-- atlas:delimiter -- end --\nCREATE TABLE pets (id int, owner int);\n-- end --\nINSERT INTO pets VALUES (1, 1);\n-- end --\n',
};
const atlasFolder = () => makeFolder({ ...FILES, 'atlas.sum': formatAtlasSum(atlasSumEntries(Object.entries(FILES).map(([name, text]) => ({ name, bytes: Buffer.from(text) })))) });

eachDatabase(
  "Atlas folder: upgrade in Atlas's order with its directives, status, downgrade refused (no downs), an edited file refused before anything runs",
  async (t, url) => {
    const dir = atlasFolder();
    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 0, up.stderr);
    t.regex(up.stderr + up.stdout, /20220811074144 create users[\s\S]*20220811074200 add name[\s\S]*20220811074300 pets/);
    t.deepEqual(await tables(url), ['pets', 'users']);
    t.deepEqual((await withDb(url, (db) => db.query<{ id: unknown }>('SELECT id FROM pets'))).map((r) => Number(r.id)), [1]);
    const status = await run(url, dir, 'status');
    t.is(status.code, 0, status.stderr);
    t.regex(status.stdout, /current:\s+20220811074300 pets/);

    const down = await run(url, dir, '--yes', 'downgrade', 'base', '--no-backup');
    t.not(down.code, 0);
    t.regex(down.stderr, /an Atlas file: Atlas has no down migrations/);
    t.deepEqual(await tables(url), ['pets', 'users']);

    // A file changed after atlas.sum: refused as Atlas refuses it, naming the file and the fix.
    appendFileSync(join(dir, '20220811074300_pets.sql'), 'DROP TABLE users;\n-- end --\n');
    const edited = await run(url, dir, '--yes', 'upgrade');
    t.not(edited.code, 0);
    t.regex(edited.stderr, /20220811074300_pets\.sql: error: changed since atlas\.sum was written[\s\S]*atlas migrate hash/);
    t.deepEqual(await tables(url), ['pets', 'users']);
  },
  ['sqlite', 'postgres', 'mariadb'],
);

/** Atlas's revisions table as Atlas creates it (ent schema: cmd/atlas/internal/migrate/ent/schema/revision.go). */
const REVISIONS_COLUMNS = 'version varchar(255) NOT NULL PRIMARY KEY, description varchar(255) NOT NULL, type bigint NOT NULL DEFAULT 2, applied bigint NOT NULL DEFAULT 0, total bigint NOT NULL DEFAULT 0, executed_at timestamp NOT NULL, execution_time bigint NOT NULL, error text NULL, error_stmt text NULL, hash varchar(255) NOT NULL, partial_hashes text NULL, operator_version varchar(255) NOT NULL';

eachDatabase(
  'first contact with a database Atlas migrated: status names atlas_schema_revisions and the stamp, upgrade refuses (exit 11), stamp then upgrade applies only the rest; a partly applied revision refuses with Atlas\'s repair',
  async (t, url, database) => {
    const dir = atlasFolder();
    // Without a schema in its URL, Atlas keeps the table in a schema of its own name on PostgreSQL; SQLite has main only.
    // On MySQL/MariaDB, with a database in its URL, Atlas keeps it in that database.
    const table = database.name === 'postgres' ? 'atlas_schema_revisions.atlas_schema_revisions' : 'atlas_schema_revisions';
    await withDb(url, async (db) => {
      if (database.name === 'postgres') await db.query('CREATE SCHEMA atlas_schema_revisions');
      await db.query(`CREATE TABLE ${table} (${REVISIONS_COLUMNS})`);
      await db.query('CREATE TABLE users (id int PRIMARY KEY)');
      await db.query(`INSERT INTO ${table} VALUES ('.atlas_cloud_identifier', 'x', 2, 0, 0, CURRENT_TIMESTAMP, 0, NULL, NULL, '', NULL, 'Atlas CLI v0.30.0')`);
      await db.query(`INSERT INTO ${table} VALUES ('20220811074144', 'create_users', 2, 1, 1, CURRENT_TIMESTAMP, 1000, NULL, NULL, 'h1:x', NULL, 'Atlas CLI v0.30.0')`);
    });
    const status = await run(url, dir, 'status');
    t.is(status.code, 0, status.stderr);
    t.regex(status.stdout, new RegExp(`OTHER: +this database was migrated by Atlas \\(${table.replace(/\./g, '\\.')}: 1 version applied: 20220811074144\\)`));
    t.regex(status.stdout, /stamp 20220811074144 \(runs no SQL\)/);
    const refused = await run(url, dir, '--yes', 'upgrade');
    t.is(refused.code, 11, refused.stderr);
    // Nothing written: no state table (the snapshot is of the current schema: Atlas's own schema is not in it on PostgreSQL).
    t.deepEqual(await tables(url), database.name === 'postgres' ? ['users'] : ['atlas_schema_revisions', 'users']);

    // Partly applied (Atlas stopped at a failing statement): no stamp fits; Atlas's own repair is named.
    await withDb(url, (db) => db.query(`INSERT INTO ${table} VALUES ('20220811074200', 'add_name', 2, 1, 2, CURRENT_TIMESTAMP, 1000, 'relation exists', 'CREATE INDEX', 'h1:y', NULL, 'Atlas CLI v0.30.0')`));
    const partly = await run(url, dir, '--yes', 'upgrade');
    t.is(partly.code, 11, partly.stderr);
    t.regex(partly.stderr, /PARTLY APPLIED: 20220811074200 \(1 of 2 statements, error: relation exists\)/);
    t.regex(partly.stderr, /`atlas migrate apply` again/);
    await withDb(url, (db) => db.query(`DELETE FROM ${table} WHERE version = '20220811074200'`));

    const stamp = await run(url, dir, '--yes', 'stamp', '20220811074144');
    t.is(stamp.code, 0, stamp.stderr);
    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 0, up.stderr);
    t.notRegex(up.stderr + up.stdout, /20220811074144 create users/);
    t.regex((await run(url, dir, 'status')).stdout, /applied:\s+3 of 3 revisions/);
  },
  ['sqlite', 'postgres', 'mariadb'],
);
