import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atlasSumEntries, dialectSyntax, formatAtlasSum, loadProject, type DatabaseAdapter } from '../src/engine/index.js';
import { findOtherTools } from '../src/engine/run/first-contact.js';
import { cli } from './helpers/cli.js';
import { withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen } from './helpers/screen.js';

/**
 * Atlas's atlas_schema_revisions on SQLite, in process, mapped onto an Atlas folder as Atlas
 * reads it: the files below its first recorded version count as applied (a baseline, or the
 * checkpoint an empty database started from), a file between the first and the last that it
 * does not record is a hole, a version the folder lacks says so. (Every server: atlas-db.test.ts.)
 */
const FILES = {
  '1_first.sql': 'CREATE TABLE tbl_1 (col int);\n',
  '2_second.sql': 'CREATE TABLE tbl_2 (col int);\n',
  '3_checkpoint.sql': '-- atlas:checkpoint\n\nCREATE TABLE tbl_1 (col int);\nCREATE TABLE tbl_2 (col int);\n',
  '4_fourth.sql': 'CREATE TABLE tbl_3 (col int);\n',
  '5_fifth.sql': 'CREATE TABLE tbl_4 (col int);\n',
};
const folder = () => makeFolder({ ...FILES, 'atlas.sum': formatAtlasSum(atlasSumEntries(Object.entries(FILES).map(([name, text]) => ({ name, bytes: Buffer.from(text) })))) });

/** The table as Atlas's ent schema makes it on SQLite, with these rows: [version, type, applied, total, error]. */
async function atlasDatabase(rows: ReadonlyArray<readonly [string, number, number, number, string | null]>): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'migrate-tui-atlas-')), 'db.sqlite');
  writeFileSync(file, '');
  const url = `sqlite:${file}`;
  await withDb(url, async (db) => {
    await db.execute('CREATE TABLE `atlas_schema_revisions` (`version` text NOT NULL, `description` text NOT NULL, `type` integer NOT NULL DEFAULT 2, `applied` integer NOT NULL DEFAULT 0, `total` integer NOT NULL DEFAULT 0, `executed_at` datetime NOT NULL, `execution_time` integer NOT NULL, `error` text NULL, `error_stmt` text NULL, `hash` text NOT NULL, `partial_hashes` json NULL, `operator_version` text NOT NULL, PRIMARY KEY (`version`))');
    for (const [version, type, applied, total, error] of rows) {
      await db.execute(`INSERT INTO atlas_schema_revisions VALUES ('${version}', 'x', ${type}, ${applied}, ${total}, '2024-01-01 00:00:00', 0, ${error === null ? 'NULL' : `'${error}'`}, NULL, 'h1:x', NULL, 'Atlas CLI v0.30.0')`);
    }
  });
  return url;
}

const other = async (url: string, dir: string) => {
  const run = await cli(['--url', url, '--dir', dir, '--json', 'status']);
  return (JSON.parse(run.stdout) as { otherTools: Array<{ tool: string; stamp: string | null; problem: string | null; position: string }> }).otherTools;
};

test('a database Atlas started from the checkpoint (its first row is 3): the files below count as applied, stamp 5', async (t) => {
  const url = await atlasDatabase([['3', 2, 2, 2, null], ['4', 2, 1, 1, null], ['5', 2, 1, 1, null]]);
  t.like((await other(url, folder()))[0], { tool: 'atlas', stamp: '5', problem: null, position: '3 versions applied: 3, 4, 5' });
});

test('a baseline (type 1, `atlas migrate apply --baseline 2`) then 4: stamp 4 (1 and 2 by the baseline, the checkpoint 3 skipped as Atlas skips it); 4 missing under 5 is a hole Atlas would refuse too', async (t) => {
  const dir = folder();
  const url = await atlasDatabase([['2', 1, 0, 0, null], ['4', 2, 1, 1, null]]);
  const [record] = await other(url, dir);
  t.like(record, { stamp: '4', problem: null });
  t.regex(record!.position, /^baseline 2; 2 versions applied: 2, 4$/);
  const holed = await atlasDatabase([['2', 1, 0, 0, null], ['5', 2, 1, 1, null]]);
  const [hole] = await other(holed, dir);
  t.is(hole!.stamp, null);
  t.regex(hole!.problem ?? '', /does not record 4, which a recorded version is built on/);
});

test('a version the folder lacks says so, and the cloud-identifier row is not a version', async (t) => {
  const url = await atlasDatabase([['.atlas_cloud_identifier', 2, 0, 0, null], ['1', 2, 1, 1, null], ['9', 2, 1, 1, null]]);
  const [record] = await other(url, folder());
  t.is(record!.stamp, null);
  t.regex(record!.problem ?? '', /records version 9, which is not a revision of this folder/);
  t.is(record!.position, '2 versions applied: 1, 9');
});

test("the TUI on a database Atlas migrated: the status bar names atlas_schema_revisions and the stamp; its stamp confirmation says Atlas's table stays and where Atlas keeps running", async (t) => {
  const url = await atlasDatabase([['1', 2, 1, 1, null], ['2', 2, 1, 1, null]]);
  const s = await openScreen({ migrations: folder(), url, width: 240 });
  try {
    await s.waitFor(/migrated by Atlas: stamp 2 \(s\) takes it over · no migrate-tui record; atlas_schema_revisions: 2 versions applied: 1, 2/);
    await s.press('u');
    await s.waitFor(/REFUSED — nothing ran/);
    await s.press('\u001B');
    // Newest first: G is the oldest (1), k one up (2); the detail pane shows the selected file.
    await s.press('G');
    await s.waitFor(/1_first\.sql:1/);
    await s.press('k');
    await s.waitFor(/2_second\.sql:1/);
    await s.press('s');
    const confirm = await s.waitFor(/Stamp .* to 2\?/);
    t.regex(confirm, /taking over from Atlas: its atlas_schema_revisions is left as it was \(migrate-tui never writes it\); stop running Atlas on this database \(an `atlas migrate apply` step in CI/);
    await s.press('n');
  } finally {
    await s.close();
  }
});

test("MySQL/MariaDB: Atlas's table in the server-wide atlas_schema_revisions database counts only when it records a revision of this folder (another application's realm is not this database's record)", async (t) => {
  const graph = loadProject(folder()).graph;
  const fake = (versions: readonly string[]) =>
    ({
      syntax: dialectSyntax('mysql'),
      query: async (sql: string) =>
        /information_schema/.test(sql)
          ? ['version', 'description', 'type', 'applied', 'total', 'error'].map((c) => ({ table_name: 'atlas_schema_revisions', column_name: c, here: 0 }))
          : versions.map((version) => ({ version, type: 2, applied: 1, total: 1, error: null })),
    }) as unknown as DatabaseAdapter;
  t.deepEqual(await findOtherTools(fake(['20200101000000', '20200102000000']), graph), []);
  const [record] = await findOtherTools(fake(['1', '2']), graph);
  t.like(record, { tool: 'atlas', table: 'atlas_schema_revisions.atlas_schema_revisions', stamp: '2' });
});
