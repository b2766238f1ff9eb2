import type { DialectSyntax } from '../dialects/dialect.js';
import { tokenize } from '../safety/data-risk.js';
import { Reader } from './token-reader.js';
import type { AnalysedStatement } from './types.js';

/**
 * Which tables may hold rows written by the statements lint has replayed since they were
 * created, so a rule can tell a table that is empty at a statement (created earlier in the
 * same file or plan, nothing put in it) from one that is not. Rows come from
 * `CREATE TABLE … AS SELECT`, `INSERT`/`REPLACE INTO t` (also after a WITH), and follow a
 * table's renames; DROP TABLE, TRUNCATE and DELETE without WHERE empty it. Only the first
 * word of other statements is read (a large INSERT is read to its table's name only).
 */
export function noteRows(filled: Set<string>, st: AnalysedStatement, syntax: DialectSyntax): void {
  const lower = (s: string) => s.toLowerCase();
  for (const a of st.actions) {
    if (a.kind === 'create-table') {
      if (a.asSelect) filled.add(lower(a.table));
      else filled.delete(lower(a.table));
    } else if (a.kind === 'rename-table') {
      if (filled.delete(lower(a.table))) filled.add(lower(a.to));
    } else if (a.kind === 'drop-table' || a.kind === 'truncate' || a.kind === 'delete-all') filled.delete(lower(a.table));
  }
  if (st.actions.length > 0) return;
  const into = insertInto(st.sql, syntax);
  if (into) filled.add(lower(into));
}

/** The table an INSERT or REPLACE writes into (the last part of its name), or null. */
export function insertInto(sql: string, syntax: DialectSyntax): string | null {
  const head = tokenize(sql, syntax, 1)[0];
  if (head?.type !== 'word' || (head.text !== 'INSERT' && head.text !== 'REPLACE' && head.text !== 'WITH')) return null;
  // INSERT OR IGNORE INTO main.t: the name is within the first dozen tokens; after a WITH, anywhere.
  const t = tokenize(sql, syntax, head.text === 'WITH' ? Infinity : 12);
  for (let k = 0; k < t.length; k++) {
    if (t[k]!.type !== 'word' || (t[k]!.text !== 'INSERT' && t[k]!.text !== 'REPLACE')) continue;
    const r = new Reader(t);
    r.p = k + 1;
    if (r.accept('OR')) r.p++; // INSERT OR REPLACE / IGNORE / ABORT …
    r.accept('LOW_PRIORITY') || r.accept('DELAYED') || r.accept('HIGH_PRIORITY');
    r.accept('IGNORE');
    r.accept('INTO'); // optional in MySQL
    const name = r.name();
    if (name) return name;
  }
  return null;
}
