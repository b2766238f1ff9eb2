import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import type { CapabilitySettings, CommandPlace, ConfigFile, ConnectionTarget, DialectSyntax, LeaseSettings, Migrator, Project, RunEvent } from '../engine/index.js';
import { engine } from './engine.js';
import type { CommandResult, GlobalOptions } from './command-result.js';
import type { CliIo } from './io.js';

/** Where a database command runs: the connection, the config and how to report. */
export interface DatabaseContext {
  readonly io: CliIo;
  readonly target: ConnectionTarget;
  readonly config: ConfigFile;
  readonly yes: boolean;
  readonly lockTimeoutMs: number;
  /** The lease lock's timings (servers without advisory locks) and whether a stale lease may be taken over. */
  readonly lease: LeaseSettings;
  readonly stealStaleLock: boolean;
  readonly onEvent?: (event: RunEvent) => void;
  /** Runs the work on the open Migrator (a fleet's cancel handling); default: the one-database Ctrl-C handler. */
  readonly guard?: <T>(m: Migrator, work: () => Promise<T>) => Promise<T>;
  /** A fleet target: the fleet asked once for all of them, knowing nothing of each one's state. */
  readonly fleet?: boolean;
}

/** What each command group needs to wire its commands: built once per run by program.ts. */
export interface Wiring {
  readonly io: CliIo;
  /**
   * Registers a command's action: `run` gets the command, the global options and its
   * arguments. With --targets it runs once per target (`each`), or once and handles the
   * fleet itself (`own`: lint, the fleet view).
   */
  add(command: Command, run: (command: Command, globals: GlobalOptions, ...args: unknown[]) => CommandResult | Promise<CommandResult>, fleet?: 'each' | 'own'): Command;
  configFile(): ConfigFile;
  database(globals: GlobalOptions): DatabaseContext;
  /** A database is configured (not only the embedded default), or the default file exists. */
  hasDatabase(globals: GlobalOptions): boolean;
  /** Loads the folder; graph-reading commands go on past content-only problems, with a warning. */
  project(globals: GlobalOptions, options?: { lazyDown?: boolean; refusesOnErrors?: boolean }): Project;
  /** Where backups go; a fleet target's go into a folder named after it. */
  backupDir(option?: string, globals?: GlobalOptions): string;
  /** On a terminal and not --json: the TUI opens instead of the headless form. */
  interactive(globals: GlobalOptions): boolean;
  openTui(globals: GlobalOptions, variant: 'main' | 'rollback'): Promise<CommandResult>;
}

/** What a command copied from a hint must repeat: --url (not with --targets, whose hints name the target). */
export function placeOf(g: GlobalOptions): CommandPlace {
  return { url: g.url !== undefined && g.targets === undefined };
}

/** Paths stay as the user typed them (so messages read `migrations/…:3`) unless run elsewhere. */
export function resolveDir(io: CliIo, dir: string): string {
  return isAbsolute(dir) || io.cwd === process.cwd() ? dir : resolve(io.cwd, dir);
}

/**
 * `--dir` as Atlas writes it, `file://migrations?format=golang-migrate`, or as a Flyway location,
 * `filesystem:sql` (flyway.conf's `flyway.locations`): the folder (the layout is detected from its
 * files). `filesystem:sql` was taken for a folder of that name: "the migrations folder does not
 * exist", with `migrate-tui init` (which would make it) as the way on.
 */
export function folderOfDirOption(value: string): string {
  const url = /^file:\/\/([^?]*)(\?.*)?$/.exec(value);
  if (url) return decodeURIComponent(url[1]!) || '.';
  const location = /^(filesystem|classpath):(.*)$/.exec(value);
  if (!location) return value;
  const [, kind, path] = location as unknown as [string, string, string];
  if (/,\s*(filesystem|classpath):/.test(path)) {
    throw new engine.UsageError(`--dir ${value} names several Flyway locations; migrate-tui reads one folder`, `pass one of them (\`--dir filesystem:sql\` is the folder sql), or move their files into one folder`);
  }
  if (kind === 'classpath') {
    const folder = path.replace(/^\/+/, '') || 'db/migration';
    throw new engine.UsageError(`--dir ${value} is a Flyway classpath location, a folder inside the application's jar`, `in the source tree it is usually src/main/resources/${folder}: --dir src/main/resources/${folder}`);
  }
  return path || '.';
}

