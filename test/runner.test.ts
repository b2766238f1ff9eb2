import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryAsync, cli, start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'];

/**
 * The CLI against one database and folder, as a script would run it (no terminal). On SQLite
 * in its own process: better-sqlite3 works synchronously (a lock wait, the rollback of a killed
 * run's journal), and in this worker it froze the server tests running beside it — their
 * connects timed out all at once under load.
 */
const run = (url: string, dir: string, ...args: string[]) => (url.startsWith('sqlite:') ? binaryAsync : cli)(['--url', url, '--dir', dir, ...args]);


const schemaOf = (url: string) => withDb(url, (db) => db.schema(STATE));
const count = (url: string, sql: string) => withDb(url, async (db) => Number(Object.values((await db.query<Record<string, unknown>>(sql))[0]!)[0]));
const copyExample = () => {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-example-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
};

eachDatabase('upgrade heads → downgrade base → upgrade heads leaves the same schema; the state tables say where it is', async (t, url) => {
  const up = await run(url, EXAMPLE, '--yes', 'upgrade');
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /applied 9 revisions/);
  const first = await schemaOf(url);
  t.deepEqual(Object.keys(first.tables).sort(), ['application_settings', 'audit_log', 'documents', 'permissions', 'role_permissions', 'roles', 'user_roles', 'users']);
  t.is(Object.keys(first.triggers).length, 1);

  const current = JSON.parse((await run(url, EXAMPLE, 'current', '--json')).stdout);
  t.deepEqual(current.current.map((r: { id: string }) => r.id), ['20260115090000']);

  const down = await run(url, EXAMPLE, '--yes', 'downgrade', 'base');
  t.is(down.code, 0, down.stderr);
  t.deepEqual((await schemaOf(url)).tables, {});
  t.deepEqual((await schemaOf(url)).triggers, {});

  t.is((await run(url, EXAMPLE, '--yes', 'upgrade')).code, 0);
  t.deepEqual(await schemaOf(url), first);

  // Every step is in the log: 9 up, 9 down, 9 up, with who/where/how long.
  const log = await withDb(url, (db) => db.query<{ direction: string; status: string; os_user: string; duration_ms: unknown }>('SELECT direction, status, os_user, duration_ms FROM migrate_tui_log'));
  t.is(log.filter((r) => r.direction === 'up' && r.status === 'done').length, 18);
  t.is(log.filter((r) => r.direction === 'down' && r.status === 'done').length, 9);
  t.true(log.every((r) => r.os_user !== '' && r.duration_ms !== null));

  // A second upgrade changes nothing.
  const again = await run(url, EXAMPLE, '--yes', 'upgrade');
  t.regex(again.stdout, /nothing to do/);
});

eachDatabase('stamp moves the version rows without running SQL, and asks before going back', async (t, url) => {
  t.is((await run(url, EXAMPLE, 'stamp', '20260105092000')).code, 0);
  t.deepEqual((await schemaOf(url)).tables, {});
  const status = JSON.parse((await run(url, EXAMPLE, 'status', '--json')).stdout);
  t.deepEqual(status.current, ['20260105092000']);
  t.is(status.applied.length, 3);
  const refused = await run(url, EXAMPLE, 'stamp', 'base');
  t.is(refused.code, 4);
  t.regex(refused.stderr, /needs a confirmation, but there is no terminal/);
  // The hint names what exists for stamp (it has no --sql).
  t.regex(refused.stderr, /→ pass --yes to confirm in scripts and CI \(the line above says what it would record\)\n/);
  t.notRegex(refused.stderr, /--sql/);
  t.is((await run(url, EXAMPLE, '--yes', 'stamp', 'base')).code, 0);
  t.deepEqual(JSON.parse((await run(url, EXAMPLE, 'status', '--json')).stdout).current, []);
});

