import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { BIN, cli } from './helpers/cli.js';
import { hasTmux, Tmux } from './helpers/tmux.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen, panelText } from './helpers/screen.js';

/**
 * ctrl-c while a downgrade's backup is taken: the running screen says the backup is being
 * taken (it said `migration 0 of 0: starting`, `statement 0 of 0`), and once the backup is
 * written nothing runs. Before, it said `cancelling… the run stops before it starts its first
 * step`, and then the downgrade ran to its end (`done (1 step)`, the column dropped).
 */
eachDatabase(
  'TUI: ctrl-c during the backup before a downgrade: nothing runs after the backup, and the screen says so',
  async (t, url) => {
    t.timeout(60_000);
    const dir = makeFolder({
      '1_a.up.sql': 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1), (2);\n',
      '1_a.down.sql': 'DROP TABLE a;\n',
      '2_b.up.sql': 'ALTER TABLE a ADD COLUMN b int;\n',
      '2_b.down.sql': 'ALTER TABLE a DROP COLUMN b;\n',
    });
    const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade']);
    t.is(up.code, 0, up.stderr);
    // Another session holds the table, so pg_dump waits for it: the backup takes as long as the test needs.
    const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const holder = await app.reserve();
    await holder.unsafe('BEGIN');
    await holder.unsafe('LOCK TABLE a IN ACCESS EXCLUSIVE MODE');
    let held = true;
    const s = await openScreen({ migrations: dir, url, variant: 'rollback' });
    try {
      await withDb(url, async (db) => {
        await s.waitFor(/latest 2 b/);
        await s.press('d');
        await s.waitFor(/Type the database name/);
        await s.press(...s.session.db.databaseName.split(''), '\r');
        const running = panelText(await s.waitFor(/taking the backup first/));
        t.notRegex(running, /migration 0 of 0|statement 0 of 0|running now/);
        // pg_dump is waiting for the lock (the server's own view says so).
        for (let t0 = Date.now(); ; ) {
          const rows = await db.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_dump' AND wait_event_type = 'Lock'");
          if (rows.length > 0) break;
          if (Date.now() - t0 > 30_000) throw new Error('pg_dump never waited for the lock');
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await s.press('\x03');
        await s.waitFor(/cancelling… the backup is finished \(or fails\), then nothing runs/);
        await holder.unsafe('COMMIT');
        held = false;
        const result = panelText(await s.waitFor(/CANCELLED — nothing ran/));
        t.regex(result, /backup: \S+\.pgdump/);
        t.regex(result, /ctrl-c came before the run started: nothing ran, the database is as it was/);
        t.deepEqual((await db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version')).map((r) => r.revision), ['2']);
        t.is((await db.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'a' AND column_name = 'b'")).length, 1, 'the column is still there');
        t.is(s.quitSummary(), null, 'ctrl-c does not leave the TUI');
      });
    } finally {
      if (held) await holder.unsafe('COMMIT').catch(() => undefined);
      holder.release();
      await app.end({ timeout: 1 });
      await s.close();
    }
  },
  ['postgres'],
);

/**
 * A second ctrl-c while the backup is taken abandons at once: the exit line says nothing ran
 * (it said `the statement may still be running on the server; the database may be dirty`),
 * and the dump tool ends with the TUI. Before, pg_dump went on after the TUI had exited,
 * waiting on the server with its snapshot and locks.
 */
eachDatabase(
  'TUI in a terminal: a second ctrl-c during the backup exits 130 saying nothing ran, and pg_dump ends with it',
  async (t, url) => {
    if (!hasTmux) return void t.pass('tmux is not installed');
    t.timeout(90_000);
    const dir = makeFolder({
      '1_a.up.sql': 'CREATE TABLE a (id int);\n',
      '1_a.down.sql': 'DROP TABLE a;\n',
      '2_b.up.sql': 'ALTER TABLE a ADD COLUMN b int;\n',
      '2_b.down.sql': 'ALTER TABLE a DROP COLUMN b;\n',
    });
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
    const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const holder = await app.reserve();
    await holder.unsafe('BEGIN');
    await holder.unsafe('LOCK TABLE a IN ACCESS EXCLUSIVE MODE');
    // pg_dump would give up on the lock after locks.timeout by itself: 60 s here, longer than the test looks.
    const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-e2e-'));
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 60 } }));
    const tmux = new Tmux(`node ${BIN} --url '${url}' --dir '${dir}' rollback; echo "EXIT=$?"; sleep 600`, cwd);
    // Read outside the holder's transaction (pg_stat_activity is a snapshot within one).
    const look = postgres(url, { max: 1, onnotice: () => {} });
    const dumps = async () => (await look.unsafe("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_dump'")).length;
    try {
      await tmux.waitFor(/latest 2 b/);
      tmux.keys('d');
      await tmux.waitFor(/Type the database name/);
      tmux.type(new URL(url).pathname.slice(1));
      tmux.keys('Enter');
      await tmux.waitFor(/taking the backup first/);
      for (let t0 = Date.now(); (await dumps()) === 0; ) {
        if (Date.now() - t0 > 20_000) throw new Error('pg_dump never connected');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      tmux.keys('C-c');
      await tmux.waitFor(/cancelling… the backup is finished/);
      tmux.keys('C-c');
      const screen = (await tmux.waitFor('EXIT=')).replace(/\n/g, '');
      t.regex(screen, /abandoned while taking the backup: nothing ran, the database is as it was/);
      t.regex(screen, /EXIT=130/);
      // pg_dump's session ends with the TUI, while the table is still locked (the server's own view says so).
      for (let t0 = Date.now(); (await dumps()) > 0; ) {
        if (Date.now() - t0 > 10_000) return void t.fail('pg_dump still waits on the server 10 s after the TUI exited');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      t.deepEqual(((await look.unsafe('SELECT revision FROM migrate_tui_version')) as unknown as Array<{ revision: string }>).map((r) => r.revision), ['2']);
    } finally {
      tmux.kill();
      await holder.unsafe('COMMIT').catch(() => undefined);
      holder.release();
      await app.end({ timeout: 1 });
      await look.end({ timeout: 1 });
    }
  },
  ['postgres'],
);

/** A backup that fails (pg_dump gave up on a lock) before a downgrade: the result's title says nothing ran (it read `FAILED`). */
eachDatabase(
  'TUI: a backup that gives up on a lock is titled BACKUP FAILED — nothing ran, and the downgrade did not run',
  async (t, url) => {
    t.timeout(60_000);
    const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'ALTER TABLE a ADD COLUMN b int;\n', '2_b.down.sql': 'ALTER TABLE a DROP COLUMN b;\n' });
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'])).code, 0);
    const app = postgres(url, { max: 1, onnotice: () => {} });
    const holder = await app.reserve();
    await holder.unsafe('BEGIN');
    await holder.unsafe('LOCK TABLE a IN ACCESS EXCLUSIVE MODE');
    const s = await openScreen({ migrations: dir, url, variant: 'rollback', lockLimits: { lockTimeoutMs: 1000, statementTimeoutMs: 0, tries: 1, backoffMs: 0 } });
    try {
      await s.waitFor(/latest 2 b/);
      await s.press('d');
      await s.waitFor(/Type the database name/);
      await s.press(...s.session.db.databaseName.split(''), '\r');
      const result = panelText(await s.waitFor(/downgrade to -1: (BACKUP )?FAILED/));
      t.regex(result, /downgrade to -1: BACKUP FAILED — nothing ran pg_dump waited 1 s for a lock on public\.a and gave up/);
    } finally {
      await holder.unsafe('COMMIT').catch(() => undefined);
      holder.release();
      await app.end({ timeout: 1 });
      await s.close();
    }
    await withDb(url, async (db) => t.deepEqual((await db.query<{ revision: string }>('SELECT revision FROM migrate_tui_version')).map((r) => r.revision), ['2']));
  },
  ['postgres'],
);
