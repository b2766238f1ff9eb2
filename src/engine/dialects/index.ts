/** One adapter per database behind one interface; the syntax descriptors used by every stage. */
export type { DialectName, DialectSyntax } from './dialect.js';
export { DIALECTS, DIALECT_NAMES, findDialect, dialectSyntax, knownDialectSpellings } from './registry.js';
export type { DatabaseAdapter, SchemaSnapshot } from './adapter.js';
export { connectDatabase, requireSqliteFile, sqliteFileMissing, whoAndWhere, type ConnectOptions } from './connect.js';
export * from './dialect-errors.js';
export { ConnectTimeoutError, ProtocolMismatchError } from './connect-guard.js';
export * from './dump-tools.js';
