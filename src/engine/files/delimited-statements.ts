import type { SplitterRules } from '../dialects/dialect.js';
import type { LineRange } from './source-types.js';
import { splitStatements, type SplitResult, type Statement } from './sql-splitter.js';

/**
 * Splits like splitStatements, except that each given line range is one statement whatever
 * it contains (goose `StatementBegin` … `StatementEnd`): the lexer never looks inside it.
 * Lines outside the ranges are split as usual; every line number stays the file's.
 */
export function splitWithDelimited(lines: readonly string[], rules: SplitterRules, ranges: readonly LineRange[]): SplitResult {
  if (ranges.length === 0) return splitStatements(lines, rules);
  const inRange = (line: number) => ranges.some((r) => line >= r.from && line <= r.to);
  const outside = splitStatements(
    lines.map((l, i) => (inRange(i + 1) ? '' : l)),
    rules,
  );
  const statements: Statement[] = [...outside.statements];
  for (const range of ranges) {
    const statement = delimitedStatement(lines, range);
    if (statement) statements.push(statement);
  }
  statements.sort((a, b) => a.line - b.line);
  return { statements, problems: outside.problems };
}

/** The range's text from its first line that is not blank or a `--` comment, without one trailing `;`. */
function delimitedStatement(lines: readonly string[], range: LineRange): Statement | null {
  let first = range.from;
  while (first <= range.to && /^\s*(--.*)?$/.test(lines[first - 1] ?? '')) first++;
  if (first > range.to) return null;
  const sql = lines
    .slice(first - 1, range.to)
    .join('\n')
    .trimEnd()
    .replace(/;$/, '')
    .trimEnd();
  if (sql === '') return null;
  return { sql, line: first, endLine: first + (sql.match(/\n/g)?.length ?? 0) };
}
