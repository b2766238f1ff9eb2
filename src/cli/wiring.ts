import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigFile, ConnectionTarget, DialectSyntax, Migrator, Project, RunEvent } from '../engine/index.js';
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
  readonly onEvent?: (event: RunEvent) => void;
  /** Runs the work on the open Migrator (a fleet's cancel handling); default: the one-database Ctrl-C handler. */
  readonly guard?: <T>(m: Migrator, work: () => Promise<T>) => Promise<T>;
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

/** Paths stay as the user typed them (so messages read `migrations/…:3`) unless run elsewhere. */
export function resolveDir(io: CliIo, dir: string): string {
  return isAbsolute(dir) || io.cwd === process.cwd() ? dir : resolve(io.cwd, dir);
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
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('expected a whole number of seconds, 1 or more.');
  return Number(value);
}

export function commaList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

export function parallelism(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('expected a whole number of targets at once per server, 1 or more.');
  return Number(value);
}
