import type { Rule } from './rule.js';
import { PG } from './rule.js';

/** PostgreSQL: locks held while a table is scanned or rewritten. */

const withConcurrently = (sql: string, verb: RegExp) => sql.replace(verb, (m) => `${m} CONCURRENTLY`) + ';';

/** VARCHAR(n) → VARCHAR(m ≥ n) or TEXT, and the same type again, rewrite nothing. */
function typeChangeRewrites(from: string | undefined, to: string): boolean {
  if (!from) return true;
  const norm = (t: string) => t.replace(/^CHARACTER VARYING/, 'VARCHAR').replace(/\s+/g, '');
  const a = norm(from);
  const b = norm(to);
  if (a === b) return false;
  const va = /^VARCHAR(?:\((\d+)\))?$/.exec(a);
  if (va && (b === 'TEXT' || b === 'VARCHAR')) return false;
  const vb = /^VARCHAR\((\d+)\)$/.exec(b);
  return !(va?.[1] && vb?.[1] && Number(vb[1]) >= Number(va[1]));
}

export const POSTGRES_RULES: readonly Rule[] = [
  {
    code: 'PG101',
    dialects: PG,
    severity: 'warning',
    what: 'CREATE INDEX without CONCURRENTLY on an existing table',
    why: 'PostgreSQL holds a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE waits until the index is built.',
    doInstead: 'Build it concurrently, in a migration of its own (migrate-tui runs it without a transaction): `CREATE INDEX CONCURRENTLY idx ON t (col);`',
    action: (a, ctx) =>
      a.kind === 'create-index' && !a.concurrently && ctx.existing(a.table)
        ? { message: `CREATE INDEX ${a.index || ''} on existing table ${a.table} blocks writes to ${a.table} while it builds`.replace('  ', ' '), table: a.table, fix: withConcurrently(ctx.statement.sql, /^CREATE\s+(?:UNIQUE\s+)?INDEX/i) }
        : null,
  },
  {
    code: 'PG102',
    dialects: PG,
    severity: 'error',
    what: 'CONCURRENTLY inside a transaction block',
    why: 'PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY inside BEGIN … COMMIT: the migration fails at this statement.',
    doInstead: 'Remove the file\'s own BEGIN/COMMIT around it; migrate-tui runs a migration with CONCURRENTLY without a transaction by itself.',
    action: (a, ctx) =>
      ctx.inOwnTransaction && (((a.kind === 'create-index' || a.kind === 'drop-index') && a.concurrently) || (a.kind === 'rewrite' && a.concurrently))
        ? { message: `${a.kind === 'rewrite' ? 'REINDEX' : a.kind === 'create-index' ? 'CREATE INDEX' : 'DROP INDEX'} CONCURRENTLY runs inside the file's own transaction: PostgreSQL refuses it` }
        : null,
  },
  {
    code: 'PG103',
    dialects: PG,
    severity: 'warning',
    what: 'DROP INDEX without CONCURRENTLY',
    why: 'DROP INDEX takes an ACCESS EXCLUSIVE lock on the index\'s table: reads and writes wait, and so does everything queued behind them.',
    doInstead: '`DROP INDEX CONCURRENTLY idx;` in a migration of its own.',
    action: (a, ctx) => {
      if (a.kind !== 'drop-index' || a.concurrently) return null;
      const index = ctx.schema.indexes.get(a.index.toLowerCase());
      if (index && index.createdIn === ctx.revision) return null;
      return { message: `DROP INDEX ${a.index} locks ${index?.table ?? 'its table'} against reads and writes`, ...(index ? { table: index.table } : {}), fix: withConcurrently(ctx.statement.sql, /^DROP\s+INDEX/i) };
    },
  },
  {
    code: 'PG104',
    dialects: PG,
    severity: 'warning',
    what: 'ADD COLUMN with a volatile default (random(), gen_random_uuid(), clock_timestamp(), serial, identity, stored generated)',
    why: 'A volatile default is computed per row, so PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock (a constant or now() default is stored once and is instant since PostgreSQL 11).',
    doInstead: 'Add the column without the default, set the default for new rows, then backfill in batches: `ALTER TABLE t ADD COLUMN c uuid; ALTER TABLE t ALTER COLUMN c SET DEFAULT gen_random_uuid(); UPDATE t SET c = gen_random_uuid() WHERE c IS NULL AND id BETWEEN 1 AND 10000;`',
    action: (a, ctx) =>
      a.kind === 'add-column' && (a.column.defaultVolatile || a.column.computed) && ctx.existing(a.table)
        ? { message: `ADD COLUMN ${a.table}.${a.column.name} ${a.column.computed ? `(${a.column.type}, a value per row)` : `DEFAULT ${a.column.defaultText ?? ''}`} rewrites existing table ${a.table} under an exclusive lock`, table: a.table, column: a.column.name }
        : null,
  },
  {
    code: 'PG105',
    dialects: PG,
    severity: 'warning',
    what: 'ALTER COLUMN … TYPE that rewrites the table',
    why: 'Changing a column\'s type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (only VARCHAR widening and VARCHAR → TEXT are free).',
    doInstead: 'Add a new column of the new type, backfill it in batches, switch the application, then drop the old column: `ALTER TABLE t ADD COLUMN c_new bigint; UPDATE t SET c_new = c WHERE id BETWEEN 1 AND 10000; …`',
    action: (a, ctx) => {
      if (a.kind !== 'alter-column-type' || !ctx.existingColumn(a.table, a.column)) return null;
      const from = ctx.schema.column(a.table, a.column)?.spec.type;
      return typeChangeRewrites(from, a.type) ? { message: `ALTER COLUMN ${a.table}.${a.column} TYPE ${a.type}${from ? ` (was ${from})` : ''} rewrites ${a.table} under an exclusive lock`, table: a.table, column: a.column } : null;
    },
  },
  {
    code: 'PG106',
    dialects: PG,
    severity: 'warning',
    what: 'SET NOT NULL on an existing column',
    why: 'PostgreSQL scans the whole table to check for NULLs while holding an ACCESS EXCLUSIVE lock.',
    doInstead: 'Add a NOT VALID check, validate it (a lighter lock), then SET NOT NULL uses it without a scan (PostgreSQL 12+): `ALTER TABLE t ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null; ALTER TABLE t ALTER COLUMN c SET NOT NULL; ALTER TABLE t DROP CONSTRAINT t_c_not_null;`',
    action: (a, ctx) =>
      a.kind === 'set-not-null' && ctx.existingColumn(a.table, a.column)
        ? {
            message: `SET NOT NULL on ${a.table}.${a.column} scans ${a.table} under an exclusive lock`,
            table: a.table,
            column: a.column,
            fix: [`ALTER TABLE ${a.table} ADD CONSTRAINT ${a.table}_${a.column}_not_null CHECK (${a.column} IS NOT NULL) NOT VALID;`, `ALTER TABLE ${a.table} VALIDATE CONSTRAINT ${a.table}_${a.column}_not_null;`, `ALTER TABLE ${a.table} ALTER COLUMN ${a.column} SET NOT NULL;`, `ALTER TABLE ${a.table} DROP CONSTRAINT ${a.table}_${a.column}_not_null;`].join('\n'),
          }
        : null,
  },
  {
    code: 'PG107',
    dialects: PG,
    severity: 'warning',
    what: 'ADD FOREIGN KEY without NOT VALID on an existing table',
    why: 'Adding the constraint checks every row while holding SHARE ROW EXCLUSIVE locks on both tables: writes to both wait for the scan.',
    doInstead: 'Add it NOT VALID (instant), then validate in a second step, which lets writes go on: `ALTER TABLE t ADD CONSTRAINT t_u_fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT t_u_fk;`',
    action: (a, ctx) =>
      a.kind === 'add-constraint' && a.constraint === 'foreign-key' && !a.notValid && ctx.existing(a.table)
        ? { message: `ADD FOREIGN KEY${a.name ? ` ${a.name}` : ''} on existing table ${a.table} validates every row under a lock on both tables`, table: a.table, ...(a.name ? { fix: `${ctx.statement.sql} NOT VALID;\nALTER TABLE ${a.table} VALIDATE CONSTRAINT ${a.name};` } : {}) }
        : null,
  },
  {
    code: 'PG108',
    dialects: PG,
    severity: 'warning',
    what: 'ADD CHECK without NOT VALID on an existing table',
    why: 'PostgreSQL checks every row under an ACCESS EXCLUSIVE lock.',
    doInstead: '`ALTER TABLE t ADD CONSTRAINT t_c_check CHECK (c > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT t_c_check;`',
    action: (a, ctx) =>
      a.kind === 'add-constraint' && a.constraint === 'check' && !a.notValid && ctx.existing(a.table)
        ? { message: `ADD CHECK${a.name ? ` ${a.name}` : ''} on existing table ${a.table} scans it under an exclusive lock`, table: a.table, ...(a.name ? { fix: `${ctx.statement.sql} NOT VALID;\nALTER TABLE ${a.table} VALIDATE CONSTRAINT ${a.name};` } : {}) }
        : null,
  },
  {
    code: 'PG109',
    dialects: PG,
    severity: 'warning',
    what: 'ADD UNIQUE / PRIMARY KEY constraint on an existing table',
    why: 'The constraint builds its index while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole build.',
    doInstead: 'Build the index concurrently, then attach it: `CREATE UNIQUE INDEX CONCURRENTLY t_c_key ON t (c); ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE USING INDEX t_c_key;`',
    action: (a, ctx) => {
      if (a.kind !== 'add-constraint' || (a.constraint !== 'unique' && a.constraint !== 'primary-key') || a.usingIndex || !ctx.existing(a.table)) return null;
      const name = a.name ?? `${a.table}_${a.columns.join('_')}_${a.constraint === 'unique' ? 'key' : 'pkey'}`;
      const kw = a.constraint === 'unique' ? 'UNIQUE' : 'PRIMARY KEY';
      return { message: `ADD ${kw} on existing table ${a.table} builds its index under an exclusive lock`, table: a.table, fix: `CREATE UNIQUE INDEX CONCURRENTLY ${name} ON ${a.table} (${a.columns.join(', ')});\nALTER TABLE ${a.table} ADD CONSTRAINT ${name} ${kw} USING INDEX ${name};` };
    },
  },
  {
    code: 'PG110',
    dialects: PG,
    severity: 'warning',
    what: 'REINDEX, VACUUM FULL or CLUSTER',
    why: 'Each rewrites the table or its indexes under an ACCESS EXCLUSIVE lock (REINDEX: a lock that blocks writes) for as long as the rewrite takes.',
    doInstead: '`REINDEX INDEX CONCURRENTLY idx;` (PostgreSQL 12+); for VACUUM FULL and CLUSTER, pg_repack outside the migration.',
    action: (a) => (a.kind === 'rewrite' && !a.concurrently ? { message: `${a.how}${a.table ? ` ${a.table}` : ''} rewrites under an exclusive lock`, ...(a.table ? { table: a.table } : {}) } : null),
  },
  {
    code: 'PG111',
    dialects: PG,
    severity: 'notice',
    what: 'ALTER TYPE … ADD VALUE without BEFORE or AFTER',
    why: 'The value goes last. Enum order is what <, >, ORDER BY, MIN and MAX use, so say where it belongs when order matters.',
    doInstead: '`ALTER TYPE status ADD VALUE \'paused\' AFTER \'active\';`',
    action: (a, ctx) => {
      if (a.kind !== 'add-enum-value' || a.positioned) return null;
      const values = ctx.schema.types.get(a.type.toLowerCase())?.values;
      return { message: `ADD VALUE '${a.value}' to ${a.type} goes after ${values?.length ? `'${values[values.length - 1]}'` : 'the last value'}` };
    },
  },
  {
    code: 'PG112',
    dialects: PG,
    severity: 'notice',
    what: 'CONCURRENTLY together with other statements in one migration',
    why: 'A migration with a concurrent index runs without a transaction: if a later statement fails, the earlier ones stay applied and the database is marked dirty.',
    doInstead: 'Put the concurrent index in a migration of its own.',
    directions: ['up'],
    file: (ctx) => {
      const concurrent = ctx.statements.find((s) => s.actions.some((a) => (a.kind === 'create-index' || a.kind === 'drop-index' || a.kind === 'rewrite') && a.concurrently));
      const others = ctx.statements.filter((s) => s !== concurrent && !s.actions.some((a) => a.kind === 'transaction'));
      return concurrent && others.length > 0 ? [{ message: `the CONCURRENTLY statement at line ${concurrent.line} makes the other ${others.length} statement${others.length === 1 ? '' : 's'} run without a transaction`, line: concurrent.line }] : [];
    },
  },
];
