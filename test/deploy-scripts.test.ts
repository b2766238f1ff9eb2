import test from 'ava';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryAsync } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * A team's deploy scripts switched to migrate-tui, headless: what a script's mistakes and
 * habits do to the database, read back from the database itself. The built binary.
 */
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text', 'migrate_tui_lock'];

/** Two branches from 001, so a count (`+5`) through the branch point cannot be planned either. */
const FOLDER = {
  '001_a.up.sql': 'CREATE TABLE a (id int);\n',
  '001_a.down.sql': 'DROP TABLE a;\n',
  '002_b.up.sql': 'CREATE TABLE b (id int);\n',
  '002_b.down.sql': 'DROP TABLE b;\n',
  '003_c.up.sql': '-- migrate:revises 001\nCREATE TABLE c (id int);\n',
  '003_c.down.sql': 'DROP TABLE c;\n',
};

const tablesThere = (url: string) => withDb(url, async (db) => (await Promise.all(STATE.map(async (name) => ((await db.tableExists(name)) ? name : null)))).filter((n) => n !== null));

eachDatabase('upgrade to a target the folder does not have makes no state tables (exit 2)', async (t, url, db) => {
  const dir = makeFolder(FOLDER);
  // A typo in a deploy script's target, an unknown label, a count through a branch point; and with the lease lock.
  const lease = db.name === 'sqlite' ? [] : [['--capabilities', 'advisoryLocks=false']];
  for (const extra of [[], ...lease]) {
    for (const target of ['999', 'nope@head', '001+5', '+5']) {
      const r = await binaryAsync([...extra, '--url', url, '--dir', dir, 'upgrade', target]);
      t.is(r.code, 2, `${target}: ${r.stderr}`);
      t.regex(r.stderr, target === '999' ? /no revision or branch label "999"/ : target === 'nope@head' ? /"nope"/ : /001 is a branch point/);
      t.deepEqual(await tablesThere(url), [], `upgrade ${target} ${extra.join(' ')} left tables`);
    }
  }
  // The same database then upgrades as it should.
  const ok = await binaryAsync(['--url', url, '--dir', dir, 'upgrade', '002']);
  t.is(ok.code, 0, ok.stderr);
  t.deepEqual(await tablesThere(url), ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text']);
  t.true(await withDb(url, (d) => d.tableExists('b')));
});

test('upgrade to a target the folder does not have creates no SQLite file', async (t) => {
  const dir = makeFolder(FOLDER);
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-deploy-'));
  for (const args of [['--url', 'sqlite:./app.sqlite'], []]) {
    const r = await binaryAsync([...args, '--dir', dir, 'upgrade', '999'], { cwd, env: { DATABASE_URL: undefined, DATABASE_PROVIDER: undefined } });
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, /no revision or branch label "999"/);
    t.notRegex(r.stderr, /created the SQLite database/);
  }
  t.false(existsSync(join(cwd, 'app.sqlite')));
  t.false(existsSync(join(cwd, 'migrate-tui.sqlite')), 'the embedded default');
});
