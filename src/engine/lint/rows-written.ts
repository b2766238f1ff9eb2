import type { DialectSyntax } from '../dialects/dialect.js';
import { tokenize } from '../safety/data-risk.js';
import { Reader } from './token-reader.js';
import type { AnalysedStatement } from './types.js';

/**
 * Which tables may hold rows written by the statements lint has replayed since they were
 * created, so a rule can tell a table that is empty at a statement (created earlier in the
 * same file or plan, nothing put in it) from one that is not. Rows come from
 * `CREATE TABLE … AS SELECT`, `INSERT`/`REPLACE INTO t` (also after a WITH, and in the body of a
 * trigger created since: it may fire on any later statement), and follow a
 * table's renames; DROP TABLE, TRUNCATE and DELETE without WHERE empty it. Statements without
 * a schema action are read for the table they write into only once a reported file created a
 * table (before, no table can count as new), and then only to the table's name (a large
 * INSERT is not read to its end).
 */
export class TableRows {
  private readonly filled = new Set<string>();
  private created = false;
  private reported = true;

  /**
   * For the next up file of the replay: a plan's tables stay new across its revisions, so it
   * goes on; otherwise only this revision's tables are new, so what came before is dropped.
   * `reported`: rules see this file (only then can a table it creates count as new).
   */
  forUp(plan: boolean, reported: boolean): this {
    if (!plan) {
      this.filled.clear();
      this.created = false;
    }
    this.reported = reported;
    return this;
  }

  has(table: string): boolean {
    return this.filled.has(table.toLowerCase());
  }

  note(st: AnalysedStatement, syntax: DialectSyntax): void {
    const lower = (s: string) => s.toLowerCase();
    for (const a of st.actions) {
      if (a.kind === 'create-table') {
        this.created ||= this.reported;
        if (a.asSelect) this.filled.add(lower(a.table));
        else this.filled.delete(lower(a.table));
      } else if (a.kind === 'rename-table') {
        if (this.filled.delete(lower(a.table))) this.filled.add(lower(a.to));
      } else if (a.kind === 'drop-table' || a.kind === 'truncate' || a.kind === 'delete-all') this.filled.delete(lower(a.table));
    }
    if (!this.created) return;
    // A trigger may fire on any later statement: the tables its body writes into may hold rows from here on.
    for (const table of triggerWrites(st.sql)) this.filled.add(lower(table));
    if (st.actions.length > 0) return;
    const into = insertInto(st.sql, syntax);
    if (into) this.filled.add(lower(into));
  }
}

const TRIGGER = /^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\b/i;
const NAME = '("[^"]+"|`[^`]+`|\\[[^\\]]+\\]|[A-Za-z_][\\w$]*)';
const WRITES = new RegExp(`\\b(?:INSERT|REPLACE)\\s+(?:OR\\s+[A-Za-z]+\\s+)?INTO\\s+(?:${NAME}\\s*\\.\\s*)?${NAME}`, 'gi');

/** The tables a CREATE TRIGGER's body inserts or replaces into (none for any other statement). */
export function triggerWrites(sql: string): string[] {
  if (!TRIGGER.test(sql)) return [];
  return [...sql.matchAll(WRITES)].map((m) => m[2]!.replace(/^["`[]|["`\]]$/g, ''));
}

/** A statement that starts (after blanks) with a letter other than I, R or W is no INSERT, REPLACE or WITH: not tokenized. */
const maybeWrite = (sql: string): boolean => {
  const at = sql.search(/\S/);
  return at >= 0 && !/[A-HJ-QS-VX-Za-hj-qs-vx-z_0-9(]/.test(sql[at]!);
};

/** `INSERT [OR x] [INTO] [schema.]t` with plain names: read without the tokenizer (a seed file has thousands). */
const PLAIN = /^\s*(?:INSERT|REPLACE)\s+(?:OR\s+[A-Z]+\s+)?(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY)\s+)?(?:IGNORE\s+)?(?:INTO\s+)?(?:[A-Z_][\w$]*\s*\.\s*)?([A-Z_][\w$]*)[\s(]/i;
const KEYWORD = /^(?:INTO|OR|IGNORE|LOW_PRIORITY|DELAYED|HIGH_PRIORITY|VALUES|SELECT|DEFAULT|SET)$/i;

/** The table an INSERT or REPLACE writes into (the last part of its name), or null. */
export function insertInto(sql: string, syntax: DialectSyntax): string | null {
  if (!maybeWrite(sql)) return null;
  const plain = PLAIN.exec(sql)?.[1];
  if (plain && !KEYWORD.test(plain)) return plain;
  // Comments, quoted names, a WITH first: INSERT OR IGNORE INTO main.t has its name within the first eight tokens; after a WITH, anywhere.
  let t = tokenize(sql, syntax, 8);
  const head = t[0];
  if (head?.type !== 'word' || (head.text !== 'INSERT' && head.text !== 'REPLACE' && head.text !== 'WITH')) return null;
  if (head.text === 'WITH') t = tokenize(sql, syntax);
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
