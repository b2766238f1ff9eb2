import { cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen } from './helpers/screen.js';

/**
 * Issue 9: what the tool says after a failure is exactly what the database holds. Each test
 * compares the schema and the data, not only the exit code.
 */
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'];
const run = (url: string, dir: string, ...args: string[]) => cli(['--url', url, '--dir', dir, ...args]);
const tables = (url: string) => withDb(url, async (db) => Object.keys((await db.schema(STATE)).tables).sort());
const count = (url: string, sql: string) => withDb(url, async (db) => Number(Object.values((await db.query<Record<string, unknown>>(sql))[0]!)[0]));
const lastLog = (url: string) =>
  withDb(url, async (db) => (await db.query<{ revision: string; status: string; statements_done: unknown }>('SELECT revision, status, statements_done FROM migrate_tui_log ORDER BY id DESC'))[0]!);
const base = { '1_base.up.sql': 'CREATE TABLE base (id int);\n', '1_base.down.sql': 'DROP TABLE base;\n' };

eachDatabase('a statement failing after the file’s own COMMIT leaves the database DIRTY with exactly what stays applied', async (t, url) => {
  const dir = makeFolder({
    ...base,
    '2_own.up.sql': 'BEGIN;\nCREATE TABLE kept_a (id int);\nCOMMIT;\nCREATE TABLE kept_b (id int);\nINSERT INTO no_such_table VALUES (1);\n',
    '2_own.down.sql': 'DROP TABLE kept_b;\nDROP TABLE kept_a;\n',
  });
  const up = await run(url, dir, '--yes', 'upgrade');
  t.is(up.code, 5, up.stderr);
  t.notRegex(up.stderr, /rolled back: the database is as it was before/);
  t.regex(up.stderr, /DIRTY: statements 1–4 of 5 ran and stay applied/);
  t.regex(up.stderr, /2_own\.up\.sql:5/);
  t.deepEqual(await tables(url), ['base', 'kept_a', 'kept_b']);
  const log = await lastLog(url);
  t.is(log.status, 'dirty');
  t.is(Number(log.statements_done), 4);
  const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.is(status.dirty.revision, '2');
  t.is(status.dirty.statementsDone, 4);
});

