import { connectDatabase, type ConnectOptions } from './dialects/connect.js';
import { redact, type ConnectionTarget } from './connection.js';
import { MigrateTuiError } from './errors.js';
import { Migrator } from './migrator.js';
import type { Project } from './project.js';
import type { LockLimits } from './dialects/adapter.js';
import { describeHolder, readLease, type LeaseSettings } from './run/lease-lock.js';
import type { RunEvent } from './run/events.js';
import type { StateTableNames } from './state-tables.js';
import { resultLine } from './fleet/outcome.js';
import { hintOnTarget } from './fleet/target-hint.js';
import { recordsApplied, toolName } from './run/other-tools.js';
import { describeOtherTool, stampArguments } from './run/other-tools-map.js';

/** What the fleet view shows of one target: read without writing or locking. */
export interface TargetState {
  readonly dialect: string;
  readonly serverVersion: string;
  /** The version rows (empty: base). */
  readonly heads: readonly string[];
  readonly pending: number;
  /** The revisions an upgrade to heads would apply. */
  readonly pendingRevisions: readonly string[];
  /** `up of 0003 (2 of 5 statements)` when a step did not finish. */
  readonly dirty: string | null;
  /** Revisions whose file changed since they were applied. */
  readonly drift: number;
  readonly gaps: number;
  /** Applied revisions whose files are missing (an upgrade with anything to apply is refused until they are back or reverted). */
  readonly missing: readonly string[];
  /** Who holds the migration lock (a lease: `a lease held by …` or `a STALE lease of …`); `null`: nobody; `undefined`: the database cannot tell without locking (SQLite). */
  readonly lock: string | null | undefined;
  /**
   * First contact with a database another tool migrated (first-contact.ts), null otherwise:
   * `tool`, `golang-migrate (schema_migrations: version 2, not dirty)` (or that its table is unreadable);
   * `stamp`, the stamp's arguments that take it over (`a b`: several targets; null: none fits). Upgrades refuse until it is
   * taken over, and say why and how in full.
   */
  readonly otherTool: { readonly tool: string; readonly stamp: string | null } | null;
  /** The newest log row: when, what, by whom, how it ended. */
  readonly lastRun: { readonly at: string; readonly what: string; readonly by: string; readonly status: string } | null;
}

/** How to reach a target's state: the folder, the state tables and this tool's version. */
export interface TargetAccess {
  readonly project: Project;
  readonly tables: StateTableNames;
  readonly toolVersion: string;
  readonly lockTimeoutMs: number;
  readonly lockLimits?: LockLimits;
  /** The lease lock's timings (servers without advisory locks), as one database gets them. */
  readonly lease?: LeaseSettings;
  /** --steal-stale-lock: runs take over a lease whose owner stopped renewing it. */
  readonly stealStaleLock?: boolean;
}

/** The lock name a target's connection uses (as the CLI and the TUI name it for one database). */
export const lockNameOf = (target: ConnectionTarget, tables: StateTableNames) => `migrate_tui:${target.databaseName}:${tables.version}`;

/**
 * Opens a target, runs `work` on its Migrator, and always closes the connection. Only a
 * write passes `create` (a missing SQLite file is refused when looking).
 */
export async function withTarget<T>(target: ConnectionTarget, access: TargetAccess, work: (m: Migrator) => Promise<T>, options: ConnectOptions = {}, onEvent?: (event: RunEvent) => void): Promise<T> {
  const db = await connectDatabase(target, lockNameOf(target, access.tables), options);
  try {
    const m = new Migrator(access.project, db, { tables: access.tables, toolVersion: access.toolVersion, lockTimeoutMs: access.lockTimeoutMs, connection: target, ...(access.lockLimits ? { lockLimits: access.lockLimits } : {}), ...(access.lease ? { lease: access.lease } : {}), stealStaleLock: access.stealStaleLock ?? false, ...(onEvent ? { onEvent } : {}) });
    return await work(m);
  } finally {
    await db.close();
  }
}

/** Reads one target's state: plain reads only (no lock, no table created, no file created). */
export function inspectTarget(target: ConnectionTarget, access: TargetAccess): Promise<TargetState> {
  return withTarget(target, access, async (m) => {
    const state = await m.readState();
    const last = state.log[state.log.length - 1];
    // A server locked by a lease (no advisory locks): the lease row, live or STALE, read with a plain SELECT.
    const lease = m.db.capabilities.lock === 'lease' ? await readLease(m.db, access.tables.lock, access.tables.version) : undefined;
    const lock = lease !== undefined ? (lease ? describeHolder(lease) : null) : m.db.lockHolder ? await m.db.lockHolder() : undefined;
    const d = state.dirty;
    const other = (state.otherTools ?? []).find(recordsApplied);
    const otherTool = other ? { tool: other.unreadable ? `${toolName(other.tool)}'s ${other.table}, which this user may not read` : describeOtherTool(other), stamp: stampArguments(other) } : null;
    return {
      dialect: m.db.syntax.name,
      serverVersion: m.db.serverVersion,
      heads: [...state.versionRows],
      pending: state.pending.length,
      pendingRevisions: [...state.pending],
      dirty: d ? `${d.direction} of ${d.revision} (${d.statementsDone} of ${d.statementsTotal} statements)` : null,
      drift: state.drift.length,
      gaps: state.gaps.length,
      missing: state.missing.map((x) => x.revision),
      lock,
      otherTool,
      lastRun: last ? { at: last.finishedAt ?? last.startedAt, what: `${last.kind === 'migrate' ? (last.direction === 'up' ? '↑' : '↓') : last.kind} ${last.revision}`, by: `${last.osUser}@${last.host}`, status: last.status } : null,
    };
  });
}

/**
 * One line for an error on a target: the message (password masked, a long one cut) and the
 * hint, whole (it says what to do). `named`: a fleet target, whose hint's commands then name
 * it (`--targets --only <name>`), so copying one acts on that target.
 */
export function targetErrorText(error: unknown, target: ConnectionTarget, named?: { readonly name: string; readonly targetsFile: string | null }): string {
  if (error instanceof MigrateTuiError) {
    const hint = named ? hintOnTarget(error.hint, named.name, named.targetsFile) : error.hint;
    return redact(`${resultLine(error.message)} (→ ${hint.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')})`, target);
  }
  return redact(resultLine(error instanceof Error ? error.message : String(error)), target);
}
