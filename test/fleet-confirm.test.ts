import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { withDb } from './helpers/databases.js';
import { makeFolder, pair } from './helpers/folders.js';

/**
 * A fleet downgrade (or stamp) without a terminal refused with "pass --yes … (the lines above
 * say what it would do)" while nothing was printed above it, and named only a count. It names
 * the targets now, and how to see what it would do.
 */
async function fleetAt2(): Promise<{ dir: string; cwd: string; files: string[] }> {
  const dir = makeFolder({ ...pair('1'), ...pair('2') });
  const cwd = makeFolder({});
  const files = ['a.sqlite', 'b.sqlite'].map((f) => join(cwd, f));
  writeFileSync(join(cwd, 'fleet.json'), JSON.stringify([{ name: 'tenant-a', url: `sqlite:${files[0]}` }, { name: 'tenant-b', url: `sqlite:${files[1]}` }]));
  const up = await cli(['--targets', 'fleet.json', '--dir', dir, 'upgrade'], { cwd });
  if (up.code !== 0) throw new Error(up.stderr);
  return { dir, cwd, files };
}
const versions = (file: string) => withDb(`sqlite:${file}`, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version')).then((r) => r.map((x) => x.revision));

test('fleet downgrade without a terminal: refused (exit 4) naming the targets and how to preview, not "the lines above"; nothing changes', async (t) => {
  const { dir, cwd, files } = await fleetAt2();
  const r = await cli(['--targets', 'fleet.json', '--dir', dir, 'downgrade', '-1'], { cwd });
  t.is(r.code, 4, r.stderr);
  t.is(
    r.stderr,
    'error: downgrade 2 targets (tenant-a, tenant-b) to -1 needs a confirmation, but there is no terminal to ask on; nothing was changed\n' +
      '  → pass --yes to confirm in scripts and CI (`migrate-tui --targets fleet.json status` shows where each target is; `migrate-tui --url <its url> downgrade -1 --dry-run` previews one)\n',
  );
  t.notRegex(r.stderr, /lines above/);
  for (const file of files) t.deepEqual(await versions(file), ['2']);
});

test('fleet stamp without a terminal: refused naming the targets; a "no" on a terminal names them too and changes nothing; "y" runs', async (t) => {
  const { dir, cwd, files } = await fleetAt2();
  const r = await cli(['--targets', 'fleet.json', '--dir', dir, 'stamp', '1'], { cwd });
  t.is(r.code, 4, r.stderr);
  t.regex(r.stderr, /^error: stamp 2 targets \(tenant-a, tenant-b\) to 1 needs a confirmation, but there is no terminal to ask on; nothing was changed\n {2}→ pass --yes to confirm in scripts and CI \(`migrate-tui --targets fleet\.json status` shows where each target is\)\n$/);
  const no = await cli(['--targets', 'fleet.json', '--dir', dir, 'downgrade', '-1'], { cwd, tty: true, answers: ['n'] });
  t.is(no.code, 4, no.stderr);
  t.regex(no.stderr, /downgrade 2 targets \(tenant-a, tenant-b\) to -1, each after its own backup\? \[y\/N\] error: downgrade 2 targets \(tenant-a, tenant-b\) to -1: not confirmed, nothing was changed/);
  for (const file of files) t.deepEqual(await versions(file), ['2']);
  const yes = await cli(['--targets', 'fleet.json', '--dir', dir, 'downgrade', '-1'], { cwd, tty: true, answers: ['y'] });
  t.is(yes.code, 0, yes.stderr);
  for (const file of files) t.deepEqual(await versions(file), ['1']);
});
