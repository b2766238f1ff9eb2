import type { ConnectionTarget, Migrator, RunEvent } from '../engine/index.js';
import type { CliIo } from './io.js';

/** What a headless command produces: text for people, a JSON value for tools, an exit code. */
export interface CommandResult {
  readonly text: string;
  /** Text written a piece at a time after `text` (a long script), instead of built whole. */
  readonly textChunks?: () => Iterable<string>;
  readonly json: unknown;
  readonly exitCode?: number;
  /** The command wrote its output itself (io.out), to know it was delivered: nothing more is printed. */
  readonly written?: boolean;
}

/** Options every command accepts (defined once on the program). */
export interface GlobalOptions {
  readonly dir: string;
  readonly json: boolean;
  readonly yes: boolean;
  readonly dialect?: string;
  readonly url?: string;
  /** Every --url given, in order (`verify` takes one server per dialect). */
  readonly urls?: readonly string[];
  readonly lockTimeout?: number;
  readonly connectTimeout?: number;
  /** --wait / --wait-timeout: seconds to wait for a server that is not up yet. */
  readonly waitSeconds?: number;
  readonly readOnly?: boolean;
  /** --capabilities: flags set instead of detected (`advisoryLocks=false,…`). */
  readonly capabilities?: string;
  /** --steal-stale-lock: take over a lease whose owner stopped renewing it. */
  readonly stealStaleLock?: boolean;
  /** --targets: the fleet file (`true`: migrate-tui.targets.json). */
  readonly targets?: string | true;
  /** --only: target names and `tag:NAME`s. */
  readonly only?: readonly string[];
  readonly parallel?: number;
  readonly continueOnError?: boolean;
  /** Set by a fleet run: the command runs on this target, not on --url. */
  readonly fleetTarget?: FleetSlot;
}

/** One target of a fleet run, as a command's action sees it. */
export interface FleetSlot {
  readonly name: string;
  readonly target: ConnectionTarget;
  /** The target's own output (kept for its report). */
  readonly io: CliIo;
  readonly onEvent: (event: RunEvent) => void;
  /** Wraps the work on the open Migrator instead of the one-database Ctrl-C handler. */
  guard<T>(m: Migrator, work: () => Promise<T>): Promise<T>;
}
