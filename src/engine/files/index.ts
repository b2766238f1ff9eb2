/** Stage 1 — files: reading a folder of SQL files (version order, headers, dialect blocks, splitting, checksums, coverage). */
export * from './version-order.js';
export * from './migration-sql.js';
export * from './checksum.js';
export * from './coverage.js';
export type { Migration, MigrationFolder, SeedFile, ReadOptions } from './migration-folder.js';
export { readMigrationFolder, readSeedFolder } from './migration-folder.js';
export { parseSqlSource, type SqlSource } from './sql-source.js';
export { splitStatements, type Statement } from './sql-splitter.js';
export * from './transaction-mode.js';
export { makeFolder } from './make-folder.js';
export { twoFilesPatch } from './text-diff.js';
export { parseFlywayName, flywayVersionId, missingDownWords, type FlywayName } from './flyway-names.js';
export { atlasSumEntries, formatAtlasSum, parseAtlasSum, atlasSumMismatch, type AtlasSumEntry, type AtlasFileBytes } from './atlas-sum.js';
export { SQLX_NO_DOWN } from './sqlx-folder.js';
