import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { binaryAsync, cli } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/**
 * A restore behind an application's open transaction on a table it replaces: pg_restore sets
 * lock_timeout = 0 itself and waited without end (seen: until the transaction ended), a MariaDB
 * client lock_wait_timeout's default, a day. Now the wait ends after the lock timeout; the
 * message names the holder (PostgreSQL) and says what the restore left: rolled back whole on
 * PostgreSQL, the statements before the line on MariaDB.
 */
const FOLDER = {
  '1_users.up.sql': 'CREATE TABLE users (id int);\nINSERT INTO users VALUES (1);\n',
  '1_users.down.sql': 'DROP TABLE users;\n',
};

/** An application session that read `users` in a transaction it keeps open (its lock stays). */
async function openTransaction(url: string, dialect: string): Promise<{ pid: number; end(): Promise<void> }> {
  if (dialect === 'postgres') {
    const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const session = await app.reserve();
    await session.unsafe('BEGIN');
    await session.unsafe('SELECT * FROM users');
    const pid = ((await session.unsafe('SELECT pg_backend_pid() AS pid')) as unknown as Array<{ pid: number }>)[0]!.pid;
    return { pid, end: async () => (await session.unsafe('COMMIT'), session.release(), await app.end({ timeout: 1 })) };
  }
  const conn = await mysql.createConnection(url);
  await conn.query('BEGIN');
  await conn.query('SELECT * FROM users');
  return { pid: conn.threadId, end: async () => (await conn.query('COMMIT'), await conn.end()) };
}

eachDatabase(
  "restore behind an application's open transaction ends after the lock timeout and says what it left; once the transaction ends it restores",
  async (t, url, db) => {
    t.timeout(90_000);
    const dir = makeFolder(FOLDER);
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
    const run = (...args: string[]) => cli(['--url', url, '--dir', dir, ...args], { cwd });
    t.is((await run('--yes', 'upgrade')).code, 0);
    t.is((await run('backup', '--backup-dir', join(cwd, 'backups'))).code, 0);
    const file = join(cwd, 'backups', readdirSync(join(cwd, 'backups')).find((f) => !f.endsWith('.json'))!);
    await withDb(url, (d) => d.execute('INSERT INTO users VALUES (2)'));
    const app = await openTransaction(url, db.name);
    try {
      // binaryAsync kills the process after 60 s (code -1): the restore waited without end.
      const r = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'restore', file], { cwd });
      t.is(r.code, 8, r.stderr);
      if (db.name === 'postgres') {
        t.regex(r.stderr, new RegExp(`error: pg_restore waited 1 s for a lock on a table it replaces \\(DROP TABLE IF EXISTS public\\.users\\), held by pid ${app.pid} \\(the-app, idle in transaction, .*\\), and was cancelled; it ran in one transaction, so it was rolled back: the database is as it was before the restore`));
      } else {
        t.regex(r.stderr, /ERROR 1205 \(HY000\) at line (\d+): Lock wait timeout exceeded.*; each statement of the dump commits by itself on MariaDB: the tables before line \1 were replaced by the backup's, the others were not restored/);
        t.notRegex(r.stderr, /failed \(exit 1\): -+/, 'the client\'s separator lines are left out');
      }
      t.regex(r.stderr, /→ end that session .* then run restore again/);
    } finally {
      await app.end();
    }
    // As the message said: PostgreSQL's rows as before the restore (2 of them); then the restore runs.
    if (db.name === 'postgres') t.is((await withDb(url, (d) => d.query('SELECT id FROM users'))).length, 2);
    const again = await run('--yes', 'restore', file);
    t.is(again.code, 0, again.stderr);
    t.deepEqual((await withDb(url, (d) => d.query<{ id: number }>('SELECT id FROM users'))).map((row) => Number(row.id)), [1]);
  },
  ['postgres', 'mariadb'],
);

