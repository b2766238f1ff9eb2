import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BackupToolError } from './dump-tools.js';
import { ForeignKeyViolationError, LockTimeoutError, SqliteDriverError } from './dialect-errors.js';
import { transactionControl } from './transaction-control.js';
import type { StepFinish } from './step-finish.js';
import { BatchFailure, isTextBatch, sequentialStep, type StatementBatch, type TextBatch, type DatabaseAdapter, type Query, type ReadOnlyProbe, type SchemaSnapshot, type StepFailure, type StepProgress } from './adapter.js';
import { sqliteSyntax } from './sqlite.js';
import { sqliteSchema } from './sqlite-schema.js';
import { settleCapabilities, SQLITE_CAPABILITIES, type Capabilities } from './capabilities.js';

/**
 * The addon, found once where npm builds it and handed to every connection. better-sqlite3's
 * own search (the `bindings` package: two failing requires first) cost every start, and from
 * inside the bundle (scripts/bundle.mjs, which carries better-sqlite3's JavaScript) it would
 * search beside the bundle; elsewhere `bindings` searches better-sqlite3's folder.
 */
let addon: object | undefined;
function openDatabase(file: string | Buffer, options: Database.Options = {}): Database.Database {
  if (!addon) {
    const require = createRequire(import.meta.url);
    const root = join(dirname(require.resolve('better-sqlite3')), '..');
    const built = join(root, 'build/Release/better_sqlite3.node');
    try {
      addon = (existsSync(built) ? require(built) : createRequire(join(root, 'package.json'))('bindings')({ bindings: 'better_sqlite3.node', module_root: root })) as object;
    } catch (error) {
      throw new SqliteDriverError(error instanceof Error ? error.message : String(error));
    }
  }
  // The types know a path only; better-sqlite3 also takes the loaded addon.
  return new Database(file, { ...options, nativeBinding: addon as unknown as string });
}

/**
 * The version of the linked SQLite library, asked of an in-memory database: any statement
 * on the real file reads its schema, which fails while another runner holds the file
 * exclusively, and opening must not fail before the lock wait can say who holds it.
 */
