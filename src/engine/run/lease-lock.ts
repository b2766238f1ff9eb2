import { randomBytes } from 'node:crypto';
import type { ConnectionTarget } from '../connection.js';
import type { DatabaseAdapter } from '../dialects/adapter.js';
import { connectDatabase, whoAndWhere } from '../dialects/connect.js';
import { ConnectionLostError } from '../dialects/connection-link.js';
import { LockTimeoutError } from '../dialects/dialect-errors.js';
import { MigrateTuiError } from '../errors.js';
import { lockTableDdl, qualifiedName } from '../state-tables.js';

/** How long a lease lasts without a heartbeat, and how often the heartbeat renews it. */
export interface LeaseSettings {
  readonly durationMs: number;
  readonly heartbeatMs: number;
}

export const DEFAULT_LEASE: LeaseSettings = { durationMs: 30_000, heartbeatMs: 10_000 };

/** The lease row as read, with the server's clock at the time of reading. */
export interface LeaseHolder {
  readonly owner: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  readonly toolVersion: string;
  readonly startedMs: number;
  readonly renewedMs: number;
  readonly expiresMs: number;
  readonly heartbeats: number;
  /** The server's clock when the row was read: every age is measured on the server. */
  readonly nowMs: number;
}

/** A lease whose time ran out: its owner stopped renewing it (killed, or cut off). */
export function isStale(h: LeaseHolder): boolean {
  return h.expiresMs < h.nowMs;
}

function seconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return s < 120 ? `${Math.round(s * 10) / 10} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 360) / 10} h`;
}

/** Who holds the lease and how fresh it is, in one phrase ("held by …" as the other locks say it). */
export function describeHolder(h: LeaseHolder): string {
  const who = `${h.user}@${h.host} pid ${h.pid} (migrate-tui ${h.toolVersion})`;
  const since = `taken ${seconds(h.nowMs - h.startedMs)} ago at ${new Date(h.startedMs).toISOString()}`;
  return isStale(h)
    ? `a STALE lease of ${who}, ${since}; it expired ${seconds(h.nowMs - h.expiresMs)} ago (last heartbeat ${seconds(h.nowMs - h.renewedMs)} ago)`
    : `a lease held by ${who}, ${since}; renewed ${seconds(h.nowMs - h.renewedMs)} ago, valid ${seconds(h.expiresMs - h.nowMs)} more`;
}

/** The lease as JSON for `status --json`. */
export function leaseJson(h: LeaseHolder) {
  return { user: h.user, host: h.host, pid: h.pid, toolVersion: h.toolVersion, startedAt: new Date(h.startedMs).toISOString(), ageMs: h.nowMs - h.startedMs, renewedAgoMs: h.nowMs - h.renewedMs, expiresInMs: h.expiresMs - h.nowMs, heartbeats: h.heartbeats, stale: isStale(h) };
}

/** The last run's lease expired: its owner is probably gone, but it is taken over only when asked. */
export class StaleLockError extends MigrateTuiError {
  constructor(holder: LeaseHolder, display: string) {
    super(
      'stale-lock',
      `the migration lock on ${display} is ${describeHolder(holder)}`,
      `if that process is gone (check pid ${holder.pid} on ${holder.host}), run again with --steal-stale-lock to take the lease over; a live lease is never taken over`,
      { holder: leaseJson(holder) },
    );
  }
}

/**
 * Reads the lease row with a plain SELECT: null when the table or the row is not there. It
 * never creates the table and takes no lock, so `status`, the TUI and --read-only may call it.
 */
