import { connectDatabase, DEFAULT_STATE_TABLES, loadProject, Migrator, parseDatabaseUrl } from '../src/engine/index.js';
import { eachDatabase, withDb, withMigrator, testLockName } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * Issue 15, the state protocol: a statement-by-statement step's `started` row is written in the
 * same commit as the previous step's `done` and version rows (one commit between two steps,
 * not two). A run that stops before that step removes the row, so the database does not read
 * dirty for a step that never began.
 */
const offSteps = (n: number, statements = 1) =>
  makeFolder(
    Object.fromEntries(
      Array.from({ length: n }, (_, k) => {
        const v = k + 1;
        const body = [`CREATE TABLE t${v} (id int)`, ...Array.from({ length: statements - 1 }, (_, s) => `INSERT INTO t${v} VALUES (${s})`)];
        return [
          [`${v}_t${v}.up.sql`, `-- migrate:transaction off\n${body.map((s) => `${s};`).join('\n')}\n`],
          [`${v}_t${v}.down.sql`, `DROP TABLE t${v};\n`],
        ];
      }).flat(),
    ),
  );

const logRows = (url: string) =>
  withDb(url, async (db) => (await db.query<Record<string, unknown>>('SELECT revision, direction, status, statements_done FROM migrate_tui_log ORDER BY id')).map((r) => `${r.revision} ${r.direction} ${r.status} ${Number(r.statements_done)}`));

eachDatabase('a run cancelled between two statement-by-statement steps leaves no started row for the step that did not begin: not dirty, and the next run goes on', async (t, url) => {
  const dir = offSteps(3, 2);
  const cancelled = await withMigrator(
    url,
    dir,
    (m) => m.upgrade('heads'),
    // Asked for once the first step has ended: its `done` commit already wrote step 2's `started` row.
    (e, m) => void (e.type === 'step-end' && e.index === 0 && m.cancel()),
  );
  t.deepEqual(cancelled.steps.map((s) => `${s.revision} ${s.status}`), ['1 done', '2 not-run', '3 not-run']);
  t.regex(cancelled.error?.message ?? '', /cancel/i);
  t.deepEqual(await logRows(url), ['1 up done 2']);
  const state = await withMigrator(url, dir, (m) => m.readState());
  t.is(state.dirty, null);
  t.deepEqual([...state.applied], ['1']);

  const rest = await withMigrator(url, dir, (m) => m.upgrade('heads'));
  t.is(rest.error, undefined);
  t.deepEqual(await logRows(url), ['1 up done 2', '2 up done 2', '3 up done 2']);
  // Downgrade: the same protocol the other way.
  const down = await withMigrator(url, dir, (m) => m.downgrade('base'));
  t.is(down.error, undefined);
  t.deepEqual((await logRows(url)).slice(3), ['3 down done 1', '2 down done 1', '1 down done 1']);
});

eachDatabase('a failing statement-by-statement step is recorded on its own started row (written with the step before it): dirty after its statement 1', async (t, url, database) => {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id int);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
    '2_b.up.sql': '-- migrate:transaction off\nCREATE TABLE b (id int);\nINSERT INTO no_such_table VALUES (1);\n',
    '2_b.down.sql': 'DROP TABLE b;\n',
  });
  const result = await withMigrator(url, dir, (m) => m.upgrade('heads'));
  t.regex(result.error?.message ?? '', /failed at statement 2 of 2/);
  t.deepEqual(await logRows(url), ['1 up done 1', '2 up dirty 1']);
  const state = await withMigrator(url, dir, (m) => m.readState());
  t.is(state.dirty?.revision, '2');
  t.is(state.dirty?.statementsDone, 1);
  void database;
});

/**
 * MariaDB: the statements the run's own session sent (SHOW SESSION STATUS, read on the run's
 * connection after it). Runs of 2 and 6 steps of one DDL statement each: a step is its
 * statement and one compound statement (its done, the version row and the next step's
 * started row in one transaction), 2 statements; START TRANSACTION … COMMIT would be 5.
 */
