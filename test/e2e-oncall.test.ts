import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { BIN } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { notRun } from './helpers/not-run.js';
import { hasTmux, Tmux } from './helpers/tmux.js';

/**
 * Issue 10, in a real terminal (tmux) on PostgreSQL: looking at the schema tab takes no lock
 * until asked (and never in --read-only), a pasted database name confirms, and Ctrl-C during
 * a long statement cancels it on the server and says what is true.
 */
function skipWithoutTmux(t: ExecutionContext): boolean {
  if (hasTmux) return false;
  notRun(t, 'TMUX NOT INSTALLED: the on-call end-to-end tests did NOT run (apt-get install tmux)');
  return true;
}

/** What the TUI's own connection holds or runs now, seen from another connection. */
const tuiActivity = (url: string) =>
  withDb(url, async (db) => {
    const rows = await db.query<{ locks: unknown; query: string; state: string }>(
      `SELECT (SELECT COUNT(*) FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'relation') AS locks, a.query, a.state
         FROM pg_stat_activity a WHERE a.datname = current_database() AND a.application_name LIKE 'migrate-tui %' AND a.pid <> pg_backend_pid()`,
    );
    return rows.map((r) => ({ locks: Number(r.locks), query: r.query, state: r.state }));
  });

async function until(ready: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const FOLDER = {
  '1_a.up.sql': 'CREATE TABLE a (id int);\n',
  '1_a.down.sql': 'DROP TABLE a;\n',
  '2_b.up.sql': 'CREATE TABLE b (id int);\n',
  '2_b.down.sql': 'DROP TABLE b;\n',
};

eachDatabase(
  'tmux: moving through the schema tab takes no lock and runs nothing; --read-only refuses the rehearsal',
  async (t, url) => {
    if (skipWithoutTmux(t)) return;
    const dir = makeFolder(FOLDER);
    for (const readOnly of [false, true]) {
      const tmux = new Tmux(`node ${BIN} --url '${url}' --dir '${dir}'${readOnly ? ' --read-only' : ''}; sleep 600`, mkdtempSync(join(tmpdir(), 'migrate-tui-e2e-')));
      try {
        await tmux.waitFor(/History \(2\)/);
        tmux.keys('Tab', 'Tab', 'Tab');
        await tmux.waitFor(/schema/);
        for (const key of ['j', 'k', 'j', 'k']) tmux.keys(key);
        await tmux.waitFor(/2 b/);
        const seen = await tuiActivity(url);
        t.true(seen.length > 0, 'the TUI is connected');
        t.true(seen.every((s) => s.locks === 0 && !/CREATE|BEGIN/i.test(s.query)), JSON.stringify(seen));
        tmux.keys('t');
        if (readOnly) {
          await tmux.waitFor(/read-only/i);
          t.true((await tuiActivity(url)).every((s) => s.locks === 0 && !/CREATE TABLE/i.test(s.query)));
        }
        t.false(await withDb(url, (db) => db.tableExists('a')), 'nothing was created');
      } finally {
        tmux.kill();
      }
    }
  },
  ['postgres'],
);

eachDatabase(
  'tmux: a database name pasted with its Enter in one chunk confirms the downgrade',
  async (t, url) => {
    if (skipWithoutTmux(t)) return;
    const dir = makeFolder(FOLDER);
    const tmux = new Tmux(`node ${BIN} --url '${url}' --dir '${dir}' --yes upgrade >/dev/null 2>&1; node ${BIN} --url '${url}' --dir '${dir}'; echo "EXIT=$?"; sleep 600`, mkdtempSync(join(tmpdir(), 'migrate-tui-e2e-')));
    try {
      await tmux.waitFor(/History \(2\)/);
      tmux.keys('j');
      await tmux.waitFor(/1 a\n/);
      tmux.keys('d');
      const confirm = await tmux.waitFor(/Type the database name (\S+) and press enter/);
      const name = /Type the database name (\S+) and press enter/.exec(confirm)![1]!;
      tmux.keys('Tab'); // no backup: this test is about the prompt
      tmux.type(`${name}\r`);
      await tmux.waitFor(/downgrade to 1: done \(1 step\)/);
      t.false(await withDb(url, (db) => db.tableExists('b')));
      t.true(await withDb(url, (db) => db.tableExists('a')));
    } finally {
      tmux.kill();
    }
  },
  ['postgres'],
);

/** The slow statement's row in the database's own view of running statements. */
const runningSql = (dbName: string) =>
  dbName === 'postgres'
    ? "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep%'"
    : "SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE 'SELECT SLEEP%'";

/** Whether the slow statement is running now, seen from another connection (the database's own view). */
const sleeping = (url: string, dbName: string) => withDb(url, async (db) => (await db.query(runningSql(dbName))).length > 0);

/** The TUI in tmux, upgrading a migration whose second statement sleeps; returns once it is running on the server. */
async function tuiInSlowUpgrade(url: string, dbName: string): Promise<Tmux> {
  const sleep = dbName === 'postgres' ? 'SELECT pg_sleep(60)' : 'SELECT SLEEP(60)';
  const dir = makeFolder({ '1_slow.up.sql': `CREATE TABLE slow (id int);\n${sleep};\n`, '1_slow.down.sql': 'DROP TABLE slow;\n' });
  const tmux = new Tmux(`node ${BIN} --url '${url}' --dir '${dir}'; echo "EXIT=$?"; sleep 600`, mkdtempSync(join(tmpdir(), 'migrate-tui-e2e-')));
  try {
    await tmux.waitFor(/History \(1\)/);
    tmux.keys('U');
    await tmux.waitFor(/Upgrade to heads\?/);
    tmux.keys('y');
    await until(() => sleeping(url, dbName), 'the slow statement to run');
    return tmux;
  } catch (error) {
    tmux.kill();
    throw error;
  }
}

eachDatabase(
  'tmux: Ctrl-C during a long statement cancels it on the server within 2 s, and the screen says what stays applied',
  async (t, url, db) => {
    if (skipWithoutTmux(t)) return;
    const tmux = await tuiInSlowUpgrade(url, db.name);
    try {
      // One watching connection, opened before the key: a new connection per look (SCRAM at
      // load) added up to its own set-up time to the figure.
      const gone = await withDb(url, async (watcher) => {
        const running = async () => (await watcher.query(runningSql(db.name))).length > 0;
        const sent = Date.now();
        tmux.keys('C-c');
        await until(async () => !(await running()), 'the statement to be cancelled', 10_000);
        return Date.now() - sent;
      });
      t.true(gone < 2000, `cancelled on the server in ${gone} ms`);
      const screen = await tmux.waitFor(/cancelled by the user/);
      if (db.name === 'postgres') {
        t.regex(screen, /rolled back/);
        t.false(await withDb(url, (d) => d.tableExists('slow')), 'the transaction was rolled back');
      } else {
        // MariaDB commits the CREATE TABLE at once: statement 1 stays, and the screen says so.
        t.regex(screen, /DIRTY/);
        t.true(await withDb(url, (d) => d.tableExists('slow')));
      }
      tmux.keys('Enter', 'q');
      const after = await tmux.waitFor(/EXIT=\d+/);
      t.false(tmux.alternateScreen(), 'the terminal is restored');
      // The one line left on the terminal says what is true, dirty included.
      if (db.name === 'mariadb') t.regex(after.replace(/\n/g, ''), /is at base and DIRTY: the up of 1 stopped after 1 of 2 statements — run `migrate-tui --url <url> resolve 1/);
      else t.notRegex(after, /DIRTY/);
    } finally {
      tmux.kill();
    }
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  'tmux: the rollback console after a revert shows the history as it is now (the re-applied step once), and `a` shows the reverted one',
  async (t, url) => {
    if (skipWithoutTmux(t)) return;
    const dir = makeFolder(FOLDER);
    const cli = `node ${BIN} --url '${url}' --dir '${dir}'`;
    const tmux = new Tmux(`${cli} --yes upgrade && ${cli} --yes downgrade 1 --no-backup && ${cli} --yes upgrade; ${cli} rollback; echo "EXIT=$?"; sleep 600`, mkdtempSync(join(tmpdir(), 'migrate-tui-e2e-')));
    try {
      const now = await tmux.waitFor(/Rollback console — last 2 applied steps, newest first/);
      t.is(now.match(/ 2 b — /g)?.length ?? 0, 1, 'revision 2 is listed once');
      t.regex(now, /latest 2 b — by /);
      tmux.keys('a');
      const all = await tmux.waitFor(/last 2 applied steps and 1 reverted since/);
      t.regex(all, /2 b — REVERTED \d{4}-\d\d-\d\d/);
      tmux.keys('q');
      await tmux.waitFor('EXIT=0');
    } finally {
      tmux.kill();
    }
  },
  ['postgres'],
);

eachDatabase(
  'tmux: SIGTERM to the TUI during a long statement cancels it on the server, restores the terminal and says what is true (exit 130)',
  async (t, url) => {
    if (skipWithoutTmux(t)) return;
    const tmux = await tuiInSlowUpgrade(url, 'postgres');
    try {
      // The TUI's own connection names its pid (application_name "migrate-tui user@host pid N").
      const app = await withDb(url, (db) => db.query<{ application_name: string }>("SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'"));
      const pid = Number(/pid (\d+)/.exec(app[0]!.application_name)![1]);
      process.kill(pid, 'SIGTERM');
      const after = await tmux.waitFor(/EXIT=130/);
      t.false(tmux.alternateScreen(), 'the terminal left the alternate screen');
      t.regex(after, /stopped by SIGTERM: .*rolled back/s);
      t.false((await tuiActivity(url)).some((s) => /pg_sleep/.test(s.query) && s.state === 'active'), 'the statement no longer runs');
      t.false(await withDb(url, (db) => db.tableExists('slow')));
    } finally {
      tmux.kill();
    }
  },
  ['postgres'],
);
