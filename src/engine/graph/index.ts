/** Stage 2 — graph: the revision graph built from the files, targets, and history drawing. */
export * from './graph.js';
export * from './targets.js';
export * from './history-graph.js';