eachDatabase(
  'between two statement-by-statement steps of one statement, a step sends 2 statements: its own, then one block that records it done and the next one started',
  async (t, url, database) => {
    let transactions = 0;
    const questionsOf = async (steps: number, compound = true): Promise<number> => {
      const target = parseDatabaseUrl(steps === 2 && compound ? url : await database.fresh(), 'test', process.cwd());
      const db = await connectDatabase(target, testLockName(target));
      // MySQL's syntax has no compound statement: the same server, told so.
      if (!compound) Object.defineProperty(db, 'syntax', { value: { ...db.syntax, compoundStatement: false } });
      const begin = db.beginStep.bind(db);
      db.beginStep = () => (transactions++, begin());
      try {
        const read = async () => Number((await db.query<{ Value: string }>("SHOW SESSION STATUS LIKE 'Questions'"))[0]!.Value);
        const before = await read();
        const result = await new Migrator(loadProject(offSteps(steps)), db, { tables: DEFAULT_STATE_TABLES, toolVersion: 'test', lockTimeoutMs: 10_000, connection: target }).upgrade('heads');
        t.is(result.error, undefined);
        return (await read()) - before - 1;
      } finally {
        await db.close();
      }
    };
    const two = await questionsOf(2);
    const six = await questionsOf(6);
    t.is((six - two) / 4, 2, `statements: ${two} for 2 steps, ${six} for 6`);
    t.deepEqual(await logRows(url), ['1 up done 1', '2 up done 1']);
    // Without it (MySQL), the next step's row stays its own statement: the finish stays one
    // UPDATE, with no START TRANSACTION … COMMIT around it and the next row (two more round
    // trips, measured slower here than the commit they save).
    transactions = 0;
    await questionsOf(6, false);
    // One transaction only: step 1's, which inserts the first version row (no one-statement
    // finish there, so its transaction carries step 2's row at no cost); 5 with the wrapping.
    t.is(transactions, 1);
  },
  ['mariadb'],
);

/**
 * A session whose sql_mode reads another syntax (ORACLE: `START TRANSACTION` inside the block is
 * read as a declaration) refuses the block unparsed. Each step then finished with "Unknown data
 * type" and the database read DIRTY after a migration that had run whole; now the finish is done
 * row by row, and the block is not sent again in that session.
 */
eachDatabase(
  'MariaDB with sql_mode=ORACLE (set by a migration): the compound finish is refused unparsed once, then every step is finished row by row; nothing reads dirty',
  async (t, url) => {
    const dir = makeFolder({
      '1_mode.up.sql': "SET SESSION sql_mode = 'ORACLE';\nCREATE TABLE t1 (id int);\n",
      '1_mode.down.sql': 'DROP TABLE t1;\n',
      ...Object.fromEntries([2, 3, 4].flatMap((v) => [[`${v}_t${v}.up.sql`, `CREATE TABLE t${v} (id int);\n`], [`${v}_t${v}.down.sql`, `DROP TABLE t${v};\n`]])),
    });
    let blocks = 0;
    const result = await withMigrator(url, dir, async (m) => {
      const query = m.db.query.bind(m.db);
      m.db.query = ((sql: string, params?: unknown[]) => (sql.startsWith('BEGIN NOT ATOMIC') && blocks++, query(sql, params))) as typeof m.db.query;
      return m.upgrade('heads');
    });
    t.is(result.error, undefined, result.error?.message);
    t.deepEqual(result.steps.map((s) => `${s.revision} ${s.status}`), ['1 done', '2 done', '3 done', '4 done']);
    t.is(blocks, 1);
    t.deepEqual(await logRows(url), ['1 up done 2', '2 up done 1', '3 up done 1', '4 up done 1']);
    const state = await withMigrator(url, dir, (m) => m.readState());
    t.is(state.dirty, null);
    t.deepEqual(state.versionRows, ['4']);
  },
  ['mariadb'],
);