eachDatabase('seed runs every seed once; a second run inserts nothing; a changed seed runs again', async (t, url) => {
  t.is((await run(url, EXAMPLE, '--yes', 'upgrade')).code, 0);
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-seeds-'));
  cpSync(SEEDS, dir, { recursive: true });
  const first = await cli(['--url', url, '--dir', EXAMPLE, 'seed', '--seeds', dir, '--json']);
  t.is(first.code, 0, first.stderr);
  t.is(await count(url, 'SELECT COUNT(*) FROM roles'), 3);
  t.is(await count(url, 'SELECT COUNT(*) FROM permissions'), 11);
  // The documents branch has its permissions: admin all, user create/read/update, viewer read.
  t.is(await count(url, "SELECT COUNT(*) FROM permissions WHERE name LIKE 'document:%'"), 4);
  const grants = await count(url, 'SELECT COUNT(*) FROM role_permissions');
  t.is(grants, 11 + 6 + 3);
  const second = JSON.parse((await cli(['--url', url, '--dir', EXAMPLE, 'seed', '--seeds', dir, '--json'])).stdout);
  t.deepEqual(second.skipped, ['001_roles.sql', '002_permissions.sql']);
  t.is(await count(url, 'SELECT COUNT(*) FROM role_permissions'), grants);
  writeFileSync(join(dir, '001_roles.sql'), readFileSync(join(dir, '001_roles.sql'), 'utf8').replace(/\('viewer', 'Read-only access'\)/g, "('viewer', 'Read-only access'),\n  ('auditor', 'Reads the audit log')"));
  const third = JSON.parse((await cli(['--url', url, '--dir', EXAMPLE, 'seed', '--seeds', dir, '--json'])).stdout);
  t.deepEqual(third.skipped, ['002_permissions.sql']);
  t.is(await count(url, 'SELECT COUNT(*) FROM roles'), 4);
});

eachDatabase('drift: editing an applied file is reported with a diff; a comment-only edit is told apart', async (t, url) => {
  const dir = copyExample();
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  t.is((await run(url, dir, 'check')).code, 0);
  const users = join(dir, '20260105091000_create_users.up.sql');
  const original = readFileSync(users, 'utf8');
  writeFileSync(users, original.replace('CREATE UNIQUE INDEX', '-- a note\nCREATE UNIQUE INDEX'));
  const cosmetic = await run(url, dir, 'check');
  t.is(cosmetic.code, 0, 'a comment-only change is a warning');
  t.regex(cosmetic.stdout, /warning: changed since it was applied \(white space or comments only\)/);
  writeFileSync(users, original.replace('CREATE UNIQUE INDEX users_email_key ON users (email);', 'CREATE UNIQUE INDEX users_email_key ON users (email, display_name);'));
  const real = await run(url, dir, 'check');
  t.is(real.code, 1);
  t.regex(real.stdout, /error: changed since it was applied \(the SQL differs\)/);
  t.regex(real.stdout, /-CREATE UNIQUE INDEX users_email_key ON users \(email\);\n\+CREATE UNIQUE INDEX users_email_key ON users \(email, display_name\);/);
  const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.deepEqual(status.drift.map((d: { revision: string; cosmetic: boolean }) => [d.revision, d.cosmetic]), [['20260105091000', false]]);
  rmSync(dir, { recursive: true, force: true });
});

/** Three statements, the third fails on every database. */
const failing = () =>
  makeFolder({
    '1_base.up.sql': 'CREATE TABLE base (id INTEGER PRIMARY KEY);\n',
    '1_base.down.sql': 'DROP TABLE base;\n',
    '2_breaks.up.sql': 'CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\nINSERT INTO no_such_table VALUES (1);\n',
    '2_breaks.down.sql': 'DROP TABLE a;\n',
  });

eachDatabase(
  'a failing 3rd statement rolls the migration back: the database is exactly as before it',
  async (t, url) => {
    const dir = failing();
    const before = await run(url, dir, '--yes', 'upgrade', '1');
    t.is(before.code, 0, before.stderr);
    const schema = await schemaOf(url);
    const result = await run(url, dir, '--yes', 'upgrade');
    t.is(result.code, 1);
    t.regex(result.stderr, /upgrade of 2 failed at statement 3 of 3 \(.*2_breaks\.up\.sql:3\)/);
    t.regex(result.stderr, /no_such_table/);
    t.regex(result.stderr, /rolled back: the database is as it was before 2/);
    t.deepEqual(await schemaOf(url), schema);
    const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
    t.deepEqual(status.current, ['1']);
    t.is(status.dirty, null);
    const failed = await withDb(url, (db) => db.query<{ status: string; statements_done: unknown }>("SELECT status, statements_done FROM migrate_tui_log WHERE revision = '2'"));
    t.deepEqual(failed.map((r) => [r.status, Number(r.statements_done)]), [['failed', 2]]);
  },
  ['sqlite', 'postgres'],
);

