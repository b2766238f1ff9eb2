/** The engine's `knownDialectSpellings()`, written out so `--help` loads no engine (test/startup.test.ts checks they agree). */
export const DIALECT_SPELLINGS = 'postgres/postgresql/pg, mysql, mariadb, sqlite';
