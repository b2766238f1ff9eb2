import test from 'ava';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder, pair } from './helpers/folders.js';

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));
const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));
const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'migrate-tui-habits-')), 'db.sqlite')}`;

// Two components, each its own root with a label: web (w1 ← w2), api (a1 ← a2).
const components = () =>
  makeFolder({
    ...pair('1', ['-- migrate:revises base', '-- migrate:branch web']),
    ...pair('2', ['-- migrate:revises 1']),
    ...pair('3', ['-- migrate:revises base', '-- migrate:branch api']),
    ...pair('4', ['-- migrate:revises 3']),
  });

eachDatabase('downgrade <label> reverts only that branch; no-op targets exit 0 with nothing to do', async (t, url) => {
  const dir = components();
  const run = (...args: string[]) => cli(['--dir', dir, '--url', url, '--yes', ...args]);
  t.is((await run('upgrade', 'heads')).code, 0);
  const preview = await run('downgrade', 'web', '--dry-run');
  t.regex(preview.stdout, /to web: 1 revisions?, in this order/);
  t.regex(preview.stdout, /^stays applied: 1, 4 \(with what they are built on\), other branches untouched$/m);
  const down = await run('--json', 'downgrade', 'web', '--no-backup');
  t.is(down.code, 0, down.stderr);
  t.deepEqual(JSON.parse(down.stdout).steps.map((s: { revision: string }) => s.revision), ['2']);
  t.deepEqual(JSON.parse(down.stdout).headsAfter, ['1', '4']);
  for (const args of [['upgrade', 'base'], ['upgrade', 'web@base'], ['upgrade', '1'], ['downgrade', '4', '--no-backup']]) {
    const r = await run(...args);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stdout, /nothing to do/, args.join(' '));
  }
  const status = JSON.parse((await run('--json', 'status')).stdout);
  t.deepEqual(status.current, ['1', '4']);
});

eachDatabase('reset is downgrade base with the downgrade guards: preview, backup, confirmation', async (t, url) => {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-reset-'));
  const args = ['--dir', MIGRATIONS, '--url', url];
  t.is((await cli([...args, '--yes', 'upgrade'], { cwd })).code, 0);
  const refused = await cli([...args, 'reset'], { cwd });
  t.is(refused.code, 4, 'no terminal and no --yes: refused');
  t.regex(refused.stderr, /downgrade .* to base: 9 revisions/);
  const dry = await cli([...args, 'reset', '--dry-run', '--json'], { cwd });
  t.is(JSON.parse(dry.stdout).preview.steps.length, 9);
  const done = await cli([...args, '--yes', '--json', 'reset'], { cwd });
  t.is(done.code, 0, done.stderr);
  const json = JSON.parse(done.stdout);
  t.is(json.steps.length, 9);
  t.truthy(json.backup?.file, 'a backup was taken first');
  t.true(readdirSync(join(cwd, 'backups')).length >= 1);
  t.deepEqual(JSON.parse((await cli([...args, '--json', 'status'], { cwd })).stdout).applied, []);
});

test('seeds run again after what they ran against was reverted; --force runs all; unchanged otherwise', async (t) => {
  const url = sqliteUrl();
  const args = ['--dir', MIGRATIONS, '--url', url, '--yes'];
  const seed = async (...extra: string[]) => JSON.parse((await cli([...args, '--json', 'seed', '--seeds', SEEDS, ...extra])).stdout);
  t.is((await cli([...args, 'upgrade'])).code, 0);
  t.is((await seed()).skipped.length, 0);
  t.deepEqual((await seed()).skipped, ['001_roles.sql', '002_permissions.sql']);
  t.is((await seed('--force')).steps.filter((s: { status: string }) => s.status === 'done').length, 2);
  // After reset (downgrade base) and upgrade, what they ran against was reverted: every seed runs again.
  t.is((await cli([...args, 'reset', '--no-backup'])).code, 0);
  t.is((await cli([...args, 'upgrade'])).code, 0);
  const again = await seed();
  t.deepEqual(again.skipped, []);
  t.is(again.steps.filter((s: { status: string }) => s.status === 'done').length, 2);
  t.deepEqual((await seed()).skipped, ['001_roles.sql', '002_permissions.sql']);
});

test('Alembic commands and flags: history -v / -r, current -v, heads -v, show head|heads|base|current, merge heads', async (t) => {
  const url = sqliteUrl();
  const m = ['--dir', MIGRATIONS];
  const verbose = await cli([...m, 'history', '--verbose']);
  t.is(verbose.code, 0, verbose.stderr);
  t.regex(verbose.stdout, /Rev: 20260115090000 \(head, mergepoint\)\nMerges: 20260112100000, 20260112110000\nPath: .*\n\n {4}merge documents and audit/);
  const range = await cli([...m, 'history', '-r', '20260105094000:20260105095000']);
  t.is(range.stdout, '20260105095000 (branchpoint) create role permissions\n20260105094000 create user roles\n');
  const upper = await cli([...m, 'history', '-r', ':20260105091000']);
  t.is(upper.stdout, '20260105091000 create users\n20260105090000 (base) create application settings\n');
  t.is((await cli([...m, '--url', url, '--yes', 'upgrade', '20260105093000'])).code, 0);
  const fromCurrent = await cli([...m, '--url', url, 'history', '-r', '-1:current']);
  t.is(fromCurrent.stdout, '20260105093000 create permissions\n20260105092000 create roles\n');
  const tail = await cli([...m, '--url', url, 'history', '-r', 'current:']);
  t.regex(tail.stdout, /^20260115090000 [\s\S]*20260105093000 create permissions\n$/);
  t.false(tail.stdout.includes('20260105092000'));
  const current = await cli([...m, '--url', url, 'current', '--verbose']);
  t.regex(current.stdout, /^Rev: 20260105093000\nParent: 20260105092000\n/);
  const heads = await cli([...m, 'heads', '-v']);
  t.regex(heads.stdout, /^Rev: 20260115090000 \(head, mergepoint\)/);
  t.regex((await cli([...m, 'show', 'head'])).stdout, /^revision: {4}20260115090000/);
  t.regex((await cli([...m, 'show', 'base'])).stdout, /^revision: {4}20260105090000/);
  t.regex((await cli([...m, '--url', url, 'show', 'current'])).stdout, /^revision: {4}20260105093000/);
  const two = makeFolder({ ...pair('1'), ...pair('2', ['-- migrate:revises 1']), ...pair('3', ['-- migrate:revises 1']) });
  const both = JSON.parse((await cli(['--dir', two, '--json', 'show', 'heads'])).stdout);
  t.deepEqual(both.revisions.map((r: { id: string }) => r.id), ['2', '3']);
  const merged = await cli(['--dir', two, '--json', 'merge', 'heads', '-m', 'join', '--id', '4']);
  t.is(merged.code, 0, merged.stderr);
  t.deepEqual(JSON.parse(merged.stdout).revises, ['2', '3']);
});

test("another tool's command word (up, goto, force, migrate…) is said as migrate-tui's, not answered with the nearest name ('up' was 'did you mean dump?'); nothing runs", async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['up'], /^error: unknown command 'up': dbmate's, golang-migrate's and goose's `up` is `migrate-tui upgrade`/],
    [['down'], /`down` is `migrate-tui downgrade -1`.*golang-migrate's `down` without N, which reverts everything, is `migrate-tui reset`/],
    [['goto', '3'], /golang-migrate's `goto V` is `migrate-tui upgrade V` when V is ahead of the database, `migrate-tui downgrade V` when it is behind/],
    [['force', '3'], /golang-migrate's `force V` \(set the version, clear dirty, run nothing\) is `migrate-tui stamp V`/],
    [['migrate', 'apply'], /Atlas's `migrate apply` and sqlx's `migrate run` are `migrate-tui upgrade`/],
    [['info'], /Flyway's `info` is `migrate-tui status`/],
    [['new', 'add_users'], /dbmate's `new <name>` is `migrate-tui revision -m "<name>"`/],
    // goose's driver and DSN before its command: it was "unknown command 'postgres'".
    [['postgres', 'user=app dbname=app', 'up'], /^error: unknown command 'postgres': goose's driver and connection string \(`goose postgres "<dsn>" up`\) are one `--url <url>`/],
  ];
  for (const [args, expected] of cases) {
    const run = await cli(['--url', 'sqlite::memory:', ...args]);
    t.is(run.code, 2, args.join(' '));
    t.regex(run.stderr, expected, args.join(' '));
    t.notRegex(run.stderr, /did you mean/, args.join(' '));
    t.regex(run.stderr, /→ the commands are: /);
  }
  const json = await cli(['--json', 'up']);
  t.regex(JSON.parse(json.stdout).error.meta.equivalent, /migrate-tui upgrade/);
  // A typo of our own names still gets the nearest one.
  t.regex((await cli(['upgarde'])).stderr, /did you mean 'upgrade'\?/);
});

test("another tool's option spelling (-path, --migrations-dir, -url=…) is answered with ours, before or after the command, and nothing runs; Atlas's --dir file://x is the folder x", async (t) => {
  const work = makeFolder({});
  const cases: Array<[string[], RegExp]> = [
    [['-path', 'db/migrations', '-database', 'postgres://x/y', 'up'], /^error: unknown option '-path': golang-migrate's `-path` is `--dir <folder>`/],
    [['status', '-database', 'postgres://x/y'], /^error: unknown option '-database': golang-migrate's `-database <url>` is `--url <url>`/],
    [['--migrations-dir', 'db/migrations', 'status'], /dbmate's `--migrations-dir` is `--dir <folder>`/],
    [['-url=jdbc:postgresql://h/db', 'info'], /^error: unknown option '-url': Flyway's `-url=jdbc:…` is `--url <url>`/],
    [['-dir', 'migrations', 'status'], /goose's `-dir` is `--dir <folder>`/],
    // Go's flag package reads `--database` as `-database`: it was "unknown command 'postgres://x/y'".
    [['--database', 'postgres://x/y', 'status'], /^error: unknown option '--database': golang-migrate's `-database <url>` \(or `--database`\) is `--url <url>`/],
    [['--path', 'db/migrations', 'up'], /^error: unknown option '--path': golang-migrate's `-path` \(or `--path`\) is `--dir <folder>`/],
    // dbmate's and goose's: they were commander's bare "unknown option".
    [['-e', 'PRIMARY_DB', 'status'], /^error: unknown option '-e': dbmate's `-e` \(`--env`\): DATABASE_URL is read as it is/],
    [['--env-file', '.env.production', 'status'], /^error: unknown option '--env-file': dbmate's `--env-file`: migrate-tui reads no \.env file; export its variables first/],
    [['--migrations-table', 'dbmate_versions', 'status'], /^error: unknown option '--migrations-table': dbmate's `--migrations-table`: its table is looked for as schema_migrations only/],
    [['-table', 'goose_versions', 'status'], /^error: unknown option '-table': goose's `-table`: its table is looked for as goose_db_version only/],
    [['upgrade', '-allow-missing'], /^error: unknown option '-allow-missing': goose's `-allow-missing` is `upgrade --out-of-order`/],
    // An option no tool has: commander's own error, which said only "(run with --help for usage)".
    [['status', '--frobnicate'], /^error: unknown option '--frobnicate'\n\(nothing ran; run with --help for usage\)/],
    // A statement number, not seconds (the shared parser's message said seconds).
    [['resolve', '1', '--resume', '--resume-at', 'abc'], /^error: option '--resume-at <n>' argument 'abc' is invalid\. expected a whole number, 1 or more\./],
  ];
  for (const [args, expected] of cases) {
    const run = await cli(['--url', `sqlite:${join(work, 'x.db')}`, ...args], { cwd: work });
    t.is(run.code, 2, args.join(' '));
    t.regex(run.stderr, expected, args.join(' '));
    t.regex(run.stderr, /nothing ran/);
  }
  t.false(existsSync(join(work, 'x.db')), 'nothing was created');
  // An option of no tool: named, not the word after it taken for a command.
  const other = await cli(['--frobnicate', 'x', 'status']);
  t.is(other.code, 2);
  t.regex(other.stderr, /unknown option '--frobnicate'/);
  t.notRegex(other.stderr, /unknown command/);
  const dir = makeFolder({ ...pair('1'), ...pair('2') });
  const heads = await cli(['--dir', `file://${dir}?format=golang-migrate`, 'heads']);
  t.is(heads.code, 0, heads.stderr);
  t.regex(heads.stdout, /^2 /m);
});

test('an unknown command says so and suggests the nearest; --help names the Alembic equivalent', async (t) => {
  const typo = await cli(['upgarde']);
  t.is(typo.code, 2);
  t.regex(typo.stderr, /^error: unknown command 'upgarde' — did you mean 'upgrade'\?\n/);
  t.false(typo.stderr.includes('too many arguments'));
  const far = await cli(['--dir', 'x', 'frobnicate', '--json']);
  t.is(far.code, 2);
  t.is(JSON.parse(far.stdout).error.message, "unknown command 'frobnicate'");
  for (const [command, alembic] of [['upgrade', 'alembic upgrade'], ['reset', 'alembic downgrade base'], ['history', 'alembic history'], ['merge', 'alembic merge heads']]) {
    const help = await cli([command!, '--help']);
    t.is(help.code, 0);
    t.regex(help.stdout, new RegExp(`Alembic equivalent: ${alembic}`), command);
  }
});
