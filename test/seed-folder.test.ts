import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';

/** A missing seeds folder is an error before anything connects: it was `ran 0 seed files`, exit 0. */
function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-seeds-'));
  mkdirSync(join(cwd, 'migrations'));
  writeFileSync(join(cwd, 'migrations', '1_t.up.sql'), 'CREATE TABLE t (id INTEGER);\n');
  writeFileSync(join(cwd, 'migrations', '1_t.down.sql'), 'DROP TABLE t;\n');
  return cwd;
}

test('seed and verify --seeds with a seeds folder that does not exist: exit 2 naming it, nothing created', async (t) => {
  const cwd = project();
  const typo = await cli(['--url', 'sqlite:./db.sqlite', 'seed', '--seeds', 'seeds-typo'], { cwd });
  t.is(typo.code, 2, typo.stdout + typo.stderr);
  t.regex(typo.stderr, /seeds-typo: the seeds folder does not exist\n\s+→ check the path given to --seeds/);
  t.notRegex(typo.stdout, /ran 0 seed files/);
  t.false(existsSync(join(cwd, 'db.sqlite')), 'the SQLite file a write would create was not created');
  const noDefault = await cli(['--url', 'sqlite:./db.sqlite', 'seed'], { cwd });
  t.is(noDefault.code, 2);
  t.regex(noDefault.stderr, /seeds: the seeds folder does not exist\n\s+→ `migrate-tui init` creates it/);
  const verify = await cli(['verify', '--seeds', 'seeds-typo'], { cwd });
  t.is(verify.code, 2, verify.stdout + verify.stderr);
  t.regex(verify.stderr, /seeds-typo: the seeds folder does not exist/);
  // With the folder there, seed runs (and an empty folder runs nothing, truthfully).
  mkdirSync(join(cwd, 'seeds'));
  const empty = await cli(['--url', 'sqlite:./db.sqlite', 'seed'], { cwd });
  t.is(empty.code, 0, empty.stderr);
  t.regex(empty.stdout, /ran 0 seed files, 0 unchanged/);
});