let sqliteVersion: string | null = null;
function librarySqliteVersion(): string {
  if (sqliteVersion === null) {
    const memory = openDatabase(':memory:');
    sqliteVersion = (memory.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    memory.close();
  }
  return sqliteVersion;
}

/**
 * SQLite through better-sqlite3. The runner lock is a `BEGIN IMMEDIATE` transaction held for
 * the whole run (other runners wait on the busy timeout); each step is a savepoint in it.
 * A step that runs outside a transaction keeps the lock through EXCLUSIVE locking mode.
 * Foreign keys are not enforced unless the project says so, as in the sqlite3 shell,
 * Python's sqlite3 (Alembic) and Go's drivers: real histories depend on it.
 */
export class SqliteAdapter implements DatabaseAdapter {
  readonly syntax = sqliteSyntax;
  readonly serverVersion: string;
  /** SQLite locks the file (BEGIN IMMEDIATE held for the run): no advisory lock, no lease. */
  readonly capabilities: Capabilities = settleCapabilities(SQLITE_CAPABILITIES, undefined, null);
  private readonly db: Database.Database;
  private locked = false;
  private timeoutMs = 0;

  readonly backupIncludesStateTables = true;
  readonly backupExtension = 'sqlite';

  private warnings: string[] = [];

  constructor(
    /** A path, or a database's bytes (an in-memory copy). */
    private readonly file: string | Buffer,
    readonly display: string,
    readonly databaseName: string,
    private readonly settings: { readonly foreignKeys: boolean } = { foreignKeys: false },
  ) {
    this.db = openDatabase(file);
    this.resetSession();
    this.serverVersion = `SQLite ${librarySqliteVersion()}`;
  }

  /** The file opened read-only (a busy wait of `timeoutMs` at most; SQLite has no statement time limit). */
  async readOnlyProbe(timeoutMs: number): Promise<ReadOnlyProbe> {
    if (typeof this.file !== 'string' || this.file === ':memory:') throw new Error('an in-memory database has no second connection');
    const other = openDatabase(this.file, { readonly: true, fileMustExist: true, timeout: Math.max(1, Math.round(timeoutMs)) });
    return { query: async <T>(sql: string) => other.prepare(sql).all() as T[], close: async () => void other.close() };
  }

  /** The underlying handle (for the online backup API). */
  get handle(): Database.Database {
    return this.db;
  }

  async execute(sql: string): Promise<void> {
    // A file's COMMIT with no transaction open is a no-op, as on PostgreSQL and MySQL (SQLite
    // alone raises an error): e.g. a golang-migrate file ending the driver's transaction.
    if (!this.db.inTransaction && transactionControl(sql) === 'commit') return;
    this.db.exec(sql);
  }

  /** The connection as the project configured it; a migration's pragmas last for that migration only. */
  private resetSession(): void {
    if (!this.db.inTransaction) this.db.pragma(`foreign_keys = ${this.settings.foreignKeys ? 'ON' : 'OFF'}`);
    this.db.pragma('legacy_alter_table = OFF');
  }

  /** Rows that break a foreign key: fail the step when enforced, else warn, as the sqlite3 shell would not. */
  async checkStep(): Promise<void> {
    const rows = this.db.pragma('foreign_key_check') as Array<{ table: string; rowid: number | null; parent: string; fkid: number }>;
    const enforced = (this.db.pragma('foreign_keys', { simple: true }) as number) === 1;
    if (rows.length > 0) {
      const described = rows.map((r) => `${r.table} rowid ${r.rowid ?? '?'} → ${r.parent}`);
      if (enforced || this.settings.foreignKeys) throw new ForeignKeyViolationError(described);
      this.warnings.push(
        `${rows.length} row${rows.length === 1 ? '' : 's'} break a foreign key (not enforced: "sqlite": {"foreignKeys": true} would fail the migration): ${described.slice(0, 5).join('; ')}${rows.length > 5 ? '; …' : ''}`,
      );
    }
    this.resetSession();
  }

  takeWarnings(): string[] {
    return this.warnings.splice(0);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const statement = this.db.prepare(sql);
    if (statement.reader) return statement.all(...(params as unknown[])) as T[];
    statement.run(...(params as unknown[]));
    return [];
  }

  async insert(sql: string, params: readonly unknown[]): Promise<number> {
    return Number(this.db.prepare(sql).run(...(params as unknown[])).lastInsertRowid);
  }

  async update(sql: string, params: readonly unknown[]): Promise<number> {
    return this.db.prepare(sql).run(...(params as unknown[])).changes;
  }

  async lock(timeoutMs: number, onWait: (holder: string | null) => void): Promise<void> {
    this.timeoutMs = timeoutMs;
    this.db.pragma('busy_timeout = 0');
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      onWait(null);
      this.db.pragma(`busy_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      try {
        this.db.exec('BEGIN IMMEDIATE');
      } catch (again) {
        if ((again as { code?: string }).code === 'SQLITE_BUSY') throw new LockTimeoutError(timeoutMs, null, this.display);
        throw again;
      }
    }
    // Held, the lock still needs the busy handler: a write escalates to an exclusive lock,
    // which waits for readers (a starting runner, `status`) to drop their shared locks; with
    // a busy timeout of 0 that wait failed at once as "database is locked".
    this.db.pragma(`busy_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
    this.locked = true;
  }

  async unlock(): Promise<void> {
    if (this.locked && this.db.inTransaction) this.db.exec('COMMIT');
    this.locked = false;
  }

  runTransactionalStep(batches: Iterable<StatementBatch>, finish: StepFinish, progress: StepProgress): Promise<StepFailure | null> {
    return sequentialStep(this, batches, finish, progress, {
      fits: (batch) => this.db.inTransaction && (isTextBatch(batch) || (batch.length >= 64 && !batch.some((sql) => transactionControl(sql) !== null))),
      run: (batch, index) => this.executeBatch(batch, index),
    });
  }

  /**
   * A large batch in one call, as the sqlite3 shell runs a file, inside a savepoint; when it
   * fails, the batch is rolled back and run again one statement at a time to say which one
   * failed. (Small batches go statement by statement: progress per statement.)
   */
  private async executeBatch(batch: StatementBatch, index: number): Promise<void> {
    const list = isTextBatch(batch) ? null : batch;
    this.db.exec('SAVEPOINT migrate_tui_batch');
    try {
      this.db.exec(list ? list.map((sql) => (/--|#/.test(sql.slice(sql.lastIndexOf('\n') + 1)) ? `${sql}\n;` : `${sql};`)).join('\n') : (batch as TextBatch).text);
      this.db.exec('RELEASE migrate_tui_batch');
    } catch (error) {
      this.db.exec('ROLLBACK TO migrate_tui_batch');
      this.db.exec('RELEASE migrate_tui_batch');
      const statements = list ?? (batch as TextBatch).statements();
      for (let k = 0; k < statements.length; k++) {
        try {
          this.db.exec(statements[k]!);
        } catch (failed) {
          throw new BatchFailure(index + k, failed);
        }
      }
      throw new BatchFailure(index, error);
    }
  }

  async beginStep(): Promise<void> {
    this.db.exec('SAVEPOINT migrate_tui_step');
  }

  async commitStep(): Promise<void> {
    this.db.exec('RELEASE migrate_tui_step');
  }

  async rollbackStep(): Promise<void> {
    this.db.exec('ROLLBACK TO migrate_tui_step');
    this.db.exec('RELEASE migrate_tui_step');
  }

  async outsideTransaction<T>(work: () => Promise<T>): Promise<T> {
    if (!this.locked) return work();
    // The lock is the run's transaction, which must end for the step (a foreign_keys pragma
    // only works outside one). In EXCLUSIVE locking mode the connection keeps the file lock
    // its last write took, so no other runner slips in while the step runs.
    this.db.pragma('locking_mode = EXCLUSIVE');
    // Normally the lock's transaction is open here; should SQLite have ended it (it rolls a
    // transaction back by itself on some errors), BEGIN EXCLUSIVE takes the file lock anew,
    // or waits for whoever took it meanwhile: the one-runner guarantee holds either way.
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.exec('BEGIN EXCLUSIVE');
    this.db.exec('COMMIT');
    try {
      return await work();
    } finally {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.resetSession();
      this.db.pragma('locking_mode = NORMAL');
      this.db.pragma(`busy_timeout = ${Math.max(1, Math.round(this.timeoutMs))}`);
      this.db.exec('BEGIN IMMEDIATE');
    }
  }

  /** An in-memory copy of the database (its bytes, read under a shared lock): a rehearsal never writes to the file. */
  async rehearsalCopy(): Promise<DatabaseAdapter> {
    return new SqliteAdapter(this.db.serialize(), `${this.display} (in-memory copy)`, this.databaseName, this.settings);
  }

  async backupTool(): Promise<string> {
    if (typeof this.file !== 'string' || this.file === ':memory:') throw new BackupToolError('an in-memory SQLite database cannot be backed up', 'pass --no-backup');
    return 'SQLite online backup API';
  }

  async restoreTool(): Promise<string> {
    if (typeof this.file !== 'string' || this.file === ':memory:') throw new BackupToolError('cannot restore into an in-memory SQLite database', 'restore into a database file');
    return 'SQLite online backup API';
  }

  async backup(file: string): Promise<void> {
    await this.db.backup(file);
  }

  /**
   * The backup API writes the file through another connection, so the run's transaction
   * ends for it (not EXCLUSIVE mode: this connection would not see the new pages).
   */
  async restore(file: string): Promise<void> {
    if (this.locked) this.db.exec('COMMIT');
    const source = openDatabase(file, { readonly: true, fileMustExist: true });
    try {
      if (typeof this.file !== 'string') throw new Error('cannot restore into an in-memory copy');
      await source.backup(this.file);
    } finally {
      source.close();
      if (this.locked) {
        this.db.pragma(`busy_timeout = ${Math.max(1, Math.round(this.timeoutMs))}`);
        this.db.exec('BEGIN IMMEDIATE');
      }
    }
  }

  async relaxDurability(): Promise<void> {
    this.db.pragma('synchronous = OFF');
  }

  /** `schema.table` looks in that attached schema (`main`, `temp`, …); a bare name in `main`. */
  async tableExists(name: string): Promise<boolean> {
    const dot = name.indexOf('.');
    const [schema, table] = dot < 0 ? ['main', name] : [name.slice(0, dot), name.slice(dot + 1)];
    return this.db.prepare(`SELECT 1 FROM ${sqliteSyntax.quoteIdentifier(schema)}.sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
  }

  async schema(exclude: readonly string[]): Promise<SchemaSnapshot> {
    return sqliteSchema(this.db, exclude);
  }

  async close(): Promise<void> {
    if (this.db.open) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.db.close();
    }
  }
}
