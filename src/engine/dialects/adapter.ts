import type { Query, StepFinish } from './step-finish.js';
import type { Capabilities } from './capabilities.js';
import type { DialectSyntax } from './dialect.js';
import type { SchemaSnapshot } from './schema-snapshot.js';

export type { SchemaSnapshot } from './schema-snapshot.js';
export type { Query };

/**
 * One live connection to one database, behind one interface; the runner never knows which
 * driver it talks to. Every adapter runs everything on a single connection, so the lock,
 * the transactions and the state reads all see the same session.
 */
export interface DatabaseAdapter {
  /** Its SQL dialect; a `mysql://` URL that reaches MariaDB reports `mariadb`. */
  readonly syntax: DialectSyntax;
  /** The connection as people may see it (password masked). */
  readonly display: string;
  readonly databaseName: string;
  /** Server product and version, e.g. "PostgreSQL 15.8". */
  readonly serverVersion: string;
  /**
   * What this server can do (advisory locks, transactional DDL, CONCURRENTLY): detected, then
   * the settings applied. `syntax.transactionalDdl` follows it.
   */
  readonly capabilities: Capabilities;

  /** Runs one statement as written (a migration's SQL). */
  execute(sql: string): Promise<void>;
  /** Runs one statement with `?` placeholders and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs an INSERT with `?` placeholders and returns the generated key. */
  insert(sql: string, params: readonly unknown[]): Promise<number>;
  /** Runs an INSERT, UPDATE or DELETE with `?` placeholders and returns how many rows it changed. */
  update(sql: string, params: readonly unknown[]): Promise<number>;

  /**
   * Takes the one-runner-at-a-time lock, waiting at most `timeoutMs`; calls `onWait` with
   * who holds it (when the database can tell) before waiting. Throws LockTimeoutError.
   */
  lock(timeoutMs: number, onWait: (holder: string | null) => void): Promise<void>;
  unlock(): Promise<void>;
  /**
   * Who holds the migration lock now (null: nobody), read without taking it. Absent where
   * the database cannot tell without locking (SQLite: its lock is a write transaction).
   */
  lockHolder?(): Promise<string | null>;

  /**
   * Runs one migration in its own transaction: the statements (in bounded batches, so a large
   * file is never held whole), then `finish()`'s queries (the version rows and the log row),
   * then commits. On the first failure it rolls back and says which statement failed (the count
   * when a finishing query did). Adapters may pipeline (PostgreSQL: a small step, its rows and COMMIT in one round trip).
   */
  runTransactionalStep(batches: Iterable<StatementBatch>, finish: StepFinish, progress: StepProgress): Promise<StepFailure | null>;

  /** A step's transaction (a savepoint inside the lock's transaction on SQLite). */
  beginStep(): Promise<void>;
  commitStep(): Promise<void>;
  rollbackStep(): Promise<void>;
  /**
   * Runs `work` outside any transaction (for `-- migrate:transaction off`); SQLite, whose lock
   * is a transaction, commits before and takes the lock again after.
   */
  outsideTransaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Checks after a step's statements, before it is recorded (SQLite: foreign_key_check).
   * Throws to fail the step; what it only warns about is returned by takeWarnings().
   * Transactional steps run it inside runTransactionalStep.
   */
  checkStep?(): Promise<void>;
  /** Warnings found since the last call (e.g. foreign-key violations while enforcement is off). */
  takeWarnings?(): string[];

  /**
   * The backup method, checked before any downgrade: the dump tool is on PATH and not older
   * than the server (BackupToolError says which to install, or to pass --no-backup).
   */
  backupTool(): Promise<string>;
  /** The restore method, checked before a restore takes the lock: its tool is on PATH (no --no-backup to offer). */
  restoreTool(): Promise<string>;
  /** Writes a backup of the whole database, except `excludeTables` where the tool can; a lock wait past `lockWaitMs` ends it (an ALTER in progress). */
  backup(file: string, excludeTables: readonly string[], lockWaitMs?: number): Promise<void>;
  /** Restores a file written by `backup`, outside any transaction, keeping the lock where it can; a lock wait past `lockWaitMs` ends it, and a failure says what it left. */
  restore(file: string, lockWaitMs?: number): Promise<void>;
  /** SQLite's backup is the whole file, state tables included; dumps leave them out. */
  readonly backupIncludesStateTables: boolean;
  /** File extension of backups. */
  readonly backupExtension: string;

