import type { DialectName } from '../dialects/dialect.js';
import type { Finding } from './types.js';

/** A finding of one dialect, before dialects are merged. */
export type Raw = Omit<Finding, 'dialects'> & { dialect: DialectName };

/** One finding per code, place and message, listing every dialect that has it. */
export function merge<T extends Raw>(items: readonly T[]): Array<Omit<T, 'dialect'> & { dialects: DialectName[] }> {
  const byKey = new Map<string, Omit<T, 'dialect'> & { dialects: DialectName[] }>();
  for (const { dialect, ...rest } of items) {
    const key = `${rest.code}\0${rest.path}\0${rest.line}\0${rest.direction}\0${rest.message}\0${rest.suppressed ?? ''}`;
    const seen = byKey.get(key);
    if (seen) seen.dialects.push(dialect);
    else byKey.set(key, { ...(rest as Omit<T, 'dialect'>), dialects: [dialect] });
  }
  return [...byKey.values()];
}
