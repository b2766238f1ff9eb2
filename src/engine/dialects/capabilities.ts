import { UsageError } from '../errors.js';
import type { DialectSyntax } from './dialect.js';

/**
 * What one connection's server can do, as far as migrations care: detected from the server
 * (`version()` naming CockroachDB, YugabyteDB or TiDB), then overridden by a setting (the
 * `--capabilities` option, a fleet target's `"capabilities"`, the config file's). The runner
 * and the planner read these flags; nothing asks which product it is.
 */
export interface Capabilities {
  /** The product, e.g. "PostgreSQL", "CockroachDB", "YugabyteDB", "MariaDB", "MySQL", "TiDB", "SQLite". */
  readonly engine: string;
  /**
   * Session advisory locks that really exclude (pg_try_advisory_lock, GET_LOCK). Without them
   * the one-runner lock is a lease row in the lock table, renewed by a heartbeat.
   */
  readonly advisoryLocks: boolean;
  /** DDL runs inside a transaction and rolls back with it; else every migration runs with dirty-tracking. */
  readonly transactionalDdl: boolean;
  /** `CREATE INDEX CONCURRENTLY` and its kin exist (PostgreSQL's online index builds). */
  readonly concurrently: boolean;
  /** Which lock the runner takes: the server's advisory lock, a lease row, or SQLite's lock on the file. */
  readonly lock: 'advisory' | 'lease' | 'file';
  /** The flags a setting changed from what was detected, and where that setting came from. */
  readonly overridden: readonly string[];
  readonly overriddenBy: string | null;
}

/** The flags a setting may change. */
export const CAPABILITY_FLAGS = ['advisoryLocks', 'transactionalDdl', 'concurrently'] as const;
export type CapabilityFlag = (typeof CAPABILITY_FLAGS)[number];
export type CapabilitySettings = Partial<Record<CapabilityFlag, boolean>>;

/** What the server says it is; the flags before any setting, and which of them a setting may turn on. */
export type Detected = Omit<Capabilities, 'lock' | 'overridden' | 'overriddenBy'> & {
  readonly canEnable: readonly CapabilityFlag[];
  /** SQLite: the lock is the file's, whatever a setting says. */
  readonly fileLock?: true;
};

const ALL = CAPABILITY_FLAGS;

/**
 * PostgreSQL-protocol servers by their `version()` text. CockroachDB's session advisory lock
 * functions are stubs that lock nothing, or missing (cockroachdb/cockroach#13546); YugabyteDB's
 * are not assumed (older versions refuse them); both run DDL outside the transaction and build
 * indexes online.
 */
export function detectPostgresFamily(version: string): Detected {
  if (/cockroachdb/i.test(version)) return { engine: 'CockroachDB', advisoryLocks: false, transactionalDdl: false, concurrently: true, canEnable: ALL };
  if (/-YB-|yugabyte/i.test(version)) return { engine: 'YugabyteDB', advisoryLocks: false, transactionalDdl: false, concurrently: true, canEnable: ALL };
  return { engine: 'PostgreSQL', advisoryLocks: true, transactionalDdl: true, concurrently: true, canEnable: ALL };
}

/** MySQL-protocol servers by their `VERSION()` text: TiDB's GET_LOCK is not assumed to be MySQL's. */
export function detectMysqlFamily(version: string): Detected {
  if (/tidb/i.test(version)) return { engine: 'TiDB', advisoryLocks: false, transactionalDdl: false, concurrently: false, canEnable: ['advisoryLocks'] };
  return { engine: /mariadb/i.test(version) ? 'MariaDB' : 'MySQL', advisoryLocks: true, transactionalDdl: false, concurrently: false, canEnable: ['advisoryLocks'] };
}

/** SQLite locks its file with BEGIN IMMEDIATE: no advisory lock, and no lease needed. */
export const SQLITE_CAPABILITIES: Detected = { engine: 'SQLite', advisoryLocks: false, transactionalDdl: true, concurrently: false, canEnable: [], fileLock: true };

/**
 * The detected flags with the settings applied. A setting that would make a run lie is
 * refused: SQLite needs no lease (its lock is the file's), and a server that commits DDL
 * implicitly (MySQL, MariaDB) cannot be told it is transactional.
 */
