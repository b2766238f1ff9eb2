/** Stage 6 — verify: every revision round-trips (up, down, up) on every dialect, on scratch databases. */
export * from './report.js';
export * from './compare.js';
export * from './verify.js';
export { VerifyControl } from './dialect-worker.js';
