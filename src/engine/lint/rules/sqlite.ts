import type { SchemaState } from '../schema.js';
import type { Action, ColumnSpec } from '../types.js';
import type { Rule } from './rule.js';
import { SL } from './rule.js';

/** SQLite: what its ALTER TABLE cannot do, and the rebuild that does it. */

function columnSql(c: ColumnSpec): string {
  return [c.name, c.type, c.primaryKey ? 'PRIMARY KEY' : '', c.notNull && !c.primaryKey ? 'NOT NULL' : '', c.unique ? 'UNIQUE' : '', c.hasDefault ? `DEFAULT ${c.defaultText}` : '', c.references ? `REFERENCES ${c.references}` : ''].filter(Boolean).join(' ');
}

/** SQLite's documented twelve-step rebuild, from the replayed schema, with the change applied where lint can. */
export function rebuildSql(schema: SchemaState, action: Action & { table: string }, statementSql: string): string | undefined {
  const table = schema.table(action.table);
  if (!table || table.columns.size === 0) return undefined;
  const columns = [...table.columns.values()].map((c) => c.spec);
  const changed = columns.map((c) => {
    if (!('column' in action) || typeof action.column !== 'string' || c.name.toLowerCase() !== action.column.toLowerCase()) return c;
    if (action.kind === 'alter-column-type') return { ...c, type: action.type };
    if (action.kind === 'set-not-null') return { ...c, notNull: true };
    if (action.kind === 'alter-column-other' && /DROP NOT/.test(action.what)) return { ...c, notNull: false };
    return c;
  });
  const names = columns.map((c) => c.name).join(', ');
  const extra = action.kind === 'add-constraint' || action.kind === 'drop-constraint' || action.kind === 'alter-column-other' ? [`  -- and the change: ${statementSql.replace(/\s+/g, ' ')}`] : [];
  const t = table.name;
  return [
    'PRAGMA foreign_keys = OFF;',
    'BEGIN TRANSACTION;',
    `CREATE TABLE ${t}_new (\n  ${changed.map(columnSql).join(',\n  ')}${extra.length ? '\n' + extra.join('\n') : ''}\n);`,
    `INSERT INTO ${t}_new (${names}) SELECT ${names} FROM ${t};`,
    `DROP TABLE ${t};`,
    `ALTER TABLE ${t}_new RENAME TO ${t};`,
    `-- re-create ${t}'s indexes, triggers and table constraints here`,
    'PRAGMA foreign_key_check;',
    'COMMIT;',
    'PRAGMA foreign_keys = ON;',
  ].join('\n');
}

const UNSUPPORTED: ReadonlySet<Action['kind']> = new Set(['alter-column-type', 'set-not-null', 'alter-column-other', 'add-constraint', 'drop-constraint', 'table-copy']);

function unsupportedWhat(a: Action): string {
  switch (a.kind) {
    case 'alter-column-type':
      return a.spec ? `MODIFY/CHANGE of ${a.table}.${a.column}` : `ALTER COLUMN ${a.table}.${a.column} TYPE`;
    case 'set-not-null':
      return `ALTER COLUMN ${a.table}.${a.column} SET NOT NULL`;
    case 'alter-column-other':
      return `ALTER COLUMN ${a.table}.${a.column} ${a.what}`;
    case 'add-constraint':
      return `ADD ${a.constraint === 'foreign-key' ? 'FOREIGN KEY' : a.constraint === 'primary-key' ? 'PRIMARY KEY' : a.constraint.toUpperCase()} on ${a.table}`;
    case 'drop-constraint':
      return `${a.what} on ${a.table}`;
    case 'table-copy':
      return `${a.what} on ${a.table}`;
    default:
      return a.kind;
  }
}

