import { cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * goose, dbmate and popx folders, as they ship, on real databases: upgrade, compare the
 * schema with the same SQL as .up.sql/.down.sql pairs, downgrade to base, compare again.
 */
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'];
const run = (url: string, dir: string, ...args: string[]) => cli(['--url', url, '--dir', dir, ...args]);
const schema = (url: string) => withDb(url, (db) => db.schema(STATE));

/** The reference: the same revisions as pairs, in our own layout. */
const PAIRS = {
  '1_a.up.sql': "CREATE TABLE a (id int, note varchar(40));\nINSERT INTO a VALUES (1, 'x; y');\n",
  '1_a.down.sql': 'DROP TABLE a;\n',
  '2_b.up.sql': 'CREATE TABLE b (id int);\nCREATE INDEX b_id ON b (id);\n',
  '2_b.down.sql': 'DROP TABLE b;\n',
};

const LAYOUTS: Record<string, Record<string, string>> = {
  goose: {
    '00001_a.sql': "-- +goose Up\nCREATE TABLE a (id int, note varchar(40));\n-- +goose StatementBegin\nINSERT INTO a VALUES (1, 'x; y');\n-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE a;\n",
    '00002_b.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE b (id int);\nCREATE INDEX b_id ON b (id);\n-- +goose Down\nDROP TABLE b;\n',
  },
  dbmate: {
    '20240101000000_a.sql': "-- migrate:up\nCREATE TABLE a (id int, note varchar(40));\nINSERT INTO a VALUES (1, 'x; y');\n\n-- migrate:down\nDROP TABLE a;\n",
    '20240102000000_b.sql': '-- migrate:up transaction:false\nCREATE TABLE b (id int);\nCREATE INDEX b_id ON b (id);\n-- migrate:down transaction:false\nDROP TABLE b;\n',
  },
  popx: {
    // Each dialect's own file differs from the others, so running the wrong one would show.
    '1_a.postgres.up.sql': "CREATE TABLE a (id int, note varchar(40));\nINSERT INTO a VALUES (1, 'x; y');\n",
    '1_a.mysql.up.sql': "CREATE TABLE a (id int, note varchar(40));\nINSERT INTO a VALUES (1, 'x; y');\n",
    '1_a.sqlite3.up.sql': "CREATE TABLE a (id int, note varchar(40));\nINSERT INTO a VALUES (1, 'x; y');\n",
    '1_a.cockroach.up.sql': 'THIS IS NOT RUN;\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
    '1_a.postgres.down.sql': 'DROP TABLE a;\n',
    '2_b.up.sql': 'CREATE TABLE wrong_file (id int);\n',
    '2_b.down.sql': 'DROP TABLE wrong_file;\n',
    '2_b.postgres.autocommit.up.sql': 'CREATE TABLE b (id int);\nCREATE INDEX CONCURRENTLY b_id ON b (id);\n',
    '2_b.postgres.autocommit.down.sql': 'DROP TABLE b;\n',
    '2_b.mysql.up.sql': 'CREATE TABLE b (id int);\nCREATE INDEX b_id ON b (id);\n',
    '2_b.mysql.down.sql': 'DROP TABLE b;\n',
    '2_b.sqlite.autocommit.up.sql': 'CREATE TABLE b (id int);\nCREATE INDEX b_id ON b (id);\n',
    '2_b.sqlite.autocommit.down.sql': 'DROP TABLE b;\n',
  },
};

for (const [layout, files] of Object.entries(LAYOUTS)) {
  eachDatabase(`${layout} folder as shipped: upgrade gives the schema of the same SQL as pairs, downgrade base gives the empty schema`, async (t, url, db) => {
    const empty = await schema(url);
    const dir = makeFolder(files);
    const check = await cli(['--dir', dir, 'check', '--offline', '--json']);
    t.is(check.code, 0, check.stdout + check.stderr);
    t.is(JSON.parse(check.stdout).revisions, 2);

    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 0, up.stderr);
    const reference = await db.fresh();
    t.is((await run(reference, makeFolder(PAIRS), '--yes', 'upgrade')).code, 0);
    const upgraded = await schema(url);
    t.deepEqual(Object.keys(upgraded.tables).sort(), ['a', 'b']);
    t.deepEqual(upgraded, await schema(reference));
    t.deepEqual((await withDb(url, (d) => d.query<{ note: string }>('SELECT note FROM a'))).map((r) => r.note), ['x; y']);

    const down = await run(url, dir, '--yes', 'downgrade', 'base', '--no-backup');
    t.is(down.code, 0, down.stderr);
    t.deepEqual(await schema(url), empty);
  });
}