export async function readLease(db: DatabaseAdapter, table: string, name: string): Promise<LeaseHolder | null> {
  if (!(await db.tableExists(table))) return null;
  const q = (n: string) => db.syntax.quoteIdentifier(n);
  const cols = ['owner', 'os_user', 'host', 'pid', 'tool_version', 'started_ms', 'renewed_ms', 'expires_ms', 'heartbeats'];
  const rows = await db.query<Record<string, unknown>>(`SELECT ${cols.map(q).join(', ')}, ${db.syntax.serverMillis} AS ${q('now_ms')} FROM ${qualifiedName(table, q)} WHERE ${q('name')} = ?`, [name]);
  const r = rows[0];
  if (!r) return null;
  const n = (k: string) => Number(r[k]);
  return { owner: String(r.owner), user: String(r.os_user), host: String(r.host), pid: n('pid'), toolVersion: String(r.tool_version), startedMs: n('started_ms'), renewedMs: n('renewed_ms'), expiresMs: n('expires_ms'), heartbeats: n('heartbeats'), nowMs: n('now_ms') };
}

export interface LeaseEvents {
  /** The lease is held by a live run: waiting (once, before the first wait). */
  onWait(holder: string): void;
  /** A stale lease was taken over (with --steal-stale-lock): whose it was. */
  onStolen(previous: LeaseHolder): void;
  /** The lease is gone while the run holds it (taken over, or not renewed in time): the run must stop. */
  onLost(reason: string): void;
}

/**
 * The one-runner lock of a server without advisory locks: a row in the lock table, keyed by
 * the history it guards, with its owner, host, pid, start time and a lease that a heartbeat
 * renews. Taking it is one INSERT that does nothing when the row exists, or (a stale lease,
 * with --steal-stale-lock) one UPDATE conditional on the owner seen and the lease still
 * expired: the row count says who won, so two runners never both hold it. Every statement
 * runs on a second connection of its own, in autocommit, so the heartbeat goes on while the
 * run's connection is busy with a long statement, and the row is deleted even if that one died.
 */
export class LeaseLock {
  private conn: DatabaseAdapter | null = null;
  private readonly owner = randomBytes(12).toString('hex');
  private readonly who = whoAndWhere();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private stopped = false;
  private lastRenewed = 0;

  constructor(
    private readonly connection: ConnectionTarget,
    private readonly table: string,
    /** The row's key: the version table it guards (one history per version table). */
    private readonly name: string,
    private readonly settings: LeaseSettings,
    private readonly toolVersion: string,
    private readonly events: LeaseEvents,
  ) {}

  private sql(db: DatabaseAdapter) {
    const q = (n: string) => db.syntax.quoteIdentifier(n);
    const t = qualifiedName(this.table, q);
    const now = db.syntax.serverMillis;
    const who = ['owner', 'os_user', 'host', 'pid', 'tool_version'];
    return {
      insert: db.syntax.insertRowIfAbsent(t, ['name', ...who, 'started_ms', 'renewed_ms', 'expires_ms', 'heartbeats'].map(q), ['?', '?', '?', '?', '?', '?', now, now, `${now} + ?`, '0']),
      steal: `UPDATE ${t} SET ${who.map((c) => `${q(c)} = ?`).join(', ')}, ${q('started_ms')} = ${now}, ${q('renewed_ms')} = ${now}, ${q('expires_ms')} = ${now} + ?, ${q('heartbeats')} = 0 WHERE ${q('name')} = ? AND ${q('owner')} = ? AND ${q('expires_ms')} < ${now}`,
      renew: `UPDATE ${t} SET ${q('renewed_ms')} = ${now}, ${q('expires_ms')} = ${now} + ?, ${q('heartbeats')} = ${q('heartbeats')} + 1 WHERE ${q('name')} = ? AND ${q('owner')} = ?`,
      release: `DELETE FROM ${t} WHERE ${q('name')} = ? AND ${q('owner')} = ?`,
    };
  }

  private get mine(): unknown[] {
    return [this.owner, this.who.user.slice(0, 255), this.who.host.slice(0, 255), process.pid, this.toolVersion.slice(0, 32)];
  }

