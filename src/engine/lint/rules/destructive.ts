import type { Rule } from './rule.js';
import { ALL } from './rule.js';

/** Every dialect: data lost, and changes that break the application still running the old code. Up files only (downs destroy by design; the downgrade preview counts it). */

const UP: ReadonlyArray<'up'> = ['up'];

export const DESTRUCTIVE_RULES: readonly Rule[] = [
  {
    code: 'DS401',
    dialects: ALL,
    severity: 'warning',
    what: 'DROP TABLE of an existing table',
    why: 'The rows are gone, and the running application still queries the table until it is deployed again. (A table rebuild in the same file — the old table dropped after its rows were copied and the new one renamed to its name — is not flagged.)',
    doInstead: 'Stop using the table in a deploy first; drop it in a later migration, after a backup.',
    directions: UP,
    action: (a, ctx) => (a.kind === 'drop-table' && ctx.existing(a.table) && !ctx.rebuilt(a.table) ? { message: `DROP TABLE ${a.table} deletes its rows`, table: a.table } : null),
  },
  {
    code: 'DS402',
    dialects: ALL,
    severity: 'warning',
    what: 'DROP COLUMN of an existing column',
    why: 'The values are gone, and the running application still reads and writes the column (an INSERT naming it fails).',
    doInstead: 'Stop using the column in a deploy first (and remove it from the ORM\'s model), then drop it in a later migration.',
    directions: UP,
    action: (a, ctx) => (a.kind === 'drop-column' && ctx.existingColumn(a.table, a.column) ? { message: `DROP COLUMN ${a.table}.${a.column} deletes its values`, table: a.table, column: a.column } : null),
  },
  {
    code: 'DS403',
    dialects: ALL,
    severity: 'warning',
    what: 'TRUNCATE',
    why: 'Every row of the table is deleted (and on PostgreSQL, under an ACCESS EXCLUSIVE lock).',
    doInstead: 'Delete what must go with a WHERE clause, or say why with `-- migrate:lint-ignore DS403 "reason"`.',
    directions: UP,
    action: (a, ctx) => (a.kind === 'truncate' && ctx.existing(a.table) ? { message: `TRUNCATE ${a.table} deletes every row`, table: a.table } : null),
  },
  {
    code: 'DS404',
    dialects: ALL,
    severity: 'warning',
    what: 'DELETE without WHERE',
    why: 'Every row of the table is deleted, in one long transaction.',
    doInstead: 'Add the WHERE clause that was meant; delete large sets in batches.',
    directions: UP,
    action: (a, ctx) => (a.kind === 'delete-all' && ctx.existing(a.table) ? { message: `DELETE FROM ${a.table} without WHERE deletes every row`, table: a.table } : null),
  },
  {
    code: 'DS405',
    dialects: ALL,
    severity: 'warning',
    what: 'RENAME of a table',
    why: 'The application still running the old code queries the old name and fails until it is deployed again.',
    doInstead: 'Create the new table (or a view with the new name), write to both, switch reads, then drop the old one in a later migration.',
    directions: UP,
    action: (a, ctx) => (a.kind === 'rename-table' && ctx.existing(a.table) && !ctx.rebuilt(a.table) ? { message: `RENAME of table ${a.table} to ${a.to} breaks the application still using ${a.table}`, table: a.table } : null),
  },
  {
    code: 'DS406',
    dialects: ALL,
    severity: 'warning',
    what: 'RENAME of a column',
    why: 'The application still running the old code reads and writes the old name and fails until it is deployed again.',
    doInstead: 'Add the new column, write to both, backfill, switch reads, then drop the old column in a later migration.',
    directions: UP,
    action: (a, ctx) => {
      if (a.kind === 'rename-column' && ctx.existingColumn(a.table, a.column)) return { message: `RENAME of column ${a.table}.${a.column} to ${a.to} breaks the application still using it`, table: a.table, column: a.column };
      if (a.kind === 'alter-column-type' && a.newName && ctx.existingColumn(a.table, a.column)) return { message: `CHANGE renames column ${a.table}.${a.column} to ${a.newName}: the application still using it breaks`, table: a.table, column: a.column };
      return null;
    },
  },
  {
    code: 'DS407',
    dialects: ['postgres', 'mysql', 'mariadb'],
    severity: 'warning',
    what: 'A new NOT NULL column without a default on an existing table',
    why: 'PostgreSQL refuses it when the table has rows; MySQL/MariaDB fill existing rows with the type\'s zero value (0, \'\', 0000-00-00) without a word. The running application\'s INSERTs, which do not name the column, fail.',
    doInstead: 'Add it with a default (`ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT \'\';`), or add it nullable, backfill, then set NOT NULL.',
    directions: UP,
    action: (a, ctx) =>
      a.kind === 'add-column' && a.column.notNull && !a.column.hasDefault && !a.column.computed && !a.column.primaryKey && ctx.existing(a.table)
        ? { message: `ADD COLUMN ${a.table}.${a.column.name} NOT NULL without a default on existing table ${a.table}`, table: a.table, column: a.column.name }
        : null,
  },
  {
    code: 'DS408',
    dialects: ALL,
    severity: 'notice',
    what: 'A unique index or constraint on an existing table',
    why: 'It fails if the table already holds duplicates (after a long build, on PostgreSQL with CONCURRENTLY leaving an INVALID index behind).',
    doInstead: 'Count the duplicates first: `SELECT c, count(*) FROM t GROUP BY c HAVING count(*) > 1;`',
    directions: UP,
    action: (a, ctx) =>
      ((a.kind === 'create-index' && a.unique) || (a.kind === 'add-constraint' && (a.constraint === 'unique' || a.constraint === 'primary-key') && !a.usingIndex)) && ctx.existing(a.table)
        ? { message: `unique ${a.kind === 'create-index' ? 'index' : 'constraint'} on existing table ${a.table}${a.columns.length ? ` (${a.columns.join(', ')})` : ''} fails if it holds duplicates`, table: a.table, ...(a.columns.length ? { columns: a.columns } : {}) }
        : null,
  },
];
