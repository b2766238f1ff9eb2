import type mysql from 'mysql2/promise';
import { ConnectWatch, tcpPeer } from './connect-guard.js';
import { RESTORE_HINT, restoreFailed, runTool } from './dump-tools.js';
import { mysqlToolConnection, watchedDump } from './mysql-dump-watch.js';
import { mysqlTool } from './mysql-tools.js';
import { LockTimeoutError } from './dialect-errors.js';
import { asConnectionLost, endedConnection } from './connection-link.js';
import { goneClientPort, mysqlOrphanNote } from './orphan-session.js';
import type { StepFinish } from './step-finish.js';
import { lockWithWait, sequentialStep, type BlockingSession, type LockLimits, type ReadOnlyProbe, type StatementBatch, type DatabaseAdapter, type Query, type SchemaSnapshot, type StepFailure, type StepProgress } from './adapter.js';
import type { DialectSyntax } from './dialect.js';
import { mariadbSyntax } from './mariadb.js';
import { mysqlQueryFormat, mysqlSyntax } from './mysql.js';
import { mysqlSchema } from './mysql-schema.js';
import { mysqlBlockers } from './mysql-blockers.js';
import { detectMysqlFamily, settleCapabilities, syntaxFor, type Capabilities, type CapabilitySettings } from './capabilities.js';

/** The driver, loaded by the first `open` (the bundled engine loads no driver until one is used). */
let driver: typeof mysql | undefined;
/** MySQL and MariaDB through mysql2, on one connection; the lock is GET_LOCK. */
export class MysqlAdapter implements DatabaseAdapter {
  readonly backupIncludesStateTables = false;
  readonly backupExtension = 'sql';
  /** A migration's statement left the session with autocommit off (its OK packet said so): the next state row turns it back on first. */
  private autocommitOff = false;
  private constructor(
    private readonly url: string,
    private readonly conn: mysql.Connection,
    readonly syntax: DialectSyntax,
    readonly display: string,
    readonly databaseName: string,
    readonly serverVersion: string,
    private readonly lockName: string,
    readonly capabilities: Capabilities,
  ) {}

  static async open(url: string, display: string, databaseName: string, lockName: string, connectTimeoutMs = 10_000, settings?: { readonly capabilities?: CapabilitySettings; readonly from?: string }): Promise<MysqlAdapter> {
    // The whole handshake runs under one deadline, on a socket that checks the peer speaks MySQL.
    const peer = tcpPeer(url, 3306);
    const watch = new ConnectWatch('mysql', display, connectTimeoutMs, peer?.host ?? null, peer?.port ?? 3306);
    let opened: mysql.Connection | null = null;
    return watch.run(
      async () => {
        opened = await MysqlAdapter.connect(url, connectTimeoutMs, peer ? () => watch.socket() : undefined);
        return MysqlAdapter.identify(opened, url, display, databaseName, lockName, settings);
      },
      async () => opened?.destroy(),
    );
  }

  private static async connect(url: string, connectTimeoutMs: number, stream: (() => unknown) | undefined): Promise<mysql.Connection> {
    driver ??= (await import('mysql2/promise')).default;
    return driver.createConnection({
      ...(stream ? { stream } : {}),
      uri: url.replace(/^mariadb:/i, 'mysql:'),
      multipleStatements: false,
      queryFormat: mysqlQueryFormat,
      dateStrings: true,
      supportBigNumbers: true,
      // On our socket the watch decides the deadline (and says where it stalled); the driver's is a backstop.
      connectTimeout: connectTimeoutMs + (stream ? 2000 : 0),
      // mysql2 asks for IGNORE_SPACE (the server then adds it to the session's sql_mode, and
      // every routine and trigger created records it) and FOUND_ROWS (an UPDATE reports the
      // rows it matched, not changed, also to ROW_COUNT()). The mariadb client asks for
      // neither: sessions run with the server's sql_mode, as with that client.
      flags: ['-IGNORE_SPACE', '-FOUND_ROWS'],
      // mysql2/promise captures a stack trace on every query (for its errors' stacks): a cost
      // per statement and state row that no message of ours uses (errors say the statement,
      // file and line themselves).
      trace: false,
    });
  }

