/** One adapter per database behind one interface; the syntax descriptors used by every stage. */
export type { DialectName, DialectSyntax } from './dialect.js';
export { DIALECTS, DIALECT_NAMES, findDialect, dialectSyntax, knownDialectSpellings } from './registry.js';
export type { DatabaseAdapter, LockLimits, BlockingSession } from './adapter.js';
export { DEFAULT_LOCK_LIMITS } from './adapter.js';
export * from './schema-snapshot.js';
export { connectDatabase, creationNotice, requireSqliteFile, sqliteFileMissing, whoAndWhere, type ConnectOptions } from './connect.js';
export type { WaitingReport } from './connect-wait.js';
export * from './dialect-errors.js';
export { ConnectTimeoutError, ProtocolMismatchError } from './connect-guard.js';
export * from './dump-tools.js';
export { createScratchDatabase, ScratchDatabaseError, SCRATCH_PREFIX, type ScratchDatabase } from './scratch-database.js';
export * from './capabilities.js';
export { ConnectionLostError, endedConnection } from './connection-link.js';
