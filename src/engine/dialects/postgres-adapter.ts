// Longer than 300 lines because it is the whole DatabaseAdapter for one driver: connect, locks, pipelined steps with their state rows, backups and probes.
import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import { ConnectWatch, sslInsisted, tcpPeer } from './connect-guard.js';
import { asConnectionLost, ConnectionLink, ConnectionLostError } from './connection-link.js';
import { BackupToolError, findExecutable, RESTORE_HINT, restoreFailed, runTool, toolVersion } from './dump-tools.js';
import { describeBlockers } from './describe-blockers.js';
import { LockTimeoutError } from './dialect-errors.js';
import { gonePid, orphanNote } from './orphan-session.js';
import { qualifiedName } from './dialect.js';
import { isTextBatch, lockWithWait, numberedPlaceholders, type BlockingSession, type DatabaseAdapter, type ReadOnlyProbe, type LockLimits, type StatementBatch, type Query, type RehearsalLimits, type SchemaSnapshot, type StepFailure, type StepProgress } from './adapter.js';
import { SqlExpression, type ServerTiming, type StepFinish } from './step-finish.js';
import { postgresSyntax } from './postgres.js';
import { detectPostgresFamily, settleCapabilities, syntaxFor, type Capabilities, type CapabilitySettings } from './capabilities.js';
import type { DialectSyntax } from './dialect.js';
import { postgresSchema } from './postgres-schema.js';