  private static async identify(conn: mysql.Connection, url: string, display: string, databaseName: string, lockName: string, settings?: { readonly capabilities?: CapabilitySettings; readonly from?: string }): Promise<MysqlAdapter> {
    // mysql2 sends utf8mb4_unicode_ci in the handshake; the server's own utf8mb4 collation
    // is what the mariadb client gets (it decides how string literals compare).
    // autocommit: the server's default may be off (autocommit=0 in its config, or init_connect);
    // every state row written outside a step's transaction must commit as it is written.
    await conn.query('SET NAMES utf8mb4, SESSION autocommit = 1');
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const version = String((rows as Array<{ v: string }>)[0]!.v);
    const isMariadb = /mariadb/i.test(version);
    const capabilities = settleCapabilities(detectMysqlFamily(version), settings?.capabilities, settings?.from ?? null);
    const product = capabilities.engine === 'TiDB' ? 'TiDB' : isMariadb ? 'MariaDB' : 'MySQL';
    return new MysqlAdapter(url, conn, syntaxFor(isMariadb ? mariadbSyntax : mysqlSyntax, capabilities), display, databaseName, `${product} ${version}`, lockName.slice(0, 64), capabilities);
  }

  /** KILL QUERY from a second, short-lived connection: the run's one is busy with the statement. */
  async cancelRunning(): Promise<boolean> {
    const other = await MysqlAdapter.connect(this.url, 5000, undefined);
    try {
      await other.query(`KILL QUERY ${Number(this.conn.threadId)}`);
      return true;
    } finally {
      other.destroy();
    }
  }

