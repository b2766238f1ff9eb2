import { findDialect, knownDialectSpellings } from '../dialects/registry.js';
import { problem, type FileProblem } from '../problems.js';
import type { DialectName } from '../dialects/dialect.js';

/** The `-- migrate:<name>` directive grammar: reading one, dialect lists, and typo hints. */

export type SectionName = DialectName | 'default';

export const HEADER_NAMES = ['revises', 'depends-on', 'branch', 'message', 'transaction', 'irreversible'] as const;
export type HeaderName = (typeof HEADER_NAMES)[number];
/**
 * Reads `migrate:<name> <value>` after a line's `--` (at `from`, up to `stop`); null when
 * the comment is not a directive. By hand, not a regex: it runs on every comment line.
 */
export function readDirective(text: string, from: number, stop: number): { name: string; value: string } | null {
  let k = from;
  while (k < stop && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  if (!text.startsWith('migrate:', k) || k + 8 > stop) return null;
  k += 8;
  while (k < stop && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  const nameStart = k;
  while (k < stop && isNameChar(text.charCodeAt(k), k === nameStart)) k++;
  if (k === nameStart) return null;
  const name = text.slice(nameStart, k).toLowerCase();
  // The name must end at white space or the end of the line (`migrate:foo.bar` is prose).
  if (k < stop && text.charCodeAt(k) !== 32 && text.charCodeAt(k) !== 9) return null;
  return { name, value: text.slice(k, stop).trim() };
}

function isNameChar(c: number, first: boolean): boolean {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return first ? letter : letter || c === 45;
}

/** Directives the reader keeps out of the SQL and leaves to another stage (lint reads its own). */
export const PASSIVE_DIRECTIVES: readonly string[] = ['lint-ignore'];

/** Known names, to suggest the right spelling of a typo. */
const ALL_DIRECTIVES = [...HEADER_NAMES, 'dialect', 'end', ...PASSIVE_DIRECTIVES];

export function parseSectionNames(value: string, path: string, line: number, problems: FileProblem[]): SectionName[] {
  const names: SectionName[] = [];
  const parts = value.split(',').map((s) => s.trim());
  if (value === '' || parts.some((p) => p === '')) {
    problems.push(
      problem(
        'unknown-dialect',
        path,
        line,
        '`-- migrate:dialect` needs one or more dialect names',
        `write e.g. \`-- migrate:dialect postgres\` or \`-- migrate:dialect mysql, sqlite\`; names: ${knownDialectSpellings()}, default`,
      ),
    );
  }
  for (const part of parts) {
    if (part === '') continue;
    if (part.toLowerCase() === 'default') {
      names.push('default');
      continue;
    }
    const dialect = findDialect(part);
    if (!dialect) {
      problems.push(
        problem(
          'unknown-dialect',
          path,
          line,
          `unknown dialect "${part}"`,
          `use one of: ${knownDialectSpellings()}, default`,
        ),
      );
      continue;
    }
    names.push(dialect.name);
  }
  return names;
}

export function unknownDirective(name: string, path: string, line: number): FileProblem {
  let hint: string;
  if (name === 'up' || name === 'down') {
    hint =
      'dbmate sections are read in a file named <version>_<slug>.sql (not .up.sql/.down.sql): rename this file to that, or drop the line and keep the down SQL in the .down.sql';
  } else {
    const near = closest(name, ALL_DIRECTIVES);
    hint = near
      ? `did you mean \`-- migrate:${near}\`? If this is a plain comment, drop the colon after "migrate"`
      : `known directives: ${ALL_DIRECTIVES.join(', ')}; for a plain comment, drop the colon after "migrate"`;
  }
  return problem('unknown-header', path, line, `unknown directive \`-- migrate:${name}\``, hint);
}

/** Closest known word by edit distance, if it is close enough to be a typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
