import type { Rule } from './rule.js';
import { ALL } from './rule.js';

/** Reversibility: a down that leaves behind what its up created. */

export const REVERSIBILITY_RULES: readonly Rule[] = [
  {
    code: 'RV601',
    dialects: ALL,
    severity: 'warning',
    what: 'A down that does not drop what its up creates',
    why: 'After a downgrade the table, column, index or type is still there, so the next upgrade fails on "already exists" or the schema drifts from the history.',
    doInstead: 'Drop in the down, in reverse order, everything the up creates: `DROP INDEX …; ALTER TABLE t DROP COLUMN c; DROP TABLE t;`',
    directions: ['down'],
    file: (ctx) => {
      if (!ctx.createdByUp || ctx.statements.length === 0 || ctx.statements.some((s) => !s.analysed)) return [];
      const dropped = new Set<string>();
      for (const s of ctx.statements) {
        for (const a of s.actions) {
          if (a.kind === 'drop-table') dropped.add(`table ${a.table.toLowerCase()}`);
          else if (a.kind === 'drop-column') dropped.add(`column ${a.table.toLowerCase()}.${a.column.toLowerCase()}`);
          else if (a.kind === 'drop-index') dropped.add(`index ${a.index.toLowerCase()}`);
          else if (a.kind === 'drop-type') dropped.add(`type ${a.type.toLowerCase()}`);
          else if (a.kind === 'rename-table') dropped.add(`table ${a.table.toLowerCase()}`);
        }
      }
      const hits = [];
      for (const [key, created] of ctx.createdByUp) {
        if (dropped.has(key)) continue;
        // Dropping a table drops its columns and indexes too.
        const owner = created.what;
        if (owner && dropped.has(`table ${owner}`)) continue;
        hits.push({ message: `the down leaves ${key} (created by the up at line ${created.line}) in place`, line: ctx.statements[0]!.line });
      }
      return hits;
    },
  },
];
