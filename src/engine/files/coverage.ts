import type { DialectName } from '../dialects/dialect.js';
import { DIALECT_NAMES } from '../dialects/registry.js';
import type { Migration } from './migration-folder.js';
import type { SqlSource } from './sql-source.js';

/**
 * How each dialect is served by a revision's files: `common` (no dialect blocks),
 * `override` (every block has a section naming it), `default` (some block falls back to
 * `default`), `nothing` (some block has no section for it: that part is skipped).
 */
export type Coverage = 'common' | 'override' | 'default' | 'nothing';

export interface CoverageRow {
  readonly id: string;
  readonly dialects: Readonly<Record<DialectName, Coverage>>;
}

export function coverageMatrix(migrations: readonly Migration[]): CoverageRow[] {
  return migrations.map((m) => {
    const dialects = {} as Record<DialectName, Coverage>;
    for (const d of DIALECT_NAMES) dialects[d] = worst(sourceCoverage(m.up, d), m.down ? sourceCoverage(m.down, d) : 'common');
    return { id: m.id, dialects };
  });
}

const RANK: Record<Coverage, number> = { common: 0, override: 1, default: 2, nothing: 3 };

function worst(a: Coverage, b: Coverage): Coverage {
  return RANK[a] >= RANK[b] ? a : b;
}

function sourceCoverage(source: SqlSource, dialect: DialectName): Coverage {
  let result: Coverage = 'common';
  for (const { section } of source.sectionChoice(dialect)) {
    result = worst(result, section === null ? 'nothing' : section === 'default' ? 'default' : 'override');
  }
  return result;
}
