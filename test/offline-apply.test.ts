import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withDb, eachDatabase, type TestDatabase } from './helpers/databases.js';
import { cli } from './helpers/cli.js';

/**
 * Offline SQL is a deployment path: a DBA applies `upgrade heads --sql` with the database's
 * own client. Afterwards the database must read, to status / check / upgrade, exactly like
 * one upgraded online: the same version rows and the same log rows.
 */
const migrations = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Applies a script with sqlite3, psql or mariadb, stopping at the first error. */
function applyWithClient(db: TestDatabase['name'], url: string, script: string): { status: number | null; stderr: string } {
  const u = new URL(url.replace(/^sqlite:/, 'file:'));
  const run =
    db === 'sqlite'
      ? spawnSync('sqlite3', ['-bail', url.replace(/^sqlite:/, '')], { input: script, encoding: 'utf8' })
      : db === 'postgres'
        ? spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url], { input: script, encoding: 'utf8' })
        : spawnSync('mariadb', ['-h', u.hostname, '-P', u.port, '-u', decodeURIComponent(u.username), u.pathname.slice(1)], {
            input: script,
            encoding: 'utf8',
            env: { ...process.env, MYSQL_PWD: decodeURIComponent(u.password) },
          });
  return { status: run.status, stderr: run.stderr };
}

// Texts as the log reads them: in the row (offline scripts write them so), or once in the texts table.
const LOG =
  'SELECT l.revision, l.direction, l.kind, l.dialect, l.checksum,' +
  ' CASE WHEN l.sql_text_sha256 IS NULL THEN l.sql_text ELSE ts.sql_text END AS sql_text,' +
  ' CASE WHEN l.down_sql_sha256 IS NULL THEN l.down_sql ELSE td.sql_text END AS down_sql,' +
  ' l.statements_total, l.statements_done, l.status FROM migrate_tui_log l' +
  ' LEFT JOIN migrate_tui_log_text ts ON ts.text_sha256 = l.sql_text_sha256 LEFT JOIN migrate_tui_log_text td ON td.text_sha256 = l.down_sql_sha256 ORDER BY l.id';

eachDatabase('upgrade heads --sql applied by the database client reads as applied online; downgrade base --sql goes back', async (t, url, db) => {
  const args = ['--dir', migrations, '--url', url];
  const script = await cli([...args, 'upgrade', 'heads', '--sql']);
  t.is(script.code, 0, script.stderr);
  t.regex(script.stdout, /^-- planned by migrate-tui \S+ \(.+\) from database .+ at base$/m);
  const applied = applyWithClient(db.name, url, script.stdout);
  t.is(applied.status, 0, applied.stderr);

  const status = await cli([...args, '--json', 'status']);
  const state = JSON.parse(status.stdout);
  t.deepEqual(state.pending, []);
  t.is(state.applied.length, 9);
  t.deepEqual(state.current, ['20260115090000']);
  t.deepEqual(state.drift, []);
  t.is(state.dirty, null);
  const again = await cli([...args, '--json', 'upgrade']);
  t.is(again.code, 0, again.stderr);
  t.deepEqual(JSON.parse(again.stdout).steps, []);
  const check = await cli([...args, 'check']);
  t.is(check.code, 0, check.stdout + check.stderr);

  // The same log rows an online upgrade writes (times, user and host aside).
  const online = await db.fresh();
  t.is((await cli(['--dir', migrations, '--url', online, '--yes', 'upgrade'])).code, 0);
  const offlineLog = await withDb(url, (d) => d.query(LOG));
  const onlineLog = await withDb(online, (d) => d.query(LOG));
  t.deepEqual(offlineLog.map(normalise), onlineLog.map(normalise));

  const down = await cli([...args, 'downgrade', 'base', '--sql']);
  t.is(down.code, 0, down.stderr);
  const reverted = applyWithClient(db.name, url, down.stdout);
  t.is(reverted.status, 0, reverted.stderr);
  const after = JSON.parse((await cli([...args, '--json', 'status'])).stdout);
  t.deepEqual(after.applied, []);
  t.deepEqual(after.current, []);
  t.is(after.pending.length, 9);
  const downLog = await withDb(url, (d) => d.query<{ direction: string; status: string }>(LOG));
  t.is(downLog.filter((r) => r.direction === 'down' && r.status === 'done').length, 9);
});

/** Drivers return numbers as numbers or strings; compare the text. */
function normalise(row: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)]));
}
