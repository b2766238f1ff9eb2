/**
 * The engine's public API: what the CLI and the TUI use. No UI code lives below here.
 * The pipeline: files → graph → plan → run (→ events), with safety beside run and the
 * dialect adapters underneath; each stage's index is its public surface.
 */
export * from './errors.js';
export * from './refusal.js';
export * from './problems.js';
export * from './connection.js';
export * from './state-tables.js';
export * from './project.js';
export * from './revision-writer.js';
export * from './scaffold.js';
export * from './migrator.js';
export * from './files/index.js';
export * from './graph/index.js';
export * from './plan/index.js';
export * from './run/index.js';
export * from './safety/index.js';
export * from './verify/index.js';
export * from './dialects/index.js';
export * from './lint/index.js';
export * from './fleet/index.js';
export * from './fleet-access.js';
export { commandAt, commandPlaceOf, hintAt, type CommandPlace } from './command-place.js';
export { writeAtlasSum, type AtlasHash } from './atlas-writer.js';
export { importAlembic, type AlembicImportOptions, type AlembicImportResult } from './alembic-import.js';
export { AlembicImportError } from './alembic-reader.js';
export type { ImportNote, ImportProblem } from './alembic-files.js';
