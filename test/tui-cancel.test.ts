import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { openScreen } from './helpers/screen.js';

/** Issue 10, item 7 in the TUI: ctrl-c on the running screen cancels the statement and the result tells the truth. */
eachDatabase(
  'TUI: ctrl-c while a statement runs shows cancelling…, the server cancels it, and the result says rolled back and cancelled',
  async (t, url) => {
    const dir = makeFolder({ '1_slow.up.sql': 'CREATE TABLE slow_t (id int);\nSELECT pg_sleep(60);\n', '1_slow.down.sql': 'DROP TABLE slow_t;\n' });
    const s = await openScreen({ migrations: dir, url });
    try {
      await withDb(url, async (db) => {
        await s.waitFor(/1 slow/);
        await s.press('U');
        await s.waitFor(/Upgrade to heads\?/);
        await s.press('y');
        // The statement is running on the server (its own view says so).
        for (let t0 = Date.now(); ; ) {
          const rows = await db.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(60)%'");
          if (rows.length > 0) break;
          if (Date.now() - t0 > 30_000) throw new Error('the statement never ran');
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await s.press('\x03');
        await s.waitFor('cancelling…');
        const result = await s.waitFor(/the run was cancelled by the user/);
        t.regex(result, /the migration was rolled back: the database is as it was before 1/);
        t.false(await db.tableExists('slow_t'));
        t.is(s.quitSummary(), null, 'the first ctrl-c does not leave the TUI');
      });
    } finally {
      await s.close();
    }
  },
  ['postgres'],
);
