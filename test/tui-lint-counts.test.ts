import type { ExecutionContext } from 'ava';
import postgres from 'postgres';
import { cli } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';
import { until } from './helpers/until.js';

/**
 * Issue 13 item 6 in the TUI: live figures next to a confirmation's findings, read on a
 * second read-only connection with its statement and lock waits limited — a table locked by
 * another session is said so, and the confirmation never waits for it.
 */
const FOLDER = {
  '1_users.up.sql': "CREATE TABLE users (id int, email text);\nINSERT INTO users VALUES (1, 'a@x'), (2, NULL), (3, NULL);\n",
  '1_users.down.sql': 'DROP TABLE users;\n',
  '2_tighten.up.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n',
  '2_tighten.down.sql': 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n',
};

/** Applies 1, opens the TUI and its upgrade confirmation; `hold` runs before U is pressed. */
async function confirmation(t: ExecutionContext, url: string, folder: Record<string, string>, hold: () => Promise<void> = async () => undefined) {
  const dir = makeFolder(folder);
  const first = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1']);
  t.is(first.code, 0, first.stderr);
  const s = await openScreen({ migrations: dir, url, width: 140, height: 40 });
  await s.waitFor(/2 tighten/);
  await hold();
  await s.press('U');
  await s.waitFor(/Upgrade to heads\?/);
  return s;
}

eachDatabase(
  'TUI: the upgrade confirmation shows live counts next to a finding (rows, NULLs before SET NOT NULL)',
  async (t, url) => {
    const s = await confirmation(t, url, FOLDER);
    try {
      const frame = (await s.waitFor(/now: users: 3 rows; 2 NULLs in email/, 'the live counts')).replace(/│/g, '');
      t.regex(frame, /▶ WARNING PG106/);
      t.notRegex(frame, /reading live counts…/);
      await s.press(KEYS.escape);
    } finally {
      await s.close();
    }
  },
  ['postgres'],
);

eachDatabase(
  'TUI: a table held ACCESS EXCLUSIVE by another session is "not counted", the confirmation does not wait, and the read-only connection is gone after',
  async (t, url) => {
    const app = postgres(url, { max: 2, onnotice: () => {} });
    const holder = await app.reserve();
    const s = await confirmation(t, url, FOLDER, async () => {
      await holder.unsafe('BEGIN');
      await holder.unsafe('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    });
    try {
      const frame = (await s.waitFor(/now: users: not counted: the table is locked by another session/, 'the lock said')).replace(/│/g, '');
      t.regex(frame, /▶ WARNING PG106/);
      // Still held: the figure came from the lock timeout, not from the lock being released.
      t.is((await app.unsafe("SELECT 1 FROM pg_locks WHERE relation = 'users'::regclass AND mode = 'AccessExclusiveLock' AND granted")).length, 1);
      await until(() => app.unsafe("SELECT pid FROM pg_stat_activity WHERE application_name = 'migrate-tui counts'"), (rows) => rows.length === 0, 'the read-only connection closed');
      await s.press(KEYS.escape);
    } finally {
      await holder.unsafe('ROLLBACK').catch(() => undefined);
      holder.release();
      await s.close();
      await app.end({ timeout: 1 });
    }
  },
  ['postgres'],
);

eachDatabase(
  'TUI: live row counts next to a confirmation\'s finding on every database (read on a read-only connection)',
  async (t, url) => {
    const s = await confirmation(t, url, { ...FOLDER, '2_tighten.up.sql': 'ALTER TABLE users DROP COLUMN email;\n', '2_tighten.down.sql': 'ALTER TABLE users ADD COLUMN email text;\n' });
    try {
      const frame = (await s.waitFor(/now: users: 3 rows/, 'the live count')).replace(/│/g, '');
      t.regex(frame, /▶ WARNING DS402/);
      await s.press(KEYS.escape);
    } finally {
      await s.close();
    }
  },
);
