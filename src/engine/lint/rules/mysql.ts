import type { Rule } from './rule.js';
import { MY } from './rule.js';

/** MySQL/MariaDB: ALTERs that copy the table, and DDL's implicit commits. */

const enumValues = (type: string): string[] | null => {
  const m = /^(?:ENUM|SET)\((.*)\)$/.exec(type);
  return m ? [...m[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1]!) : null;
};

/** VARCHAR widening keeps its length bytes (1 up to 255 bytes: 63 utf8mb4 characters) in place. */
function varcharInPlace(from: string, to: string): boolean {
  const a = /^VARCHAR\((\d+)\)/.exec(from);
  const b = /^VARCHAR\((\d+)\)/.exec(to);
  if (!a || !b) return false;
  const n = Number(a[1]);
  const m = Number(b[1]);
  return m >= n && (m <= 63 || n > 255);
}

/** The bare type of a MODIFY/CHANGE definition, without NULL-ness and the like. */
const bareType = (t: string) => t.replace(/\s+/g, ' ').trim();

export const MYSQL_RULES: readonly Rule[] = [
  {
    code: 'MY201',
    dialects: MY,
    severity: 'warning',
    what: 'MODIFY / CHANGE / ALTER COLUMN that changes a column\'s type',
    why: 'A type change runs with ALGORITHM=COPY: the table is copied row by row and writes are blocked for the whole copy (VARCHAR widening within the same length bytes and renames are in place).',
    doInstead: 'Add a new column, backfill it in batches, switch the application, drop the old column; or run the change with an online schema tool (gh-ost, pt-online-schema-change). Write `ALGORITHM=INPLACE, LOCK=NONE` to make MySQL refuse instead of copying.',
    action: (a, ctx) => {
      if (a.kind !== 'alter-column-type' || !ctx.existingColumn(a.table, a.column)) return null;
      const from = ctx.schema.column(a.table, a.column)?.spec.type;
      if (from && (bareType(from) === bareType(a.type) || varcharInPlace(from, a.type))) return null;
      if (from && enumValues(from) && enumValues(a.type)) return null; // MY202 judges ENUM/SET
      return { message: `changing ${a.table}.${a.column} to ${a.type}${from ? ` (was ${from})` : ' (its old type is not known to lint)'} copies ${a.table}`, table: a.table, column: a.column };
    },
  },
  {
    code: 'MY202',
    dialects: MY,
    severity: 'warning',
    what: 'ENUM/SET members reordered or removed',
    why: 'Only appending members at the end is in place; any other change copies the table, and stored values are re-mapped by position.',
    doInstead: 'Append new members at the end: `ALTER TABLE t MODIFY status ENUM(\'a\', \'b\', \'c_new\') NOT NULL;`',
    action: (a, ctx) => {
      if (a.kind !== 'alter-column-type' || !ctx.existingColumn(a.table, a.column)) return null;
      const before = enumValues(ctx.schema.column(a.table, a.column)?.spec.type ?? '');
      const after = enumValues(a.type);
      if (!before || !after) return null;
      const appended = before.length <= after.length && before.every((v, k) => after[k] === v);
      return appended ? null : { message: `${a.table}.${a.column}: ENUM/SET members reordered or removed (${before.join(', ')} → ${after.join(', ')}): the table is copied`, table: a.table, column: a.column };
    },
  },
  {
    code: 'MY203',
    dialects: MY,
    severity: 'warning',
    what: 'ALGORITHM=COPY, CONVERT TO CHARACTER SET, ENGINE=, FORCE',
    why: 'Each rebuilds the table as a copy, blocking writes until it is done.',
    doInstead: 'Run it with an online schema tool (gh-ost, pt-online-schema-change), or in a maintenance window.',
    action: (a, ctx) => (a.kind === 'table-copy' && ctx.existing(a.table) ? { message: `${a.what} copies existing table ${a.table}`, table: a.table } : null),
  },
  {
    code: 'MY204',
    dialects: MY,
    severity: 'warning',
    what: 'ADD or DROP PRIMARY KEY on an existing table',
    why: 'InnoDB stores rows in primary-key order: changing the key rebuilds the whole table.',
    doInstead: 'Define the primary key when the table is created; on a large table, use an online schema tool.',
    action: (a, ctx) =>
      ((a.kind === 'add-constraint' && a.constraint === 'primary-key') || (a.kind === 'drop-constraint' && a.what === 'DROP PRIMARY KEY')) && ctx.existing(a.table)
        ? { message: `${a.kind === 'add-constraint' ? 'ADD' : 'DROP'} PRIMARY KEY rebuilds existing table ${a.table}`, table: a.table }
        : null,
  },
  {
    code: 'MY205',
    dialects: MY,
    severity: 'warning',
    what: 'ADD FOREIGN KEY on an existing table',
    why: 'With foreign_key_checks on (the default), adding a foreign key copies the table (ALGORITHM=COPY) to check every row.',
    doInstead: 'Check for orphans first, then add it in place with checks off for that statement: `SET foreign_key_checks = 0; ALTER TABLE t ADD CONSTRAINT t_u_fk FOREIGN KEY (u) REFERENCES users (id), ALGORITHM=INPLACE; SET foreign_key_checks = 1;`',
    action: (a, ctx) => (a.kind === 'add-constraint' && a.constraint === 'foreign-key' && ctx.existing(a.table) ? { message: `ADD FOREIGN KEY on existing table ${a.table} copies it to check every row`, table: a.table } : null),
  },
  {
    code: 'MY206',
    dialects: MY,
    severity: 'notice',
    what: 'Several schema statements in one migration',
    why: 'MySQL commits each DDL statement by itself: if statement k fails, the ones before it stay applied and the database is marked dirty (migrate-tui names them; `resolve` clears it).',
    doInstead: 'One DDL statement per migration, or several changes of one table in one `ALTER TABLE t ADD COLUMN a INT, ADD COLUMN b INT;`',
    directions: ['up'],
    file: (ctx) => {
      const ddl = ctx.statements.filter((s) => s.ddl);
      return ddl.length > 1 ? [{ message: `${ddl.length} schema statements (lines ${ddl.map((s) => s.line).join(', ')}) each commit by themselves: a failure part-way leaves the first ones applied`, line: ddl[1]!.line }] : [];
    },
  },
  {
    code: 'MY207',
    dialects: ['mysql'],
    severity: 'warning',
    what: 'REFERENCES written on a column',
    why: 'MySQL (before 9.0) parses a column-level REFERENCES and ignores it: no foreign key is created.',
    doInstead: 'Write a table-level constraint: `CREATE TABLE t (u BIGINT, FOREIGN KEY (u) REFERENCES users (id));`',
    action: (a) => {
      const columns = a.kind === 'create-table' ? a.columns : a.kind === 'add-column' ? [a.column] : [];
      const c = columns.find((x) => x.references);
      return c && (a.kind === 'create-table' || a.kind === 'add-column') ? { message: `${a.table}.${c.name} REFERENCES ${c.references} is ignored by MySQL: no foreign key is created`, table: a.table, column: c.name } : null;
    },
  },
];
