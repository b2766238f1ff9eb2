import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { connectDatabase, DEFAULT_STATE_TABLES, loadProject, Migrator, parseDatabaseUrl, type DatabaseAdapter, type RunEvent } from '../../src/engine/index.js';

/** A test's lock name, one per database: MySQL's GET_LOCK is server-wide, and one name for all made tests of other databases wait behind a test that holds it. */
export const testLockName = (target: { readonly databaseName: string }) => `migrate_tui:${target.databaseName}:test`;

/** Opens the database behind a URL for a test's own checks, and always closes it. */
export async function withDb<T>(url: string, work: (db: DatabaseAdapter) => Promise<T>): Promise<T> {
  const target = parseDatabaseUrl(url, 'test', process.cwd());
  const db = await connectDatabase(target, testLockName(target));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** One real database per test: a fresh SQLite file, or a fresh database on the run's servers. */
export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres' | 'mariadb';
  /** A URL to a new, empty database. */
  fresh(): Promise<string>;
}

const ci = process.env.CI === 'true';

export const DATABASES: readonly TestDatabase[] = [
  {
    name: 'sqlite',
    // An empty database, as the servers' fresh() gives: an empty file (commands that only look refuse a missing one).
    fresh: async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'migrate-tui-sqlite-')), 'test.sqlite');
      writeFileSync(file, '');
      return `sqlite:${file}`;
    },
  },
  {
    name: 'postgres',
    fresh: async () => {
      const admin = process.env.TEST_POSTGRES_URL!;
      const name = `t_${randomBytes(6).toString('hex')}`;
      const sql = postgres(admin, { max: 1, onnotice: () => {} });
      await sql.unsafe(`CREATE DATABASE ${name}`);
      await sql.end();
      return admin.replace(/\/[^/]*$/, `/${name}`);
    },
  },
  {
    name: 'mariadb',
    fresh: async () => {
      const admin = process.env.TEST_MARIADB_URL!;
      const name = `t_${randomBytes(6).toString('hex')}`;
      const conn = await mysql.createConnection(admin);
      await conn.query(`CREATE DATABASE ${name}`);
      await conn.end();
      return admin.replace(/\/[^/]*$/, `/${name}`);
    },
  },
];

function available(db: TestDatabase): boolean {
  if (db.name === 'postgres') return Boolean(process.env.TEST_POSTGRES_URL);
  if (db.name === 'mariadb') return Boolean(process.env.TEST_MARIADB_URL);
  return true;
}

/**
 * Registers one test per database (the same body, parameterised, never copied). A database
 * whose server is not running says so loudly; in CI that is a failure.
 */
export function eachDatabase(title: string, body: (t: ExecutionContext, url: string, db: TestDatabase) => Promise<void>, only?: ReadonlyArray<TestDatabase['name']>, options: { serial?: boolean } = {}): void {
  for (const db of DATABASES) {
    if (only && !only.includes(db.name)) continue;
    // Suites that start many processes run their tests one at a time (a 2-core machine, shared).
    (options.serial ? test.serial : test)(`${db.name}: ${title}`, async (t) => {
      if (!available(db)) {
        const message = `${db.name.toUpperCase()} SERVER NOT RUNNING: "${title}" was NOT tested (run through npm test, which starts it)`;
        console.error(`*** ${message}`);
        if (ci) t.fail(message);
        else t.log(message);
        t.pass();
        return;
      }
      await body(t, await db.fresh(), db);
    });
  }
}

/** An engine Migrator on `url` for the folder `dir`, closed after `work`; `onEvent` may act on it (e.g. cancel at a chosen event). */
export async function withMigrator<T>(url: string, dir: string, work: (m: Migrator) => Promise<T>, onEvent: (e: RunEvent, m: Migrator) => void = () => {}): Promise<T> {
  const target = parseDatabaseUrl(url, 'test', process.cwd());
  const db = await connectDatabase(target, testLockName(target));
  try {
    const migrator: Migrator = new Migrator(loadProject(dir), db, { tables: DEFAULT_STATE_TABLES, toolVersion: 'test', lockTimeoutMs: 10_000, connection: target, onEvent: (e) => onEvent(e, migrator) });
    return await work(migrator);
  } finally {
    await db.close();
  }
}
