import type { ConnectionTarget } from '../connection.js';
import type { DatabaseAdapter } from '../dialects/adapter.js';
import { qualifiedName } from '../dialects/dialect.js';
import { mysqlToolConnection, postgresToolConnection, restrictKeySupported } from '../dialects/tool-connection.js';
import { runDumpTool, schemaDumpTool, trimLeadingComments } from './schema-dump-tool.js';
import { sqliteSchemaText } from './sqlite-schema-text.js';

export { restrictKeySupported };

export interface SchemaDumpOptions {
  /** The version table's configured name. */
  readonly versionTable: string;
  /** Its rows, or null when the database has no migrate-tui state tables (no INSERT is written then). */
  readonly versionRows: readonly string[] | null;
  /** How long the dump tool may wait for a lock (pg_dump --lock-wait-timeout; MariaDB: --max-statement-time). */
  readonly lockWaitMs: number;
}

export interface SchemaDump {
  /** The schema as dbmate writes it, then the version rows as INSERT statements. */
  readonly text: string;
  /** e.g. "pg_dump 15.18", "mariadb-dump 10.11.6-MariaDB", "sqlite_master". */
  readonly tool: string;
}

/**
 * The connected database's schema as `dbmate dump` writes it (its flags, and what it strips:
 * the leading comments, MySQL's AUTO_INCREMENT=N), followed by migrate-tui's version rows —
 * the version table's only: the log and texts tables' CREATE TABLEs stay, their rows do not.
 * Only reads: the dump tools get a lock wait limit, so a dump never queues behind DDL for ever.
 */
export async function dumpSchema(db: DatabaseAdapter, target: ConnectionTarget, options: SchemaDumpOptions): Promise<SchemaDump> {
  const literal = (r: string) => `'${r.replace(/'/g, "''")}'`;
  const rows = options.versionRows?.map(literal) ?? [];
  const q = db.syntax.quoteIdentifier;
  const column = q('revision');
  if (db.syntax.name === 'sqlite') {
    const table = qualifiedName(options.versionTable, q);
    const versions = options.versionRows === null ? '' : `-- migrate-tui version rows\n${rows.length > 0 ? `INSERT INTO ${table} (${column}) VALUES\n  (${rows.join('),\n  (')});\n` : ''}`;
    return { text: trimLeadingComments((await sqliteSchemaText(db)) + versions), tool: 'sqlite_master' };
  }
  if (db.syntax.name === 'postgres') {
    const major = Number(/PostgreSQL (\d+)/.exec(db.serverVersion)?.[1] ?? 0);
    const tool = schemaDumpTool(['pg_dump'], major, `install the PostgreSQL ${major || ''} client tools (Debian: postgresql-client${major ? `-${major}` : ''})`.replace('  ', ' '), /(\d+)\.(\d+)/);
    const args = ['--format=plain', '--encoding=UTF8', '--schema-only', '--no-privileges', '--no-owner', `--lock-wait-timeout=${Math.max(1, Math.round(options.lockWaitMs))}`];
    // \restrict lines carry a random key unless one is given: dbmate's own fixed key, so the file stays the same from run
    // to run and a project switching from dbmate sees no change on those lines.
    if (restrictKeySupported(tool.major, tool.minor)) args.push('--restrict-key=dbmate');
    const connection = postgresToolConnection(target);
    // As dbmate: a search_path in the URL dumps those schemas only (one --schema each).
    for (const schema of (connection.url.searchParams.get('search_path') ?? '').split(',').map((s) => s.trim())) if (schema) args.push('--schema', schema);
    // The connection's own timeout (PGCONNECT_TIMEOUT): a server that does not answer ends the dump, never hangs it
    // (mariadb-dump and mysqldump have no such option).
    args.push(...connection.args);
    const schema = await runDumpTool(tool, args, connection.env);
    // psql runs the dump with search_path emptied: the version table is named with its schema, as pg_dump names tables.
    const table = options.versionTable.includes('.') ? qualifiedName(options.versionTable, q) : `${q((await db.homeSchemas?.([options.versionTable]))?.[0] ?? 'public')}.${q(options.versionTable)}`;
    const versions = options.versionRows === null ? '' : `\n--\n-- migrate-tui version rows\n--\n\n${rows.length > 0 ? `INSERT INTO ${table} (${column}) VALUES\n    (${rows.join('),\n    (')});\n` : ''}`;
    return { text: trimLeadingComments(schema + versions), tool: `${tool.name} ${tool.version}` };
  }
  const mariadb = db.syntax.name === 'mariadb';
  const serverMajor = Number(/(\d+)\./.exec(db.serverVersion)?.[1] ?? 0);
  const install = `install the ${mariadb ? 'MariaDB' : 'MySQL'} client tools (Debian: ${mariadb ? 'mariadb-client' : 'default-mysql-client'})`;
  const tool = schemaDumpTool(mariadb ? ['mariadb-dump', 'mysqldump'] : ['mysqldump', 'mariadb-dump'], serverMajor, install, /(\d+)\.(\d+)\.\d+(?:-MariaDB)?/, mariadb ? /MariaDB/ : /^(?!.*MariaDB)/);
  const connection = mysqlToolConnection(target);
  const args = [...connection.args];
  args.push('--opt', '--routines', '--no-data', '--skip-dump-date', '--skip-add-drop-table');
  // MariaDB's tool has no lock wait option; its statement time limit ends a wait behind DDL too.
  if (/MariaDB/.test(tool.version)) args.push(`--max-statement-time=${Math.max(1, options.lockWaitMs / 1000)}`);
  args.push(connection.database);
  const schema = await runDumpTool(tool, args, connection.env);
  const table = qualifiedName(options.versionTable, q);
  const versions = options.versionRows === null ? '' : `\n--\n-- migrate-tui version rows\n--\n\nLOCK TABLES ${table} WRITE;\n${rows.length > 0 ? `INSERT INTO ${table} (${column}) VALUES\n  (${rows.join('),\n  (')});\n` : ''}UNLOCK TABLES;\n`;
  return { text: trimLeadingComments(schema + versions).replace(/ AUTO_INCREMENT=[0-9]*/g, ''), tool: `${tool.name} ${tool.version}` };
}
