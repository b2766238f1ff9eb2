/** Stage 3 — plan: which revisions an upgrade or downgrade runs, and the offline SQL for it. */
export * from './planner.js';
export * from './offline-sql.js';
export * from './step-sql.js';
export * from './branch-targets.js';
