import test from 'ava';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * Every hint names a real option or key and fits the situation: each case runs the command
 * and reads the hint (the `→` line). Others live next to their feature: the refused
 * downgrade (rollback-safety), stamp (runner), a SQLite path in a missing folder
 * (sqlite-missing), the TUI's resolve warning (tui).
 */
const hint = (stderr: string) => /\n {2}→ (.*)\n?$/.exec(stderr)?.[1] ?? '';

/** A SQLite database left dirty by a transaction-off migration that failed at its 2nd statement. */
async function dirtySqlite() {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:transaction off\nCREATE TABLE a (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
  });
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  if (up.code !== 5) throw new Error(up.stderr);
  return { dir, url };
}

test('resolve refused without a terminal: the hint says --yes and where the preview is, never --sql (resolve has none)', async (t) => {
  const { dir, url } = await dirtySqlite();
  for (const [mode, verb] of [
    ['--reverse', 'run'],
    ['--applied', 'record'],
  ] as const) {
    const r = await cli(['--url', url, '--dir', dir, 'resolve', '1', mode]);
    t.is(r.code, 4);
    t.is(hint(r.stderr), `pass --yes to confirm in scripts and CI (the lines above say what it would ${verb})`);
    t.notRegex(r.stderr, /--sql/);
  }
});

test('restore refused without a terminal: the hint says --yes and where the preview is, never --sql (restore has none)', async (t) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id INTEGER);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  const backup = JSON.parse((await cli(['--url', url, '--dir', dir, 'backup', '--backup-dir', join(dir, 'b'), '--json'])).stdout).backup;
  const r = await cli(['--url', url, '--dir', dir, 'restore', backup.file]);
  t.is(r.code, 4);
  t.regex(r.stderr, /needs a confirmation, but there is no terminal to ask on; nothing was changed\n/);
  t.is(hint(r.stderr), 'pass --yes to confirm in scripts and CI (the lines above say what it would replace)');
  t.notRegex(r.stderr, /--sql/);
});

test('DB_* variables without DB_NAME: the hint names DB_NAME, not a URL to edit', async (t) => {
  for (const provider of ['postgres', 'mysql', 'mariadb']) {
    const r = await cli(['status'], { cwd: makeFolder({ 'migrations/.keep': '' }), env: { DATABASE_PROVIDER: provider, DB_HOST: '127.0.0.1', DB_USER: 'app', DB_PASSWORD: 'x' } });
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, new RegExp(`^error: DATABASE_PROVIDER=${provider} needs DB_NAME \\(the database to migrate\\)\\n`));
    t.is(hint(r.stderr), 'set DB_NAME=<database>, e.g. DB_NAME=app');
    t.notRegex(r.stderr, /after the host|:\/\//);
  }
});

test('a raw @ or # in a mysql:// or postgres:// password: the message says so, the hint names percent-encoding and DB_PASSWORD, the password never shows', async (t) => {
  for (const url of ['mysql://app:pa#ss@127.0.0.1:1/db', 'mysql://app:p@s#s@127.0.0.1:1/db', 'postgres://app:pa#ss@127.0.0.1:1/db', 'mysql://app:pa/ss@127.0.0.1:1/db']) {
    const r = await cli(['--url', url, 'status']);
    t.is(r.code, 2, `${url}: ${r.stderr}`);
    t.regex(r.stderr, /^error: cannot read the database URL from --url: its user name or password seems to hold a character that must be percent-encoded\n/, url);
    t.regex(hint(r.stderr), /must be percent-encoded in a URL \(@ → %40, # → %23/);
    t.regex(hint(r.stderr), /DB_PASSWORD takes it as it is$/);
    t.false(/pa#ss|s#s|pa\/ss/.test(r.stderr), 'the password is never echoed');
  }
});

test('a missing migrations folder: the hint names init, revision, --dir and the config key, and does not send you to check', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-hints-'));
  writeFileSync(join(cwd, 'db.sqlite'), '');
  for (const args of [['status'], ['--yes', 'upgrade'], ['heads']]) {
    const r = await cli(['--url', 'sqlite:./db.sqlite', ...args], { cwd });
    t.is(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /^error: \S*migrations: the migrations folder does not exist\n/);
    t.is(hint(r.stderr), '`migrate-tui init` creates it (with the seeds folder and a config file), as does the first `migrate-tui revision -m "…"`; or point at the right one with --dir <folder> or "migrations" in migrate-tui.config.json');
    t.notRegex(r.stderr, /migrate-tui check/);
  }
  const check = await cli(['check'], { cwd });
  t.is(check.code, 1);
  t.regex(check.stdout, /migrations: error: the migrations folder does not exist\n {2}→ `migrate-tui init` creates it/);
  t.deepEqual(readdirSync(cwd), ['db.sqlite'], 'nothing was created by looking');
});

test('a SQLite path that is not a database: the hint is about the file, never a server', async (t) => {
  const cwd = makeFolder({ 'migrations/.keep': '', 'data/x.sqlite/inner': 'a folder where the file should be' });
  const r = await cli(['--url', 'sqlite:./data/x.sqlite', 'status'], { cwd });
  t.is(r.code, 1, r.stderr);
  t.notRegex(r.stderr, /server/);
  t.regex(r.stderr, /SQLite database file|the path/);
});

test('downgrade to a revision left unapplied by a gap: says it is a gap and how to apply it, instead of "choose one of their ancestors" (it is one)', async (t) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\n' });
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'migrate-tui-gap-')), 'gap.sqlite')}`;
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  // A file merged late with a lower version: 1 and 2 now build on it.
  writeFileSync(join(dir, '0_late.up.sql'), 'CREATE TABLE late (id int);\n');
  writeFileSync(join(dir, '0_late.down.sql'), 'DROP TABLE late;\n');
  const r = await cli(['--url', url, '--dir', dir, '--yes', 'downgrade', '0', '--no-backup']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /0 is not applied, although 1, 2 \(built on it\) are: a gap, so it cannot be downgraded to/);
  t.regex(hint(r.stderr), /choose one of their applied ancestors, or apply 0 first with `upgrade --out-of-order`/);
});

test('a downgrade preview over a gap does not say what stays is applied "with what it is built on": it names the revision below that is not', async (t) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\n' });
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'migrate-tui-gap-')), 'gap.sqlite')}`;
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  const plain = await cli(['--url', url, '--dir', dir, '--yes', 'downgrade', '1', '--no-backup', '--dry-run']);
  t.regex(plain.stdout + plain.stderr, /stays applied: 1 \(with what they are built on\), other branches untouched/);
  // A file merged late with a lower version: 1 is built on 0, which was never applied.
  writeFileSync(join(dir, '0_late.up.sql'), 'CREATE TABLE late (id int);\n');
  writeFileSync(join(dir, '0_late.down.sql'), 'DROP TABLE late;\n');
  for (const verbose of [[], ['--verbose']]) {
    const r = await cli(['--url', url, '--dir', dir, '--yes', 'downgrade', '1', '--no-backup', '--dry-run', ...verbose]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout + r.stderr, /stays applied: 1 \(with what they are built on, except 0: not applied \(a gap; see `migrate-tui --url <url> status`\)\), other branches untouched/);
  }
  // From DATABASE_URL the command stays bare: it reaches the same database.
  const env = await cli(['--dir', dir, '--yes', 'downgrade', '1', '--no-backup', '--dry-run'], { env: { DATABASE_URL: url } });
  t.regex(env.stdout + env.stderr, /\(a gap; see `migrate-tui status`\)/);
});