eachDatabase(
  'a backup behind an ALTER in progress (ACCESS EXCLUSIVE) ends after the lock timeout with exit 8, and no backup file is left (pg_dump waited without end)',
  async (t, url) => {
    t.timeout(90_000);
    const dir = makeFolder(FOLDER);
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
    t.is((await cli(['--url', url, '--dir', dir, '--yes', 'upgrade'], { cwd })).code, 0);
    const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const session = await app.reserve();
    await session.unsafe('BEGIN');
    await session.unsafe('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    try {
      const r = await binaryAsync(['--url', url, '--dir', dir, 'backup', '--backup-dir', join(cwd, 'backups')], { cwd });
      t.is(r.code, 8, r.stderr);
      t.regex(r.stderr, /error: pg_dump waited 1 s for a lock on public\.users and gave up: another session holds it \(an ALTER or a LOCK TABLE in progress\?\); no backup was written\n {2}→ run it again when that session has finished/);
      t.deepEqual(readdirSync(join(cwd, 'backups')), [], 'no half-written backup is left');
    } finally {
      await session.unsafe('ROLLBACK');
      session.release();
      await app.end({ timeout: 1 });
    }
  },
  ['postgres'],
);

/** An application session that holds migrate-tui's version table against writes (reads still pass). */
async function holdVersionTable(url: string, dialect: string): Promise<{ end(): Promise<void> }> {
  if (dialect === 'postgres') {
    const app = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'the-app' } });
    const session = await app.reserve();
    await session.unsafe('BEGIN');
    await session.unsafe('LOCK TABLE migrate_tui_version IN SHARE MODE');
    return { end: async () => (await session.unsafe('COMMIT'), session.release(), await app.end({ timeout: 1 })) };
  }
  const conn = await mysql.createConnection(url);
  await conn.query('LOCK TABLES migrate_tui_version READ');
  return { end: async () => (await conn.query('UNLOCK TABLES'), await conn.end()) };
}

eachDatabase(
  "restore's record after its data, behind a session holding migrate-tui's version table, ends after the lock timeout and says the data is back and how to record it (it waited for ever)",
  async (t, url, db) => {
    t.timeout(90_000);
    const dir = makeFolder({ ...FOLDER, '2_t2.up.sql': 'CREATE TABLE t2 (id int);\n', '2_t2.down.sql': 'DROP TABLE t2;\n' });
    const cwd = makeFolder({});
    writeFileSync(join(cwd, 'migrate-tui.config.json'), JSON.stringify({ locks: { timeout: 1 } }));
    const run = (...args: string[]) => cli(['--url', url, '--dir', dir, ...args], { cwd });
    const first = await run('--yes', 'upgrade', '1');
    t.is(first.code, 0, first.stderr);
    t.is((await run('backup', '--backup-dir', join(cwd, 'backups'))).code, 0);
    const file = join(cwd, 'backups', readdirSync(join(cwd, 'backups')).find((f) => !f.endsWith('.json'))!);
    t.is((await run('--yes', 'upgrade')).code, 0);
    await withDb(url, (d) => d.execute('INSERT INTO users VALUES (2)'));
    const app = await holdVersionTable(url, db.name);
    try {
      // binaryAsync kills the process after 60 s (code -1): the restore waited without end.
      const r = await binaryAsync(['--url', url, '--dir', dir, '--yes', 'restore', file], { cwd });
      t.is(r.code, 6, r.stderr);
      t.regex(r.stderr, /the wait passed 1 s .*; the backup's data is restored, but migrate-tui's record of it was not written \(one transaction, rolled back\): the version rows still say 2, where the backup's are 1; once that session has finished, run `migrate-tui stamp 1` \(or the restore again\) to record it/);
    } finally {
      await app.end();
    }
    // As it said: the data is the backup's, the version rows are not.
    t.deepEqual((await withDb(url, (d) => d.query<{ id: number }>('SELECT id FROM users'))).map((row) => Number(row.id)), [1]);
    t.deepEqual((await withDb(url, (d) => d.query<{ revision: string }>('SELECT revision FROM migrate_tui_version'))).map((row) => row.revision), ['2']);
    t.is((await run('--yes', 'stamp', '1')).code, 0);
    t.regex((await run('status')).stdout, /current: {2}1 users/);
  },
  ['postgres', 'mariadb'],
);
