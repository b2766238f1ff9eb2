import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Install from a tarball as a new user would: `npm pack` of a clean copy of the sources (no
 * dist/: `prepare` must build it), `npm install <tarball>` into an empty project, then the
 * binary through `npx`. Quick form (the default): the install is `npm ci --offline` of a
 * lockfile naming the tarball and this checkout's dependency versions (from the npm cache
 * `npm install`/`npm ci` filled; tests reach loopback only) with `--ignore-scripts`, and the
 * compiled better-sqlite3 addon is copied from this checkout (same version, same Node) instead
 * of compiling it again (~85 s here). MIGRATE_TUI_PACK_FULL=1 runs `npm install <tarball>`
 * from the registry, with the dependencies' install scripts.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const full = process.env.MIGRATE_TUI_PACK_FULL === '1';

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A lockfile for an app that depends on the tarball: this checkout's production entries (not the dev ones). */
function appLockfile(tarball: string): object {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; [key: string]: unknown }> };
  const root = lock.packages['']!;
  const production = Object.fromEntries(Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev));
  const self = { version: root.version, resolved: tarball, license: root.license, bin: root.bin, engines: root.engines, dependencies: root.dependencies };
  return { name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', version: '1.0.0', dependencies: { 'migrate-tui': tarball } }, 'node_modules/migrate-tui': self, ...production } };
}

test('npm pack of a clean copy carries dist/, and the tarball installs into a project where npx migrate-tui works', async (t) => {
  t.timeout(300_000);
  const work = mkdtempSync(join(tmpdir(), 'migrate-tui-pack-'));
  // A clean copy: the files git knows (committed or not, minus ignored ones), no dist/.
  const clone = join(work, 'clone');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter((f) => f !== '' && existsSync(join(REPO, f)) && lstatSync(join(REPO, f)).isFile());
  for (const f of files) {
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    copyFileSync(join(REPO, f), join(clone, f));
  }
  t.false(existsSync(join(clone, 'dist')), 'the copy starts without a build');
  symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'));

  const started = Date.now();
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], clone)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const packMs = Date.now() - started;
  const paths = packed[0]!.files.map((f) => f.path);
  t.true(paths.includes('dist/bin/main.js') && paths.includes('dist/bin/engine.js'), 'the bundled binary is in the tarball');
  t.false(paths.some((p) => p.startsWith('dist/src/')), 'the unbundled build is not shipped (the bin does not use it)');
  t.true(paths.includes('README.md') && paths.includes('package.json'));
  t.false(paths.some((p) => p.startsWith('dist/test/') || p.startsWith('src/')), 'no tests or TypeScript sources');

  const project = join(work, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  const t1 = Date.now();
  if (full) npm(['install', join(work, packed[0]!.filename)], project);
  else {
    // `npm install <tarball>` asks the registry for each dependency's full packument, which
    // `npm ci` (CI's install) does not cache: offline it failed with ENOTCACHED on a fresh
    // machine. So the app gets a lockfile of this checkout's versions, and `npm ci` takes
    // every tarball from the cache by its integrity, as the tarball's install would resolve them.
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(appLockfile(`file:../${packed[0]!.filename}`)));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: { 'migrate-tui': `file:../${packed[0]!.filename}` } }));
    npm(['ci', '--offline', '--ignore-scripts'], project);
  }
  const installMs = Date.now() - t1;
  const installed = join(project, 'node_modules');
  if (!full) {
    const addon = 'better-sqlite3/build/Release/better_sqlite3.node';
    mkdirSync(dirname(join(installed, addon)), { recursive: true });
    copyFileSync(join(REPO, 'node_modules', addon), join(installed, addon));
  }
  t.log(`npm pack (with the prepare build) ${packMs} ms; install ${installMs} ms (${full ? 'full' : 'quick: offline, addon copied'})`);

  const npx = (...args: string[]) => spawnSync('npx', ['--no-install', 'migrate-tui', ...args], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  const version = npx('--version');
  t.is(version.status, 0, version.stderr);
  t.is(version.stdout.trim(), (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version);

  const first = npx('revision', '-m', 'create users', '--id', '001');
  t.is(first.status, 0, first.stderr);
  t.regex(first.stdout, /created the migrations folder/);
  writeFileSync(join(project, 'migrations/001_create_users.up.sql'), 'CREATE TABLE users (id INTEGER PRIMARY KEY);\n');
  writeFileSync(join(project, 'migrations/001_create_users.down.sql'), 'DROP TABLE users;\n');
  const up = npx('--yes', 'upgrade');
  t.is(up.status, 0, up.stderr);
  const status = npx('status');
  t.is(status.status, 0, status.stderr);
  t.regex(status.stdout, /applied: +1 of 1 revision\b/);
  t.regex(status.stdout, /current: +001 create users/);
});
