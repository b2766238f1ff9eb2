import { twoFilesPatch } from '../files/text-diff.js';
import { schemaLines, schemaObjects, type SchemaObject, type SchemaSnapshot } from '../dialects/schema-snapshot.js';

/** One object that differs between the expected schema and the one found. */
export interface SchemaDifference {
  /** `extra`: found but not expected; `missing`: expected but gone; `changed`: both, defined differently. */
  readonly change: 'extra' | 'missing' | 'changed';
  readonly kind: SchemaObject['kind'];
  readonly name: string;
  readonly table?: string;
  readonly expected?: string;
  readonly found?: string;
}

/** Object by object; a table's own columns, indexes and constraints are not repeated when the whole table is extra or missing. */
export function compareSchemas(expected: SchemaSnapshot, found: SchemaSnapshot): SchemaDifference[] {
  // A table that is the same object in both (an adapter's cache of unchanged tables) is equal.
  const same = new Set(Object.keys(expected.tables).filter((t) => expected.tables[t] === found.tables[t]));
  const want = schemaObjects(expected, same);
  const got = schemaObjects(found, same);
  const out: SchemaDifference[] = [];
  const wholeTable = new Set<string>();
  for (const [key, o] of got) if (!want.has(key) && o.kind === 'table') wholeTable.add(o.name);
  for (const [key, o] of want) if (!got.has(key) && o.kind === 'table') wholeTable.add(o.name);
  const ofWholeTable = (o: SchemaObject) => o.kind !== 'table' && (wholeTable.has(o.table ?? '') || (o.kind === 'column' && wholeTable.has(o.name.split('.')[0]!)));
  for (const [key, o] of want) {
    const other = got.get(key);
    if (!other) {
      if (!ofWholeTable(o)) out.push({ change: 'missing', kind: o.kind, name: o.name, ...(o.table ? { table: o.table } : {}), expected: o.definition });
    } else if (other.definition !== o.definition) {
      out.push({ change: 'changed', kind: o.kind, name: o.name, ...(o.table ? { table: o.table } : {}), expected: o.definition, found: other.definition });
    }
  }
  for (const [key, o] of got) if (!want.has(key) && !ofWholeTable(o)) out.push({ change: 'extra', kind: o.kind, name: o.name, ...(o.table ? { table: o.table } : {}), found: o.definition });
  return out;
}

/** Which check a difference comes from: the down against the schema before the up, or the second up against the first. */
export type CheckPhase = 'down' | 'up-again';

/**
 * A difference in words, naming the revision, the dialect and the object:
 * "down of 20260105093000 (postgres) leaves index permissions_code_idx on permissions".
 */
export function describeDifference(d: SchemaDifference, phase: CheckPhase, revision: string, dialect: string): string {
  const what = `${d.kind} ${d.name}${d.table ? ` on ${d.table}` : ''}`;
  if (phase === 'down') {
    if (d.change === 'extra') return `down of ${revision} (${dialect}) leaves ${what}`;
    // Neutral: the down may have dropped it, or the up dropped it and the down did not bring it back.
    if (d.change === 'missing') return `after the down of ${revision} (${dialect}), ${what} is missing (it was there before the up)`;
    return `down of ${revision} (${dialect}) leaves ${what} changed: it was "${d.expected}", it is "${d.found}"`;
  }
  if (d.change === 'extra') return `up again of ${revision} (${dialect}) leaves an extra ${what} (not there after the first up)`;
  if (d.change === 'missing') return `after the up again of ${revision} (${dialect}), ${what} is missing (it was there after the first up)`;
  return `up again of ${revision} (${dialect}) gives ${what} as "${d.found}"; the first up gave "${d.expected}"`;
}

/** The two schemas as a unified diff, one object a line (for the TUI's diff of a failing cell). */
export function schemaDiffText(expected: SchemaSnapshot, found: SchemaSnapshot, expectedLabel: string, foundLabel: string): string {
  const text = (s: SchemaSnapshot) => schemaLines(s).join('\n') + '\n';
  return twoFilesPatch(expectedLabel, foundLabel, text(expected), text(found), { context: 2 });
}
