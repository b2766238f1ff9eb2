import { setFlagsFromString } from 'node:v8';

/** How PostgreSQL's parser (pg-parse.ts) is loaded. */
export interface ParserLoadOptions {
  /**
   * The process reads each statement once (a run's plan): the parser is compiled by V8's
   * baseline WebAssembly compiler (Liftoff) only, never re-compiled by its optimising one
   * (TurboFan). Measured on 2,000 statements in 5 calls: the first pass 60–140 ms and 65–100 ms
   * CPU this way against 80–360 ms and 150–340 ms CPU with tiering (the optimiser's compiles
   * compete with the parse for the 2 cores); tiering wins only from about the fifth pass
   * (~30 ms against ~35–50 ms a pass), so `lint` and `check` keep it. The TUI's marks use it
   * too: there what counts is that no call holds a key, not the total. Applies only
   * when it is the first load of the process (the compile happens once).
   */
  readonly baselineOnly?: boolean;
}

/** Every WebAssembly module compiled from now on in this process is compiled by Liftoff only (see ParserLoadOptions). */
export function baselineWasmOnly(): void {
  try {
    setFlagsFromString('--liftoff-only');
  } catch {
    // An engine without the flag: the parser loads as before.
  }
}
