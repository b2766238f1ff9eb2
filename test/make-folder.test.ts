import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './helpers/cli.js';

/**
 * Folders the user names (--dir for init and revision, --backup-dir, --out) are made level by
 * level. Node's recursive mkdir spins for ever at 100% CPU, deaf to SIGTERM, where mkdir says
 * ENOENT under a folder that exists (/proc, /sys, a stale mount); and a file in the path was
 * a raw Node error with a stack trace (exit 70). Each is now an error naming the folder.
 */
function run(args: string[], cwd: string) {
  // SIGKILL: a process spinning inside mkdir never runs its SIGTERM handler.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', input: '', timeout: 20_000, killSignal: 'SIGKILL' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, killed: r.signal === 'SIGKILL' };
}

function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-folder-'));
  mkdirSync(join(cwd, 'migrations'));
  writeFileSync(join(cwd, 'migrations', '1_t.up.sql'), 'CREATE TABLE t (id INTEGER);\n');
  writeFileSync(join(cwd, 'migrations', '1_t.down.sql'), 'DROP TABLE t;\n');
  return cwd;
}

const procfs = existsSync('/proc/self');
const missing = `/proc/migrate-tui-no-such-${process.pid}/x`;

test('a folder under /proc (mkdir says ENOENT under a folder that exists): init, revision and backup fail at once naming it, never spin', (t) => {
  if (!procfs) {
    t.log('no /proc here: the spinning case cannot happen');
    t.pass();
    return;
  }
  const cwd = project();
  t.is(run(['--url', 'sqlite:./db.sqlite', 'upgrade'], cwd).code, 0);
  for (const [args, what] of [
    [['--dir', missing, 'init'], 'migrations folder'],
    [['--dir', missing, 'revision', '-m', 'x'], 'migrations folder'],
    [['--url', 'sqlite:./db.sqlite', 'backup', '--backup-dir', missing], 'backup folder'],
  ] as const) {
    const r = run([...args], cwd);
    t.false(r.killed, `${args.join(' ')} spun until killed`);
    t.is(r.code, 1, r.out);
    t.true(r.out.includes(`cannot create the ${what} ${missing}: ENOENT`), r.out);
    t.regex(r.out, /→ /);
    t.notRegex(r.out, /internal error|\n\s+at /, 'no stack trace');
  }
});

test('a file where a folder of --dir should be: init and revision say so (exit 1), not exit 70 with a stack trace', (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-folder-'));
  writeFileSync(join(cwd, 'afile'), '');
  for (const args of [['--dir', 'afile/migrations', 'init'], ['--dir', 'afile/migrations', 'revision', '-m', 'x']]) {
    const r = run(args, cwd);
    t.is(r.code, 1, r.out);
    t.regex(r.out, /cannot create the migrations folder \S*afile\/migrations: \S*\/afile is a file, not a folder/);
    t.notRegex(r.out, /ENOTDIR/, 'no raw error code');
    t.notRegex(r.out, /internal error|\n\s+at /, 'no stack trace');
  }
  // A path that can be made is made, every level of it.
  const ok = run(['--dir', 'a/b/c', 'revision', '-m', 'first'], cwd);
  t.is(ok.code, 0, ok.out);
  t.true(existsSync(join(cwd, 'a', 'b', 'c')));
});
