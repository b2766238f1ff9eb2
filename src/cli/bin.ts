import { processIo } from './io.js';
import { run } from './program.js';

/**
 * The shipped binary's entry: scripts/bundle.mjs builds dist/bin/main.js (CommonJS) from it.
 * main.ts without its top-level await, which CommonJS cannot have; the same run.
 */
void run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
