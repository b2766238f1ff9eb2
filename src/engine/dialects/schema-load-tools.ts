import { spawn } from 'node:child_process';
import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import type { ConnectionTarget } from '../connection.js';
import type { DatabaseAdapter } from './adapter.js';
import type { DialectName } from './dialect.js';
import { BackupToolError, findExecutable, toolVersion } from './dump-tools.js';
import { connectSeconds, mysqlToolConnection, postgresToolConnection, restrictKeySupported } from './tool-connection.js';

/** An object a database holds (`kind`: table, view, index, sequence, routine, trigger, type, schema, extension…). */
export interface DatabaseObject {
  readonly kind: string;
  readonly name: string;
}

/** What loads a schema file: the database's own client, or (SQLite) the driver. */
export interface LoadClient {
  /** As said to people: "psql 15.18", "mariadb 10.11.6-MariaDB", "SQLite 3.46.1". */
  readonly label: string;
  /** The client's path; null where the driver loads (SQLite). */
  readonly path: string | null;
  readonly major: number;
  readonly minor: number;
}

/** A load that failed, as the client said it. */
export interface LoadFailure {
  /** The client's last lines of stderr (or the driver's error). */
  readonly message: string;
  /** The line of the file the error names, when it names one. */
  readonly line: number | null;
  /** The client says its one transaction was rolled back (psql --single-transaction stopped by ON_ERROR_STOP; SQLite's ROLLBACK). */
  readonly rolledBack: boolean;
  /** Stopped by the abort signal (Ctrl-C, SIGTERM). */
  readonly cancelled: boolean;
}

export interface LoadOutcome {
  readonly failure: LoadFailure | null;
  /** What the client said on stderr although it succeeded (a NOTICE, a WARNING). */
  readonly warnings: readonly string[];
}

export interface LoadRequest {
  readonly file: string;
  /** How long a statement may wait for a lock (PostgreSQL lock_timeout, MySQL lock_wait_timeout, SQLite's busy timeout). */
  readonly lockWaitMs: number;
  readonly signal?: AbortSignal;
  /** The file's statements and their lines, as migrate-tui splits them: a loader that runs the file through the driver (SQLite) runs them one by one, so a failure names its line. */
  readonly statements?: (text: string) => ReadonlyArray<{ readonly sql: string; readonly line: number }> | null;
}

/**
 * How one kind of database loads a schema file (dbmate's `load`): the client it needs, how it
 * runs the file, and the objects it holds (read before and after, so a failure says what stays).
 */
export interface SchemaLoader {
  /** The whole file runs as one transaction, so a failure leaves nothing of it. */
  readonly oneTransaction: boolean;
  /** As messages name the database: "PostgreSQL", "MariaDB", "MySQL", "SQLite". */
  readonly product: string;
  /** The client, found on PATH; missing: BackupToolError (exit 8) naming what to install. */
  client(db: DatabaseAdapter): LoadClient;
  /** Refuses a file this client cannot read, before anything runs (BackupToolError, exit 8). */
  checkFile?(client: LoadClient, file: string, label: string): void;
  run(db: DatabaseAdapter, target: ConnectionTarget, client: LoadClient, request: LoadRequest): Promise<LoadOutcome>;
  objects(db: DatabaseAdapter): Promise<DatabaseObject[]>;
}

/** The first of `names` on PATH with its version; missing is a BackupToolError saying what to install. */
function clientOnPath(names: readonly string[], pattern: RegExp, install: string): LoadClient {
  const path = findExecutable(...names);
  if (!path) throw new BackupToolError(`${names.join(' or ')} is not installed (not on PATH), so the schema file cannot be loaded`, install, { tools: names });
  const found = toolVersion(path, pattern);
  const name = path.split('/').pop()!;
  return { label: `${name} ${found?.text ?? '(unknown version)'}`, path, major: found?.major ?? 0, minor: Number(/\d+\.(\d+)/.exec(found?.text ?? '')?.[1] ?? 0) };
}

interface ClientRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly cancelled: boolean;
}

/**
 * Runs a client on the file: its stdin is the file (`stdinFile`) or nothing, never the
 * terminal, so it cannot stop to ask for a password; stdout (a SELECT's rows) is dropped.
 * The abort signal stops it as Ctrl-C does.
 */
