import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';

/**
 * The floor: the least a migration tool can do with the same driver, as its own process.
 * `node bare-loop.js <sqlite|postgres|mysql> <url-or-file> <dir> <up|down>` reads the folder's
 * `.up.sql` (or `.down.sql`) files in name order (down: reverse order), and runs each file's
 * statements and one version-row change in one transaction (MySQL/MariaDB: DDL commits
 * itself; the version row is its own autocommit statement, as a migration tool's must be).
 */
const [kind, where, dir, direction] = process.argv.slice(2) as [string, string, string, 'up' | 'down'];
const files = readdirSync(dir)
  .filter((f) => f.endsWith(`.${direction}.sql`))
  .sort();
if (direction === 'down') files.reverse();
const migrations = files.map((f) => ({
  revision: f.split('_')[0]!,
  statements: readFileSync(join(dir, f), 'utf8')
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s !== ''),
}));
const create = 'CREATE TABLE IF NOT EXISTS bare_versions (revision VARCHAR(64) PRIMARY KEY)';
const change = direction === 'up' ? 'INSERT INTO bare_versions (revision) VALUES' : 'DELETE FROM bare_versions WHERE revision =';

if (kind === 'sqlite') {
  const db = new Database(where);
  db.exec(create);
  const version = db.prepare(direction === 'up' ? `${change} (?)` : `${change} ?`);
  for (const m of migrations) {
    db.exec('BEGIN');
    for (const s of m.statements) db.exec(s);
    version.run(m.revision);
    db.exec('COMMIT');
  }
  db.close();
} else if (kind === 'postgres') {
  const sql = postgres(where, { max: 1, onnotice: () => {} });
  await sql.unsafe(create);
  for (const m of migrations) {
    await sql.begin(async (tx) => {
      for (const s of m.statements) await tx.unsafe(s);
      await tx.unsafe(direction === 'up' ? `${change} ($1)` : `${change} $1`, [m.revision]);
    });
  }
  await sql.end();
} else {
  const db = await mysql.createConnection(where);
  await db.query(create);
  for (const m of migrations) {
    for (const s of m.statements) await db.query(s);
    await db.query(direction === 'up' ? `${change} (?)` : `${change} ?`, [m.revision]);
  }
  await db.end();
}
