import { analysePostgres, analysis, postgresParser, type Parsed, type PostgresAnalysis } from './pg-parse.js';
import { ParsedText } from './pg-text.js';

/**
 * Many statements in one call of the parser (a call costs more than parsing a short
 * statement: 2,600 statements took ~80 ms one by one and ~40 ms as one text here). Each
 * result is what analysePostgres gives for that statement alone: the texts are joined with
 * `\n;\n` (a newline ends a trailing `--` comment), each parsed statement is given to the
 * text its end falls in, and a text the parser refuses is found by halving and parsed alone
 * (its error message is its own). Null when the parser is not loaded.
 */
export function analysePostgresMany(sqls: readonly string[]): PostgresAnalysis[] | null {
  const parser = postgresParser();
  if (!parser || sqls.length === 0) return parser ? [] : null;
  // The parser refuses an empty text ("Query cannot be empty"); joined, it would not: alone.
  const empty = sqls.length > 1 ? sqls.findIndex((sql) => sql.trim() === '') : -1;
  if (empty >= 0) return [...analysePostgresMany(sqls.slice(0, empty))!, ...analysePostgresMany([sqls[empty]!])!, ...analysePostgresMany(sqls.slice(empty + 1))!];
  if (sqls.length === 1) {
    const { sql: _s, line: _l, ...one } = analysePostgres(sqls[0]!, 0);
    return [one];
  }
  const joined = sqls.join('\n;\n');
  const halves = () => {
    const half = sqls.length >> 1;
    return [...analysePostgresMany(sqls.slice(0, half))!, ...analysePostgresMany(sqls.slice(half))!];
  };
  let parsed: Parsed;
  try {
    parsed = parser(joined) as Parsed;
  } catch {
    return halves();
  }
  // Byte offsets where each text starts in the joined one (locations are bytes).
  const starts: number[] = [];
  let at = 0;
  for (const sql of sqls) {
    starts.push(at);
    at += Buffer.byteLength(sql, 'utf8') + 3;
  }
  const groups: Array<Array<{ stmt?: unknown }>> = sqls.map(() => []);
  let k = 0;
  for (const s of parsed.stmts ?? []) {
    // No stmt_len: the last statement, running to the end of the text.
    const end = s.stmt_len ? (s.stmt_location ?? 0) + s.stmt_len : at;
    while (k + 1 < starts.length && starts[k + 1]! < end) k++;
    // A statement that starts before its text (after the `;` of the separator at the earliest)
    // spans texts: an unterminated quote or comment joined two of them. Parse them apart.
    if ((s.stmt_location ?? 0) < starts[k]! - 1) return halves();
    groups[k]!.push(s);
  }
  const text = new ParsedText(joined);
  return groups.map((stmts, j) => analysis(stmts, text.upTo(j + 1 < starts.length ? starts[j + 1]! - 3 : at)));
}
