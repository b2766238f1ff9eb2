import type { ConnectionTarget, LeaseSettings, LintStore, LockLimits, Project, StateTableNames, WaitingReport } from '../engine/index.js';

/** The plain data types of the TUI session (session.ts). */

/** One line of the history pane: a revision with its marks, or a connector of the graph. */
export interface HistoryLine {
  readonly graph: string;
  readonly id: string | null;
  readonly message: string;
  readonly labels: readonly string[];
  readonly applied: boolean;
  readonly current: boolean;
  readonly head: boolean;
  readonly drift: boolean;
  readonly dirty: boolean;
  readonly gap: boolean;
}

export interface LoggedStatement {
  readonly at: string;
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly sql: string;
}

export interface SessionOptions {
  readonly dir: string;
  readonly target: ConnectionTarget;
  readonly tables: StateTableNames;
  readonly toolVersion: string;
  readonly lockTimeoutMs: number;
  /** Lock discipline of each step (config `locks`); default: lock_timeout 5 s, 3 tries. */
  readonly lockLimits?: LockLimits;
  readonly lease?: LeaseSettings; // the lease lock's timings (servers without advisory locks)
  readonly stealStaleLock?: boolean;
  readonly backupDir: string;
  readonly readOnly: boolean;
  /** The folder as the CLI already read it (down files lazily), so it is not read twice. */
  readonly project?: Project;
  /**
   * The lint results kept between runs (the user's cache folder; read-only with --read-only):
   * the history's marks are read from it when an earlier lint of the same history kept them,
   * and kept there when computed. None: always computed, never kept.
   */
  readonly lintStore?: LintStore | null;
  /** "schemaFile" in the config: written again after a run that changed the version rows, as the CLI does. */
  readonly schemaFile?: { readonly path: string; readonly shown: string; readonly lockWaitMs: number };
  /** `--wait`: told while the first connection waits for a server that is not up yet (the opening frame says it). */
  readonly waiting?: WaitingReport;
}
