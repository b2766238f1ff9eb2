/**
 * The shape of a PostgreSQL `INSERT … VALUES` statement: its text with each constant of the
 * VALUES rows replaced by a canonical one of the same token class (`'…'` → `''`, an integer
 * of at most 9 digits → `0`, a decimal → `0.0`), everything else verbatim. Null for any other
 * statement, or one this reading is not sure of.
 *
 * A row item here is a bare constant (an `a_expr`); PostgreSQL's grammar checks no constant's
 * value there, so two statements of one shape give it the same token stream apart from the
 * values, and parse alike: if one parses (an InsertStmt: no schema action), every statement of
 * its shape does. Lint then parses one row of a seed file's 10,000 INSERTs, not each of them.
 * Refused (null), so parsed as they are: no `INSERT` first, no top-level `VALUES`, anything
 * before VALUES the lexer could read otherwise (`$`, `\`, block comments — they nest —, an
 * unterminated quote), an item other than a plain string, number, NULL, TRUE, FALSE or
 * DEFAULT (prefixed strings E'' B'' X'' U&'', `1e5`, `1_000`, `0x1F`, a cast, a call), or
 * string continuation across lines.
 */
export function insertShape(sql: string): string | null {
  const n = sql.length;
  // libpg-query reads a C string: a NUL ends the text there, whatever the shape.
  if (sql.includes('\0')) return null;
  let i = skipSpace(sql, 0);
  if (!/^insert$/i.test(sql.slice(i, i + 6)) || wordChar(sql.charCodeAt(i + 6))) return null;
  i += 6;
  // The prefix, verbatim, up to the first VALUES outside quotes and comments.
  for (;;) {
    if (i >= n) return null;
    const c = sql.charCodeAt(i);
    if (c === 0x2d && sql.charCodeAt(i + 1) === 0x2d) i = lineEnd(sql, i);
    else if ((c === 0x2f && sql.charCodeAt(i + 1) === 0x2a) || c === 0x24 || c === 0x5c) return null;
    else if (c === 0x22 || c === 0x27) {
      // A prefixed string (E'…' reads backslashes, U&'…') is not followed here.
      if (c === 0x27 && (wordChar(sql.charCodeAt(i - 1)) || sql.charCodeAt(i - 1) === 0x26)) return null;
      const end = closing(sql, i, c === 0x22 ? '"' : "'");
      if (end < 0) return null;
      i = end;
    } else if ((c === 0x56 || c === 0x76) && !wordChar(sql.charCodeAt(i - 1)) && /^values$/i.test(sql.slice(i, i + 6)) && !wordChar(sql.charCodeAt(i + 6))) {
      i += 6;
      break;
    } else i++;
  }
  let out = sql.slice(0, i);
  let from = i;
  // Rows: ( item , … ) , ( … ) … — then the rest, verbatim.
  for (;;) {
    i = skipSpace(sql, i);
    if (sql.charCodeAt(i) !== 0x28 /* ( */) return null;
    i++;
    for (;;) {
      i = skipSpace(sql, i);
      const item = constantAt(sql, i);
      if (!item) return null;
      if (item.replacement !== null) {
        out += sql.slice(from, i) + item.replacement;
        from = item.end;
      }
      i = skipSpace(sql, item.end);
      const c = sql.charCodeAt(i);
      i++;
      if (c === 0x29 /* ) */) break;
      if (c !== 0x2c /* , */) return null;
    }
    const after = skipSpace(sql, i);
    if (sql.charCodeAt(after) !== 0x2c) break;
    i = after + 1;
  }
  return out + sql.slice(from);
}

/** A row item at `at`: its end, and what replaces it in the shape (null: kept as written). */
function constantAt(sql: string, at: number): { end: number; replacement: string | null } | null {
  let i = at;
  const c = sql.charCodeAt(i);
  if (c === 0x27) {
    const end = closing(sql, i, "'");
    // `'a'` newline `'b'` is one string in PostgreSQL: not taken apart here.
    return end < 0 || sql.charCodeAt(skipSpace(sql, end)) === 0x27 ? null : { end, replacement: "''" };
  }
  if (wordChar(c) && !digit(c)) {
    let j = i;
    while (wordChar(sql.charCodeAt(j))) j++;
    return /^(?:null|true|false|default)$/i.test(sql.slice(i, j)) ? { end: j, replacement: null } : null;
  }
  if (c === 0x2d || c === 0x2b) {
    i = skipSpace(sql, i + 1);
    if (!digit(sql.charCodeAt(i))) return null;
    const rest = numberAt(sql, i);
    return rest && { end: rest.end, replacement: rest.replacement === null ? null : sql.slice(at, i) + rest.replacement };
  }
  return digit(c) ? numberAt(sql, i) : null;
}

function numberAt(sql: string, at: number): { end: number; replacement: string | null } | null {
  let j = at;
  while (digit(sql.charCodeAt(j))) j++;
  let decimal = false;
  if (sql.charCodeAt(j) === 0x2e) {
    decimal = true;
    j++;
    while (digit(sql.charCodeAt(j))) j++;
  }
  if (wordChar(sql.charCodeAt(j)) || sql.charCodeAt(j) === 0x2e) return null;
  // Past 2^31 the lexer reads an integer as a float: such integers are kept as written.
  return { end: j, replacement: decimal ? '0.0' : j - at <= 9 ? '0' : null };
}

/** Past whitespace and `--` comments. */
function skipSpace(sql: string, at: number): number {
  let i = at;
  for (;;) {
    const c = sql.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c) i++;
    else if (c === 0x2d && sql.charCodeAt(i + 1) === 0x2d) i = lineEnd(sql, i);
    else return i;
  }
}

function lineEnd(sql: string, at: number): number {
  const eol = sql.indexOf('\n', at);
  return eol < 0 ? sql.length : eol;
}

const digit = (c: number) => c >= 0x30 && c <= 0x39;
/** A character that continues an identifier or a number: letters, digits, `_`, `$`, and anything past ASCII. */
const wordChar = (c: number) => digit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24 || c >= 0x80;

/** The index after the quote closing the one at `at` (a doubled quote is an escaped one), or -1. */
function closing(sql: string, at: number, quote: string): number {
  let k = at + 1;
  for (;;) {
    const end = sql.indexOf(quote, k);
    if (end < 0) return -1;
    if (sql[end + 1] === quote) k = end + 2;
    else return end + 1;
  }
}