eachDatabase('a statement failing inside the file’s own transaction: that transaction is rolled back, what ran before it stays, and the log says so', async (t, url, db) => {
  const dir = makeFolder({
    ...base,
    '2_own.up.sql': 'CREATE TABLE kept (id int);\nBEGIN;\nINSERT INTO base VALUES (1);\nINSERT INTO no_such_table VALUES (1);\nCOMMIT;\n',
    '2_own.down.sql': 'DROP TABLE kept;\n',
  });
  const up = await run(url, dir, '--yes', 'upgrade');
  t.is(up.code, 5, up.stderr);
  t.regex(up.stderr, /DIRTY: statement 1 of 5 ran and stays applied; statements 2–3, inside the file's own transaction \(BEGIN at line 2\), ran and were rolled back/);
  if (db.name === 'mariadb') t.regex(up.stderr, /commits DDL implicitly/);
  else t.notRegex(up.stderr, /commits DDL implicitly/);
  t.deepEqual(await tables(url), ['base', 'kept']);
  t.is(await count(url, 'SELECT COUNT(*) FROM base'), 0);
  const log = await lastLog(url);
  t.is(log.status, 'dirty');
  // Resume starts again at the file's BEGIN, the first statement that did not stay applied.
  t.is(Number(log.statements_done), 1);
});

eachDatabase(
  'a file wrapped whole in BEGIN … COMMIT runs in one transaction: a failure rolls everything back, a success records it',
  async (t, url) => {
    const failing = makeFolder({ ...base, '2_w.up.sql': 'BEGIN;\nCREATE TABLE w (id int);\nINSERT INTO no_such_table VALUES (1);\nCOMMIT;\n', '2_w.down.sql': 'DROP TABLE w;\n' });
    t.is((await run(url, failing, '--yes', 'upgrade', '1')).code, 0);
    const up = await run(url, failing, '--yes', 'upgrade');
    t.is(up.code, 1, up.stderr);
    t.regex(up.stderr, /the migration was rolled back: the database is as it was before 2/);
    t.regex(up.stderr, /2_w\.up\.sql:3/);
    t.deepEqual(await tables(url), ['base']);
    const ok = makeFolder({ ...base, '2_w.up.sql': 'BEGIN;\nCREATE TABLE w (id int);\nINSERT INTO w VALUES (1);\nCOMMIT;\n', '2_w.down.sql': 'BEGIN;\nDROP TABLE w;\nCOMMIT;\n' });
    t.is((await run(url, ok, '--yes', 'upgrade')).code, 0);
    t.is(await count(url, 'SELECT COUNT(*) FROM w'), 1);
    t.is((await run(url, ok, '--yes', 'downgrade', 'base')).code, 0);
    t.deepEqual(await tables(url), []);
  },
  ['sqlite', 'postgres'],
);

eachDatabase('empty and comment-only files are no-op migrations: check warns, upgrade and downgrade record them', async (t, url) => {
  const dir = makeFolder({
    '1_nothing.up.sql': '-- intentionally empty: kept for history\n',
    '1_nothing.down.sql': '',
    '2_b.up.sql': 'CREATE TABLE b (id int);\n',
    '2_b.down.sql': 'DROP TABLE b;\n',
  });
  const check = await run(url, dir, 'check');
  t.is(check.code, 0, check.stdout);
  t.regex(check.stdout, /1_nothing\.up\.sql: warning: this migration has no SQL/);
  t.regex(check.stdout, /0 errors, 1 warning$/m);
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  t.deepEqual(await tables(url), ['b']);
  const applied = await withDb(url, (db) => db.query<{ revision: string; direction: string; status: string }>("SELECT revision, direction, status FROM migrate_tui_log WHERE revision = '1'"));
  t.deepEqual(applied.map((r) => [r.direction, r.status]), [['up', 'done']]);
  t.is((await run(url, dir, '--yes', 'downgrade', 'base')).code, 0);
  t.deepEqual(await tables(url), []);
  t.is(await count(url, "SELECT COUNT(*) FROM migrate_tui_log WHERE revision = '1' AND direction = 'down' AND status = 'done'"), 1);
});

eachDatabase('an up without a down applies, and a downgrade past it is refused naming the missing file', async (t, url) => {
  const dir = makeFolder({ ...base, '2_oneway.up.sql': 'CREATE TABLE oneway (id int);\n' });
  const check = await run(url, dir, 'check');
  t.is(check.code, 0);
  t.regex(check.stdout, /2_oneway\.up\.sql: warning: no matching \.down\.sql: the revision is irreversible/);
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  const down = await run(url, dir, '--yes', 'downgrade', 'base');
  t.not(down.code, 0);
  t.regex(down.stderr, /would pass 2 \(no \.down\.sql\), which cannot be undone/);
  t.deepEqual(await tables(url), ['base', 'oneway']);
});

eachDatabase(
  'CREATE INDEX CONCURRENTLY runs without a transaction by itself, and --sql says why',
  async (t, url) => {
    const dir = makeFolder({ ...base, '2_idx.up.sql': 'CREATE INDEX CONCURRENTLY base_id ON base (id);\n', '2_idx.down.sql': 'DROP INDEX CONCURRENTLY base_id;\n' });
    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 0, up.stderr);
    t.is(await count(url, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'base_id'"), 1);
    const log = await withDb(url, (db) => db.query<{ status: string }>("SELECT status FROM migrate_tui_log WHERE revision = '2'"));
    t.deepEqual(log.map((r) => r.status), ['done']);
    t.is((await run(url, dir, '--yes', 'downgrade', '1')).code, 0);
    t.is(await count(url, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'base_id'"), 0);
    const sql = await run(url, dir, 'upgrade', '--sql');
    t.regex(sql.stdout, /-- runs without a transaction: CREATE\/DROP INDEX CONCURRENTLY \(line 1\) cannot run inside a transaction on postgres/);
    t.notRegex(sql.stdout.split('Running upgrade 2')[1]!, /^BEGIN;$/m);
  },
  ['postgres'],
);

eachDatabase('a down file that drops migrate-tui’s own table is reported as a bookkeeping failure, not "statement 3 of 2"', async (t, url, db) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\nDROP TABLE migrate_tui_version;\n' });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  const down = await run(url, dir, '--yes', 'downgrade', 'base');
  t.not(down.code, 0);
  t.notRegex(down.stderr, /statement 3 of 2/);
  t.regex(down.stderr, /all 2 statements of .*1_a\.down\.sql ran, but finishing the step failed/);
  if (db.name === 'mariadb') {
    // No transactional DDL: both statements stay applied, and the log says the step is unfinished.
    t.regex(down.stderr, /DIRTY: statements 1–2 of 2 ran and stay applied/);
    t.deepEqual(await tables(url), []);
  } else {
    t.regex(down.stderr, /rolled back: the database is as it was before 1/);
    t.deepEqual(await tables(url), ['a']);
    t.true(await withDb(url, (d) => d.tableExists('migrate_tui_version')));
  }
});

// MariaDB commits the DDL inside the file's transaction implicitly, so re-running from its BEGIN
// fails on the table that stayed: the failure message says so (see the own-transaction test above).
eachDatabase('resolve --resume runs the rest of a file with its own BEGIN/COMMIT as the step would: outside the run’s transaction, its transaction tracked, the real error and line on failure', async (t, url) => {
  const dir = makeFolder({
    '1_own.up.sql': 'CREATE TABLE a (id INTEGER);\nBEGIN;\nCREATE TABLE b (id INTEGER);\nINSERT INTO nope VALUES (1);\nCOMMIT;\n',
    '1_own.down.sql': 'DROP TABLE b;\nDROP TABLE a;\n',
  });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 5);
  // Still broken: the resume fails on the same statement, with the database's own error and the file's line.
  const again = await run(url, dir, '--yes', 'resolve', '1', '--resume');
  t.is(again.code, 5, again.stderr);
  t.regex(again.stderr, /1_own\.up\.sql:4/);
  t.regex(again.stderr, /nope/);
  t.notRegex(again.stderr, /current transaction is aborted|cannot start a transaction within a transaction/);
  t.like(JSON.parse((await run(url, dir, 'status', '--json')).stdout).dirty, { revision: '1', statementsDone: 1 });
  // Fixed: the resume starts again at the file's BEGIN and finishes the step.
  await withDb(url, (d) => d.execute('CREATE TABLE nope (id INTEGER)'));
  const fixed = await run(url, dir, '--yes', 'resolve', '1', '--resume');
  t.is(fixed.code, 0, fixed.stderr);
  t.regex(fixed.stderr, /runs the 4 statements from statement 2 of the up of 1/);
  t.deepEqual(await tables(url), ['a', 'b', 'nope']);
  t.is(await count(url, 'SELECT COUNT(*) FROM nope'), 1);
  const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.is(status.dirty, null);
  t.deepEqual(status.current, ['1']);
}, ['sqlite', 'postgres']);

eachDatabase(
  'when PostgreSQL still refuses something inside the transaction, the hint names `-- migrate:transaction off`',
  async (t, url) => {
    // ALTER TYPE … ADD VALUE runs in a transaction on PostgreSQL 12+, but the new value cannot be used in the same one.
    const dir = makeFolder({
      '1_mood.up.sql': "CREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'happy';\nSELECT 'happy'::mood;\n",
      '1_mood.down.sql': 'DROP TYPE mood;\n',
    });
    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 1, up.stderr);
    t.regex(up.stderr, /unsafe use of new value/);
    t.regex(up.stderr, /the migration was rolled back: the database is as it was before 1/);
    t.regex(up.stderr, /put `-- migrate:transaction off` at the top of the file/);
    const fixed = makeFolder({ '1_mood.up.sql': `-- migrate:transaction off\n${"CREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'happy';\nSELECT 'happy'::mood;\n"}`, '1_mood.down.sql': 'DROP TYPE mood;\n' });
    t.is((await run(url, fixed, '--yes', 'upgrade')).code, 0);
  },
  ['postgres'],
);

eachDatabase(
  'a CREATE UNIQUE INDEX CONCURRENTLY that fails half-way names the INVALID index PostgreSQL keeps and the duplicated key; an older INVALID index is not blamed on it',
  async (t, url) => {
    const dir = makeFolder({
      ...base,
      '2_idx.up.sql':
        '-- migrate:transaction off\nCREATE TABLE orders (id int PRIMARY KEY, user_id int);\nINSERT INTO orders VALUES (1, 7), (2, 7);\nCREATE UNIQUE INDEX CONCURRENTLY orders_user_uniq ON orders (user_id);\nALTER TABLE orders ADD COLUMN note text;\n',
      '2_idx.down.sql': 'DROP TABLE orders;\n',
    });
    t.is((await run(url, dir, '--yes', 'upgrade', '1')).code, 0);
    // An INVALID index from before this run, on another table: it must not be named.
    await withDb(url, async (db) => {
      await db.execute('CREATE TABLE older (v int)');
      await db.execute('INSERT INTO older VALUES (1), (1)');
      await db.execute('CREATE UNIQUE INDEX CONCURRENTLY older_uniq ON older (v)').catch(() => undefined);
    });
    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 5, up.stderr);
    t.regex(up.stderr, /could not create unique index "orders_user_uniq"\n\s+Key \(user_id\)=\(7\) is duplicated\./);
    t.regex(up.stderr, /left an INVALID index behind: orders_user_uniq on orders .*DROP INDEX CONCURRENTLY orders_user_uniq;/);
    t.notRegex(up.stderr, /older_uniq/);
    t.regex(up.stderr, /DIRTY: statements 1–2 of 4 ran and stay applied/);
    const invalid = await withDb(url, (db) => db.query<{ name: string }>('SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid ORDER BY 1'));
    t.deepEqual(invalid.map((r) => r.name), ['older_uniq', 'orders_user_uniq'], 'what the message says is what pg_index holds');
    // The refusal of the next run repeats it from the log, so the on-call engineer sees it without the first output.
    const again = await run(url, dir, '--yes', 'upgrade');
    t.is(again.code, 5);
    t.regex(again.stderr, /left an INVALID index behind: orders_user_uniq/);
    // The TUI's resolve screen shows the stored error line by line (each wraps as its own line).
    const s = await openScreen({ migrations: dir, url });
    try {
      await s.press('R');
      const screen = await s.waitFor(/Resolve the unfinished up of 2/);
      t.regex(screen, /│ {2}Key \(user_id\)=\(7\) is duplicated\. +│/);
      t.regex(screen, /│ {2}the failed statement left an INVALID index behind: orders_user_uniq on orders/);
      // A letter opens the preview at once (the footer said "enter previews" after it, and that enter landed in the preview).
      t.regex(screen, /j\/k then enter, or an option's letter, opens its preview · esc cancels/);
    } finally {
      await s.close();
    }
  },
  ['postgres'],
);
