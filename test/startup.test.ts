import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIALECT_SPELLINGS } from '../src/cli/program.js';
import { knownDialectSpellings } from '../src/engine/index.js';
import { makeFolder, pair } from './helpers/folders.js';

/**
 * Start-up (issue 15): the shipped binary is a bundle (scripts/bundle.mjs): `dist/bin/main.js`
 * (the CLI and commander) and `dist/bin/engine.js` (the engine), CommonJS; `dist/bin/tui/`
 * (the TUI), ES modules.
 * `--version` and `--help` load the CLI only; a command loads the engine when it runs; `status`
 * on SQLite loads better-sqlite3's addon and no other driver, no lint parser, formatter or TUI.
 * Checked on the built binary with hooks that list every file the process loads (ES modules
 * and CommonJS), and on esbuild's metafile for what each output holds.
 */
const bin = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const binDir = fileURLToPath(new URL('../bin/', import.meta.url));
const distSrc = fileURLToPath(new URL('../src/', import.meta.url));
const meta = JSON.parse(readFileSync(fileURLToPath(new URL('../bundle-meta.json', import.meta.url)), 'utf8')) as Record<'cli' | 'engine' | 'tui', { outputs: Record<string, { inputs: Record<string, unknown> }> }>;
const repo = fileURLToPath(new URL('../../', import.meta.url));

function loadedModules(args: string[], cwd?: string): { files: string[]; stdout: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-loads-'));
  const hook = join(dir, 'hook.mjs');
  writeFileSync(hook, "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }\n");
  const register = join(dir, 'register.mjs');
  // ES modules through the loader hook; CommonJS files (drivers, addons) through Module._load.
  writeFileSync(
    register,
    `import { register, createRequire } from 'node:module'; import { pathToFileURL } from 'node:url';
register(${JSON.stringify(pathToFileURL(hook).href)});
const Module = createRequire(import.meta.url)('node:module');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const result = load.apply(this, arguments);
  try { const file = Module._resolveFilename(request, parent, isMain); if (file.startsWith('/')) process.stderr.write('LOADED ' + pathToFileURL(file).href + '\\n'); } catch {}
  return result;
};
`,
  );
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, bin, ...args], { encoding: 'utf8', cwd: cwd ?? dir });
  const files = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => fileURLToPath(l.slice(7)));
  return { files, stdout: r.stdout, status: r.status };
}

/** Our files the process loaded, relative to dist/bin (the unbundled dist/src must never load). */
const ours = (files: string[]) => {
  const own = files.filter((f) => f.startsWith(binDir) || f.startsWith(distSrc));
  return [...new Set(own.map((f) => (f.startsWith(binDir) ? relative(binDir, f) : `UNBUNDLED ${relative(distSrc, f)}`)))].sort();
};
const packages = (files: string[]) => [...new Set(files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter((p): p is string => p !== undefined))].sort();
/** The sources (dist/src/…) an output file holds, from esbuild's metafile. */
function sourcesOf(build: 'cli' | 'engine' | 'tui', output: string): string[] {
  const entry = Object.entries(meta[build].outputs).find(([path]) => join(repo, path) === join(binDir, output));
  if (!entry) throw new Error(`no output ${output} in the ${build} metafile`);
  return Object.keys(entry[1].inputs);
}

for (const args of [['--version'], ['--help'], ['upgrade', '--help']]) {
  test(`${args.join(' ')} loads the CLI only: no engine, no TUI, no driver`, (t) => {
    const r = loadedModules(args);
    t.is(r.status, 0);
    t.truthy(r.stdout.length > 0);
    t.deepEqual(ours(r.files), ['main.js']);
    t.deepEqual(packages(r.files), [], 'commander is in the bundle; nothing else loads');
  });
}

