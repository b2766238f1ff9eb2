import test from 'ava';
import mysql from 'mysql2/promise';
import { cli, start } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';
import { notRun } from './helpers/not-run.js';
import { until } from './helpers/until.js';

/**
 * MySQL/MariaDB's GET_LOCK is server-wide, not per database: every verify took the lock
 * 'migrate-tui verify' on its scratch database, so two verify runs on one server (two
 * developers, two CI jobs) waited for each other, and one failed with lock-timeout behind a
 * statement longer than 10 s. Each scratch database now has its own lock name.
 */
const MARIA = process.env.TEST_MARIADB_URL;

test('two verify runs on one MariaDB server: one in a long statement does not hold the other up', async (t) => {
  if (!MARIA) return notRun(t, 'MARIADB SERVER NOT RUNNING: the concurrent verify test did NOT run (run through npm test)');
  // The down sleeps (it runs once in verify's up, down, up): longer than the other's 10 s lock wait.
  const slow = makeFolder({ '1_slow.up.sql': 'CREATE TABLE s (id int);\n', '1_slow.down.sql': 'SELECT SLEEP(14);\nDROP TABLE s;\n' });
  const quick = makeFolder({ '1_quick.up.sql': 'CREATE TABLE q (id int);\n', '1_quick.down.sql': 'DROP TABLE q;\n' });
  const a = start(['--dir', slow, '--url', MARIA, 'verify', '--dialects', 'mariadb', '--json']);
  const admin = await mysql.createConnection(MARIA);
  const sleeping = async () => Number(((await admin.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(14)%'"))[0] as Array<{ n: number }>)[0]!.n);
  try {
    await until(sleeping, (n) => n > 0, 'the slow verify in its SLEEP');
    const b = await cli(['--dir', quick, '--url', MARIA, 'verify', '--dialects', 'mariadb', '--json']);
    t.is(b.code, 0, b.stderr);
    t.is(JSON.parse(b.stdout).cells['1'].mariadb.status, 'ok');
    t.true((await sleeping()) > 0, 'the other verify was still in its statement: the two overlapped');
    t.is(await a.exit, 0, a.stderr());
  } finally {
    a.child.kill('SIGKILL');
    await admin.end();
  }
});
