import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullCheck, loadProject } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * Issue 12: the reader opens only regular files inside the folder. A link out of it (to the
 * process environment, with DATABASE_URL), a FIFO (which would block every command), a
 * device, a directory or a NUL byte is refused with `path`, and nothing is sent or logged.
 */
const base = { '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' };
const hostile: Record<string, (dir: string) => void> = {
  'a link to /proc/self/environ': (dir) => symlinkSync('/proc/self/environ', join(dir, '2_env.up.sql')),
  'a link to a file outside the folder': (dir) => {
    const outside = join(mkdtempSync(join(tmpdir(), 'migrate-tui-outside-')), 'secret.sql');
    writeFileSync(outside, 'CREATE TABLE leaked (id int);\n');
    symlinkSync(outside, join(dir, '2_env.up.sql'));
  },
  'a FIFO': (dir) => execFileSync('mkfifo', [join(dir, '2_env.up.sql')]),
  'a link to /dev/zero': (dir) => symlinkSync('/dev/zero', join(dir, '2_env.up.sql')),
  'a directory': (dir) => mkdirSync(join(dir, '2_env.up.sql')),
  'a NUL byte': (dir) => writeFileSync(join(dir, '2_env.up.sql'), 'CREATE TABLE b (id int);\n\0\n'),
};

for (const [what, make] of Object.entries(hostile)) {
  test(`${what} named *.up.sql is refused with its path, and nothing is sent or logged`, async (t) => {
    const dir = makeFolder({ ...base, '2_env.down.sql': 'SELECT 1;\n' });
    make(dir);
    const problems = fullCheck(loadProject(dir)).filter((p) => p.code === 'unsafe-path' || p.code === 'nul-byte');
    t.is(problems.length, 1, JSON.stringify(fullCheck(loadProject(dir))));
    t.is(problems[0]!.path, join(dir, '2_env.up.sql'));
    t.is(problems[0]!.severity, 'error');
    const file = join(mkdtempSync(join(tmpdir(), 'migrate-tui-hostile-')), 'app.sqlite');
    const up = await cli(['--url', `sqlite:${file}`, '--dir', dir, '--yes', 'upgrade'], { env: { DATABASE_URL_SECRET: 'postgres://u:hunter2@x/db' } });
    t.is(up.code, 3, up.stderr);
    t.regex(up.stderr, /2_env\.up\.sql(:\d+)?: error: (not read|the file contains a NUL byte)/);
    t.false(up.stderr.includes('hunter2'));
    // Refused before connecting: the database was not even created, so nothing was sent or logged.
    t.false(existsSync(file));
  });
}

test('a link to a file inside the folder is read; seeds get the same checks', async (t) => {
  const dir = makeFolder(base);
  writeFileSync(join(dir, 'shared.sql.txt'), 'CREATE TABLE b (id int);\n');
  symlinkSync(join(dir, 'shared.sql.txt'), join(dir, '2_b.up.sql'));
  writeFileSync(join(dir, '2_b.down.sql'), 'DROP TABLE b;\n');
  t.deepEqual(fullCheck(loadProject(dir)).filter((p) => p.severity === 'error'), []);
  const seeds = makeFolder({ '001_ok.sql': 'SELECT 1;\n' });
  symlinkSync('/proc/self/environ', join(seeds, '002_env.sql'));
  const file = join(mkdtempSync(join(tmpdir(), 'migrate-tui-hostile-')), 'app.sqlite');
  t.is((await cli(['--url', `sqlite:${file}`, '--dir', dir, '--yes', 'upgrade'])).code, 0);
  const seed = await cli(['--url', `sqlite:${file}`, '--dir', dir, 'seed', '--seeds', seeds]);
  t.is(seed.code, 3, seed.stderr);
  t.regex(seed.stderr, /002_env\.sql: error: not read: it is a link to \/proc\/\d+\/environ, outside the folder/);
});

test('a link to a missing file is named as such: not a permissions problem', async (t) => {
  const dir = makeFolder(base);
  symlinkSync(join(dir, 'gone.sql.txt'), join(dir, '2_b.up.sql'));
  writeFileSync(join(dir, '2_b.down.sql'), 'SELECT 1;\n');
  // check: exit 1 (it found problems); a command that would run them refuses with 3.
  const r = await cli(['--dir', dir, 'check']);
  t.is(r.code, 1, r.stderr);
  t.is((await cli(['--dir', dir, '--url', `sqlite:${join(dir, 'x.sqlite')}`, '--yes', 'upgrade'])).code, 3);
  t.regex(r.stdout + r.stderr, /2_b\.up\.sql: error: cannot read the file \(ENOENT\): the name is listed but the file is not there \(a symbolic link to a missing file, or deleted while reading\)\n {2}→ restore the file it points to, or remove the name from the folder/);
  t.notRegex(r.stdout + r.stderr, /permissions/);
});
