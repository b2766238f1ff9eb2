import type { SplitterRules } from '../dialects/dialect.js';

/**
 * Longer than 300 lines because the lexer is one loop whose cases share its state (position,
 * line, open statement, routine depth); cut into files it would pass all of it around.
 *
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

/** Where a chunk of a streamed file starts, and what the chunk before it left open. */
export interface SplitChunk {
  /** Lines before this chunk (its first line is `lineOffset + 1`). */
  readonly lineOffset: number;
  /** The delimiter in force (MySQL's `DELIMITER` changes it). */
  readonly delimiter: string;
  /** More text follows: an unfinished statement is not emitted but returned in `rest`. */
  readonly more: boolean;
}

/** What a chunk left unfinished: the text from the start of its line, and that line's number. */
export interface SplitRest {
  /** Lines from the first line of the unfinished part on; text before it on that line is blanked. */
  readonly text: string;
  readonly line: number;
  readonly delimiter: string;
}

/** Character classes by char code (ASCII; anything else is neither): the splitter reads every character of a file. */
const WORD_START = new Uint8Array(128);
const WORD_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  WORD_START[c] = /[A-Za-z_]/.test(ch) ? 1 : 0;
  WORD_CHAR[c] = /[A-Za-z0-9_$]/.test(ch) ? 1 : 0;
}
const isWordStart = (code: number) => code < 128 && WORD_START[code] === 1;
const isWordChar = (code: number) => code < 128 && WORD_CHAR[code] === 1;
const isDigit = (code: number) => code >= 48 && code <= 57;
const ROUTINE_WORDS = new Set(['TRIGGER', 'PROCEDURE', 'FUNCTION', 'EVENT']);
/** `END IF`, `END LOOP`, … close statements we do not count as openers. */
const NON_CLOSING_END_FOLLOWERS = new Set(['IF', 'LOOP', 'WHILE', 'REPEAT']);
const DELIMITER_LINE = /^[ \t]*DELIMITER[ \t]+(\S+)[ \t]*$/i;

export function splitStatements(lines: readonly string[], rules: SplitterRules): SplitResult {
  return splitText(lines.join('\n'), rules, { lineOffset: 0, delimiter: ';', more: false });
}

/**
 * Splits one chunk of a file (whole lines). With `more`, a statement (or comment) still open
 * at the end of the chunk is returned as `rest`, to be put before the next chunk's text, so a
 * file can be split a bounded piece at a time; its problems are only final at the end.
 */
export function splitText(text: string, rules: SplitterRules, chunk: SplitChunk): SplitResult & { rest: SplitRest | null; delimiter: string } {
  const statements: Statement[] = [];
  const problems: SplitProblem[] = [];
  const n = text.length;

  let delimiter = chunk.delimiter;
  let line = chunk.lineOffset + 1;
  let i = 0;
  // Where the first construct left open at the end began (a comment between statements).
  let openedAt = -1;
  let openedLine = 0;

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
  // The next backslash at or after an index (searched again only once passed): strings are
  // skipped with indexOf, not a character at a time.
  let backslashAt = -1;
  const nextBackslash = (from: number): number => {
    if (backslashAt < from && backslashAt !== n) {
      backslashAt = text.indexOf('\\', from);
      if (backslashAt < 0) backslashAt = n;
    }
    return backslashAt;
  };
  /** Skips to the end of a quoted run; returns false when the file ends first. */
  const skipQuoted = (close: string, backslash: boolean): boolean => {
    const openLine = line;
    const closeCode = close.charCodeAt(0);
    let k = i + 1;
    for (;;) {
      let q = text.indexOf(close, k);
      if (q < 0) q = n;
      if (backslash) {
        // A backslash before the close escapes the next character (perhaps the close itself).
        for (let b = nextBackslash(k); b < q; b = nextBackslash(k)) {
          k = b + 2;
          if (q < k) {
            q = text.indexOf(close, k);
            if (q < 0) q = n;
          }
        }
      }
      if (q >= n) break;
      if (text.charCodeAt(q + 1) === closeCode) {
        k = q + 2;
        continue;
      }
      line += newlinesBetween(text, i, q);
      i = q + 1;
      return true;
    }
    line += newlinesBetween(text, i, n);
    i = n;
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
      const openIndex = i;
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
      if (nesting > 0) {
        problems.push({ line: openLine, message: 'unterminated /* comment' });
        if (start < 0 && openedAt < 0) {
          openedAt = openIndex;
          openedLine = openLine;
        }
      }
      continue;
    }

    // The delimiter ends a statement unless we are inside a routine body.
    if (delimiter === ';' ? c === ';' : text.startsWith(delimiter, i)) {
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
    if (c === '$' && rules.dollarQuotes && !(i > 0 && isWordChar(text.charCodeAt(i - 1)))) {
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
    if ((c === 'E' || c === 'e') && rules.escapeStringPrefix && text[i + 1] === "'" && !(i > 0 && isWordChar(text.charCodeAt(i - 1)))) {
      resolvePendingEnd(null);
      i++;
      skipQuoted("'", true);
      continue;
    }
    const code = text.charCodeAt(i);
    // A delimiter that starts like a word (`$$`: `$` is a word character in MySQL) ends the word
    // it is glued to, as in the mysql client and Flyway: `END$$` is END, then the delimiter.
    const glued = delimiter !== ';' && isWordChar(delimiter.charCodeAt(0)) ? delimiter : null;
    if (isWordStart(code)) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j)) && !(glued !== null && text.startsWith(glued, j))) j++;
      // Past the first words, only routine bodies (BEGIN/CASE/END) need the word itself.
      if (words.length < 12 || compound || pendingEnd) onWord(text.slice(i, j).toUpperCase());
      i = j;
      continue;
    }
    if (isDigit(code)) {
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j)) && !(glued !== null && text.startsWith(glued, j))) j++;
      resolvePendingEnd(null);
      i = j;
      continue;
    }
    resolvePendingEnd(null);
    i++;
  }
  if (chunk.more && (start >= 0 || openedAt >= 0)) {
    // The open part goes to the next chunk, from the start of its line (text before it
    // blanked), so line numbers and line-start rules (DELIMITER) stay as in the whole file.
    const from = start >= 0 ? start : openedAt;
    const fromLine = start >= 0 ? startLine : openedLine;
    const lineStart = text.lastIndexOf('\n', from - 1) + 1;
    const rest = ' '.repeat(from - lineStart) + text.slice(from);
    return { statements, problems: problems.filter((p) => p.line < fromLine), rest: { text: rest, line: fromLine, delimiter }, delimiter };
  }
  finish(n);
  return { statements, problems, rest: null, delimiter };
}

function newlinesBetween(s: string, from: number, to: number): number {
  let count = 0;
  for (let k = s.indexOf('\n', from); k >= 0 && k < to; k = s.indexOf('\n', k + 1)) count++;
  return count;
}

function countNewlines(s: string): number {
  let count = 0;
  for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) count++;
  return count;
}
