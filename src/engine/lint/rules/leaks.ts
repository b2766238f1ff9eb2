import type { DialectName } from '../../dialects/dialect.js';
import type { Rule, StatementContext } from './rule.js';
import { PG } from './rule.js';

/**
 * SQL of one dialect reaching another (text outside dialect blocks runs everywhere). On
 * PostgreSQL its own parser decides; elsewhere a list of constructs each database refuses.
 */

interface Leak {
  readonly pattern: RegExp;
  readonly what: string;
  readonly on: readonly DialectName[];
}

const POSTGRES_ONLY: readonly Leak[] = [
  { pattern: /::\s*[A-Za-z_"]/, what: '`::` casts (PostgreSQL)', on: ['mysql', 'mariadb', 'sqlite'] },
  { pattern: /\bJSONB\b/i, what: 'JSONB (PostgreSQL)', on: ['mysql', 'mariadb'] },
  { pattern: /\b(?:BIG|SMALL)SERIAL\b/i, what: 'BIGSERIAL/SMALLSERIAL (PostgreSQL)', on: ['mysql', 'mariadb'] },
  { pattern: /\bON\s+CONFLICT\b/i, what: 'ON CONFLICT (PostgreSQL/SQLite)', on: ['mysql', 'mariadb'] },
  { pattern: /\$\$/, what: 'dollar quoting (PostgreSQL)', on: ['mysql', 'mariadb', 'sqlite'] },
  { pattern: /\bCONCURRENTLY\b/i, what: 'CONCURRENTLY (PostgreSQL)', on: ['mysql', 'mariadb', 'sqlite'] },
  { pattern: /\bILIKE\b/i, what: 'ILIKE (PostgreSQL)', on: ['mysql', 'mariadb', 'sqlite'] },
  { pattern: /\b(?:TIMESTAMPTZ|BYTEA)\b/i, what: 'TIMESTAMPTZ/BYTEA (PostgreSQL types)', on: ['mysql', 'mariadb'] },
  { pattern: /\bRETURNING\b/i, what: 'RETURNING (PostgreSQL, MariaDB, SQLite)', on: ['mysql'] },
  { pattern: /\bGENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b/i, what: 'identity columns (PostgreSQL)', on: ['mysql', 'mariadb', 'sqlite'] },
  { pattern: /^\s*CREATE\s+(?:TYPE|EXTENSION|DOMAIN)\b/i, what: 'CREATE TYPE/EXTENSION/DOMAIN (PostgreSQL)', on: ['mysql', 'mariadb', 'sqlite'] },
];

const MYSQL_ONLY: readonly Leak[] = [
  { pattern: /\bAUTO_INCREMENT\b/i, what: 'AUTO_INCREMENT (MySQL)', on: ['postgres', 'sqlite'] },
  { pattern: /`/, what: 'backtick-quoted names (MySQL)', on: ['postgres'] },
  { pattern: /\)\s*(?:ENGINE|DEFAULT\s+CHARSET|CHARSET)\s*=/i, what: 'table options ENGINE=/CHARSET= (MySQL)', on: ['postgres', 'sqlite'] },
  { pattern: /\bUNSIGNED\b/i, what: 'UNSIGNED (MySQL)', on: ['postgres'] },
  { pattern: /\b(?:TINYINT|MEDIUMINT|DATETIME|TINYTEXT|MEDIUMTEXT|LONGTEXT|LONGBLOB|MEDIUMBLOB)\b/i, what: 'MySQL types (TINYINT, DATETIME, LONGTEXT…)', on: ['postgres'] },
  { pattern: /\bON\s+UPDATE\s+CURRENT_TIMESTAMP\b/i, what: 'ON UPDATE CURRENT_TIMESTAMP (MySQL)', on: ['postgres', 'sqlite'] },
  { pattern: /\bON\s+DUPLICATE\s+KEY\b/i, what: 'ON DUPLICATE KEY UPDATE (MySQL)', on: ['postgres', 'sqlite'] },
  { pattern: /^\s*ALTER\s+TABLE\b[^;]*\b(?:MODIFY|CHANGE)\s/i, what: 'MODIFY/CHANGE (MySQL)', on: ['postgres'] },
];

const SQLITE_ONLY: readonly Leak[] = [
  { pattern: /\bAUTOINCREMENT\b/i, what: 'AUTOINCREMENT (SQLite)', on: ['postgres', 'mysql', 'mariadb'] },
  { pattern: /^\s*PRAGMA\b/i, what: 'PRAGMA (SQLite)', on: ['postgres', 'mysql', 'mariadb'] },
  { pattern: /^\s*INSERT\s+OR\s+(?:REPLACE|IGNORE)\b/i, what: 'INSERT OR REPLACE/IGNORE (SQLite)', on: ['postgres', 'mysql', 'mariadb'] },
];

const LEAKS = [...POSTGRES_ONLY, ...MYSQL_ONLY, ...SQLITE_ONLY];

/** The foreign construct in a statement, for `dialect` (strings and comments blanked first). */
export function leakIn(sql: string, dialect: DialectName): string | null {
  const code = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/--[^\n]*/g, '');
  return LEAKS.find((l) => l.on.includes(dialect) && l.pattern.test(code))?.what ?? null;
}

const leakRule = (ctx: StatementContext) => {
  if (ctx.dialect === 'postgres') return null;
  const what = leakIn(ctx.statement.sql, ctx.dialect);
  return what ? { message: `${what} in SQL that runs on ${ctx.dialect}: ${ctx.dialect} refuses it` } : null;
};

export const LEAK_RULES: readonly Rule[] = [
  {
    code: 'PG100',
    dialects: PG,
    severity: 'error',
    what: 'A statement PostgreSQL\'s parser refuses',
    why: 'libpg-query (PostgreSQL\'s own grammar) cannot parse it, so the server will refuse it too; often another dialect\'s syntax in SQL that runs everywhere.',
    doInstead: 'Fix the syntax, or move the statement into a `-- migrate:dialect` block for the database it was written for.',
    statement: (ctx) => {
      const error = ctx.statement.parseError;
      if (!error) return null;
      const what = leakIn(ctx.statement.sql, 'postgres');
      return { message: `PostgreSQL refuses this statement (${error})${what ? `: ${what} is not PostgreSQL` : ''}` };
    },
  },
  {
    code: 'LK501',
    dialects: ['mysql', 'mariadb', 'sqlite'],
    severity: 'error',
    what: 'Another dialect\'s syntax in SQL that runs on MySQL, MariaDB or SQLite',
    why: 'Text outside `-- migrate:dialect` blocks runs on every database: PostgreSQL-only or MySQL-only syntax (`::` casts, JSONB, ON CONFLICT, AUTO_INCREMENT, ENGINE=, AUTOINCREMENT, PRAGMA…) fails there.',
    doInstead: 'Put each database\'s version in a block: `-- migrate:dialect postgres` … `-- migrate:dialect mysql` … `-- migrate:end`.',
    statement: leakRule,
  },
];