export const SQLITE_RULES: readonly Rule[] = [
  {
    code: 'SL301',
    dialects: SL,
    severity: 'error',
    what: 'ALTER TABLE that SQLite cannot run (ALTER COLUMN, ADD/DROP CONSTRAINT, MODIFY, TYPE changes)',
    why: 'SQLite\'s ALTER TABLE only renames tables and columns, adds and drops columns: the statement fails.',
    doInstead: 'Rebuild the table (SQLite\'s documented procedure): `PRAGMA foreign_keys = OFF; CREATE TABLE t_new (…); INSERT INTO t_new SELECT … FROM t; DROP TABLE t; ALTER TABLE t_new RENAME TO t; PRAGMA foreign_key_check; PRAGMA foreign_keys = ON;` — lint writes it out from the replayed schema.',
    action: (a, ctx) => {
      if (!UNSUPPORTED.has(a.kind) || !('table' in a) || typeof a.table !== 'string') return null;
      const fix = rebuildSql(ctx.schema, a as Action & { table: string }, ctx.statement.sql);
      return { message: `${unsupportedWhat(a)}: SQLite's ALTER TABLE cannot do this`, table: a.table, ...(fix ? { fix } : {}) };
    },
  },
  {
    code: 'SL302',
    dialects: SL,
    severity: 'notice',
    what: 'A table rebuild without PRAGMA foreign_key_check',
    why: 'With foreign keys off during a rebuild, rows that point nowhere are not noticed. migrate-tui runs the check after every migration, but the file run by another tool would not.',
    doInstead: 'End the rebuild with `PRAGMA foreign_key_check;` before COMMIT.',
    directions: ['up'],
    file: (ctx) => {
      const renamedOver = ctx.statements.find((s, k) => s.actions.some((a) => a.kind === 'rename-table' && ctx.statements.slice(0, k).some((p) => p.actions.some((d) => d.kind === 'drop-table' && d.table.toLowerCase() === a.to.toLowerCase()))));
      const checked = ctx.statements.some((s) => s.actions.some((a) => a.kind === 'pragma' && a.name === 'foreign_key_check'));
      return renamedOver && !checked ? [{ message: 'this file rebuilds a table (DROP TABLE, then RENAME TO its name) without PRAGMA foreign_key_check', line: renamedOver.line }] : [];
    },
  },
  {
    code: 'SL303',
    dialects: SL,
    severity: 'error',
    what: 'ADD COLUMN … NOT NULL without a default',
    why: 'SQLite refuses it on a table that has any row ("Cannot add a NOT NULL column with default value NULL"); on an empty table it works, so it passes on a fresh or test database and fails on one with data. (A table created earlier in the same migration, or by an earlier revision of the same plan, and given no rows since — no INSERT into it, nor a trigger created that writes into it — is empty there: not flagged.)',
    doInstead: '`ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT \'\';` or rebuild the table.',
    action: (a, ctx) => (a.kind === 'add-column' && a.column.notNull && !a.column.primaryKey && (!a.column.hasDefault || /^NULL$/i.test(a.column.defaultText ?? '')) && !ctx.empty(a.table) ? { message: `ADD COLUMN ${a.table}.${a.column.name} NOT NULL without a default: SQLite refuses it once the table has rows`, table: a.table, column: a.column.name } : null),
  },
  {
    code: 'SL304',
    dialects: SL,
    severity: 'error',
    what: 'ADD COLUMN with a default that is not a constant',
    why: 'SQLite refuses ADD COLUMN with CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_TIME or an expression in parentheses as its default on a table that has any row ("Cannot add a column with non-constant default"); on an empty table it works, so it passes on a fresh or test database and fails on one with data. (A table created earlier in the same migration, or by an earlier revision of the same plan, and given no rows since — no INSERT into it, nor a trigger created that writes into it — is empty there: not flagged.)',
    doInstead: 'Add the column with a constant default (or none), then `UPDATE t SET c = CURRENT_TIMESTAMP;` — or rebuild the table.',
    action: (a, ctx) => (a.kind === 'add-column' && a.column.hasDefault && !a.column.defaultConstant && !ctx.empty(a.table) ? { message: `ADD COLUMN ${a.table}.${a.column.name} DEFAULT ${a.column.defaultText}: SQLite refuses a non-constant default once the table has rows`, table: a.table, column: a.column.name } : null),
  },
  {
    code: 'SL305',
    dialects: SL,
    severity: 'error',
    what: 'ADD COLUMN with PRIMARY KEY or UNIQUE',
    why: 'SQLite refuses it ("Cannot add a PRIMARY KEY column" / "Cannot add a UNIQUE column").',
    doInstead: 'Add the column, then `CREATE UNIQUE INDEX t_c_key ON t (c);` — or rebuild the table for a primary key.',
    action: (a) => (a.kind === 'add-column' && (a.column.primaryKey || a.column.unique) ? { message: `ADD COLUMN ${a.table}.${a.column.name} ${a.column.primaryKey ? 'PRIMARY KEY' : 'UNIQUE'}: SQLite refuses it`, table: a.table, column: a.column.name } : null),
  },
];