eachDatabase(
  'a failing 3rd statement leaves MariaDB dirty with statements 1–2 recorded; later runs refuse; resolve clears it',
  async (t, url) => {
    const dir = failing();
    t.is((await run(url, dir, '--yes', 'upgrade', '1')).code, 0);
    const result = await run(url, dir, '--yes', 'upgrade');
    t.is(result.code, 5);
    t.regex(result.stderr, /the database is now DIRTY: statements 1–2 of 3 ran and stay applied/);
    t.is(await count(url, 'SELECT COUNT(*) FROM a'), 1, 'statements 1 and 2 did run');

    const refused = await run(url, dir, '--yes', 'upgrade');
    t.is(refused.code, 5);
    t.regex(refused.stderr, /is dirty: the up of 2 stopped after 2 of 3 statements/);
    t.regex(refused.stderr, /1\. CREATE TABLE a \(id INTEGER\)\n\s+2\. INSERT INTO a VALUES \(1\)/);
    t.regex(refused.stderr, /`migrate-tui --url <url> resolve 2 --resume`/);
    t.is((await run(url, dir, '--yes', 'downgrade', 'base')).code, 5);

    // Fix the cause by hand, then resume: only statement 3 runs.
    await withDb(url, (db) => db.execute('CREATE TABLE no_such_table (id INTEGER)'));
    const noTty = await run(url, dir, 'resolve', '2', '--resume');
    t.is(noTty.code, 4);
    const resolved = await run(url, dir, '--yes', 'resolve', '2', '--resume');
    t.is(resolved.code, 0, resolved.stderr);
    t.is(await count(url, 'SELECT COUNT(*) FROM a'), 1);
    t.is(await count(url, 'SELECT COUNT(*) FROM no_such_table'), 1);
    const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
    t.is(status.dirty, null);
    t.deepEqual(status.current, ['2']);
  },
  ['mariadb'],
);

eachDatabase('resolve --reverted and --applied only record, and clear the dirty state', async (t, url) => {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
  });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 5);
  t.not(JSON.parse((await run(url, dir, 'status', '--json')).stdout).dirty, null);
  await withDb(url, (db) => db.execute('DROP TABLE a'));
  t.is((await run(url, dir, '--yes', 'resolve', '1', '--reverted')).code, 0);
  const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.is(status.dirty, null);
  t.deepEqual(status.applied, []);
  const wrong = await run(url, dir, '--yes', 'resolve', '1', '--applied');
  t.is(wrong.code, 1);
  t.regex(wrong.stderr, /not dirty: nothing to resolve/);
});

eachDatabase('without a terminal and without --yes, downgrade refuses and changes nothing', async (t, url) => {
  t.is((await run(url, EXAMPLE, '--yes', 'upgrade')).code, 0);
  const refused = await run(url, EXAMPLE, 'downgrade', '-1');
  t.is(refused.code, 4);
  t.regex(refused.stderr, /needs a confirmation, but there is no terminal to ask on; nothing was changed\n {2}→ pass --yes/);
  t.deepEqual(JSON.parse((await run(url, EXAMPLE, 'current', '--json')).stdout).current.map((r: { id: string }) => r.id), ['20260115090000']);
  const yes = await run(url, EXAMPLE, '--yes', 'downgrade', '-1');
  t.is(yes.code, 0);
  t.deepEqual(JSON.parse((await run(url, EXAMPLE, 'current', '--json')).stdout).current.map((r: { id: string }) => r.id), ['20260112100000', '20260112110000']);
});

eachDatabase(
  'on a terminal, downgrade asks: "y" proceeds, anything else declines and changes nothing',
  async (t, url) => {
    t.is((await run(url, EXAMPLE, '--yes', 'upgrade')).code, 0);
    const declined = await cli(['--url', url, '--dir', EXAMPLE, 'downgrade', '-1'], { tty: true, answers: ['n'] });
    t.is(declined.code, 4);
    t.regex(declined.stderr, /downgrade test\.sqlite to -1 after the backup\? \[y\/N\] /);
    t.regex(declined.stderr, /not confirmed, nothing was changed/);
    t.is(JSON.parse((await run(url, EXAMPLE, 'status', '--json')).stdout).applied.length, 9);
    const accepted = await cli(['--url', url, '--dir', EXAMPLE, 'downgrade', '-1'], { tty: true, answers: ['y'] });
    t.is(accepted.code, 0, accepted.stderr);
    t.is(JSON.parse((await run(url, EXAMPLE, 'status', '--json')).stdout).applied.length, 8);
  },
  ['sqlite'],
);

