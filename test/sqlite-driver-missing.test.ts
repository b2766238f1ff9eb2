import test from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN } from './helpers/cli.js';

/**
 * An install whose better-sqlite3 has no native module (npm 11.19+ skips install scripts that
 * allowScripts does not approve; a build that failed): the built binary in a copy of the
 * install with better-sqlite3's JavaScript but not its build. The error says what is missing
 * and how to build it — not the driver's dozen searched paths under a hint about the file.
 */
const ROOT = join(dirname(BIN), '..', '..');
const MODULES = join(ROOT, 'node_modules');

function installWithoutAddon(): string {
  const root = mkdtempSync(join(tmpdir(), 'migrate-tui-noaddon-'));
  cpSync(dirname(BIN), join(root, 'dist', 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  cpSync(join(ROOT, 'migrations'), join(root, 'migrations'), { recursive: true });
  mkdirSync(join(root, 'node_modules'));
  for (const name of readdirSync(MODULES)) if (name !== 'better-sqlite3') symlinkSync(join(MODULES, name), join(root, 'node_modules', name));
  for (const part of ['package.json', 'lib']) cpSync(join(MODULES, 'better-sqlite3', part), join(root, 'node_modules', 'better-sqlite3', part), { recursive: true });
  return root;
}

test('better-sqlite3 without its native module: a typed error naming the driver and `npm rebuild better-sqlite3`, exit 1, no stack trace', (t) => {
  const root = installWithoutAddon();
  const run = (args: string[]) => spawnSync(process.execPath, [join(root, 'dist', 'bin', 'main.js'), '--url', 'sqlite:./db.sqlite', ...args], { cwd: root, encoding: 'utf8' });
  const text = run(['--yes', 'upgrade']);
  t.is(text.status, 1, text.stderr);
  t.regex(text.stderr, /^error: SQLite's driver \(better-sqlite3\) has no native module \(its install script did not run, or its build failed\)\n {2}→ run `npm rebuild better-sqlite3` where migrate-tui is installed/);
  t.regex(text.stderr, /npm install-scripts approve better-sqlite3/);
  t.notRegex(text.stderr, /Tried:|\n\s+at |database file you may read/);
  const json = JSON.parse(run(['--json', '--yes', 'upgrade']).stdout);
  t.is(json.error.code, 'sqlite-driver-missing');
  t.is(json.error.meta.reason, 'Could not locate the bindings file. Tried:');
});
