import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIALECT_SPELLINGS } from '../src/cli/program.js';
import { knownDialectSpellings } from '../src/engine/index.js';
import { makeFolder, pair } from './helpers/folders.js';

/**
 * Start-up (issue 15): `--version` and `--help` load the CLI and commander only; a command
 * loads the engine when it runs. Checked on the built binary with a module-loading hook that
 * lists every file the process loads.
 */
const bin = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const distSrc = fileURLToPath(new URL('../src/', import.meta.url));

function loadedModules(args: string[], cwd?: string): { files: string[]; stdout: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-loads-'));
  const hook = join(dir, 'hook.mjs');
  writeFileSync(hook, "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }\n");
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, bin, ...args], { encoding: 'utf8', cwd: cwd ?? dir });
  const files = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => fileURLToPath(l.slice(7)));
  return { files, stdout: r.stdout, status: r.status };
}

const inside = (files: string[], part: string) => files.filter((f) => f.startsWith(join(distSrc, part)));

for (const args of [['--version'], ['--help'], ['upgrade', '--help']]) {
  test(`${args.join(' ')} loads the CLI only: no engine, no TUI, no driver`, (t) => {
    const r = loadedModules(args);
    t.is(r.status, 0);
    t.truthy(r.stdout.length > 0);
    t.true(inside(r.files, 'cli').length > 0, 'the hook saw the CLI load');
    t.deepEqual(inside(r.files, 'engine'), []);
    t.deepEqual(inside(r.files, 'tui'), []);
    t.deepEqual(
      r.files.filter((f) => /node_modules\/(postgres|mysql2|better-sqlite3|ink|react|sql-formatter|diff)\//.test(f)),
      [],
    );
  });
}

test('a command loads the engine when it runs (heads answers from the folder)', (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2', ['-- migrate:revises 1']) });
  const r = loadedModules(['heads', '--dir', dir]);
  t.is(r.status, 0);
  t.regex(r.stdout, /^2 \(head\)/);
  t.true(inside(r.files, 'engine').length > 0);
});

test('the --dialect help names the spellings the engine accepts', (t) => {
  t.is(DIALECT_SPELLINGS, knownDialectSpellings());
  t.true(loadedModules(['--help']).stdout.includes(knownDialectSpellings()));
});