eachDatabase('gaps: a file merged late with a lower version is reported and applied only with --out-of-order', async (t, url) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id INTEGER);', '1_a.down.sql': 'DROP TABLE a;', '3_c.up.sql': 'CREATE TABLE c (id INTEGER);', '3_c.down.sql': 'DROP TABLE c;' });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  writeFileSync(join(dir, '2_b.up.sql'), 'CREATE TABLE b (id INTEGER);');
  writeFileSync(join(dir, '2_b.down.sql'), 'DROP TABLE b;');
  const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.deepEqual(status.gaps, [{ revision: '2', appliedDescendants: ['3'] }]);
  t.deepEqual(status.pending, ['2']);
  const refused = await run(url, dir, '--yes', 'upgrade');
  t.is(refused.code, 7);
  t.regex(refused.stderr, /2 \(applied after it: 3\)/);
  // One revision built on the gap: "3 (built on it) is", not "are".
  t.regex((await run(url, dir, 'status')).stdout, /GAP: +2 b is not applied, but 3 \(built on it\) is; upgrade --out-of-order applies it/);
  const check = await run(url, dir, 'check');
  t.is(check.code, 1);
  t.regex(check.stdout + check.stderr, /error: not applied, but 3 \(built on it\) is\n/);
  const applied = await run(url, dir, '--yes', 'upgrade', '--out-of-order');
  t.is(applied.code, 0, applied.stderr);
  t.is(await count(url, 'SELECT COUNT(*) FROM b'), 0);
  t.deepEqual(JSON.parse((await run(url, dir, 'status', '--json')).stdout).gaps, []);
});

eachDatabase('applied revisions whose files are gone are reported and reverted from the stored down SQL', async (t, url) => {
  const dir = copyExample();
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 0);
  for (const suffix of ['up', 'down']) rmSync(join(dir, `20260115090000_merge_documents_and_audit.${suffix}.sql`));
  for (const suffix of ['up', 'down']) rmSync(join(dir, `20260112110000_create_audit_log.${suffix}.sql`));
  const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.deepEqual(status.missing.map((m: { revision: string }) => m.revision), ['20260115090000', '20260112110000']);
  const down = await run(url, dir, '--yes', 'downgrade', '-2');
  t.is(down.code, 0, down.stderr);
  const after = await schemaOf(url);
  t.false('audit_log' in after.tables);
  t.deepEqual(after.triggers, {});
  const final = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  t.deepEqual(final.missing, []);
  t.deepEqual(final.current, ['20260112100000']);
  rmSync(dir, { recursive: true, force: true });
});

eachDatabase('passwords never appear in output, JSON or errors', async (t, url) => {
  const ok = await run(url, EXAMPLE, 'status', '--json');
  const wrong = url.includes('@') ? url.replace(/:[^:@/]+@/, ':not-the-password@') : url;
  const failed = await run(wrong, EXAMPLE, 'status');
  const password = /:\/\/[^:]+:([^@]+)@/.exec(url)?.[1];
  for (const output of [ok.stdout, ok.stderr, failed.stdout, failed.stderr]) {
    if (password) t.false(output.includes(password));
    t.false(output.includes('not-the-password'));
  }
  if (password) {
    t.is(failed.code, 1);
    t.regex(failed.stderr, /cannot connect to .*:\*\*\*@/);
  } else t.is(failed.code, 0);
});

eachDatabase('four upgrade processes started at once apply every migration exactly once and all exit 0', async (t, url) => {
  const runs = Array.from({ length: 4 }, () => start(['--url', url, '--dir', EXAMPLE, '--yes', 'upgrade']));
  const codes = await Promise.all(runs.map((r) => r.exit));
  t.deepEqual(codes, [0, 0, 0, 0], runs.map((r) => r.stderr()).join('\n'));
  const log = await withDb(url, (db) => db.query<{ revision: string }>("SELECT revision FROM migrate_tui_log WHERE direction = 'up' AND status = 'done'"));
  t.is(log.length, 9);
  t.is(new Set(log.map((r) => r.revision)).size, 9);
});