export function dialectOption(name: string): DialectSyntax {
  const dialect = engine.findDialect(name);
  if (!dialect) throw new engine.UsageError(`unknown dialect "${name}"`, `use one of: ${engine.knownDialectSpellings()}`);
  return dialect;
}

export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return Number(value);
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('expected a whole number, 1 or more.');
  return Number(value);
}

/** `--wait-timeout`: seconds, or a duration as dbmate takes it (`90s`, `2m`, `1m30s`, `500ms`). */
export function waitDuration(value: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = /^\d+(\.\d+)?$/.test(value) ? [[value, value, 's']] : [...value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
  if (parts.map((p) => p[0]).join('') !== value || !(seconds > 0)) throw new InvalidArgumentError('expected seconds (60) or a duration (90s, 2m, 1m30s), above 0.');
  return seconds;
}

export function commaList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

export function parallelism(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('expected a whole number of targets at once per server, 1 or more.');
  return Number(value);
}

/**
 * The capabilities a connection is told instead of detecting them, by precedence:
 * --capabilities, the fleet target's "capabilities", the config file's (server URLs only:
 * SQLite's are fixed, and a fleet mixes both). Each flag keeps where it came from.
 */
export function withCapabilities(target: ConnectionTarget, option: string | undefined, config: ConfigFile): ConnectionTarget {
  const layers: Array<[CapabilitySettings | undefined, string]> = [
    [option === undefined ? undefined : engine.parseCapabilityList(option, '--capabilities'), '--capabilities'],
    [target.capabilities, target.capabilitiesFrom ?? target.source],
    [target.kind === 'sqlite' ? undefined : config.capabilities, engine.CONFIG_FILE],
  ];
  const settings: Record<string, boolean> = {};
  const from: string[] = [];
  for (const [layer, source] of layers.reverse()) {
    if (!layer || Object.keys(layer).length === 0) continue;
    Object.assign(settings, layer);
    from.unshift(source);
  }
  if (from.length === 0) return target;
  return { ...target, capabilities: settings as CapabilitySettings, capabilitiesFrom: [...new Set(from)].join(' and ') };
}

/** The lease's timings: MIGRATE_TUI_LEASE_DURATION / _HEARTBEAT (seconds), else the config's "lease", else 30 s and 10 s. */
export function leaseSettings(config: ConfigFile, env: Readonly<Record<string, string | undefined>>): LeaseSettings {
  const pick = (name: string, fromConfig: number | undefined, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fromConfig !== undefined ? fromConfig * 1000 : fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new engine.UsageError(`${name}="${text}" is not a number of seconds above 0`, `e.g. ${name}=0.5, or unset it`, { name });
    return value * 1000;
  };
  const durationMs = pick('MIGRATE_TUI_LEASE_DURATION', config.lease?.duration, engine.DEFAULT_LEASE.durationMs);
  const heartbeatMs = pick('MIGRATE_TUI_LEASE_HEARTBEAT', config.lease?.heartbeat, Math.min(engine.DEFAULT_LEASE.heartbeatMs, durationMs / 3));
  if (heartbeatMs >= durationMs) throw new engine.UsageError(`the lease's heartbeat (${heartbeatMs / 1000} s) must be shorter than its duration (${durationMs / 1000} s)`, 'a heartbeat of a third of the duration or less leaves room for a slow renewal ("lease" in migrate-tui.config.json, or MIGRATE_TUI_LEASE_DURATION / MIGRATE_TUI_LEASE_HEARTBEAT)', { durationMs, heartbeatMs });
  return { durationMs, heartbeatMs };
}