test('rollback (the on-call view) after --url: the commands it lists to type repeat --url <url>, from the dirty resolve to downgrade -1', async (t) => {
  const { dir, url } = await dirtySqlite();
  const dirty = await cli(['--url', url, '--dir', dir, 'rollback']);
  t.regex(dirty.stdout, /nothing else runs until it is resolved: migrate-tui --url <url> resolve 1 --resume \| --reverse \| --applied \| --reverted/);
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'resolve', '1', '--reverted'])).code, 0);
  writeFileSync(join(dir, '1_a.up.sql'), 'CREATE TABLE IF NOT EXISTS a (id INTEGER);\n');
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  const clean = await cli(['--url', url, '--dir', dir, 'rollback']);
  t.regex(clean.stdout, /to do it: migrate-tui --url <url> downgrade -1 {3}\(a backup is taken first/);
  t.notRegex(clean.stdout, /--url sqlite:/, 'the URL itself is never printed in a command');
  const bare = await cli(['--dir', dir, 'rollback'], { env: { DATABASE_URL: url } });
  t.regex(bare.stdout, /to do it: migrate-tui downgrade -1 {3}/);
});

test('a hint given after --url names it (`--url <url>`) in every command that opens the database; from DATABASE_URL a bare command reaches the same one, so it is left bare', async (t) => {
  const { dir, url } = await dirtySqlite();
  // --url: a bare `migrate-tui resolve …` would read DATABASE_URL, the config or the default.
  const given = await cli(['--url', url, '--dir', dir, 'upgrade']);
  t.is(given.code, 5);
  t.regex(hint(given.stderr), /`migrate-tui --url <url> resolve 1 --resume`/);
  t.notRegex(given.stderr, /`migrate-tui resolve/);
  // The URL itself (it may hold a password) is never printed in the hint.
  t.false(hint(given.stderr).includes(url));
  const json = JSON.parse((await cli(['--url', url, '--dir', dir, '--json', 'upgrade'])).stdout);
  t.regex(json.error.hint, /`migrate-tui --url <url> resolve 1 --resume`/);
  // status's and check's own lines suggest it too.
  t.regex((await cli(['--url', url, '--dir', dir, 'status'])).stdout, /resolve with: migrate-tui --url <url> resolve 1 --resume/);
  t.regex((await cli(['--url', url, '--dir', dir, 'check'])).stdout + '', /→ `migrate-tui --url <url> resolve 1 --resume \| --reverse \| --applied \| --reverted`/);
  t.regex((await cli(['--dir', dir, 'status'], { env: { DATABASE_URL: url } })).stdout, /resolve with: migrate-tui resolve 1 --resume/);
  // DATABASE_URL: the copied command finds the same database.
  const env = await cli(['--dir', dir, 'upgrade'], { env: { DATABASE_URL: url } });
  t.is(env.code, 5);
  t.regex(hint(env.stderr), /`migrate-tui resolve 1 --resume`/);
  t.notRegex(env.stderr, /--url <url>/);
});

test('a hint after --url leaves commands that do not open a database bare (init, revision)', async (t) => {
  const r = await cli(['--url', 'sqlite:./x.sqlite', '--dir', join(mkdtempSync(join(tmpdir(), 'migrate-tui-nofolder-')), 'missing'), 'status']);
  t.is(r.code, 3);
  t.regex(hint(r.stderr), /^`migrate-tui init` creates it/);
  t.notRegex(r.stderr, /--url <url>/);
});