  /** Takes the lease, waiting at most `timeoutMs` for a live one; a stale one is refused unless `steal`. */
  async acquire(timeoutMs: number, steal: boolean): Promise<void> {
    const db = await connectDatabase(this.connection, 'migrate-tui lease');
    this.conn = db;
    try {
      await this.ensureTable(db);
      const sql = this.sql(db);
      const deadline = Date.now() + timeoutMs;
      let waited = false;
      let vanished = 0;
      for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
        if ((await db.update(sql.insert, [this.name, ...this.mine, this.settings.durationMs])) === 1) break;
        const holder = await readLease(db, this.table, this.name);
        if (holder === null) {
          // Released between the two statements: try again at once (a few times, then it is not that).
          if (++vanished > 5) throw new Error(`the lease row of ${this.name} in ${this.table} could neither be inserted nor read`);
          continue;
        }
        if (isStale(holder)) {
          if (!steal) throw new StaleLockError(holder, this.connection.display);
          if ((await db.update(sql.steal, [...this.mine, this.settings.durationMs, this.name, holder.owner])) === 1) {
            this.events.onStolen(holder);
            break;
          }
          continue; // another runner took it over first, or its owner renewed it: look again
        }
        if (!waited) this.events.onWait(describeHolder(holder));
        waited = true;
        const left = deadline - Date.now();
        if (left <= 0) throw new LockTimeoutError(timeoutMs, describeHolder(holder), this.connection.display);
        await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
      }
    } catch (error) {
      this.conn = null;
      await db.close().catch(() => undefined);
      throw error;
    }
    this.lastRenewed = Date.now();
    this.schedule();
  }

  /** Creates the lock table if missing; a runner that lost the race to create it goes on. */
  private async ensureTable(db: DatabaseAdapter): Promise<void> {
    if (await db.tableExists(this.table)) return;
    try {
      await db.execute(lockTableDdl(db.syntax, this.table));
    } catch (error) {
      if (!(await db.tableExists(this.table))) throw error;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.beating = this.beat();
    }, this.settings.heartbeatMs);
  }

  private async beat(): Promise<void> {
    const db = this.conn;
    if (!db || this.stopped) return;
    try {
      const renewed = await this.onLease((lease) => lease.update(this.sql(lease).renew, [this.settings.durationMs, this.name, this.owner]));
      if (renewed === 0) {
        this.events.onLost('another run took the lease over (its row has another owner now)');
        return;
      }
      this.lastRenewed = Date.now();
    } catch (error) {
      if (Date.now() - this.lastRenewed > this.settings.durationMs) {
        this.events.onLost(`the heartbeat could not renew the lease for ${seconds(Date.now() - this.lastRenewed)}: ${(error as Error).message}`);
        return;
      }
    }
    this.schedule();
  }

  /** Stops the heartbeat and deletes the row (only if it is still ours), then closes the connection. */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.beating;
    if (!this.conn) return;
    try {
      await this.onLease((db) => db.update(this.sql(db).release, [this.name, this.owner]));
    } finally {
      await this.conn?.close().catch(() => undefined);
      this.conn = null;
    }
  }

  /**
   * `work` on the lease's connection; one that ended (the server ended that session, or
   * restarted) is opened again first. The lease is a row, on the server's clock, whose owner
   * token says whose it is — nothing of it went with the session, unlike the run's own
   * connection (its advisory lock, its transaction: see ConnectionLink). Without this, a
   * killed heartbeat session cancelled a healthy run once the lease ran out, and its release
   * failed, leaving the row to block the next runs until it expired.
   */
  private async onLease<T>(work: (db: DatabaseAdapter) => Promise<T>): Promise<T> {
    try {
      return await work(this.conn!);
    } catch (error) {
      if (!(error instanceof ConnectionLostError)) throw error;
      const old = this.conn;
      this.conn = await connectDatabase(this.connection, 'migrate-tui lease');
      await old?.close().catch(() => undefined);
      return work(this.conn);
    }
  }
}
