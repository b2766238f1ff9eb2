import type { DatabaseAdapter } from '../dialects/adapter.js';
import type { Finding } from './types.js';

/**
 * Data-dependent figures for findings, read from a live database (`lint --counts`): the rows
 * of the table a finding concerns, NULLs before SET NOT NULL (PG106) or a NOT NULL column
 * (DS407, SL303), duplicates before a unique index (DS408). Plain SELECTs (on PostgreSQL a
 * count takes an ACCESS SHARE lock, like any read); a table not there yet is said so.
 */
const NULLS = new Set(['PG106']);
const DUPLICATES = new Set(['DS408']);

export async function withLiveCounts(db: DatabaseAdapter, findings: readonly Finding[]): Promise<Finding[]> {
  const q = (name: string) => db.syntax.quoteIdentifier(name);
  const rowCache = new Map<string, string>();
  const one = async (sql: string): Promise<number> => Number(Object.values((await db.query<Record<string, unknown>>(sql))[0] ?? { n: 0 })[0] ?? 0);
  const out: Finding[] = [];
  for (const f of findings) {
    if (!f.table) {
      out.push(f);
      continue;
    }
    let rows = rowCache.get(f.table.toLowerCase());
    if (rows === undefined) {
      rows = (await db.tableExists(f.table)) ? `${(await one(`SELECT count(*) AS n FROM ${q(f.table)}`)).toLocaleString('en-US')} rows` : 'not in the database yet';
      rowCache.set(f.table.toLowerCase(), rows);
    }
    const parts = [`${f.table}: ${rows}`];
    if (!rows.startsWith('not')) {
      if (NULLS.has(f.code) && f.column) parts.push(`${(await one(`SELECT count(*) AS n FROM ${q(f.table)} WHERE ${q(f.column)} IS NULL`)).toLocaleString('en-US')} NULLs in ${f.column}`);
      const cols = f.columns ?? [];
      if (DUPLICATES.has(f.code) && cols.length > 0) {
        const list = cols.map(q).join(', ');
        // NULLs never collide in a unique index (PostgreSQL, MySQL/MariaDB, SQLite alike).
        const dup = await one(`SELECT count(*) AS n FROM (SELECT ${list} FROM ${q(f.table)} WHERE ${cols.map((c) => `${q(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${list} HAVING count(*) > 1) d`);
        parts.push(`${dup.toLocaleString('en-US')} duplicated value${dup === 1 ? '' : 's'} of (${cols.join(', ')})`);
      }
    }
    out.push({ ...f, data: parts.join('; ') });
  }
  return out;
}