  /**
   * Lock discipline (every MySQL/MariaDB migration runs statement by statement): the session's
   * `lock_wait_timeout` (whole seconds; metadata locks, which DDL waits for) and, on MariaDB,
   * `max_statement_time` when a statement timeout is set; back to the server's defaults after.
   */
  trackedStepLimits(limits: LockLimits): { set: string[]; reset: string[] } {
    const set: string[] = [];
    const reset: string[] = [];
    if (limits.lockTimeoutMs > 0) {
      set.push(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(limits.lockTimeoutMs / 1000))}`);
      reset.push('SET SESSION lock_wait_timeout = DEFAULT');
    }
    if (limits.statementTimeoutMs > 0 && this.syntax.name === 'mariadb') {
      set.push(`SET SESSION max_statement_time = ${Math.max(0.001, limits.statementTimeoutMs / 1000)}`);
      reset.push('SET SESSION max_statement_time = DEFAULT');
    }
    return { set, reset };
  }

  /** lock_wait_timeout (whole seconds) for the reads; the session's own (a run's limits) kept in a user variable and put back. */
  readLockLimit(waitMs: number): { set: string; restore: string } {
    return { set: `SET @migrate_tui_kept_lock_wait = @@SESSION.lock_wait_timeout, SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(waitMs / 1000))}`, restore: 'SET SESSION lock_wait_timeout = @migrate_tui_kept_lock_wait' };
  }

  /** 1205 ER_LOCK_WAIT_TIMEOUT (metadata or row lock); 1969 (MariaDB) / 3024 (MySQL): the statement's time limit. */
  timeoutOf(error: unknown): 'lock' | 'statement' | null {
    const errno = (error as { errno?: number }).errno;
    return errno === 1205 ? 'lock' : errno === 1969 || errno === 3024 ? 'statement' : null;
  }

  /** Who this connection's statement waits for, from a second short-lived connection (mysql-blockers.ts). */
  async blockingSessions(): Promise<BlockingSession[]> {
    const other = await MysqlAdapter.connect(this.url, 5000, undefined);
    try {
      return await mysqlBlockers(async <T>(sql: string, params: readonly unknown[] = []) => (await other.query(sql, params as unknown[]))[0] as T[], Number(this.conn.threadId));
    } finally {
      other.destroy();
    }
  }

  /**
   * Read-only transactions; metadata-lock waits of 1 s (lock_wait_timeout takes whole
   * seconds) and each statement limited (MariaDB max_statement_time, MySQL max_execution_time).
   */
  async readOnlyProbe(timeoutMs: number): Promise<ReadOnlyProbe> {
    const other = await MysqlAdapter.connect(this.url, Math.max(1000, timeoutMs), undefined);
    const limit = this.syntax.name === 'mariadb' ? `max_statement_time = ${Math.max(0.001, timeoutMs / 1000)}` : `max_execution_time = ${Math.max(1, Math.round(timeoutMs))}`;
    try {
      await other.query('SET SESSION TRANSACTION READ ONLY');
      await other.query(`SET SESSION lock_wait_timeout = 1, SESSION ${limit}`);
    } catch (error) {
      other.destroy();
      throw error;
    }
    return { query: async <T>(sql: string) => (await other.query(sql))[0] as T[], close: async () => other.destroy() };
  }

  async execute(sql: string): Promise<void> {
    const [result] = await this.conn.query(sql);
    // SERVER_STATUS_AUTOCOMMIT (2) in the OK packet: a `SET autocommit = 0` of the migration's.
    if (!Array.isArray(result)) this.autocommitOff = ((result as mysql.ResultSetHeader).serverStatus & 2) === 0;
  }

  /** Before a state row after a migration's `SET autocommit = 0` (else the row and what ran before it would never commit): turning it back on commits what ran. */
  private async ownSession(): Promise<void> {
    if (!this.autocommitOff) return;
    this.autocommitOff = false;
    await this.conn.query('SET SESSION autocommit = 1').catch((e: unknown) => Promise.reject(asConnectionLost(e, this.display)));
  }

  /** A state query's result; a connection that ended under it says so (asConnectionLost: mysql2's error ended the command with exit 70). update's affectedRows: the rows changed (no FOUND_ROWS, see connect). */
  private async sent(sql: string, params: readonly unknown[]): Promise<unknown> {
    await this.ownSession();
    return (await this.conn.query(sql, params as unknown[]).catch((e: unknown) => Promise.reject(asConnectionLost(e, this.display))))[0];
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const rows = await this.sent(sql, params);
    return Array.isArray(rows) ? (rows as T[]) : [];
  }

  async update(sql: string, params: readonly unknown[]): Promise<number> {
    return Number(((await this.sent(sql, params)) as mysql.ResultSetHeader).affectedRows);
  }

  async insert(sql: string, params: readonly unknown[]): Promise<number> {
    return Number(((await this.sent(sql, params)) as mysql.ResultSetHeader).insertId);
  }

  async lock(timeoutMs: number, onWait: (holder: string | null) => void): Promise<void> {
    await lockWithWait({
      tryLock: async () => (await this.query<{ ok: number | null }>('SELECT GET_LOCK(?, 0) AS ok', [this.lockName]))[0]!.ok === 1,
      holder: () => this.lockHolder(),
      onWait,
      waitLock: async () => (await this.query<{ ok: number | null }>('SELECT GET_LOCK(?, ?) AS ok', [this.lockName, Math.max(1, Math.ceil(timeoutMs / 1000))]))[0]!.ok === 1,
      timeout: (holder) => new LockTimeoutError(timeoutMs, holder, this.display),
    });
  }

  async lockHolder(): Promise<string | null> {
    const [used] = await this.query<{ id: number | null }>('SELECT IS_USED_LOCK(?) AS id', [this.lockName]);
    if (used?.id == null) return null;
    const [who] = await this.query<{ USER: string; HOST: string; COMMAND: string; TIME: number; INFO: string | null }>(
      'SELECT USER, HOST, COMMAND, TIME, LEFT(INFO, 200) AS INFO FROM information_schema.PROCESSLIST WHERE ID = ?',
      [used.id],
    );
    if (!who) return `held by connection ${used.id}`;
    // TIME is how long the session has been in its current state (its statement running, or
    // idle): not how long it has held the lock, which no server view says.
    const time = who.COMMAND === 'Query' ? `its current statement running for ${who.TIME} s` : who.COMMAND === 'Sleep' ? `idle for ${who.TIME} s` : `${who.COMMAND} for ${who.TIME} s`;
    const gone = goneClientPort(who.HOST);
    return `held by connection ${used.id} (${who.USER}@${who.HOST}, ${time})` + (gone === null ? '' : mysqlOrphanNote(gone, { id: Number(used.id), command: who.COMMAND, info: who.INFO }));
  }

  async unlock(): Promise<void> {
    await this.query('SELECT RELEASE_LOCK(?)', [this.lockName]).catch((e: unknown) => (endedConnection(e) ? undefined : Promise.reject(e))); // a session that ended released it
  }

  runTransactionalStep(batches: Iterable<StatementBatch>, finish: StepFinish, progress: StepProgress): Promise<StepFailure | null> {
    return sequentialStep(this, batches, finish, progress);
  }

  async beginStep(): Promise<void> {
    await this.conn.query('START TRANSACTION');
  }

  async commitStep(): Promise<void> {
    await this.conn.query('COMMIT');
  }

  async rollbackStep(): Promise<void> {
    await this.conn.query('ROLLBACK');
  }

  outsideTransaction<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  private checkedTool(kind: 'dump' | 'client', restoring = false): { path: string; version: string } {
    return mysqlTool(kind, this.syntax.name === 'mariadb', this.serverVersion, restoring);
  }

  async backupTool(): Promise<string> {
    const tool = this.checkedTool('dump');
    this.checkedTool('client');
    return `${tool.path.split('/').pop()} ${tool.version}`;
  }

  async restoreTool(): Promise<string> {
    const tool = this.checkedTool('client', true);
    return `${tool.path.split('/').pop()} ${tool.version}`;
  }

  /** A metadata lock the dump waits for gives up after `lockWaitMs` (watchedDump), as pg_dump's --lock-wait-timeout. */
  async backup(file: string, excludeTables: readonly string[], lockWaitMs?: number): Promise<void> {
    const { path } = this.checkedTool('dump');
    const { args, env } = mysqlToolConnection(this.url);
    const ignore = excludeTables.map((t) => `--ignore-table=${this.databaseName}.${t}`);
    const dump = () => runTool(path, [...args, '--single-transaction', '--routines', '--triggers', '--add-drop-table', '--skip-lock-tables', ...ignore, `--result-file=${file}`, this.databaseName], { env, stopOnExit: true });
    if (!lockWaitMs) return dump();
    const watcher = await MysqlAdapter.connect(this.url, 5000, undefined);
    await watchedDump(watcher, this.databaseName, lockWaitMs, path.split('/').pop()!, dump).finally(() => watcher.destroy());
  }

  async restore(file: string, lockWaitMs?: number): Promise<void> {
    const { path } = this.checkedTool('client', true);
    const { args, env } = mysqlToolConnection(this.url);
    // Rows commit whatever autocommit a new session gets; a table an application holds open ends it after the lock wait, not a day.
    const wait = lockWaitMs ? `, SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(lockWaitMs / 1000))}` : '';
    const failed = { oneTransaction: false, product: this.syntax.name === 'mariadb' ? 'MariaDB' : 'MySQL', sessions: 'SHOW PROCESSLIST', ...(lockWaitMs ? { lockWaitMs } : {}) };
    await runTool(path, [...args, `--init-command=SET SESSION autocommit = 1${wait}`, this.databaseName], { stdinFile: file, env, hint: RESTORE_HINT }).catch((e: unknown) => Promise.reject(restoreFailed(e, failed)));
  }

  /** `db.table` looks in that database (MySQL's schemas are databases); a bare name in the connected one. */
  async tableExists(name: string): Promise<boolean> {
    const dot = name.indexOf('.');
    const rows =
      dot < 0
        ? await this.query('SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [name])
        : await this.query('SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [name.slice(0, dot), name.slice(dot + 1)]);
    return rows.length > 0;
  }

  /** The URL's database: what unqualified names meant when the session opened. */
  readonly homeSchemas = async (names: readonly string[]): Promise<ReadonlyArray<string | null>> => names.map(() => this.databaseName || null);

  schema(exclude: readonly string[]): Promise<SchemaSnapshot> {
    return mysqlSchema((text) => this.query(text), exclude);
  }

  async close(): Promise<void> {
    await this.conn.end();
  }
}
