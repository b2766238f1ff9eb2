import type { DialectName } from '../dialects/dialect.js';
import type { Finding } from './types.js';
import type { Hit, Rule } from './rules/rule.js';

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

/** A rule's hit as a finding of one dialect, at its place. */
export function toRaw(rule: Rule, hit: Hit, where: { dialect: DialectName; revision: string; direction: 'up' | 'down'; path: string; line: number }): Raw {
  return { code: rule.code, severity: rule.severity, ...where, line: hit.line ?? where.line, message: hit.message, ...(hit.table ? { table: hit.table } : {}), ...(hit.column ? { column: hit.column } : {}), ...(hit.columns ? { columns: hit.columns } : {}), ...(hit.fix ? { fix: hit.fix } : {}) };
}