let pg: typeof postgres | undefined; // loaded by the first open(): the bundled engine loads no driver until one is used
/** `?` placeholders replaced by literals: E'' strings (backslashes and quotes escaped, whatever standard_conforming_strings says), numbers, NULL. */
export function inlineValues(text: string, params: readonly unknown[]): string {
  let k = 0;
  return text.replace(/\?/g, () => {
    const v = params[k++];
    if (v === null || v === undefined) return 'NULL';
    if (v instanceof SqlExpression) return v.sql;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
    return `E'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  });
}
/**
 * A pipelined step's state rows are sent with its statements: the server times them. The
 * duration is the server's since the step's BEGIN (`now()` is the transaction's start); the
 * finish time is the row's start (the client's clock, like every other time in the log) plus
 * that, so a log row never mixes two clocks.
 */
// Qualified: a migration's search_path may put a schema with its own now() before pg_catalog.
// statement_timestamp(), the row's statement's start (read only once the statements before it have
// run), is one value for the whole INSERT: clock_timestamp() was read once per column, and on a busy
// server the finish time and the duration of one row differed by 4 ms (CI rehearsal).
const SINCE_BEGIN = 'pg_catalog.statement_timestamp() - pg_catalog.now()';
export const POSTGRES_STEP_TIMING: ServerTiming = {
  finishedAt: (startedAt) => new SqlExpression(`pg_catalog.to_char((${inlineValues('?', [startedAt])}::timestamptz + (${SINCE_BEGIN})) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`),
  // Truncated to the millisecond, as to_char's MS truncates the finish time: finished_at − started_at is exactly the duration (::integer rounded it, 1 ms more about half the time).
  durationMs: new SqlExpression(`pg_catalog.floor(extract(epoch FROM ${SINCE_BEGIN}) * 1000)::integer`),
};

/** A statement that may change the session's client encoding (SET client_encoding / NAMES, RESET, set_config). */
const ENCODING_CHANGE = /client_encoding|\bnames\b|\breset\b/i;

/** A statement that builds an index CONCURRENTLY: when it fails, PostgreSQL keeps the index, INVALID. */
const CONCURRENT_INDEX = /\b(?:CREATE\s+(?:UNIQUE\s+)?INDEX|REINDEX)\b[\s\S]*?\bCONCURRENTLY\b/i;

/** The failed statement's error, with what it left behind in the database (`leftBehind`, read by the runner's report). */
function withLeftBehind(error: unknown, left: ReadonlyArray<{ name: string; table: string }>): unknown {
  if (left.length === 0 || !(error instanceof Error)) return error;
  const names = left.map((i) => `${i.name} on ${i.table}`).join(', ');
  const drops = left.map((i) => `DROP INDEX CONCURRENTLY ${i.name};`).join(' ');
  return Object.assign(error, {
    leftBehind:
      `the failed statement left ${left.length === 1 ? 'an INVALID index' : `${left.length} INVALID indexes`} behind: ${names} (PostgreSQL keeps the index of a failed CONCURRENTLY build; ` +
      `queries do not use it, writes still update it); drop ${left.length === 1 ? 'it' : 'them'} (${drops}) before a resume runs the statement again`,
  });
}

/** Statements sent per pipelined batch: bounded memory, still few round trips. */
const PIPELINE_BATCH = 1000;

/** PostgreSQL through `postgres` (porsager), on one connection; the lock is pg_advisory_lock. */
export class PostgresAdapter implements DatabaseAdapter {
  readonly syntax: DialectSyntax;
  readonly backupIncludesStateTables = false;
  readonly backupExtension = 'pgdump';
  private constructor(
    private readonly url: string,
    private readonly sql: postgres.Sql,
    readonly display: string,
    readonly databaseName: string,
    readonly serverVersion: string,
    private readonly lockKey: number,
    /** The backend pid of this connection, for pg_cancel_backend from a second one. */
    private readonly backendPid: number,
    readonly capabilities: Capabilities,
    /** The search_path the connection opened with: the schema is read there (see `schema`). */
    private readonly homePath: string,
    /** Lost once the connection ends under the run: nothing more is sent (see ConnectionLink). */
    private readonly link: ConnectionLink,
  ) {
    this.syntax = syntaxFor(postgresSyntax, capabilities);
  }

  static async open(url: string, display: string, databaseName: string, lockName: string, applicationName: string, connectTimeoutMs = 10_000, settings?: { readonly capabilities?: CapabilitySettings; readonly from?: string }): Promise<PostgresAdapter> {
    // The whole handshake runs under one deadline, on a socket that checks the peer speaks PostgreSQL.
    const peer = tcpPeer(url, 5432);
    const watch = new ConnectWatch('postgres', display, connectTimeoutMs, peer?.host ?? null, peer?.port ?? 5432, sslInsisted(url));
    const link = new ConnectionLink(display);
    const driver = (pg ??= (await import('postgres')).default)(url, {
      max: 1,
      onnotice: () => {},
      fetch_types: false, // its array-type query is not awaited: a dropped connection then ended the process (fleet run)
      connect_timeout: Math.max(1, Math.ceil(connectTimeoutMs / 1000)) + (peer ? 2 : 0), // on our socket, the watch decides
      idle_timeout: 0,
      connection: { application_name: applicationName.slice(0, 63) },
      // Keep values as the database prints them: the state tables hold text.
      types: {},
      // No second session behind the run's back: a lost connection is not opened again (see ConnectionLink).
      // Queries the driver still holds then would wait for ever for a connection it may not open: ended, they fail.
      onclose: () => link.closed() && void driver.end({ timeout: 0 }),
      ...(peer ? { socket: () => (link.guard(), watch.socket()) } : {}),
    } as postgres.Options<Record<string, never>>);
    const sql = guarded(driver, link);
    return watch.run(
      async () => {
        // `SHOW server_version` names its column server_version; current_setting() lets us name it.
        const [row] = await sql.unsafe<Array<{ v: string; pid: number; full: string; path: string }>>("SELECT current_setting('server_version') AS v, pg_backend_pid() AS pid, version() AS full, current_setting('search_path') AS path");
        // A 31-bit key from the lock name, so pg_locks shows it whole in objid.
        const key = createHash('sha256').update(lockName).digest().readUInt32BE(0) & 0x7fffffff;
        const capabilities = settleCapabilities(detectPostgresFamily(row!.full), settings?.capabilities, settings?.from ?? null);
        const product = capabilities.engine === 'PostgreSQL' ? 'PostgreSQL' : `${capabilities.engine} (PostgreSQL`;
        return new PostgresAdapter(url, sql, display, databaseName, `${product} ${row!.v}${product === 'PostgreSQL' ? '' : ')'}`, key, Number(row!.pid), capabilities, row!.path, link);
      },
      () => (link.ending(), driver.end({ timeout: 0 })),
    );
  }

  /** pg_cancel_backend from a second, short-lived connection: the run's one is busy with the statement. */
  async cancelRunning(): Promise<boolean> {
    const other = pg!(this.url, { max: 1, onnotice: () => {}, fetch_types: false, connect_timeout: 5, idle_timeout: 0, connection: { application_name: 'migrate-tui cancel' } });
    try {
      const [row] = await other.unsafe<Array<{ ok: boolean | string }>>('SELECT pg_cancel_backend($1) AS ok', [this.backendPid]);
      return row?.ok === true || row?.ok === 't';
    } finally {
      await other.end({ timeout: 1 });
    }
  }

  stepLimits(limits: LockLimits): readonly string[] {
    return [
      ...(limits.lockTimeoutMs > 0 ? [`SET LOCAL lock_timeout = '${Math.round(limits.lockTimeoutMs)}ms'`] : []),
      ...(limits.statementTimeoutMs > 0 ? [`SET LOCAL statement_timeout = '${Math.round(limits.statementTimeoutMs)}ms'`] : []),
    ];
  }

  /** Session-wide for the reads (never inside a step's transaction); the session's own value (a migration may have SET it) kept in a custom setting and put back. */
  readLockLimit(waitMs: number): { set: string; restore: string } {
    return {
      set: `SELECT pg_catalog.set_config('migrate_tui.kept_lock_timeout', pg_catalog.current_setting('lock_timeout'), false), pg_catalog.set_config('lock_timeout', '${Math.max(1, Math.round(waitMs))}ms', false)`,
      restore: "SELECT pg_catalog.set_config('lock_timeout', pg_catalog.current_setting('migrate_tui.kept_lock_timeout'), false)",
    };
  }

  /** pg_blocking_pids of this connection's backend, asked from a second short-lived connection (this one is waiting). */
  blockingSessions(): Promise<BlockingSession[]> {
    return this.blockingSessionsOf(this.backendPid);
  }

  /** Who backend `pid` waits for, asked from a second short-lived connection (this one may be the one waiting). */
  private async blockingSessionsOf(pid: number): Promise<BlockingSession[]> {
    const other = pg!(this.url, { max: 1, onnotice: () => {}, fetch_types: false, connect_timeout: 5, idle_timeout: 0, connection: { application_name: 'migrate-tui lock check' } });
    try {
      // The sessions it waits for, and theirs in turn: an ALTER queued for the lock is what a read waits behind, and
      // the session it waits for (idle in transaction, often) is the one to end.
      const rows = await other.unsafe<Array<{ pid: number; app: string; state: string; started: Date | null; query: string; behind: string | null }>>(
        `WITH direct AS (SELECT unnest(pg_blocking_pids($1)) AS pid), second AS (SELECT DISTINCT unnest(pg_blocking_pids(pid)) AS pid FROM direct)
         SELECT a.pid, a.application_name AS app, a.state, a.query_start AS started, left(a.query, 120) AS query,
                CASE WHEN a.pid IN (SELECT pid FROM direct) THEN array_to_string(pg_blocking_pids(a.pid), ',') END AS behind
           FROM pg_stat_activity a WHERE a.pid IN (SELECT pid FROM direct UNION SELECT pid FROM second) ORDER BY a.pid IN (SELECT pid FROM direct) DESC, a.pid`,
        [pid],
      );
      return rows.map((r) => ({ pid: r.pid, application: r.app, state: r.state, queryStart: r.started ? new Date(r.started).toISOString() : null, query: r.query, ...(r.behind ? { waitsFor: r.behind.split(',').map(Number) } : {}) }));
    } finally {
      await other.end({ timeout: 1 });
    }
  }

  /** Read-only by default_transaction_read_only, statement_timeout and lock_timeout set at connect. */
  async readOnlyProbe(timeoutMs: number): Promise<ReadOnlyProbe> {
    const ms = Math.max(1, Math.round(timeoutMs));
    const other = pg!(this.url, {
      max: 1, onnotice: () => {}, fetch_types: false,
      connect_timeout: Math.max(1, Math.ceil(ms / 1000)),
      idle_timeout: 0,
      connection: { application_name: 'migrate-tui counts', default_transaction_read_only: 'on', statement_timeout: String(ms), lock_timeout: String(Math.max(1, Math.round(ms / 10))) } as Record<string, string>,
    });
    return { query: async <T>(sql: string) => (await other.unsafe(sql)) as unknown as T[], close: () => other.end({ timeout: 1 }) };
  }

  async execute(text: string): Promise<void> {
    // The simple protocol: one round trip, and no server-side prepare of a statement that
    // runs once. A migration's statement has no parameters to bind.
    if (!CONCURRENT_INDEX.test(text)) return void (await this.sql.unsafe(text).simple());
    const before = new Set((await this.invalidIndexes()).map((i) => i.oid));
    try {
      await this.sql.unsafe(text).simple();
    } catch (error) {
      throw withLeftBehind(error, await this.invalidIndexes().then((after) => after.filter((i) => !before.has(i.oid)), () => []));
    }
  }

  /** The INVALID indexes now (a failed or cancelled CREATE/REINDEX … CONCURRENTLY leaves one). */
  private async invalidIndexes(): Promise<Array<{ oid: string; name: string; table: string }>> {
    const rows = await this.sql.unsafe(
      `SELECT i.indexrelid::text AS oid, i.indexrelid::regclass::text AS name, i.indrelid::regclass::text AS "table" FROM pg_index i WHERE NOT i.indisvalid`,
    );
    return rows as unknown as Array<{ oid: string; name: string; table: string }>;
  }

  /**
   * postgres.js sends and reads UTF-8; a migration's `SET client_encoding` (or `SET NAMES`) made
   * the server read the tool's next state rows in that encoding ('Zoë' kept as 'ZoÃ«'). The
   * server reports the change (ParameterStatus): the setting is put back before the tool's own
   * SQL, so it lasts until the end of the migration's step.
   */
  private foreignEncoding(): boolean {
    const encoding = (this.sql as unknown as { parameters?: Record<string, string> }).parameters?.client_encoding;
    return encoding !== undefined && encoding.toUpperCase() !== 'UTF8';
  }

  private static readonly UTF8 = "SET client_encoding = 'UTF8'";

  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      if (this.foreignEncoding()) await this.sql.unsafe(PostgresAdapter.UTF8).simple();
      return (await this.sql.unsafe(numberedPlaceholders(text), params as never[])) as unknown as T[];
    } catch (error) {
      throw asConnectionLost(error, this.display);
    }
  }

  async insert(text: string, params: readonly unknown[]): Promise<number> {
    const rows = await this.query<{ id: string | number }>(`${text} RETURNING id`, params);
    return Number(rows[0]!.id);
  }

  async update(text: string, params: readonly unknown[]): Promise<number> {
    try {
      if (this.foreignEncoding()) await this.sql.unsafe(PostgresAdapter.UTF8).simple();
      const result = await this.sql.unsafe(numberedPlaceholders(text), params as never[]);
      return Number(result.count ?? 0);
    } catch (error) {
      throw asConnectionLost(error, this.display);
    }
  }

  async lock(timeoutMs: number, onWait: (holder: string | null) => void): Promise<void> {
    await lockWithWait({
      tryLock: async () => (await this.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(?) AS ok', [this.lockKey]))[0]!.ok,
      holder: () => this.lockHolder(),
      onWait,
      // Poll between sleeps instead of blocking in pg_advisory_lock: a waiting statement holds
      // a snapshot, and CREATE INDEX CONCURRENTLY in the holder's run waits for every older
      // snapshot, so blocked waiters and the index build deadlocked (PostgreSQL killed one).
      waitLock: async () => {
        const deadline = Date.now() + timeoutMs;
        for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
          const left = deadline - Date.now();
          if (left <= 0) return false;
          await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
          if ((await this.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(?) AS ok', [this.lockKey]))[0]!.ok) return true;
        }
      },
      timeout: (holder) => new LockTimeoutError(timeoutMs, holder, this.display),
    });
    this.link.pin(); // the lock is this session's: a new one would not hold it
  }

  async lockHolder(): Promise<string | null> {
    const rows = await this.query<{ pid: number; usename: string; client_addr: string | null; application_name: string; backend_start: string; state: string | null; query: string | null }>(
      `SELECT a.pid, a.usename, host(a.client_addr) AS client_addr, a.application_name, a.backend_start::text AS backend_start, a.state, left(a.query, 200) AS query
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = ? AND l.pid <> pg_backend_pid()
          -- advisory locks are per database; the same key in another database is someone else's
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [this.lockKey],
    );
    const h = rows[0];
    if (!h) return null;
    const gone = gonePid(h.application_name);
    return `held by ${h.application_name || 'a session'} as ${h.usename} from ${h.client_addr ?? 'a local socket'}, pid ${h.pid}, connected since ${h.backend_start}` + (gone === null ? '' : orphanNote(gone, h));
  }

  async unlock(): Promise<void> {
    // A session that ended took its advisory lock with it.
    if (this.link.lost) return;
    await this.query('SELECT pg_advisory_unlock(?)', [this.lockKey]);
    this.link.unpin();
  }

  /**
   * A step is pipelined on the one connection: BEGIN, the lock limits, the statements, then
   * the state rows and COMMIT are sent without waiting for each answer — across the batches
   * the step comes in (the limits are a batch of their own), so a small step is one write and
   * one wait — at most PIPELINE_BATCH unanswered at a time (a step of millions of statements
   * must not queue millions of queries at once). Each query gets its own result, so the first
   * failure is known exactly; the queries after it fail as "transaction aborted", and the
   * COMMIT of an aborted transaction only rolls back: the state rows are committed only with
   * every statement. They are sent before the statements answer, so the server times them
   * (POSTGRES_STEP_TIMING). The server runs the queries in order, so statement k+1 starts when
   * k's answer arrives: that is when its progress event says so.
   */
  async runTransactionalStep(batches: Iterable<StatementBatch>, finish: StepFinish, progress: StepProgress): Promise<StepFailure | null> {
    // The step's transaction and pipeline are this session's (a run under a lease holds no advisory lock).
    this.link.pin();
    try {
      // The connection had ended before a query of the step was sent: a failure of the step, rolled back for certain (no COMMIT went).
      return await this.pipelinedStep(batches, finish, progress).catch((error: unknown) => (error instanceof ConnectionLostError && error.unsentAt !== undefined ? { index: error.unsentAt, error } : Promise.reject(error)));
    } finally {
      this.link.unpin();
    }
  }

  private async pipelinedStep(batches: Iterable<StatementBatch>, finish: StepFinish, progress: StepProgress): Promise<StepFailure | null> {
    // Queries are lazy in postgres.js: execute() sends each now, so they go in this order.
    // sent[i] is statement statementOf[i] of the step (BEGIN counts as the first one's).
    const sent: Array<Promise<unknown>> = [];
    // What each has answered so far: after a lost connection, some never will.
    const answers: Array<PromiseSettledResult<unknown> | undefined> = [];
    const statementOf: number[] = [];
    const send = (sql: string, statement: number, then?: () => void) => {
      // Lost before this was sent (between two steps, a lock retry's pause, a server restart): the COMMIT never was.
      if (this.link.lost) throw new ConnectionLostError(this.display, statement);
      const at = sent.length;
      statementOf.push(statement);
      const query = this.sql.unsafe(sql).simple().execute();
      const answered = then ? query.then(then) : query;
      answered.then((value) => (answers[at] = { status: 'fulfilled', value }), (reason: unknown) => (answers[at] = { status: 'rejected', reason }));
      sent.push(answered);
    };
    send('BEGIN', 0);
    const settle = async (): Promise<StepFailure | null> => {
      // A query the driver holds when the connection ends may never settle: the loss ends the wait.
      const lost = this.link.whenLost();
      const ran = await Promise.race([Promise.allSettled(sent), lost.promise.catch(() => sent.map((_, k) => answers[k]))]).finally(() => lost.end());
      const failed = ran.findIndex((r) => r?.status !== 'fulfilled');
      if (failed >= 0) return { index: statementOf[failed]!, error: ran[failed]?.status === 'rejected' ? ran[failed].reason : this.link.lost };
      sent.length = 0;
      answers.length = 0;
      statementOf.length = 0;
      return null;
    };
    let index = 0;
    let encodingMayChange = false;
    for (const given of batches) {
      for (const sql of isTextBatch(given) ? given.statements() : given) {
        const k = index++;
        if (k === 0) progress.statementStart(0);
        encodingMayChange ||= ENCODING_CHANGE.test(sql);
        send(sql, k, () => {
          progress.statementEnd(k);
          progress.statementStart(k + 1);
        });
        if (sent.length >= PIPELINE_BATCH) {
          const failure = await settle();
          if (failure) return this.abandon(failure);
        }
      }
    }
    // The state rows with their values written in (simple protocol): with parameters, postgres.js
    // sends Parse + Describe and waits for the answer before it can bind, a round trip more per
    // step with the pipeline stalled behind it. Not a prepared statement either: a migration's
    // DEALLOCATE ALL would make postgres.js retry it after the COMMIT, outside the transaction.
    // A failure from here on is the state rows' or the COMMIT's: index = the statement count.
    // They are sent before the statements have run: where one may change the client encoding, UTF-8 is set back first.
    if (encodingMayChange || this.foreignEncoding()) send(PostgresAdapter.UTF8, index);
    for (const q of finish(POSTGRES_STEP_TIMING)) send(inlineValues(q.sql, q.params), index);
    send('COMMIT', index);
    // Every query answered, the COMMIT included: the transaction is over (an aborted one's COMMIT
    // rolls it back). A ROLLBACK now would only put "there is no transaction in progress" in the server's log.
    return settle();
  }

  private async abandon(failure: StepFailure): Promise<StepFailure> {
    // A connection ending as the step failed (pg_terminate_backend: its error, then the close)
    // leaves the ROLLBACK queued for ever in the driver: the loss ends the wait (the server
    // rolls back a transaction whose session ended).
    const lost = this.link.whenLost();
    await Promise.race([(async () => this.sql.unsafe('ROLLBACK').simple())(), lost.promise]).catch(() => undefined).finally(() => lost.end());
    return failure;
  }

  async beginStep(): Promise<void> {
    await this.sql.unsafe('BEGIN').simple();
  }

  async commitStep(): Promise<void> {
    await this.sql.unsafe('COMMIT').simple();
  }

  async rollbackStep(): Promise<void> {
    this.rehearsalPath = null;
    await this.sql.unsafe('ROLLBACK').simple();
  }

  outsideTransaction<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  /**
   * The search_path a rehearsal began with: the schema after it is read there (SET LOCAL, rolled
   * back with it), not where a rehearsed `SET search_path` moved the session (the diff then said
   * every table of the schema was removed).
   */
  private rehearsalPath: string | null = null;

  async limitRehearsal(limits: RehearsalLimits): Promise<void> {
    await this.sql.unsafe(`SET LOCAL lock_timeout = '${Math.max(1, Math.round(limits.lockTimeoutMs))}ms'`).simple();
    await this.sql.unsafe(`SET LOCAL statement_timeout = '${Math.max(1, Math.round(limits.statementTimeoutMs))}ms'`).simple();
    this.rehearsalPath = (await this.query<{ p: string }>("SELECT current_setting('search_path') AS p"))[0]!.p;
  }

  /** 55P03 lock_not_available (lock_timeout); 57014 query_canceled (statement_timeout). */
  timeoutOf(error: unknown): 'lock' | 'statement' | null {
    const code = (error as { code?: string }).code;
    return code === '55P03' ? 'lock' : code === '57014' ? 'statement' : null;
  }

  /** Connection options for pg_dump/pg_restore; the password goes in PGPASSWORD, not argv. */
  private toolConnection(): { args: string[]; env: Record<string, string> } {
    const u = new URL(this.url);
    const args = ['--host', decodeURIComponent(u.hostname) || 'localhost', '--port', u.port || '5432', '--dbname', decodeURIComponent(u.pathname.slice(1))];
    if (u.username) args.push('--username', decodeURIComponent(u.username));
    return { args, env: u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {} };
  }

  private async checkedTool(name: 'pg_dump' | 'pg_restore'): Promise<{ path: string; version: string }> {
    const path = findExecutable(name);
    const [row] = await this.query<{ n: string }>("SELECT current_setting('server_version_num') AS n");
    const serverMajor = Math.floor(Number(row!.n) / 10000);
    // A restore has no --no-backup to offer: only the tools.
    const restoring = name === 'pg_restore';
    const orSkip = restoring ? '' : ', or pass --no-backup to go on without a backup';
    if (!path) {
      throw new BackupToolError(`${name} is not installed (not on PATH), so ${restoring ? 'no backup can be restored' : 'no backup can be taken before the downgrade'}`, `install the PostgreSQL ${serverMajor} client tools (Debian: postgresql-client-${serverMajor})${orSkip}`, { tool: name, serverMajor });
    }
    const version = toolVersion(path, /(\d+)(?:\.\d+)+/);
    if (!version || version.major < serverMajor) {
      throw new BackupToolError(`${name} ${version?.text ?? '(unknown version)'} is older than the server (PostgreSQL ${serverMajor}) and cannot ${restoring ? 'restore a dump of it' : 'dump it'}`, `install the PostgreSQL ${serverMajor} client tools${restoring ? '' : ', or pass --no-backup'}`, { tool: name, serverMajor, toolVersion: version?.text });
    }
    return { path, version: version.text };
  }

  async backupTool(): Promise<string> {
    const tool = await this.checkedTool('pg_dump');
    return `pg_dump ${tool.version}`;
  }

  async restoreTool(): Promise<string> {
    const tool = await this.checkedTool('pg_restore');
    return `pg_restore ${tool.version}`;
  }

  async backup(file: string, excludeTables: readonly string[], lockWaitMs?: number): Promise<void> {
    const { path } = await this.checkedTool('pg_dump');
    const { args, env } = this.toolConnection();
    const exclude = excludeTables.flatMap((t) => ['--exclude-table', qualifiedName(t, postgresSyntax.quoteIdentifier)]);
    const wait = lockWaitMs ? [`--lock-wait-timeout=${Math.max(1, Math.round(lockWaitMs))}`] : [];
    // --encoding: else the dump takes the session's default client_encoding (postgresql.conf, the
    // role or database), and a LATIN1 one failed the backup on any text outside Latin-1.
    await runTool(path, ['--format=custom', '--encoding=UTF8', '--no-owner', '--no-privileges', ...wait, ...exclude, '--file', file, ...args], { env, stopOnExit: true }).catch((error: unknown) => {
      // --lock-wait-timeout gives up through a statement timeout on its LOCK TABLE: said as the lock wait it is.
      const locked = error instanceof BackupToolError ? /statement timeout.*Query was: LOCK TABLE (\S+)/.exec(error.message) : null;
      if (!locked) throw error;
      throw new BackupToolError(`pg_dump waited ${Math.round(lockWaitMs! / 100) / 10} s for a lock on ${locked[1]} and gave up: another session holds it (an ALTER or a LOCK TABLE in progress?); no backup was written`, 'run it again when that session has finished (pg_stat_activity), or pass --no-backup to go on without a backup', { ...(error as BackupToolError).meta, lockTimeout: true });
    });
  }

  async restore(file: string, lockWaitMs?: number): Promise<void> {
    const { path } = await this.checkedTool('pg_restore');
    const { args, env } = this.toolConnection();
    // pg_restore sets lock_timeout = 0 itself (the archive's preamble): its wait is watched from
    // here instead, and a wait past the limit is cancelled (one transaction: rolled back).
    const app = `migrate-tui restore ${process.pid}`;
    const watch = lockWaitMs ? this.watchLockWait(app, lockWaitMs) : null;
    try {
      await runTool(path, ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', ...args, file], { env: { ...env, PGAPPNAME: app }, hint: RESTORE_HINT });
    } catch (error) {
      const cancelled = (await watch?.stop()) ?? null;
      throw restoreFailed(error, { oneTransaction: true, product: 'PostgreSQL', sessions: 'pg_stat_activity', ...(lockWaitMs ? { lockWaitMs } : {}), ...(cancelled ? { cancelledBehind: describeBlockers(cancelled) } : {}) });
    } finally {
      await watch?.stop();
    }
  }

  /**
   * Watches the backend with application name `app` (a tool's): when it has waited for a lock
   * for `waitMs`, its holders are read and its statement cancelled. `stop()` ends the watch and
   * says whom it was cancelled behind (null: not cancelled).
   */
  private watchLockWait(app: string, waitMs: number): { stop(): Promise<BlockingSession[] | null> } {
    let since: number | null = null;
    let cancelled: BlockingSession[] | null = null;
    let running = true;
    let timer: NodeJS.Timeout | null = null;
    let looking: Promise<void> = Promise.resolve();
    const look = async () => {
      const [row] = await this.query<{ pid: number; waiting: boolean }>("SELECT pid, wait_event_type = 'Lock' AS waiting FROM pg_catalog.pg_stat_activity WHERE application_name = ? LIMIT 1", [app]);
      since = row?.waiting ? (since ?? Date.now()) : null;
      if (row && since !== null && Date.now() - since >= waitMs) {
        cancelled = await this.blockingSessionsOf(row.pid);
        await this.query('SELECT pg_catalog.pg_cancel_backend(?)', [row.pid]);
        running = false;
      }
    };
    const next = () => {
      if (running) timer = setTimeout(() => (looking = look().catch(() => undefined).then(next)), 250);
    };
    next();
    return {
      stop: async () => {
        running = false;
        if (timer) clearTimeout(timer);
        await looking;
        return cancelled;
      },
    };
  }

  async relaxDurability(): Promise<void> {
    await this.sql.unsafe('SET synchronous_commit = off').simple();
  }

  async tableExists(name: string): Promise<boolean> {
    const [row] = await this.query<{ ok: boolean }>('SELECT to_regclass(?) IS NOT NULL AS ok', [qualifiedName(name, postgresSyntax.quoteIdentifier)]);
    return row!.ok;
  }

  async homeSchemas(names: readonly string[]): Promise<ReadonlyArray<string | null>> {
    const where = (k: number) => `coalesce((SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)), current_schema()) AS s${k}`;
    const [row] = await this.query<Record<string, string | null>>(`SELECT ${names.map((_, k) => where(k)).join(', ')}`, names.map((n) => postgresSyntax.quoteIdentifier(n)));
    return names.map((_, k) => row?.[`s${k}`] ?? null);
  }

  /**
   * Read in the search_path the connection opened with (a rehearsal: the one it began with): a
   * migration's `SET search_path` (verify runs them on this session) moved current_schema(), and
   * every table of the schema read as removed. Outside a transaction, in one rolled back.
   */
  async schema(exclude: readonly string[]): Promise<SchemaSnapshot> {
    const read = () => postgresSchema((text) => this.query(text), exclude);
    const pin = (path: string) => this.query("SELECT set_config('search_path', ?, true)", [path]);
    if (this.rehearsalPath !== null) return pin(this.rehearsalPath).then(read);
    if ((await this.query<{ p: string }>("SELECT current_setting('search_path') AS p"))[0]!.p === this.homePath) return read();
    await this.sql.unsafe('BEGIN').simple();
    try {
      return await pin(this.homePath).then(read);
    } finally {
      await this.sql.unsafe('ROLLBACK').simple();
    }
  }

  async close(): Promise<void> {
    this.link.ending();
    await this.sql.end({ timeout: 5 });
  }
}

/** The driver's queries, each refused once the connection is lost (it would open a new session). */
function guarded(sql: postgres.Sql, link: ConnectionLink): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'unsafe' || typeof value !== 'function') return value;
      return (...args: unknown[]) => (link.guard(), (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