test('the CLI bundle holds the CLI and commander only; the TUI outputs (with Ink and React) share the one engine.js', (t) => {
  const cli = sourcesOf('cli', 'main.js');
  t.true(cli.some((f) => f.includes('dist/src/cli/program.js')));
  t.deepEqual(cli.filter((f) => !f.includes('dist/src/cli/') && !f.includes('node_modules/commander/')), []);
  const engine = sourcesOf('engine', 'engine.js');
  t.true(engine.some((f) => f.includes('dist/src/engine/dialects/sqlite-adapter.js')), 'the adapters are in engine.js');
  t.deepEqual(engine.filter((f) => !f.includes('dist/src/engine/') && !/node_modules\/better-sqlite3\/lib\//.test(f)), [], "the engine and better-sqlite3's JavaScript only");
  // A second copy of the engine would break instanceof between the CLI's errors and the TUI's.
  const tuiSources = Object.values(meta.tui.outputs).flatMap((o) => Object.keys(o.inputs));
  t.true(tuiSources.some((f) => f.includes('dist/src/tui/run-tui.js')));
  // (engine-cjs:…: the one-line stand-in that requires engine.js, scripts/bundle.mjs)
  t.deepEqual(tuiSources.filter((f) => !f.includes('node_modules/') && !f.includes('dist/src/tui/') && f !== 'engine-cjs:migrate-tui:engine.js'), [], 'no engine or CLI source in the TUI outputs');
  // Ink and React are bundled with the TUI (start-up); drivers and the lint parser never are.
  t.true(tuiSources.some((f) => /node_modules\/ink\/build\//.test(f)) && tuiSources.some((f) => /node_modules\/react\//.test(f)));
  t.deepEqual(tuiSources.filter((f) => /node_modules\/(postgres|mysql2|better-sqlite3|libpg-query)\//.test(f)), []);
  t.regex(readFileSync(join(binDir, 'main.js'), 'utf8'), /require\("\.\/engine\.js"\)/, 'the CLI requires engine.js');
  const tuiFiles = Object.keys(meta.tui.outputs).filter((f) => f.endsWith('.js'));
  const tuiText = tuiFiles.map((f) => readFileSync(join(repo, f), 'utf8'));
  // Required, not imported: an import of a CommonJS file makes Node scan all of it for export names.
  t.true(tuiText.some((text) => /__require\("\.\.\/engine\.js"\)/.test(text)), 'the TUI requires the same engine.js');
  t.false(tuiText.some((text) => /from "\.\.\/engine\.js"/.test(text)), 'no TUI output imports engine.js');
  // React's production build only; yoga-layout decodes its WebAssembly itself (no fetch, which loads undici).
  t.deepEqual(tuiSources.filter((f) => /\.development\.js$/.test(f)), []);
  t.false(tuiText.some((text) => /typeof fetch/.test(text)), 'no `typeof fetch` left in the TUI outputs');
});

test('a command loads the engine when it runs (heads answers from the folder)', (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2', ['-- migrate:revises 1']) });
  const r = loadedModules(['heads', '--dir', dir]);
  t.is(r.status, 0);
  t.regex(r.stdout, /^2 \(head\)/);
  t.deepEqual(ours(r.files), ['engine.js', 'main.js']);
  t.deepEqual(packages(r.files), []);
});

test('status on SQLite loads the CLI, the engine and better-sqlite3: no other driver, no lint parser, formatter or TUI', (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2', ['-- migrate:revises 1']) });
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'migrate-tui-status-')), 'db.sqlite')}`;
  t.is(spawnSync(process.execPath, [bin, '--url', url, '--dir', dir, '--yes', 'upgrade'], { encoding: 'utf8' }).status, 0);
  const r = loadedModules(['--url', url, '--dir', dir, 'status']);
  t.is(r.status, 0);
  t.regex(r.stdout, /applied: +2 of 2 revisions/);
  t.deepEqual(ours(r.files), ['engine.js', 'main.js']);
  // better-sqlite3's JavaScript is in engine.js: of the package, only its addon loads, from where npm built it.
  t.deepEqual(r.files.filter((f) => f.includes('node_modules/')).map((f) => f.replace(/.*node_modules\//, '')), ['better-sqlite3/build/Release/better_sqlite3.node']);
});

test('the --dialect help names the spellings the engine accepts', (t) => {
  t.is(DIALECT_SPELLINGS, knownDialectSpellings());
  t.true(loadedModules(['--help']).stdout.includes(knownDialectSpellings()));
});
