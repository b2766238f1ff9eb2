/** Everything a run reports as it goes; the TUI, the plain reporter and --json consume it. */
export type RunEvent =
  | { type: 'lock-wait'; holder: string | null }
  | { type: 'lock-acquired' }
  /** About the lock itself: a stale lease taken over, a lease lost (the run then stops). */
  | { type: 'lock-notice'; message: string }
  /** `from`: a resume runs the statements from this one (1-based) on; absent: all of them. */
  | { type: 'step-start'; index: number; total: number; revision: string; direction: 'up' | 'down'; message: string; statements: number; from?: number }
  | { type: 'statement-start'; step: number; index: number; total: number; line: number; sql: string }
  | { type: 'statement-end'; step: number; index: number; durationMs: number }
  | { type: 'warning'; step: number; revision: string; message: string }
  /** Live while a step runs: who its statement waits for (`null`: no longer waiting). */
  | { type: 'lock-blocked'; step: number; holders: string | null }
  | { type: 'step-end'; index: number; revision: string; status: 'done' | 'failed'; durationMs: number };