  /**
   * Schema rehearsals (the TUI's schema tab): a copy of the database to try a migration on,
   * so the real one is never locked (SQLite, from the file's bytes).
   */
  rehearsalCopy?(): Promise<DatabaseAdapter>;
  /**
   * Inside a rehearsal's transaction: give up on a lock or a statement after these limits
   * (PostgreSQL's SET LOCAL lock_timeout / statement_timeout) instead of queueing behind the
   * application; `timeoutOf` says which limit an error hit.
   */
  limitRehearsal?(limits: RehearsalLimits): Promise<void>;
  timeoutOf?(error: unknown): 'lock' | 'statement' | null;

  /**
   * Lock discipline: the statements that start each transactional step (PostgreSQL:
   * `SET LOCAL lock_timeout` / `statement_timeout`), so a migration gives up on a lock instead
   * of queueing the application behind it; run/lock-retry.ts retries the step.
   */
  stepLimits?(limits: LockLimits): readonly string[];
  /**
   * Lock discipline of steps that run statement by statement, outside a transaction (every
   * MySQL/MariaDB migration: `SET SESSION lock_wait_timeout`): run before the step, and
   * `reset` after it.
   */
  trackedStepLimits?(limits: LockLimits): { readonly set: readonly string[]; readonly reset: readonly string[] };
  /** Statements bounding the lock waits of the reads between them (the state read), the session's own limit kept and put back; absent on SQLite (its busy timeout bounds reads). */
  readLockLimit?(waitMs: number): { readonly set: string; readonly restore: string };
  /**
   * The sessions the running statement waits for, from a second connection (PostgreSQL
   * pg_blocking_pids; MariaDB METADATA_LOCK_INFO, else open transactions).
   */
  blockingSessions?(): Promise<BlockingSession[]>;

  /**
   * A second connection that only reads, for figures shown while looking (a confirmation's
   * row counts): read-only, and on servers each statement limited to `timeoutMs` and a lock
   * wait to a fraction of it, so looking never hangs nor queues in front of the application.
   */
  readOnlyProbe?(timeoutMs: number): Promise<ReadOnlyProbe>;

  /**
   * Asks the server to cancel the statement running on this connection, from a second
   * short-lived connection (PostgreSQL pg_cancel_backend, MySQL/MariaDB KILL QUERY); true
   * when the server took the request. Absent where a statement cannot be interrupted
   * (SQLite runs it on this thread): the run then stops after it.
   */
  cancelRunning?(): Promise<boolean>;

  /**
   * For a throwaway database (verify's scratch ones): trade durability for speed where the
   * database allows it on the session (SQLite synchronous=OFF, PostgreSQL synchronous_commit=off).
   */
  relaxDurability?(): Promise<void>;

  tableExists(name: string): Promise<boolean>;
  /** Where each unqualified name resolves now (the schema holding it, else the one CREATE uses): the state tables are pinned there, so a migration's `SET search_path` / `USE` cannot move them. */
  homeSchemas?(names: readonly string[]): Promise<ReadonlyArray<string | null>>;
  /**
   * The schema, normalised for comparison (schema-snapshot.ts): tables, columns, indexes,
   * constraints, triggers, views, sequences, enums, routines — what the database has of them.
   */
  schema(exclude: readonly string[]): Promise<SchemaSnapshot>;
  close(): Promise<void>;
}

