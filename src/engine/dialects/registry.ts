import type { DialectName, DialectSyntax } from './dialect.js';
import { mariadbSyntax } from './mariadb.js';
import { mysqlSyntax } from './mysql.js';
import { postgresSyntax } from './postgres.js';
import { sqliteSyntax } from './sqlite.js';

/** Every supported database; adding one is adding a file and a line here. */
export const DIALECTS: readonly DialectSyntax[] = [postgresSyntax, mysqlSyntax, mariadbSyntax, sqliteSyntax];

const byName = new Map<string, DialectSyntax>();
for (const dialect of DIALECTS) for (const name of dialect.names) byName.set(name, dialect);

/** Looks a dialect up by any of its names, case-insensitively. */
export function findDialect(name: string): DialectSyntax | undefined {
  return byName.get(name.trim().toLowerCase());
}

export function dialectSyntax(name: DialectName): DialectSyntax {
  const found = byName.get(name);
  if (!found) throw new Error(`no dialect ${name}`);
  return found;
}

export const DIALECT_NAMES: readonly DialectName[] = DIALECTS.map((d) => d.name);

/** All accepted spellings, for error messages. */
export function knownDialectSpellings(): string {
  return DIALECTS.map((d) => d.names.join('/')).join(', ');
}
