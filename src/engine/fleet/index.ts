export * from './targets.js';
export * from './targets-source.js';
export * from './scheduler.js';
export * from './outcome.js';
export * from './target-hint.js';
