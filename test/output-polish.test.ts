import test from 'ava';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { makeFolder, pair } from './helpers/folders.js';

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));

test('upgrade, downgrade and reset of a folder with errors print each problem once (no extra "N problems, run check" warning)', async (t) => {
  const dir = makeFolder({
    '1_a.up.sql': 'CREATE TABLE a (id INTEGER);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
    '2_b.down.sql': 'DROP TABLE b;\n',
    '3_c.up.sql': '-- migrate:dialect oracle\nSELECT 1;\n',
    '3_c.down.sql': 'SELECT 1;\n',
  });
  writeFileSync(join(dir, 'db.sqlite'), '');
  for (const args of [['--yes', 'upgrade'], ['upgrade', '--sql', '--dialect', 'sqlite'], ['--yes', 'downgrade', 'base'], ['--yes', 'reset']]) {
    const r = await cli(['--url', `sqlite:${join(dir, 'db.sqlite')}`, '--dir', dir, ...args]);
    t.is(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
    t.is(r.stderr.split('a .down.sql without its .up.sql').length - 1, 1, `${args.join(' ')}: the problem is printed once`);
    t.is(r.stderr.split('unknown dialect "oracle"').length - 1, 1);
    t.notRegex(r.stderr, /^warning: \d+ (?:problems?|errors?) in /m);
  }
  // A command that goes on past content problems still warns, once.
  const heads = await cli(['--dir', dir, 'heads']);
  t.is(heads.code, 0);
  t.regex(heads.stderr, /^warning: 3 errors in .* \(upgrade and downgrade refuse until they are fixed\); run `migrate-tui check` for details\n$/);
});

test('seed progress names each seed once; the example seeds cover the documents branch (document:* permissions)', async (t) => {
  const cwd = makeFolder({ 'db.sqlite': '' });
  const url = 'sqlite:./db.sqlite';
  t.is((await cli(['--url', url, '--dir', EXAMPLE, '--yes', 'upgrade'], { cwd })).code, 0);
  const r = await cli(['--url', url, '--dir', EXAMPLE, 'seed', '--seeds', SEEDS], { cwd });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /^↑ \[1\/2\] seed 001_roles\.sql \(1 statement\) done in \d+ ms$/m);
  t.regex(r.stderr, /^↑ \[2\/2\] seed 002_permissions\.sql \(2 statements\) done in \d+ ms$/m);
  t.notRegex(r.stderr, /seed:|001_roles\.sql 001_roles\.sql/);
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(cwd, 'db.sqlite'), { readonly: true });
  try {
    const grants = db
      .prepare("SELECT r.name AS role, p.name AS permission FROM role_permissions rp JOIN roles r ON r.id = rp.role_id JOIN permissions p ON p.id = rp.permission_id WHERE p.name LIKE 'document:%' ORDER BY 1, 2")
      .all() as Array<{ role: string; permission: string }>;
    const byRole = (role: string) => grants.filter((g) => g.role === role).map((g) => g.permission);
    t.deepEqual(byRole('admin'), ['document:create', 'document:delete', 'document:read', 'document:update']);
    t.deepEqual(byRole('user'), ['document:create', 'document:read', 'document:update']);
    t.deepEqual(byRole('viewer'), ['document:read']);
  } finally {
    db.close();
  }
});

test('merge refuses a revision together with its own ancestor (exit 2, naming both and why) and writes no file; two heads still merge', async (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2', ['-- migrate:revises 1']), ...pair('3', ['-- migrate:revises 1']) });
  const before = readdirSync(dir).sort();
  for (const args of [['3', '1'], ['1', '3']]) {
    const r = await cli(['--dir', dir, 'merge', ...args, '-m', 'join']);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, /cannot merge 3 with 1: 3 is built on 1, so 3 already includes 1/);
    t.regex(r.stderr, /a merge joins revisions on separate branches/);
    t.deepEqual(readdirSync(dir).sort(), before, 'no file written');
  }
  const ok = await cli(['--dir', dir, '--json', 'merge', '2', '3', '-m', 'join', '--id', '4']);
  t.is(ok.code, 0, ok.stderr);
  t.deepEqual(JSON.parse(ok.stdout).revises, ['2', '3']);
});

test('reset and downgrade base with nothing applied say exactly that: nothing is applied, nothing to do', async (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2', ['-- migrate:revises 1']) });
  writeFileSync(join(dir, 'db.sqlite'), '');
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  for (const args of [['reset'], ['downgrade', 'base']]) {
    const r = await cli(['--url', url, '--dir', dir, '--yes', ...args]);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'nothing to do: nothing is applied\nheads now: base\n', args.join(' '));
  }
  // At heads, upgrade still says the database is already there.
  t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  t.regex((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).stdout, /^nothing to do: the database is already there\nheads now: 2\n$/);
});

test('check --dialects starts with the matrix (no leading blank line); a problem above it is parted by one', async (t) => {
  const clean = await cli(['--dir', EXAMPLE, 'check', '--dialects']);
  t.is(clean.code, 0, clean.stderr);
  t.regex(clean.stdout, /^revision +postgres +mysql +mariadb +sqlite\n/);
  const dir = makeFolder({ ...pair('1'), '2_b.down.sql': 'DROP TABLE b;\n' });
  const broken = await cli(['--dir', dir, 'check', '--dialects']);
  t.regex(broken.stdout, /a \.down\.sql without its \.up\.sql[^]*\n\nrevision +postgres/);
});
