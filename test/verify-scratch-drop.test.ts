import test from 'ava';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { start } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';
import { notRun } from './helpers/not-run.js';
import { until } from './helpers/until.js';

/**
 * Someone connected to verify's scratch database (a psql opened on it to look) while verify ran:
 * PostgreSQL's DROP DATABASE waited 5 s for them, failed, and verify still ended with "every
 * checked revision round-trips", exit 0, the database left (the README says it is always
 * dropped). It is verify's own database: the DROP ends those sessions (WITH (FORCE)). On MariaDB
 * a connected session never held the DROP (checked here too); a transaction open on a scratch
 * table would, for lock_wait_timeout (a year): the DROP now waits 10 s at most, then says so.
 */
const PG = process.env.TEST_POSTGRES_URL;
const MARIA = process.env.TEST_MARIADB_URL;
const SLOW = { postgres: 'SELECT pg_sleep(3);\n', mariadb: 'SELECT SLEEP(3);\n' } as const;

for (const dialect of ['postgres', 'mariadb'] as const) {
  test(`${dialect}: verify drops its scratch database even with another session connected to it`, async (t) => {
    const url = dialect === 'postgres' ? PG : MARIA;
    if (!url) return notRun(t, `${dialect.toUpperCase()} SERVER NOT RUNNING: the scratch-drop test did NOT run (run through npm test)`);
    t.timeout(90_000);
    // The down is slow: the scratch database exists long enough to be found and joined.
    const dir = makeFolder({ '1_t.up.sql': 'CREATE TABLE t (id int);\n', '1_t.down.sql': `${SLOW[dialect]}DROP TABLE t;\n` });
    const run = start(['--dir', dir, '--url', url, 'verify', '--dialects', dialect]);
    const pid = run.child.pid!;
    const admin = dialect === 'postgres' ? postgres(url, { max: 1, onnotice: () => {} }) : null;
    const maria = dialect === 'mariadb' ? await mysql.createConnection(url) : null;
    const list = async (): Promise<string[]> =>
      admin
        ? (await admin.unsafe<Array<{ name: string }>>(`SELECT datname AS name FROM pg_database WHERE datname LIKE 'migrate_tui_verify_${pid}_%'`)).map((r) => r.name)
        : ((await maria!.query(`SHOW DATABASES LIKE 'migrate\\_tui\\_verify\\_${pid}\\_%'`))[0] as Array<Record<string, string>>).map((r) => Object.values(r)[0]!);
    let onlooker: { end(): Promise<void> } | null = null;
    try {
      const [name] = await until(list, (names) => names.length === 1, 'the scratch database made');
      if (dialect === 'postgres') {
        const other = postgres(url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`), { max: 1, onnotice: () => {} });
        await other`SELECT 1`;
        onlooker = { end: () => other.end({ timeout: 1 }).catch(() => undefined) };
      } else {
        const other = await mysql.createConnection(url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`));
        await other.query('SELECT 1');
        onlooker = { end: () => other.end().catch(() => undefined) };
      }
      t.is(await run.exit, 0, run.stderr());
      t.regex(run.stdout(), /scratch databases dropped/);
      t.notRegex(run.stdout(), /NOT CLEANED UP|NOT all dropped/);
      t.deepEqual(await list(), []);
    } finally {
      await onlooker?.end();
      await admin?.end({ timeout: 1 });
      await maria?.end();
    }
  });
}
