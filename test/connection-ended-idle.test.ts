import { BIN, binaryAsync, start } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen, panelText } from './helpers/screen.js';
import { hasTmux, Tmux } from './helpers/tmux.js';
import { until } from './helpers/until.js';
import type { DatabaseAdapter } from '../src/engine/index.js';

/**
 * The server ends a session that is not running a step: a command reading the state, or the
 * TUI between two actions (an administrator's pg_terminate_backend or KILL CONNECTION, a
 * restart). Seen before the fix: on MariaDB `status` (and `stamp`) ended with exit 70 and
 * mysql2's stack trace; on PostgreSQL they said "the database said: write CONNECTION_CLOSED";
 * the TUI's `r` crashed with exit 70 on both, and every action failed until it was started again.
 */

const isPostgres = (url: string) => url.startsWith('postgres');

/** The sessions migrate-tui opened on this database (not the test's own). */
async function toolSessions(db: DatabaseAdapter, url: string, waitingForLock = false): Promise<number[]> {
  const rows = isPostgres(url)
    ? await db.query<{ id: number }>(`SELECT pid AS id FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'migrate-tui%' AND pid <> pg_backend_pid()${waitingForLock ? " AND wait_event_type = 'Lock'" : ''}`)
    : await db.query<{ id: number }>(`SELECT id FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND id <> CONNECTION_ID()${waitingForLock ? " AND state LIKE 'Waiting for table metadata lock%'" : ''}`);
  return rows.map((row) => Number(row.id));
}

async function endSession(db: DatabaseAdapter, url: string, id: number): Promise<void> {
  if (isPostgres(url)) await db.query('SELECT pg_terminate_backend(?)', [id]);
  else await db.execute(`KILL CONNECTION ${id}`);
}

eachDatabase(
  "the server ends status's session while it reads the state: exit 1, the connection ended — not exit 70 or 'the database said: write CONNECTION_CLOSED'",
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
    t.is((await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
    await withDb(url, async (holder) => {
      // Another session holds the log table: status's read waits (bounded), and is ended while it waits.
      if (isPostgres(url)) {
        await holder.execute('BEGIN');
        await holder.execute('LOCK TABLE migrate_tui_log IN ACCESS EXCLUSIVE MODE');
      } else await holder.execute('LOCK TABLES migrate_tui_log WRITE');
      const run = start(['--url', url, '--dir', dir, 'status']);
      try {
        const [waiting] = await withDb(url, (db) => until(() => toolSessions(db, url, true), (ids) => ids.length === 1, "status's read waiting for the lock"));
        await withDb(url, (db) => endSession(db, url, waiting!));
        const code = await run.exit;
        t.is(code, 1, run.stderr());
        t.notRegex(run.stderr(), /internal error|CONNECTION_CLOSED|at Socket/);
        // PostgreSQL may say the server's own words (57P01) when its error comes before the socket closes.
        t.regex(run.stderr(), /error: the connection to \S+ ended \(the server closed it, or the network did\); nothing was sent on it after that\n {2}→ run `migrate-tui --url <url> status` once the server answers|error: the database said: terminating connection due to administrator command/);
      } finally {
        await holder.execute(isPostgres(url) ? 'ROLLBACK' : 'UNLOCK TABLES');
      }
    });
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  'the TUI whose session the server ended while it was idle: r reads on a new connection (MariaDB: and says so), an upgrade then runs, q exits 0 (it crashed with exit 70)',
  async (t, url) => {
    t.timeout(90_000);
    if (!hasTmux) {
      t.pass('tmux is not installed');
      return;
    }
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\n' });
    t.is((await binaryAsync(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'])).code, 0);
    const tui = new Tmux(`node ${BIN} --url '${url}' --dir ${dir}; echo EXIT=$?; sleep 60`, dir);
    try {
      await tui.waitFor(/at 1 · 1 pending/);
      await withDb(url, async (db) => {
        const [idle] = await until(() => toolSessions(db, url), (ids) => ids.length === 1, "the TUI's one session");
        await endSession(db, url, idle!);
        await until(() => toolSessions(db, url), (ids) => ids.length === 0, 'the session gone');
      });
      tui.keys('r');
      // r reads on a new session: PostgreSQL's driver opens it again by itself (no lock is held), MariaDB's
      // connection is replaced by the TUI, which says so.
      await withDb(url, (db) => until(() => toolSessions(db, url), (ids) => ids.length === 1, "the TUI's new session"));
      if (!isPostgres(url)) await tui.waitFor(/the connection to \S+ had ended \(the server closed it/);
      t.notRegex(tui.screen(), /EXIT=|crashed/);
      // An action reads first, and runs, on the new connection.
      tui.keys('U');
      await tui.waitFor(/Upgrade to heads\?/);
      tui.keys('y');
      await tui.waitFor(/upgrade to heads: done \(1 step\)/);
      t.true(await withDb(url, (db) => db.tableExists('b')));
      tui.keys('Escape');
      await tui.waitFor(/at 2 · /);
      tui.keys('q');
      t.regex(await tui.waitFor(/EXIT=\d+/), /EXIT=0/);
    } finally {
      tui.kill();
    }
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  "the TUI's run whose session the server ends mid-step: the result says all or none, then what the database has, read again on a new connection",
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\nSELECT pg_sleep(60);\nCREATE TABLE b (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
    const s = await openScreen({ migrations: dir, url });
    try {
      await s.waitFor(/1 a/);
      await s.press('U');
      await s.waitFor(/Upgrade to heads\?/);
      await s.press('y');
      await withDb(url, async (db) => {
        const [running] = await until(() => db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep%'"), (rows) => rows.length === 1, 'the pg_sleep statement running');
        await db.query('SELECT pg_terminate_backend(?)', [running!.pid]);
      });
      const result = panelText(await s.waitFor(/read again now, on a new connection/));
      t.regex(result, /upgrade to heads: FAILED/);
      // What the database has, as its own client reads it: nothing of the step.
      t.regex(result, /read again now, on a new connection: the database is at base/);
      t.false(await withDb(url, (db) => db.tableExists('a')));
    } finally {
      await s.close();
    }
  },
  ['postgres'],
);