/** Waits until `ready()` is true, polling the database (not a timed sleep standing in for it). */
async function until(ready: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SLOW: Record<string, string> = {
  postgres: 'CREATE TABLE slow (id INTEGER);\nSELECT pg_sleep(60);\n',
  mariadb: 'CREATE TABLE slow (id INTEGER);\nSELECT SLEEP(60);\n',
  sqlite: 'CREATE TABLE slow (id INTEGER);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) INSERT INTO slow SELECT x FROM c;\n',
};

/** Starts an upgrade whose migration runs for a long time, and returns once it is running. */
async function startSlowUpgrade(url: string, dbName: string) {
  const dir = makeFolder({ '1_slow.up.sql': SLOW[dbName]!, '1_slow.down.sql': 'DROP TABLE slow;\n' });
  const init = await run(url, dir, 'init', '--tables-only');
  if (init.code !== 0) throw new Error(init.stderr);
  const victim = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  if (dbName === 'postgres') {
    await until(async () => (await count(url, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'")) > 0, 'pg_sleep to run');
  } else if (dbName === 'mariadb') {
    await until(async () => (await count(url, "SELECT COUNT(*) FROM migrate_tui_log WHERE status = 'started' AND statements_done = 1")) > 0, 'statement 1 to finish');
  } else {
    await until(async () => victim.stderr().includes('↑ [1/1] 1 slow'), 'the step to start');
  }
  return { dir, victim };
}

eachDatabase('a second run gives up after --lock-timeout and says who holds the lock', async (t, url, db) => {
  const { dir, victim } = await startSlowUpgrade(url, db.name);
  try {
    const second = await run(url, dir, '--yes', '--lock-timeout', '1', 'upgrade');
    t.is(second.code, 6, second.stderr);
    t.regex(second.stderr, /another migrate-tui run holds the migration lock on .*; gave up after 1 s/);
    t.regex(second.stderr, /waiting for the migration lock/);
    if (db.name === 'postgres') t.regex(second.stderr, /held by migrate-tui \S+@\S+ pid \d+ as postgres/);
    if (db.name === 'mariadb') t.regex(second.stderr, /held by connection \d+ \(test@127\.0\.0\.1/);
  } finally {
    victim.child.kill('SIGKILL');
    await victim.exit;
  }
});

eachDatabase(
  'a transaction-off step keeps the one-runner lock: a second run waits and gives up (exit 6) instead of seeing a half-run step',
  async (t, url) => {
    const dir = makeFolder({ '1_slow.up.sql': `-- migrate:transaction off\n${SLOW.sqlite}`, '1_slow.down.sql': 'DROP TABLE slow;\n' });
    t.is((await run(url, dir, 'init', '--tables-only')).code, 0);
    const victim = start(['--url', url, '--dir', dir, '--yes', 'upgrade']);
    try {
      await until(async () => victim.stderr().includes('↑ [1/1] 1 slow'), 'the step to start');
      const second = await run(url, dir, '--yes', '--lock-timeout', '1', 'upgrade');
      t.is(second.code, 6, second.stderr);
      t.regex(second.stderr, /another migrate-tui run holds the migration lock/);
      t.notRegex(second.stderr, /dirty/);
    } finally {
      victim.child.kill('SIGKILL');
      await victim.exit;
    }
  },
  ['sqlite'],
);

eachDatabase('a run killed with SIGKILL mid-migration leaves a consistent database', async (t, url, db) => {
  const { dir, victim } = await startSlowUpgrade(url, db.name);
  victim.child.kill('SIGKILL');
  await victim.exit;
  const status = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
  if (db.name === 'mariadb') {
    t.is(status.dirty.revision, '1');
    t.is(status.dirty.statementsDone, 1);
    // Killed during statement 2: no outcome was recorded, so it may or may not have completed.
    t.is(status.dirty.uncertainStatement, 2);
    const again = await run(url, dir, '--yes', 'upgrade');
    t.is(again.code, 5);
    t.regex(again.stderr, /statement 2 \(SELECT SLEEP\(60\)\) may or may not have completed/);
    // resume offers both places: run statement 2 again (the default, with a warning), or start after it.
    const wrong = await run(url, dir, '--yes', 'resolve', '1', '--resume', '--resume-at', '4');
    t.is(wrong.code, 2);
    t.regex(wrong.stderr, /use --resume-at 2 \(run it again\) or --resume-at 3 \(it completed\)/);
    const after = await run(url, dir, '--yes', 'resolve', '1', '--resume', '--resume-at', '3');
    t.is(after.code, 0, after.stderr);
    t.regex(after.stderr, /runs the 0 statements from statement 3 of the up of 1/);
    const resolved = JSON.parse((await run(url, dir, 'status', '--json')).stdout);
    t.is(resolved.dirty, null);
    t.deepEqual(resolved.applied, ['1']);
  } else {
    t.deepEqual(status.applied, []);
    t.is(status.dirty, null);
    t.false('slow' in (await schemaOf(url)).tables);
  }
});

eachDatabase('resolve --reverse runs the down of an unfinished up; a reverse that fails leaves an honest dirty state', async (t, url) => {
  const up = '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n';
  const status = async (dir: string) => JSON.parse((await run(url, dir, 'status', '--json')).stdout);

  // The down undoes what ran: the table is gone, the revision is not applied, nothing is dirty.
  const dir = makeFolder({ '1_a.up.sql': up, '1_a.down.sql': 'DROP TABLE a;\n' });
  t.is((await run(url, dir, '--yes', 'upgrade')).code, 5);
  t.is((await status(dir)).dirty.direction, 'up');
  t.is((await run(url, dir, 'resolve', '1', '--reverse')).code, 4, 'no terminal and no --yes: refuses');
  const reversed = await run(url, dir, '--yes', 'resolve', '1', '--reverse');
  t.is(reversed.code, 0, reversed.stderr);
  t.regex(reversed.stderr, /resolve --reverse runs the down of 1 \(1 statement\), leaving it NOT applied:\n {2}DROP TABLE a/);
  t.regex(reversed.stderr, /warning: only statement 1 of 2 of the up ran/);
  await t.throwsAsync(count(url, 'SELECT COUNT(*) FROM a'), { any: true }, 'the down ran: table a is gone');
  const after = await status(dir);
  t.is(after.dirty, null);
  t.deepEqual(after.applied, []);
  const rows = await withDb(url, (db) => db.query<{ direction: string; status: string }>("SELECT direction, status FROM migrate_tui_log WHERE revision = '1' ORDER BY id"));
  t.deepEqual(rows.map((r) => `${r.direction}:${r.status}`), ['up:resolved', 'down:done']);

  // A reverse that fails at its first statement changed nothing: still dirty at the up, and it says so (exit 5, never "as it was before").
  const second = makeFolder({ '2_b.up.sql': up.replace(/ a /g, ' b '), '2_b.down.sql': 'DROP TABLE no_such_table;\nDROP TABLE b;\n' });
  t.is((await run(url, second, '--yes', 'upgrade')).code, 5);
  const failedAtFirst = await run(url, second, '--yes', 'resolve', '2', '--reverse');
  t.is(failedAtFirst.code, 5);
  t.regex(failedAtFirst.stderr, /reverse of 2 \(its down SQL\) failed at statement 1 of 2/);
  // A reverse runs statement by statement (its progress is tracked), so nothing was rolled back: its first statement failed.
  t.regex(failedAtFirst.stderr, /the reverse: nothing of it is applied \(it ran without a transaction, and its first statement failed\); the database is still DIRTY from the unfinished up of 2, as it was: statement 1 of its 2 ran and stays applied/);
  t.notRegex(failedAtFirst.stderr, /rolled back/);
  // One sentence says what the database is left in (it used to add "is now DIRTY: no statement of it stays applied", of the reverse).
  t.notRegex(failedAtFirst.stderr, /no statement of it stays applied|is now DIRTY/);
  t.notRegex(failedAtFirst.stderr, /as it was before/);
  t.like((await status(second)).dirty, { revision: '2', direction: 'up', statementsDone: 1 });
  t.is((await run(url, second, '--yes', 'resolve', '2', '--reverted')).code, 0);

  // One that fails part-way is dirty at the reverse step, which is resolved in turn.
  const third = makeFolder({ '3_c.up.sql': up.replace(/ a /g, ' c '), '3_c.down.sql': 'DROP TABLE c;\nDROP TABLE no_such_table;\n' });
  t.is((await run(url, third, '--yes', 'upgrade')).code, 5);
  t.is((await run(url, third, '--yes', 'resolve', '3', '--reverse')).code, 5);
  t.like((await status(third)).dirty, { revision: '3', direction: 'down', statementsDone: 1 });
  t.is((await run(url, third, '--yes', 'resolve', '3', '--reverted')).code, 0);
  const clean = await status(third);
  t.is(clean.dirty, null, 'the original unfinished up does not come back once its reverse is resolved');
  t.deepEqual(clean.applied, []);
});
