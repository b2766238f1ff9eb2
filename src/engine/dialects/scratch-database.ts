import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionTarget } from '../connection.js';
import { MigrateTuiError } from '../errors.js';
import { connectDatabase } from './connect.js';
import { postgresSyntax } from './postgres.js';
import { mysqlSyntax } from './mysql.js';

/** A throwaway database: where it is, and how to remove it (idempotent; never throws). */
export interface ScratchDatabase {
  readonly target: ConnectionTarget;
  /** What people see: the temp file, or the server's new database. */
  readonly description: string;
  /** Removes it; returns an error message instead of throwing (cleanup must go on). */
  drop(): Promise<string | null>;
}

/** The role behind the server URL cannot create (or drop) a database. */
export class ScratchDatabaseError extends MigrateTuiError {
  constructor(message: string, hint: string, meta: Record<string, unknown> = {}) {
    super('scratch-database', message, hint, meta);
  }
}

/** Names of scratch databases: recognisable on the server, unique per run. */
export const SCRATCH_PREFIX = 'migrate_tui_verify_';

export function scratchName(): string {
  return `${SCRATCH_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** The same server URL, naming another database. */
function withDatabase(target: ConnectionTarget, name: string): ConnectionTarget {
  const url = new URL(target.url);
  url.pathname = `/${encodeURIComponent(name)}`;
  const display = target.display.replace(/\/[^/?#]*(?=[?#]|$)/, `/${name}`);
  return { ...target, url: url.toString(), display, databaseName: name, source: `scratch database on ${target.display}` };
}

/**
 * How each kind of server makes and removes a database. The database named in the URL is
 * only connected to (to send CREATE/DROP DATABASE); nothing is created or changed in it.
 */
const SERVERS: Record<'postgres' | 'mysql', { quote(name: string): string; denied(error: unknown): boolean; grant: string; drop(name: string): string[] }> = {
  postgres: {
    quote: (n) => postgresSyntax.quoteIdentifier(n),
    // FORCE (PostgreSQL 13+) ends the sessions still connected to it (someone's psql): plain DROP waited 5 s and left it.
    drop: (n) => [`DROP DATABASE IF EXISTS ${postgresSyntax.quoteIdentifier(n)} WITH (FORCE)`],
    // 42501 insufficient_privilege
    denied: (e) => (e as { code?: string }).code === '42501' || /permission denied/i.test(String((e as Error).message)),
    grant: 'give the role CREATEDB (ALTER ROLE <user> CREATEDB) or pass the URL of a role that has it',
  },
  mysql: {
    quote: (n) => mysqlSyntax.quoteIdentifier(n),
    // A session with a transaction open on a scratch table would hold the DROP for lock_wait_timeout (a year by default).
    drop: (n) => ['SET SESSION lock_wait_timeout = 10', `DROP DATABASE IF EXISTS ${mysqlSyntax.quoteIdentifier(n)}`],
    // ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_SPECIFIC_ACCESS_DENIED_ERROR
    denied: (e) => [1044, 1045, 1227].includes(Number((e as { errno?: number }).errno)) || /access denied/i.test(String((e as Error).message)),
    grant: `grant it CREATE and DROP on the scratch databases (GRANT ALL ON \`${SCRATCH_PREFIX.replace(/_/g, '\\_')}%\`.* TO <user>) or pass the URL of a user that has them`,
  },
};

/**
 * Creates a scratch database: a SQLite file in a new temp folder, or a new database on the
 * server `admin` points at (its role needs CREATE DATABASE; ScratchDatabaseError says so).
 */
export async function createScratchDatabase(admin: ConnectionTarget): Promise<ScratchDatabase> {
  if (admin.kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-verify-'));
    const file = join(dir, 'scratch.sqlite');
    return {
      target: { ...admin, url: `sqlite:${file}`, file, display: `sqlite:${file}`, databaseName: 'scratch.sqlite', source: 'scratch file' },
      description: `temp file ${file}`,
      drop: async () => {
        try {
          rmSync(dir, { recursive: true, force: true });
          return null;
        } catch (error) {
          return `could not remove ${dir}: ${(error as Error).message}`;
        }
      },
    };
  }
  const server = SERVERS[admin.kind];
  const name = scratchName();
  const run = async (...statements: string[]) => {
    const db = await connectDatabase(admin, 'migrate-tui verify');
    try {
      for (const sql of statements) await db.execute(sql);
    } finally {
      await db.close();
    }
  };
  try {
    await run(`CREATE DATABASE ${server.quote(name)}`);
  } catch (error) {
    if (error instanceof MigrateTuiError) throw error;
    const message = (error as Error).message;
    if (server.denied(error)) throw new ScratchDatabaseError(`the role in ${admin.display} may not create a database (${message}); verify needs one scratch database per run`, server.grant, { url: admin.display });
    throw new ScratchDatabaseError(`could not create the scratch database ${name} on ${admin.display}: ${message}`, 'check the server URL and that the server is running', { url: admin.display });
  }
  const target = withDatabase(admin, name);
  return {
    target,
    description: `database ${name} on ${admin.display.replace(/\/[^/?#]*(?=[?#]|$)/, '')}`,
    drop: async () => {
      try {
        await run(...server.drop(name)).catch((error: unknown) =>
          // PostgreSQL before 13 has no FORCE (a syntax error): the plain DROP then.
          (error as { code?: string }).code === '42601' ? run(`DROP DATABASE IF EXISTS ${server.quote(name)}`) : Promise.reject(error),
        );
        return null;
      } catch (error) {
        return `could not drop the scratch database ${name} on ${admin.display}: ${(error as Error).message}; drop it by hand`;
      }
    },
  };
}
