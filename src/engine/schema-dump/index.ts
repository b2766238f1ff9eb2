/** `dump` and the schema file: the database's schema as dbmate writes it, with the version rows. */
export { dumpSchema, restrictKeySupported, type SchemaDump, type SchemaDumpOptions } from './schema-dump.js';
export { writeSchemaFile } from './schema-file.js';
export { trimLeadingComments } from './dump-tool-run.js';
