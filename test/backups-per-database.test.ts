import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';

/** Backups belong to the database they were taken from: listed per database, restored only there unless asked. */

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const run = (url: string, ...args: string[]) => cli(['--url', url, '--dir', EXAMPLE, ...args]);

eachDatabase('backups lists the connected database\'s backups (--all: every database\'s, grouped); restore refuses another database\'s backup without --into-other-database', async (t, app, db) => {
  const staging = await db.fresh();
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-backups-'));
  const backupOf = async (url: string) => {
    t.is((await run(url, '--yes', 'upgrade')).code, 0);
    const r = await run(url, 'backup', '--backup-dir', dir, '--json');
    t.is(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).backup as { file: string; database: string; databaseName: string };
  };
  const mine = await backupOf(app);
  const theirs = await backupOf(staging);

  const list = await run(app, 'backups', '--backup-dir', dir);
  t.is(list.code, 0, list.stderr);
  t.regex(list.stdout, new RegExp(`^this database: ${mine.databaseName} \\(${db.name === 'sqlite' ? 'sqlite' : '\\w+'}, ${escape(mine.database)}\\) — 1 backup in `));
  t.true(list.stdout.includes(mine.file));
  t.false(list.stdout.includes(theirs.file), 'another database\'s backup is not listed by default');
  t.regex(list.stdout, /\(1 backup of 1 other database not shown: `backups --all` lists them\)/);
  const json = JSON.parse((await run(app, 'backups', '--backup-dir', dir, '--json')).stdout);
  t.deepEqual(json.backups.map((b: { file: string }) => b.file), [mine.file]);
  t.is(json.otherBackups, 1);

  const all = await run(app, 'backups', '--backup-dir', dir, '--all');
  t.regex(all.stdout, new RegExp(`other database: ${theirs.databaseName} \\(\\w+, ${escape(theirs.database)}\\) — 1 backup in [^\\n]*\\n  ${escape(theirs.file)}  `));
  t.true(all.stdout.indexOf(mine.file) < all.stdout.indexOf(theirs.file), 'the connected database first');
  const groups = JSON.parse((await run(app, 'backups', '--backup-dir', dir, '--all', '--json')).stdout).groups;
  t.deepEqual(groups.map((g: { current: boolean; backups: unknown[] }) => [g.current, g.backups.length]), [[true, 1], [false, 1]]);

  // --yes does not stand in for the flag: exit 2, both databases named, nothing restored.
  const refused = await run(app, '--yes', 'restore', theirs.file);
  t.is(refused.code, 2, refused.stderr);
  t.true(refused.stderr.includes(`was taken from ${theirs.databaseName} (`) && refused.stderr.includes(theirs.database), refused.stderr);
  t.true(refused.stderr.includes(`not from the connected database ${mine.databaseName} (`) && refused.stderr.includes(mine.database), refused.stderr);
  t.regex(refused.stderr, /pass --into-other-database/);
  t.notRegex(refused.stderr, /restored/);
  const refusedJson = JSON.parse((await run(app, '--yes', '--json', 'restore', theirs.file)).stdout);
  t.is(refusedJson.error.code, 'other-database');

  t.is((await run(app, '--yes', 'restore', mine.file)).code, 0, 'its own backup restores without the flag');
  const forced = await run(app, '--yes', 'restore', theirs.file, '--into-other-database');
  t.is(forced.code, 0, forced.stderr);
  t.regex(forced.stderr, /ANOTHER DATABASE: the backup was taken from /);
});

/**
 * `backups` on a MariaDB server reached by a `mysql://` URL said `(mysql, …)`: the dialect came
 * from the URL's scheme. It lists without connecting, so it takes what the server said to its
 * backups (the manifest's dialect is the connection's): `mariadb`; with no backup yet it says
 * the URL does not tell MySQL from MariaDB.
 */
eachDatabase('backups names a MariaDB server reached by mysql:// as mariadb (what the connection reported), not mysql from the URL', async (t, app) => {
  t.regex(app, /^mysql:\/\//, 'the test server is reached by a mysql:// URL');
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-backups-'));
  const empty = await run(app, 'backups', '--backup-dir', dir);
  t.is(empty.code, 0, empty.stderr);
  t.regex(empty.stdout, /^this database: \w+ \(mysql or mariadb: the URL does not say which, mysql:\/\//);
  t.is((await run(app, '--yes', 'upgrade')).code, 0);
  const taken = await run(app, 'backup', '--backup-dir', dir, '--json');
  t.is(taken.code, 0, taken.stderr);
  t.is(JSON.parse(taken.stdout).backup.dialect, 'mariadb', 'the connection reported MariaDB');
  const list = await run(app, 'backups', '--backup-dir', dir);
  t.regex(list.stdout, /^this database: \w+ \(mariadb, mysql:\/\/[^)]*\) — 1 backup in /);
  t.is(JSON.parse((await run(app, 'backups', '--backup-dir', dir, '--json')).stdout).database.dialect, 'mariadb');
}, ['mariadb']);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
