import test from 'ava';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * `--targets status` with a dirty canary reported every later stage `skipped` ("stage "canary"
 * had 1 failed target; --continue-on-error goes on"): the on-call asking where the fleet stands
 * saw nothing of it. status and check only read, so every target is read; a run (upgrade) still
 * stops behind its canary.
 */
test('status and check read every stage when a canary is dirty; upgrade still stops behind it', async (t) => {
  const dir = makeFolder({
    '001_a.up.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
    '001_a.down.sql': 'DROP TABLE a;\n',
    '002_b.up.sql': '-- migrate:transaction off\nCREATE TABLE b (id int PRIMARY KEY);\nINSERT INTO nowhere VALUES (1);\n',
    '002_b.down.sql': 'DROP TABLE b;\n',
  });
  const cwd = makeFolder({});
  writeFileSync(
    join(cwd, 'migrate-tui.targets.json'),
    JSON.stringify({ stages: ['canary', 'rest'], targets: [{ name: 'canary-1', url: 'sqlite:./canary.sqlite', stage: 'canary' }, { name: 'rest-1', url: 'sqlite:./rest.sqlite', stage: 'rest' }] }),
  );
  const first = await cli(['--targets', '--dir', dir, 'upgrade'], { cwd });
  t.is(first.code, 1, first.stderr);
  t.regex(first.stdout, /^✗ canary-1 .*DIRTY: statement 1 of 2 ran and stays applied/m);
  t.regex(first.stdout, /^- rest-1 \[rest\] .*: skipped: stage "canary" had 1 failed target \(canary-1\); --continue-on-error goes on$/m);
  t.false(existsSync(join(cwd, 'rest.sqlite')), 'the later stage was not touched');

  const status = await cli(['--targets', '--dir', dir, 'status', '--json'], { cwd });
  t.is(status.code, 1, status.stderr);
  const byName = Object.fromEntries(JSON.parse(status.stdout).targets.map((x: { name: string; status: string; summary: string }) => [x.name, x]));
  t.is(byName['canary-1'].status, 'failed');
  t.regex(byName['canary-1'].summary, /^DIRTY \(up of 002 unfinished; run resolve on it\); at 001$/);
  t.is(byName['rest-1'].status, 'failed');
  t.regex(byName['rest-1'].summary, /^FAILED: no database at \.\/rest\.sqlite/);

  // The later target exists and is behind: status says so instead of "skipped".
  t.is((await cli(['--targets', '--only', 'rest-1', '--dir', dir, 'upgrade', '001'], { cwd })).code, 0);
  const text = await cli(['--targets', '--dir', dir, 'status'], { cwd });
  t.regex(text.stdout, /^… rest-1 \[rest\] sqlite:\.\/rest\.sqlite: at 001; 1 pending( \(\d+ ms\))?$/m);
  t.notRegex(text.stdout, /skipped/);
  t.regex(text.stdout, /^status on 2 targets: 1 pending, 1 failed$/m);
  const check = await cli(['--targets', '--dir', dir, 'check'], { cwd });
  t.regex(check.stdout, /^= rest-1 \[rest\] sqlite:\.\/rest\.sqlite: no problems( \(\d+ ms\))?$/m);
  t.notRegex(check.stdout, /skipped/);

  // A run still stops behind the dirty canary: rest-1 stays at 001.
  const again = await cli(['--targets', '--dir', dir, 'upgrade'], { cwd });
  t.regex(again.stdout, /^- rest-1 \[rest\] .*: skipped: stage "canary" had 1 refused target \(canary-1\); --continue-on-error goes on$/m);
  t.deepEqual((await withDb(`sqlite:${join(cwd, 'rest.sqlite')}`, (db) => db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'))).map((r) => r.revision), ['001']);
});
