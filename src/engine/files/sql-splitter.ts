import type { SplitterRules } from '../dialects/dialect.js';

/**
 * Splits resolved SQL into statements for one dialect, keeping where each one starts.
 * It is a lexer, not a parser: it knows strings, quoted identifiers, comments, dollar
 * quotes, `DELIMITER`, and BEGIN…END bodies of CREATE TRIGGER/FUNCTION/PROCEDURE/EVENT
 * (where `;` inside the body does not end the statement).
 */

export interface Statement {
  /** The statement text, without its terminating delimiter and without leading comments. */
  readonly sql: string;
  /** 1-based line of the statement's first character. */
  readonly line: number;
  readonly endLine: number;
}

export interface SplitProblem {
  readonly line: number;
  readonly message: string;
}

export interface SplitResult {
  readonly statements: Statement[];
  readonly problems: SplitProblem[];
}

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_$]/;
const ROUTINE_WORDS = new Set(['TRIGGER', 'PROCEDURE', 'FUNCTION', 'EVENT']);
/** `END IF`, `END LOOP`, … close statements we do not count as openers. */
const NON_CLOSING_END_FOLLOWERS = new Set(['IF', 'LOOP', 'WHILE', 'REPEAT']);
const DELIMITER_LINE = /^[ \t]*DELIMITER[ \t]+(\S+)[ \t]*$/i;

export function splitStatements(lines: readonly string[], rules: SplitterRules): SplitResult {
  const text = lines.join('\n');
  const statements: Statement[] = [];
  const problems: SplitProblem[] = [];
  const n = text.length;

  let delimiter = ';';
  let line = 1;
  let i = 0;

  // The statement being read.
  let start = -1;
  let startLine = 0;
  let words: string[] = [];
  let compound = false;
  let depth = 0;
  let pendingEnd = false;

  const resetStatement = () => {
    start = -1;
    words = [];
    compound = false;
    depth = 0;
    pendingEnd = false;
  };
  const finish = (endIndex: number) => {
    if (start >= 0) {
      const sql = text.slice(start, endIndex).trimEnd();
      if (sql !== '') {
        const endLine = startLine + countNewlines(sql);
        statements.push({ sql, line: startLine, endLine });
      }
    }
    resetStatement();
  };
  const begin = () => {
    if (start < 0) {
      start = i;
      startLine = line;
    }
  };
  const resolvePendingEnd = (nextWord: string | null) => {
    if (!pendingEnd) return;
    pendingEnd = false;
    if (nextWord === null || !NON_CLOSING_END_FOLLOWERS.has(nextWord)) depth = Math.max(0, depth - 1);
  };
  const onWord = (upper: string) => {
    resolvePendingEnd(upper);
    if (words.length < 12) {
      words.push(upper);
      if (!compound) {
        if (words[0] === 'CREATE' && ROUTINE_WORDS.has(upper)) compound = true;
        if (words.length === 2 && words[0] === 'BEGIN' && upper === 'NOT') compound = true;
        if (compound && words[0] === 'BEGIN') depth = 1;
      }
    }
    if (!compound) return;
    if (upper === 'BEGIN' || upper === 'CASE') {
      if (!(words.length <= 2 && words[0] === 'BEGIN')) depth++;
    } else if (upper === 'END') {
      pendingEnd = true;
    }
  };
  /** Skips to the end of a quoted run; returns false when the file ends first. */
  const skipQuoted = (close: string, backslash: boolean): boolean => {
    const openLine = line;
    i++;
    while (i < n) {
      const c = text[i]!;
      if (c === '\n') line++;
      if (backslash && c === '\\') {
        if (text[i + 1] === '\n') line++;
        i += 2;
        continue;
      }
      if (c === close) {
        if (text[i + 1] === close) {
          i += 2;
          continue;
        }
        i++;
        return true;
      }
      i++;
    }
    problems.push({ line: openLine, message: `unterminated ${close === "'" ? 'string' : 'quoted identifier'} (opened with ${close})` });
    return false;
  };

  while (i < n) {
    const c = text[i]!;

    // DELIMITER is a client command: a whole line, between statements.
    if (rules.delimiterCommand && start < 0 && (i === 0 || text[i - 1] === '\n') && (c === 'D' || c === 'd' || c === ' ' || c === '\t')) {
      const eol = text.indexOf('\n', i);
      const lineText = text.slice(i, eol < 0 ? n : eol);
      const m = DELIMITER_LINE.exec(lineText);
      if (m) {
        delimiter = m[1]!;
        i = eol < 0 ? n : eol;
        continue;
      }
    }

    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }

    // Comments.
    if (c === '-' && text[i + 1] === '-' && (!rules.dashCommentNeedsSpace || /[\s]/.test(text[i + 2] ?? '\n'))) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (c === '#' && rules.hashComments) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const openLine = line;
      let nesting = 1;
      i += 2;
      while (i < n && nesting > 0) {
        const d = text[i]!;
        if (d === '\n') line++;
        if (d === '*' && text[i + 1] === '/') {
          nesting--;
          i += 2;
        } else if (rules.nestedBlockComments && d === '/' && text[i + 1] === '*') {
          nesting++;
          i += 2;
        } else i++;
      }
      if (nesting > 0) problems.push({ line: openLine, message: 'unterminated /* comment' });
      continue;
    }

    // The delimiter ends a statement unless we are inside a routine body.
    if (text.startsWith(delimiter, i)) {
      if (delimiter === ';') resolvePendingEnd(null);
      if (delimiter !== ';' || depth === 0) {
        finish(i);
        i += delimiter.length;
        continue;
      }
      begin();
      i += 1;
      continue;
    }

    begin();

    if (c === "'") {
      resolvePendingEnd(null);
      skipQuoted("'", rules.backslashEscapes);
      continue;
    }
    if (c === '"') {
      resolvePendingEnd(null);
      skipQuoted('"', rules.backslashEscapes);
      continue;
    }
    if (c === '`' && rules.backtickIdentifiers) {
      resolvePendingEnd(null);
      skipQuoted('`', false);
      continue;
    }
    if (c === '[' && rules.bracketIdentifiers) {
      resolvePendingEnd(null);
      skipQuoted(']', false);
      continue;
    }
    if (c === '$' && rules.dollarQuotes && !(i > 0 && WORD_CHAR.test(text[i - 1]!))) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 66));
      if (m) {
        resolvePendingEnd(null);
        const tag = m[0];
        const openLine = line;
        const close = text.indexOf(tag, i + tag.length);
        if (close < 0) {
          problems.push({ line: openLine, message: `unterminated dollar-quoted string (opened with ${tag})` });
          line += countNewlines(text.slice(i));
          i = n;
        } else {
          line += countNewlines(text.slice(i, close));
          i = close + tag.length;
        }
        continue;
      }
    }
    if ((c === 'E' || c === 'e') && rules.escapeStringPrefix && text[i + 1] === "'" && !(i > 0 && WORD_CHAR.test(text[i - 1]!))) {
      resolvePendingEnd(null);
      i++;
      skipQuoted("'", true);
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD_CHAR.test(text[j]!)) j++;
      onWord(text.slice(i, j).toUpperCase());
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && WORD_CHAR.test(text[j]!)) j++;
      resolvePendingEnd(null);
      i = j;
      continue;
    }
    resolvePendingEnd(null);
    i++;
  }
  finish(n);
  return { statements, problems };
}

function countNewlines(s: string): number {
  let count = 0;
  for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) count++;
  return count;
}
