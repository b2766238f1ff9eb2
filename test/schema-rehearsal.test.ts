import test from 'ava';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { cli } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';

/**
 * The schema tab never touches the database by itself: moving onto a revision with the tab
 * open shows what a rehearsal would do; only `t` runs it — on a copy (SQLite), or in a
 * rolled-back transaction with short lock/statement timeouts (PostgreSQL) — and never with
 * --read-only. Checked from another connection (pg_locks, pg_stat_activity, a writer on SQLite).
 */
const FOLDER = { '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\n' };

const upgradeTo = async (url: string, dir: string, target = 'heads') => {
  const r = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', target]);
  if (r.code !== 0) throw new Error(r.stderr);
};

/** Polls a condition read from the database (bounded): synchronisation on the server's own view. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`never saw ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

eachDatabase(
  'the schema tab takes no lock until t; then it gives up on a busy table within lock_timeout and the application is never blocked',
  async (t, url) => {
    const s = await openScreen({ migrations: makeFolder(FOLDER), url });
    const app = postgres(url, { max: 1, onnotice: () => {} });
    const holder = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await upgradeTo(url, s.dir, '1');
      await s.press('r');
      await s.waitFor('reloaded files and database state');
      // The application reads table a in an open transaction (ACCESS SHARE, held).
      const reserved = await holder.reserve();
      await reserved.unsafe('BEGIN');
      await reserved.unsafe('SELECT count(*) FROM a');
      // Select the current head (1: its down drops a) with the schema tab open, and move around.
      await s.press('j');
      await s.waitFor(/1 a\n/);
      await s.press(KEYS.tab, KEYS.tab, KEYS.tab);
      await s.waitFor('press t to rehearse the down of 1');
      await s.press('k', 'j');
      const intro = await s.waitFor('nothing touches the database until t is pressed.');
      t.regex(intro, /with lock_timeout 1000 ms, statement_timeout 5000 ms/);
      const tui = await app.unsafe<Array<{ pid: number; query: string }>>("SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'migrate-tui%'");
      t.is(tui.length, 1, 'the TUI has one connection');
      t.notRegex(tui[0]!.query, /DROP|BEGIN/i, 'the TUI ran no DDL and opened no transaction');
      const locks = await app.unsafe("SELECT locktype, mode, granted FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND relation = 'a'::regclass", [tui[0]!.pid]);
      t.deepEqual([...locks], [], 'the TUI holds or waits for no lock on a');
      // Asked for: the rehearsal's DROP waits at most lock_timeout, then says so.
      await s.press('t');
      const lockWait = await until(
        () => app.unsafe<Array<{ granted: boolean }>>("SELECT granted FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND relation = 'a'::regclass", [tui[0]!.pid]),
        (rows) => rows.length > 0 || s.frame().includes('could not get the lock'),
        'the rehearsal ask for its lock',
      );
      t.true(lockWait.every((r) => !r.granted), 'it only queues for the lock held by the application');
      const started = Date.now();
      await s.waitFor('could not get the lock in 1000 ms');
      t.true(Date.now() - started < 5000, 'it gave up within lock_timeout (plus the round trip)');
      // Nothing queued is left: a new reader is not blocked.
      const left = await app.unsafe("SELECT 1 FROM pg_locks WHERE NOT granted AND pid = $1", [tui[0]!.pid]);
      t.is(left.length, 0);
      await reserved.unsafe('COMMIT');
      reserved.release();
      await app.unsafe('SET statement_timeout = 2000');
      t.is((await app.unsafe('SELECT count(*)::int AS n FROM a'))[0]!.n, 0);
      // Unblocked, the rehearsal shows the change and keeps nothing.
      await s.press('k', 'j');
      await s.waitFor('press t to rehearse the down of 1');
      await s.press('t');
      await s.waitFor('nothing was kept.');
      await s.waitFor('+table a');
      t.is((await app.unsafe("SELECT to_regclass('a') IS NOT NULL AS ok"))[0]!.ok, true, 'table a is still there');
    } finally {
      await app.end();
      await holder.end();
      await s.close();
    }
  },
  ['postgres'],
);

test('sqlite: the rehearsal runs on an in-memory copy: it works while another connection writes, and the file is unchanged', async (t) => {
  const s = await openScreen({ migrations: makeFolder(FOLDER) });
  const other = new Database(s.url.slice('sqlite:'.length));
  try {
    await upgradeTo(s.url, s.dir, '1');
    await s.press('r');
    await s.waitFor('reloaded files and database state');
    await s.press(KEYS.tab, KEYS.tab, KEYS.tab);
    await s.waitFor('press t to rehearse the up of 2');
    // Another connection holds the write lock: a rehearsal on the file itself could not write.
    other.exec('BEGIN IMMEDIATE; INSERT INTO a VALUES (1);');
    await s.press('t');
    await s.waitFor('+table b');
    other.exec('COMMIT');
    t.deepEqual(other.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").all(), [], 'b exists only in the copy');
    t.is((other.prepare('SELECT count(*) AS n FROM a').get() as { n: number }).n, 1, "the other connection's write went through");
  } finally {
    other.close();
    await s.close();
  }
});

eachDatabase(
  '--read-only: the schema tab says no rehearsal runs, and t is refused',
  async (t, url, db) => {
    const s = await openScreen({ migrations: makeFolder(FOLDER), url, readOnly: true });
    try {
      await s.press('j');
      await s.waitFor(/1 a\n/);
      await s.press(KEYS.tab, KEYS.tab, KEYS.tab);
      if (db.name === 'mariadb') {
        await s.waitFor('not available on mariadb: it commits every');
      } else {
        await s.waitFor('--read-only: no rehearsal runs');
      }
      await s.press('t');
      await s.waitFor('read-only: "schema rehearsal" is disabled');
      const status = JSON.parse((await cli(['--url', url, '--dir', s.dir, 'status', '--json'])).stdout);
      t.deepEqual(status.applied, []);
    } finally {
      await s.close();
    }
  },
);