export function settleCapabilities(detected: Detected, settings: CapabilitySettings | undefined, from: string | null): Capabilities {
  const sqlite = detected.fileLock === true;
  const overridden: string[] = [];
  const flags = { advisoryLocks: detected.advisoryLocks, transactionalDdl: detected.transactionalDdl, concurrently: detected.concurrently };
  for (const flag of CAPABILITY_FLAGS) {
    const value = settings?.[flag];
    if (value === undefined) continue;
    if (sqlite) {
      throw new UsageError(`${from ?? 'a setting'} sets ${flag} for a SQLite database`, 'SQLite locks the file itself (BEGIN IMMEDIATE held for the run) and needs no lease; its capabilities are fixed: remove the setting for this database', { flag });
    }
    if (value && !detected[flag] && !detected.canEnable.includes(flag)) {
      const why = flag === 'transactionalDdl' ? `${detected.engine} commits DDL implicitly` : flag === 'concurrently' ? `${detected.engine} has no CREATE INDEX CONCURRENTLY` : `${detected.engine}'s advisory locks cannot be trusted`;
      throw new UsageError(`${from ?? 'a setting'} sets ${flag}=true, but ${why}`, `remove ${flag} from the setting (it can only turn a capability off here)`, { flag, engine: detected.engine });
    }
    if (value !== flags[flag]) overridden.push(flag);
    flags[flag] = value;
  }
  const lock = sqlite ? 'file' : flags.advisoryLocks ? 'advisory' : 'lease';
  return { engine: detected.engine, ...flags, lock, overridden, overriddenBy: overridden.length > 0 ? from : null };
}

/**
 * The dialect's syntax as this connection runs it: a server without transactional DDL plans
 * every migration with dirty-tracking, as MySQL's are.
 */
export function syntaxFor(base: DialectSyntax, capabilities: Capabilities): DialectSyntax {
  return capabilities.transactionalDdl === base.transactionalDdl ? base : { ...base, transactionalDdl: capabilities.transactionalDdl };
}

/** `advisoryLocks=false,transactionalDdl=false` (the `--capabilities` option). */
export function parseCapabilityList(text: string, from: string): CapabilitySettings {
  const settings: Record<string, boolean> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)\s*=\s*(true|false|on|off|yes|no)$/i.exec(part);
    if (!m || !(CAPABILITY_FLAGS as readonly string[]).includes(m[1]!)) {
      throw new UsageError(`${from}: "${part}" is not a capability setting`, `write NAME=true|false, comma-separated; names: ${CAPABILITY_FLAGS.join(', ')} (e.g. advisoryLocks=false)`, { part });
    }
    settings[m[1]!] = /^(true|on|yes)$/i.test(m[2]!);
  }
  return settings as CapabilitySettings;
}

/** The `"capabilities"` object of the config file or a fleet target. */
export function checkCapabilityObject(value: unknown, from: string): CapabilitySettings {
  const v = value as Record<string, unknown> | null;
  const ok = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(v).every(([k, x]) => (CAPABILITY_FLAGS as readonly string[]).includes(k) && typeof x === 'boolean');
  if (!ok) throw new UsageError(`${from}: "capabilities" must be an object like {"advisoryLocks": false}`, `its keys: ${CAPABILITY_FLAGS.join(', ')}, each true or false`, { from });
  return v as CapabilitySettings;
}

/** One line for `status` and the JSON: what the connection can do and which lock it uses. */
export function describeCapabilities(c: Capabilities): string {
  const lock = c.lock === 'advisory' ? 'advisory lock' : c.lock === 'lease' ? 'lease row with a heartbeat (no advisory locks)' : 'the file (BEGIN IMMEDIATE)';
  const parts = [`lock: ${lock}`, c.transactionalDdl ? 'transactional DDL' : 'DDL not transactional (dirty-tracking)', ...(c.concurrently ? ['CONCURRENTLY'] : [])];
  return `${c.engine}: ${parts.join(', ')}${c.overriddenBy ? ` (${c.overridden.join(', ')} set by ${c.overriddenBy})` : ''}`;
}
