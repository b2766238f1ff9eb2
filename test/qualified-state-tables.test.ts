import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';

const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Issue 12: state tables qualified with a schema (a database on MariaDB) round-trip on every database. */
eachDatabase('schema-qualified state tables: upgrade, status, downgrade base and upgrade again all read and write them there', async (t, url, db) => {
  const schema = db.name === 'sqlite' ? 'main' : db.name === 'postgres' ? 'migr' : `${url.split('/').pop()}_state`;
  if (db.name === 'postgres') await withDb(url, (d) => d.execute('CREATE SCHEMA migr'));
  if (db.name === 'mariadb') await withDb(url, (d) => d.execute(`CREATE DATABASE ${schema}`));
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-qualified-'));
  writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ versionTable: `${schema}.mt_version`, logTable: `${schema}.mt_log` }));
  const run = (...args: string[]) => cli(['--url', url, '--dir', EXAMPLE, ...args], { cwd });
  const status = async () => JSON.parse((await run('status', '--json')).stdout);
  t.is((await run('--yes', 'upgrade')).code, 0);
  t.is((await status()).applied.length, 9, 'status reads the qualified tables');
  t.is((await run('--yes', 'downgrade', 'base', '--no-backup')).code, 0);
  t.is((await status()).applied.length, 0);
  const again = await run('--yes', 'upgrade');
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /applied 9 revisions/);
  t.true(await withDb(url, (d) => d.tableExists(`${schema}.mt_version`)));
  t.false(await withDb(url, (d) => d.tableExists('migrate_tui_version')), 'nothing written to the default tables');
  const log = await withDb(url, (d) => d.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${schema}.mt_log`));
  t.is(Number(log[0]!.n), 27);
});
