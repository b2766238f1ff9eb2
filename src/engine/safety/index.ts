/** Beside run — safety: data at risk, the downgrade preview, backups and restore, and the schema file (`dump`, `load`). */
export * from './data-risk.js';
export * from './downgrade-preview.js';
export * from './backups.js';
export * from './rehearsal.js';
export * from './backup-owner.js';
export * from './applied-history.js';
export { dumpSchema, restrictKeySupported, type SchemaDump, type SchemaDumpOptions } from './schema-dump.js';
export { readSchemaDump, runChangedVersionRows, writeSchemaFile } from './schema-file.js';
export { trimLeadingComments } from './schema-dump-tool.js';
export { checkSchemaFile, prepareSchemaLoad, SchemaFileError, SchemaLoadError, type SchemaLoadOptions, type SchemaLoadPlan, type SchemaLoadResult } from './schema-load.js';