function runClient(path: string, args: readonly string[], env: Record<string, string>, stdinFile: string | null, signal?: AbortSignal): Promise<ClientRun> {
  return new Promise<ClientRun>((resolve, reject) => {
    const child = spawn(path, args as string[], { env: { ...process.env, ...env }, stdio: [stdinFile ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let cancelled = false;
    // SIGINT, as Ctrl-C: psql and mariadb ask the server to cancel the running statement, and stop (psql then rolls
    // its transaction back). One that is still there 5 s later is ended.
    const abort = () => {
      cancelled = true;
      child.kill('SIGINT');
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGTERM'), 5000).unref();
    };
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-65536)));
    if (stdinFile) {
      // A client that stops at an error closes its input: the rest of the file is not wanted (EPIPE).
      child.stdin!.on('error', () => undefined);
      createReadStream(stdinFile).on('error', (e) => child.stdin!.destroy(e)).pipe(child.stdin!);
    }
    child.on('error', (e) => {
      signal?.removeEventListener('abort', abort);
      reject(new BackupToolError(`cannot run ${path}: ${e.message}`, 'check the client tools are installed'));
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', abort);
      resolve({ code, stderr, cancelled });
    });
  });
}

/** The first 64 KiB of a file (where pg_dump writes its \restrict line). */
function readHead(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The client's error: from its first ERROR line (the mariadb client prints the statement before it), three lines at most. */
function clientError(text: string): string {
  const all = text.trim().split('\n');
  const first = all.findIndex((l) => /\b(ERROR|FATAL)\b|error:/.test(l));
  return (first < 0 ? all.slice(-3) : all.slice(first, first + 3)).join(' ').replace(/\s+/g, ' ').trim() || 'no message';
}
const lines = (text: string) => text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');

const PG_USER = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'`;
const pgNotExtension = (catalog: string, id: string) => `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${id} AND d.deptype = 'e')`;
/** Every object of the database's own schemas, not an extension's (extensions by name). */
const PG_OBJECTS = `
SELECT CASE WHEN c.relkind IN ('r', 'p', 'f') THEN 'table' WHEN c.relkind IN ('v', 'm') THEN 'view' WHEN c.relkind = 'S' THEN 'sequence' WHEN c.relkind IN ('i', 'I') THEN 'index' ELSE 'type' END AS kind,
       n.nspname || '.' || c.relname AS name
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE ${PG_USER} AND c.relkind <> 't' AND ${pgNotExtension('pg_catalog.pg_class', 'c.oid')}
UNION ALL
SELECT 'routine', n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
 WHERE ${PG_USER} AND ${pgNotExtension('pg_catalog.pg_proc', 'p.oid')}
UNION ALL
SELECT 'type', n.nspname || '.' || t.typname
  FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype IN ('e', 'd', 'r', 'm') AND ${PG_USER} AND ${pgNotExtension('pg_catalog.pg_type', 't.oid')}
UNION ALL
SELECT 'schema', n.nspname FROM pg_catalog.pg_namespace n WHERE ${PG_USER}
UNION ALL
SELECT 'extension', x.extname FROM pg_catalog.pg_extension x`;

/** psql: the file in one transaction, stopping at the first error, no ~/.psqlrc, never asking for a password. */
const postgresLoader: SchemaLoader = {
  oneTransaction: true,
  product: 'PostgreSQL',
  client(db) {
    const major = Number(/PostgreSQL (\d+)/.exec(db.serverVersion)?.[1] ?? 0);
    return clientOnPath(['psql'], /(\d+)\.(\d+)/, `install the PostgreSQL ${major || ''} client tools (Debian: postgresql-client${major ? `-${major}` : ''})`.replace('  ', ' '));
  },
  checkFile(client, file, label) {
    // pg_dump from the August 2025 releases writes \restrict <key> first; an older psql stops at it ("invalid command").
    const head = readHead(file);
    if (/^\\restrict /m.test(head) && !restrictKeySupported(client.major, client.minor)) {
      throw new BackupToolError(`${client.label} does not know the \\restrict line ${label} starts with (written by pg_dump 13.22, 14.19, 15.14, 16.10, 17.6 and later), so it cannot load it`, `install a psql of those releases or later (Debian: postgresql-client-${client.major || 'N'})`, { tool: client.label });
    }
  },
  async run(_db, target, client, request) {
    const c = postgresToolConnection(target);
    // The lock wait as the dump's: a table another session holds ends the load, never queues it for ever.
    const options = `${process.env.PGOPTIONS ?? ''} -c lock_timeout=${Math.max(1, Math.round(request.lockWaitMs))}`.trim();
    const env = { ...c.env, PGAPPNAME: 'migrate-tui load', PGOPTIONS: options };
    const r = await runClient(client.path!, ['-X', '-q', '-w', '-v', 'ON_ERROR_STOP=1', '--single-transaction', ...c.args, '-f', request.file], env, null, request.signal);
    if (r.code === 0 && !r.cancelled) return { failure: null, warnings: lines(r.stderr) };
    const line = /:(\d+): (?:ERROR|FATAL|error):/.exec(r.stderr);
    // Exit 3: a statement of the file failed and ON_ERROR_STOP ended it; psql then ROLLBACKs its --single-transaction.
    return { failure: { message: clientError(r.stderr), line: line ? Number(line[1]) : null, rolledBack: r.code === 3, cancelled: r.cancelled }, warnings: [] };
  },
  objects: (db) => db.query<DatabaseObject>(PG_OBJECTS),
};

const MYSQL_OBJECTS = `
SELECT CASE table_type WHEN 'VIEW' THEN 'view' WHEN 'SEQUENCE' THEN 'sequence' ELSE 'table' END AS kind, table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()
UNION ALL SELECT 'routine', routine_name FROM information_schema.routines WHERE routine_schema = DATABASE()
UNION ALL SELECT 'trigger', trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()
UNION ALL SELECT 'event', event_name FROM information_schema.events WHERE event_schema = DATABASE()`;

/** The mariadb (else mysql) client, the file on its stdin: it stops at the first error, naming the line; each statement commits. */
const mysqlLoader = (mariadb: boolean): SchemaLoader => ({
  oneTransaction: false,
  product: mariadb ? 'MariaDB' : 'MySQL',
  client: () =>
    clientOnPath(mariadb ? ['mariadb', 'mysql'] : ['mysql', 'mariadb'], /(\d+)\.(\d+)\.\d+(?:-MariaDB)?/, `install the ${mariadb ? 'MariaDB' : 'MySQL'} client tools (Debian: ${mariadb ? 'mariadb-client' : 'default-mysql-client'})`),
  async run(_db, target, client, request) {
    const c = mysqlToolConnection(target);
    // autocommit: the version rows' INSERT commits whatever the server gives a new session; the lock wait as the dump's.
    const init = `--init-command=SET SESSION autocommit = 1, lock_wait_timeout = ${Math.max(1, Math.round(request.lockWaitMs / 1000))}`;
    const r = await runClient(client.path!, [...c.args, `--connect-timeout=${connectSeconds(target)}`, init, c.database], c.env, request.file, request.signal);
    if (r.code === 0 && !r.cancelled) return { failure: null, warnings: lines(r.stderr) };
    const line = /\bat line (\d+)/.exec(r.stderr);
    return { failure: { message: clientError(r.stderr), line: line ? Number(line[1]) : null, rolledBack: false, cancelled: r.cancelled }, warnings: [] };
  },
  objects: (db) => db.query<DatabaseObject>(MYSQL_OBJECTS),
});

/** SQLite: no binary; the driver runs the file in one transaction on the connection (a missing file was created by opening it). */
const sqliteLoader: SchemaLoader = {
  oneTransaction: true,
  product: 'SQLite',
  client: (db) => ({ label: db.serverVersion, path: null, major: 0, minor: 0 }),
  async run(db, _target, _client, request) {
    // The `/* name(columns) */` line the sqlite3 shell's .schema (and dump) prints after a view or virtual table: run
    // with the statement, SQLite keeps it in the stored text, and the next dump printed it twice (sqlite3 itself does).
    const text = readFileSync(request.file, 'utf8');
    const statements = request.statements?.(text) ?? null;
    await db.execute(`PRAGMA busy_timeout = ${Math.max(1, Math.round(request.lockWaitMs))}`);
    // A file with its own transaction (the sqlite3 shell's .dump: BEGIN TRANSACTION; … COMMIT;) runs in that one.
    if (!/^\s*BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+TRANSACTION)?\s*;/im.test(text)) await db.execute('BEGIN IMMEDIATE');
    let line: number | null = null;
    try {
      if (statements === null) await db.execute(text.replace(/\n\/\* [^\n]*\([^\n]*\) \*\/;$/gm, ';'));
      // One by one (the driver does not say which statement of a text failed), each at its line.
      else {
        for (const statement of statements) {
          line = statement.line;
          await db.execute(statement.sql.replace(/\n\/\* [^\n]*\([^\n]*\) \*\/$/, ''));
        }
      }
      line = null;
      // The adapter takes a COMMIT with no transaction open (the file committed its own) as the no-op it is elsewhere.
      await db.execute('COMMIT');
      return { failure: null, warnings: [] };
    } catch (error) {
      // No transaction left to roll back: the file ended it itself (its own COMMIT), so what ran before that stays.
      const rolledBack = await db.execute('ROLLBACK').then(
        () => true,
        () => false,
      );
      return { failure: { message: error instanceof Error ? error.message : String(error), line, rolledBack, cancelled: false }, warnings: [] };
    }
  },
  objects: (db) => db.query<DatabaseObject>(`SELECT type AS kind, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`),
};

/** One loader per dialect: a new database is a new entry here. */
export const SCHEMA_LOADERS: Readonly<Record<DialectName, SchemaLoader>> = {
  postgres: postgresLoader,
  mysql: mysqlLoader(false),
  mariadb: mysqlLoader(true),
  sqlite: sqliteLoader,
};
