import type { SchemaState } from '../schema.js';
import type { Rule } from './rule.js';
import { SL } from './rule.js';

/**
 * SQLite's double-quoted strings (https://www.sqlite.org/quirks.html#dblquote): SQLite's default
 * build reads `"x"` as the string 'x' where no column is named x, and so did the sqlite3 shell
 * before 3.41; migrate-tui's SQLite (better-sqlite3, SQLITE_DQS=0) refuses the statement, as
 * gophish's goose files found (`SET status = "Submitted Data"`, `VALUES ("admin", …)`).
 * Flagged where a name cannot stand or is no column lint knows: inside an INSERT's VALUES list
 * (no column is in scope there), and after `=`, `<>`, `!=` or LIKE when no table of the replayed
 * schema has a column of that name and every table the statement names is one lint saw created.
 */

interface Quoted {
  readonly text: string;
  /** The significant token before it (upper-cased word or punctuation), '' at the start. */
  readonly before: string;
  /** Inside the parentheses of a top-level VALUES. */
  readonly inValues: boolean;
}

/** The double-quoted tokens of a statement outside strings and comments, with their context; and the tables it names (after FROM, its commas, JOIN, UPDATE, INTO). */
function scan(sql: string): { quoted: Quoted[]; tables: string[] } {
  const quoted: Quoted[] = [];
  const tables: string[] = [];
  let before = '';
  let values = -1; // parenthesis depth of a top-level VALUES, -1 outside
  let depth = 0;
  let wantTable = false;
  let fromList = false;
  // The character after position j, past white space (a `(` after a name makes it a function or a subquery's alias list).
  const nextChar = (j: number) => {
    while (j < sql.length && /\s/.test(sql[j]!)) j++;
    return sql[j] ?? '';
  };
  const name = (text: string, end: number) => {
    if (wantTable && nextChar(end) !== '(') tables.push(text.toLowerCase());
    wantTable = false;
  };
  for (let i = 0; i < sql.length; ) {
    const c = sql[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (c === '/' && sql[i + 1] === '*') i = sql.indexOf('*/', i + 2) < 0 ? sql.length : sql.indexOf('*/', i + 2) + 2;
    else if (c === "'" || c === '`' || c === '[' || c === '"') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      let text = '';
      for (; j < sql.length; j++) {
        if (sql[j] === close && sql[j + 1] === close && close !== ']') {
          text += close;
          j++;
        } else if (sql[j] === close) break;
        else text += sql[j];
      }
      if (c === '"') quoted.push({ text, before, inValues: values >= 0 && depth > values });
      if (c === "'") wantTable = false;
      else name(text, j + 1);
      before = c === "'" ? "'" : 'NAME';
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      const upper = sql.slice(i, j).toUpperCase();
      const table = wantTable;
      if (wantTable) name(sql.slice(i, j), j);
      else if (['FROM', 'JOIN', 'UPDATE', 'INTO'].includes(upper)) {
        wantTable = true;
        fromList = upper === 'FROM';
      } else if (['WHERE', 'ON', 'SET', 'GROUP', 'ORDER', 'LIMIT', 'VALUES', 'SELECT', 'UNION', 'HAVING', 'USING', 'RETURNING'].includes(upper)) fromList = false;
      if (upper === 'VALUES' && depth === 0) values = 0;
      // A SELECT feeds the INSERT instead; ON CONFLICT (…) and RETURNING name columns.
      if (['SELECT', 'ON', 'RETURNING'].includes(upper) && depth === 0) values = -1;
      before = table ? 'NAME' : upper;
      i = j;
    } else {
      if (c === '(') depth++;
      if (c === ')') depth--;
      if (c === '.' && before === 'NAME' && tables.length > 0) {
        tables.pop(); // schema.table: the table is the name after the dot
        wantTable = true;
      } else if (c === ',' && fromList) wantTable = true;
      else wantTable = false;
      const two = sql.slice(i, i + 2);
      const op = two === '<>' || two === '!=' ? two : c;
      if (c !== '.') before = op;
      i += op.length;
    }
  }
  return { quoted, tables };
}

const COMPARED = new Set(['=', '<>', '!=', 'LIKE']);

function knownColumn(schema: SchemaState, name: string): boolean {
  const lower = name.toLowerCase();
  for (const table of schema.tables.values()) for (const column of table.columns.keys()) if (column.toLowerCase() === lower) return true;
  return false;
}

export const SQLITE_DQS_RULE: Rule = {
  code: 'SL306',
  dialects: SL,
  severity: 'warning',
  what: 'A double-quoted string ("text" where a value goes)',
  why: 'SQLite reads a double-quoted name that is no column as a string (a misfeature SQLite advises against), and so did the sqlite3 shell before 3.41; builds without it refuse the statement ("no such column"), as migrate-tui\'s SQLite (better-sqlite3, SQLITE_DQS=0) does.',
  doInstead: "Write strings in single quotes: `SET status = 'done'`, `VALUES ('admin', 'Admin')`; double quotes are for names.",
  statement: (ctx) => {
    const sql = ctx.statement.sql;
    if (!sql.includes('"')) return null;
    const { quoted, tables } = scan(sql);
    const certain = quoted.filter((q) => q.inValues);
    // A name compared with is a string only if no column has it: every table named must be one lint knows.
    const allKnown = tables.length > 0 && tables.every((t) => ctx.schema.table(t) !== undefined);
    const compared = allKnown ? quoted.filter((q) => !q.inValues && COMPARED.has(q.before) && !knownColumn(ctx.schema, q.text)) : [];
    const found = [...new Set([...certain, ...compared].map((q) => q.text))];
    if (found.length === 0) return null;
    const shown = found.slice(0, 3).map((t) => `"${t}"`).join(', ') + (found.length > 3 ? ` and ${found.length - 3} more` : '');
    return { message: `${shown} where a value goes: SQLite builds with double-quoted strings read ${found.length === 1 ? 'it as a string' : 'them as strings'}, migrate-tui's SQLite refuses the statement; write '${found[0]!.replace(/'/g, "''")}'` };
  },
};