/** A read-only connection (see readOnlyProbe). */
export interface ReadOnlyProbe {
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/** Lock discipline settings (config `locks`); 0 turns a limit off. */
export interface LockLimits {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Tries of a step that hit the lock timeout, the first included. */
  readonly tries: number;
  /** Wait before the second try; doubled for each further one. */
  readonly backoffMs: number;
}

export const DEFAULT_LOCK_LIMITS: LockLimits = { lockTimeoutMs: 5000, statementTimeoutMs: 0, tries: 3, backoffMs: 500 };

/** A session holding a lock the migration waits for. */
export interface BlockingSession {
  /** How the database numbers sessions: `pid` (PostgreSQL, the default) or `connection` (MySQL/MariaDB). */
  readonly kind?: 'pid' | 'connection';
  readonly pid: number;
  readonly application: string;
  readonly state: string;
  readonly queryStart: string | null;
  readonly query: string;
  readonly waitsFor?: readonly number[]; // the sessions it waits for in turn (PostgreSQL: a queued ALTER behind the real holder)
}

/** How long a rehearsal may wait for a lock, and run one statement. */
export interface RehearsalLimits {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

/** A query with `?` placeholders. */

export interface StepProgress {
  /** Before each statement of a sequential step: throws to stop there (a cancel), and the step rolls back. */
  beforeStatement?(index: number): Promise<void>;
  statementStart(index: number): void;
  statementEnd(index: number): void;
}

export interface StepFailure {
  /** The statement that failed (0-based); equal to the count when a finishing query failed. */
  readonly index: number;
  readonly error: unknown;
}

/** Statements as a list, or (a large file's chunk) as one text of `count` statements. */
export type StatementBatch = readonly string[] | TextBatch;

export interface TextBatch {
  readonly text: string;
  readonly count: number;
  /** The same statements one by one: for drivers that send them so, and to find a failing one. */
  statements(): readonly string[];
}

export function isTextBatch(batch: StatementBatch): batch is TextBatch {
  return !Array.isArray(batch);
}

export function batchSize(batch: StatementBatch): number {
  return isTextBatch(batch) ? batch.count : (batch as readonly string[]).length;
}

/** A batch run in one call failed at statement `index` (0-based, in the step). */
export class BatchFailure extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super(String(error));
  }
}

/** Runs a batch in one call where a driver can (`fits`), else one statement at a time. */
export interface ManyAtOnce {
  fits(batch: StatementBatch): boolean;
  /** Runs the batch starting at statement `index`; throws BatchFailure naming the failing statement. */
  run(batch: StatementBatch, index: number): Promise<void>;
}

/**
 * The plain form of runTransactionalStep: one query at a time, for drivers that do not
 * pipeline, or a batch at once where `many` fits.
 */
export async function sequentialStep(db: DatabaseAdapter, batches: Iterable<StatementBatch>, finish: StepFinish, progress: StepProgress, many?: ManyAtOnce): Promise<StepFailure | null> {
  let index = 0;
  await db.beginStep();
  try {
    for (const batch of batches) {
      if (many?.fits(batch)) {
        await progress.beforeStatement?.(index);
        progress.statementStart(index);
        await many.run(batch, index);
        index += batchSize(batch);
        progress.statementEnd(index - 1);
        continue;
      }
      for (const sql of isTextBatch(batch) ? batch.statements() : batch) {
        await progress.beforeStatement?.(index);
        progress.statementStart(index);
        await db.execute(sql);
        progress.statementEnd(index);
        index++;
      }
    }
    await db.checkStep?.();
    for (const q of finish()) await db.query(q.sql, q.params);
    await db.commitStep();
    return null;
  } catch (error) {
    await db.rollbackStep().catch(() => undefined);
    if (error instanceof BatchFailure) return { index: error.index, error: error.error };
    return { index, error };
  }
}

/** Shared by adapters: `?` → `$1…` for PostgreSQL. Only for our own SQL, which has no `?` in strings. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * The lock protocol of the server adapters: try without waiting; if taken, report who holds
 * it, then wait at most the timeout; on timeout, name the holder again (it may have changed).
 */
export async function lockWithWait(steps: {
  tryLock(): Promise<boolean>;
  holder(): Promise<string | null>;
  waitLock(): Promise<boolean>;
  onWait(holder: string | null): void;
  timeout(holder: string | null): Error;
}): Promise<void> {
  if (await steps.tryLock()) return;
  const holder = await steps.holder();
  steps.onWait(holder);
  if (!(await steps.waitLock())) throw steps.timeout((await steps.holder()) ?? holder);
}
