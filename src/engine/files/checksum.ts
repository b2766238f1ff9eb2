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
  return source.streamed?.checksum(dialect) ?? checksumOfLines(source.selectedLines(dialect));
}

export function checksumOfLines(lines: readonly string[]): string {
  const normalised = lines
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  return `${CHECKSUM_ALGORITHM}:${createHash('sha256').update(normalised).digest('hex')}`;
}
