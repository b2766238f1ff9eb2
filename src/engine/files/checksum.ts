import { createHash } from 'node:crypto';
import type { DialectName } from '../dialects/dialect.js';
import type { SqlSource } from './sql-source.js';

/**
 * Bump when what is hashed changes, so stored checksums of another algorithm are
 * recomputed rather than reported as drift.
 */
export const CHECKSUM_ALGORITHM = 'v1';

/**
 * SHA-256 of the SQL one dialect runs: blocks resolved, directives dropped, line endings
 * LF, trailing white space and leading/trailing blank lines removed. Editing another
 * dialect's section never changes it.
 */
export function dialectChecksum(source: SqlSource, dialect: DialectName): string {
  if (source.streamed) return source.streamed.checksum(dialect);
  // A source's text never changes once read: each dialect's checksum is computed once (a
  // downgrade of 1,000 revisions asked for each 3 times: state, preview, run).
  let byDialect = checksums.get(source);
  if (!byDialect) checksums.set(source, (byDialect = new Map()));
  let sum = byDialect.get(dialect);
  if (sum === undefined) byDialect.set(dialect, (sum = checksumOfLines(source.selectedLines(dialect))));
  return sum;
}

const checksums = new WeakMap<SqlSource, Map<DialectName, string>>();

export function checksumOfLines(lines: readonly string[]): string {
  const normalised = lines
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  return `${CHECKSUM_ALGORITHM}:${createHash('sha256').update(normalised).digest('hex')}`;
}
