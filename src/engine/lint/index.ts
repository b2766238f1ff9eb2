/** Beside safety — lint: dangerous operations per dialect, from the files and the replayed history (no database). */
export * from './types.js';
export * from './engine.js';
export * from './catalogue.js';
export { loadPostgresParser, preloadPostgresParser, postgresParserLoaded, analysePostgres } from './pg-parse.js';
export { analysePostgresMany } from './pg-batch.js';
export { RULES, findRule, type Rule } from './rules/index.js';
export type { LintConfig } from './apply-config.js';
export { readIgnores, type Ignore } from './suppress.js';
export { withProbedCounts } from './live-counts.js';
export { diskLintStore, lintKeysInSteps, lintStoreDir, type LintStore } from './lint-store.js';
