import type { DialectSyntax } from '../dialects/dialect.js';
import { shortcutsOn } from './prefilter.js';

/**
 * Finds statements that destroy data: DROP TABLE, ALTER TABLE … DROP [COLUMN], TRUNCATE,
 * DELETE without WHERE. A small token matcher, not a parser. It sees through comments,
 * string literals and quoted names (a DROP inside a string never counts). It can be fooled
 * by dynamic SQL (EXECUTE 'DROP …', a procedure that drops), by a DROP inside a routine
 * body that runs later, and by cascades (DROP TABLE … CASCADE dropping dependent objects,
 * ON DELETE CASCADE removing rows in other tables): those are not counted.
 */
export type RiskKind = 'drop-table' | 'drop-column' | 'truncate' | 'delete-all';

export interface Risk {
  readonly kind: RiskKind;
  /** Unquoted, possibly schema-qualified (`sales.orders`). */
  readonly table: string;
  readonly column?: string;
}

/** `nameLike`: MySQL's "…", a string in the default sql_mode and a name under ANSI_QUOTES (where a name must stand, it can only be one). */
type Token = { type: 'word' | 'ident' | 'string' | 'punct'; text: string; raw?: string; nameLike?: boolean };

/**
 * Tokens of one statement; words are upper-cased, quoted identifiers unquoted. `limit`: stop
 * after that many tokens (the first ones are the same as a whole reading's), so a caller that
 * decides by the first word does not read a large INSERT to its end.
 */
export function tokenize(sql: string, dialect: DialectSyntax, limit = Infinity): Token[] {
  const tokens: Token[] = [];
  const rules = dialect.splitter;
  let i = 0;
  const n = sql.length;
  const quoted = (close: string, type: Token['type'], backslash: boolean) => {
    let text = '';
    i++;
    while (i < n) {
      const c = sql[i]!;
      if (backslash && c === '\\') {
        text += sql[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === close) {
        if (sql[i + 1] === close) {
          text += close;
          i += 2;
          continue;
        }
        i++;
        break;
      }
      text += c;
      i++;
    }
    tokens.push(close === '"' && type === 'string' ? { type, text, nameLike: true } : { type, text });
  };
  while (i < n && tokens.length < limit) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol;
    } else if (c === '#' && rules.hashComments) {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'") {
      quoted("'", 'string', rules.backslashEscapes);
    } else if (c === '"') {
      // A string in MySQL's default mode, an identifier elsewhere.
      quoted('"', rules.backslashEscapes ? 'string' : 'ident', rules.backslashEscapes);
    } else if (c === '`' && rules.backtickIdentifiers) {
      quoted('`', 'ident', false);
    } else if (c === '[' && rules.bracketIdentifiers) {
      quoted(']', 'ident', false);
    } else if (c === '$' && rules.dollarQuotes && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 66))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66))![0];
      const end = sql.indexOf(tag, i + tag.length);
      tokens.push({ type: 'string', text: end < 0 ? sql.slice(i + tag.length) : sql.slice(i + tag.length, end) });
      i = end < 0 ? n : end + tag.length;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      tokens.push({ type: 'word', text: sql.slice(i, j).toUpperCase(), raw: sql.slice(i, j) });
      i = j;
    } else {
      tokens.push({ type: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

const DESTROYING_VERBS = new Set(['DROP', 'TRUNCATE', 'DELETE', 'ALTER']);

/** What one statement destroys. */
export function classifyStatement(sql: string, dialect: DialectSyntax): Risk[] {
  // Only a statement starting with one of these words destroys anything: the others are not read past their first word.
  const head = shortcutsOn() ? tokenize(sql, dialect, 1)[0] : { type: 'word', text: 'DROP' };
  if (head?.type !== 'word' || !DESTROYING_VERBS.has(head.text)) return [];
  const t = tokenize(sql, dialect);
  let p = 0;
  const word = (w: string) => t[p]?.type === 'word' && t[p]!.text === w;
  const accept = (...words: string[]) => {
    const save = p;
    for (const w of words) {
      if (!word(w)) {
        p = save;
        return false;
      }
      p++;
    }
    return true;
  };
  /** name ( . name )*, keeping the written case of quoted names. */
  const name = (): string | null => {
    const parts: string[] = [];
    for (;;) {
      const tok = t[p];
      // MySQL's "t": the server's (or a migration's) sql_mode may have ANSI_QUOTES; in the default one a string here is a syntax error.
      if (!tok || (tok.type !== 'word' && tok.type !== 'ident' && !tok.nameLike)) return parts.length > 0 ? parts.join('.') : null;
      parts.push(tok.type === 'word' ? (tok.raw ?? tok.text) : tok.text);
      p++;
      if (t[p]?.type === 'punct' && t[p]!.text === '.') p++;
      else return parts.join('.');
    }
  };
  const names = (): string[] => {
    const out: string[] = [];
    for (;;) {
      const n = name();
      if (!n) break;
      out.push(n);
      if (t[p]?.type === 'punct' && t[p]!.text === ',') p++;
      else break;
    }
    return out;
  };

  if (accept('DROP')) {
    accept('TEMPORARY');
    if (!accept('TABLE')) return [];
    accept('IF', 'EXISTS');
    return names().map((table) => ({ kind: 'drop-table' as const, table }));
  }
  if (accept('TRUNCATE')) {
    accept('TABLE');
    accept('ONLY');
    return names().map((table) => ({ kind: 'truncate' as const, table }));
  }
  if (accept('DELETE')) {
    if (!accept('FROM')) return [];
    accept('ONLY');
    const table = name();
    if (!table) return [];
    return t.slice(p).some((tok) => tok.type === 'word' && tok.text === 'WHERE') ? [] : [{ kind: 'delete-all', table }];
  }
  if (accept('ALTER', 'TABLE')) {
    accept('IF', 'EXISTS');
    accept('ONLY');
    const table = name();
    if (!table) return [];
    const risks: Risk[] = [];
    // Each comma-separated action: only DROP [COLUMN] [IF EXISTS] <col> drops a column.
    while (p < t.length) {
      if (accept('DROP')) {
        const explicit = accept('COLUMN');
        if (!explicit && ['INDEX', 'KEY', 'CONSTRAINT', 'PRIMARY', 'FOREIGN', 'CHECK', 'PARTITION', 'DEFAULT', 'NOT', 'IDENTITY', 'EXPRESSION', 'TRIGGER', 'UNIQUE', 'SYSTEM', 'PERIOD'].some((w) => word(w))) {
          skipAction();
          continue;
        }
        accept('IF', 'EXISTS');
        const column = name();
        if (column) risks.push({ kind: 'drop-column', table, column });
      }
      skipAction();
    }
    return risks;
  }
  return [];

  function skipAction() {
    let depth = 0;
    while (p < t.length) {
      const tok = t[p]!;
      if (tok.type === 'punct' && tok.text === '(') depth++;
      if (tok.type === 'punct' && tok.text === ')') depth--;
      p++;
      if (depth === 0 && tok.type === 'punct' && tok.text === ',') return;
    }
  }
}
