import Database from 'better-sqlite3';
import { BackupToolError } from './dump-tools.js';
import { LockTimeoutError } from './dialect-errors.js';
import { sequentialStep, type DatabaseAdapter, type Query, type SchemaSnapshot, type StepFailure, type StepProgress } from './adapter.js';
import { sqliteSyntax } from './sqlite.js';

/**
 * The version of the linked SQLite library, asked of an in-memory database: any statement
 * on the real file reads its schema, which fails while another runner holds the file
 * exclusively, and opening must not fail before the lock wait can say who holds it.
 */
let sqliteVersion: string | null = null;
function librarySqliteVersion(): string {
  if (sqliteVersion === null) {
    const memory = new Database(':memory:');
    sqliteVersion = (memory.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    memory.close();
  }
  return sqliteVersion;
}

/**
 * SQLite through better-sqlite3. The runner lock is a `BEGIN IMMEDIATE` transaction held for
 * the whole run (other runners wait on the busy timeout); each step is a savepoint in it.
 */
export class SqliteAdapter implements DatabaseAdapter {
  readonly syntax = sqliteSyntax;
  readonly serverVersion: string;
  private readonly db: Database.Database;
  private locked = false;
  private timeoutMs = 0;

  readonly backupIncludesStateTables = true;
  readonly backupExtension = 'sqlite';

  constructor(
    private readonly file: string,
    readonly display: string,
    readonly databaseName: string,
  ) {
    this.db = new Database(file);
    this.db.pragma('foreign_keys = ON');
    this.serverVersion = `SQLite ${librarySqliteVersion()}`;
  }

  /** The underlying handle (for the online backup API). */
  get handle(): Database.Database {
    return this.db;
  }

  async execute(sql: string): Promise<void> {
    this.db.exec(sql);
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
    this.locked = true;
  }

  async unlock(): Promise<void> {
    if (this.locked && this.db.inTransaction) this.db.exec('COMMIT');
    this.locked = false;
  }

  runTransactionalStep(statements: readonly string[], finish: () => readonly Query[], progress: StepProgress): Promise<StepFailure | null> {
    return sequentialStep(this, statements, finish, progress);
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
    this.db.exec('COMMIT');
    try {
      return await work();
    } finally {
      this.db.pragma(`busy_timeout = ${Math.max(1, Math.round(this.timeoutMs))}`);
      this.db.exec('BEGIN IMMEDIATE');
    }
  }

  async backupTool(): Promise<string> {
    if (this.file === ':memory:') throw new BackupToolError('an in-memory SQLite database cannot be backed up', 'pass --no-backup');
    return 'SQLite online backup API';
  }

  async backup(file: string): Promise<void> {
    await this.db.backup(file);
  }

  async restore(file: string): Promise<void> {
    const source = new Database(file, { readonly: true, fileMustExist: true });
    try {
      await source.backup(this.file);
    } finally {
      source.close();
    }
  }

  async tableExists(name: string): Promise<boolean> {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  }

  async schema(exclude: readonly string[]): Promise<SchemaSnapshot> {
    const rows = this.db
      .prepare("SELECT type, name, tbl_name AS tableName, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
      .all() as Array<{ type: string; name: string; tableName: string; sql: string | null }>;
    const tables: SchemaSnapshot['tables'] = {};
    const triggers: string[] = [];
    for (const row of rows.filter((r) => !exclude.includes(r.tableName))) {
      if (row.type === 'table') {
        const columns = (this.db.prepare(`PRAGMA table_info(${sqliteSyntax.quoteIdentifier(row.name)})`).all() as Array<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number }>).map(
          (c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.dflt_value !== null ? ` DEFAULT ${String(c.dflt_value)}` : ''}${c.pk ? ` PK${c.pk}` : ''}`,
        );
        const fks = (this.db.prepare(`PRAGMA foreign_key_list(${sqliteSyntax.quoteIdentifier(row.name)})`).all() as Array<{ table: string; from: string; to: string; on_delete: string }>).map(
          (f) => `FK ${f.from} -> ${f.table}(${f.to}) ON DELETE ${f.on_delete}`,
        );
        tables[row.name] = { columns, indexes: [], constraints: fks.sort() };
      }
    }
    for (const row of rows.filter((r) => !exclude.includes(r.tableName))) {
      if (row.type === 'index' && tables[row.tableName]) tables[row.tableName]!.indexes.push(`${row.name}: ${row.sql ?? '(automatic)'}`);
      if (row.type === 'trigger') triggers.push(`${row.name} ON ${row.tableName}`);
    }
    for (const t of Object.values(tables)) t.indexes.sort();
    return { tables, triggers: triggers.sort() };
  }

  async close(): Promise<void> {
    if (this.db.open) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.db.close();
    }
  }
}
