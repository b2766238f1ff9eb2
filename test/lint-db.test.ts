import postgres from 'postgres';
import { cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/** Lint against live databases: `--counts` reads row, NULL and duplicate counts; MariaDB honours a column-level REFERENCES that MySQL ignores (why MY207 names MySQL only). */

eachDatabase('lint --counts shows rows, duplicates before a unique index, and NULLs before SET NOT NULL, next to the findings', async (t, url, db) => {
  const pg = db.name === 'postgres';
  const dir = makeFolder({
    '1_users.up.sql': "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));\nINSERT INTO users (id, email) VALUES (1, 'a'), (2, 'a'), (3, NULL), (4, 'b'), (5, NULL);\n",
    '1_users.down.sql': 'DROP TABLE users;\n',
    '2_unique.up.sql': `CREATE UNIQUE INDEX users_email ON users (email);\n${pg ? 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n' : ''}`,
    '2_unique.down.sql': 'DROP INDEX users_email;\n',
  });
  const up = await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1']);
  t.is(up.code, 0, up.stderr);
  const r = await cli(['--url', url, '--dir', dir, 'lint', '--counts', '2', '--max-severity', 'error']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /notice DS408 .*\n {2}now: users: 5 rows; 1 duplicated value of \(email\)/);
  if (pg) t.regex(r.stdout, /warning PG106 .*\n {2}now: users: 5 rows; 2 NULLs in email/);
});

eachDatabase(
  'lint --counts on a table another session holds ACCESS EXCLUSIVE: "not counted", no wait behind the lock, and the count\'s connection is read-only and gone after',
  async (t, url) => {
    const dir = makeFolder({
      '1_users.up.sql': "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));\nINSERT INTO users (id, email) VALUES (1, NULL);\n",
      '1_users.down.sql': 'DROP TABLE users;\n',
      '2_tighten.up.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n',
      '2_tighten.down.sql': 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n',
    });
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade', '1'])).code, 0);
    const app = postgres(url, { max: 2, onnotice: () => {} });
    const holder = await app.reserve();
    try {
      await holder.unsafe('BEGIN');
      await holder.unsafe('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      // 2 s: a lock wait of 0.2 s, far less than the ava timeout the old unlimited count would hit.
      const r = await cli(['--url', url, '--dir', dir, 'lint', '--counts', '--counts-timeout', '2', '--max-severity', 'error', '2']);
      t.is(r.code, 0, r.stderr);
      t.regex(r.stdout, /warning PG106 .*\n {2}now: users: not counted: the table is locked by another session/);
      // Still held: the figure came from the lock timeout, not from the lock being released.
      t.is((await app.unsafe("SELECT 1 FROM pg_locks WHERE relation = 'users'::regclass AND mode = 'AccessExclusiveLock' AND granted")).length, 1);
      t.is((await app.unsafe("SELECT pid FROM pg_stat_activity WHERE application_name = 'migrate-tui counts'")).length, 0);
      const bad = await cli(['--url', url, '--dir', dir, 'lint', '--counts', '--counts-timeout', 'soon']);
      t.is(bad.code, 2, bad.stderr);
      t.regex(bad.stderr, /--counts-timeout must be a number of seconds above 0, got "soon"/);
    } finally {
      await holder.unsafe('ROLLBACK').catch(() => undefined);
      holder.release();
      await app.end({ timeout: 1 });
    }
  },
  ['postgres'],
);

eachDatabase(
  'MariaDB creates the foreign key of a column-level REFERENCES (MySQL before 9.0 ignores it): MY207 is for MySQL only',
  async (t, url) => {
    await withDb(url, async (conn) => {
      await conn.execute('CREATE TABLE parents (id INT PRIMARY KEY) ENGINE=InnoDB');
      await conn.execute('CREATE TABLE kids (id INT PRIMARY KEY, parent_id INT REFERENCES parents (id)) ENGINE=InnoDB');
      const fks = await conn.query<{ n: number }>("SELECT count(*) AS n FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'kids'");
      t.is(Number(fks[0]!.n), 1);
    });
  },
  ['mariadb'],
);
