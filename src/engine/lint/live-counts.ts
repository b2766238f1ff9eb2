import type { DatabaseAdapter } from '../dialects/adapter.js';
import type { Finding } from './types.js';

/**
 * Data-dependent figures for findings, read from a live database: the rows of the table a
 * finding concerns, NULLs before SET NOT NULL (PG106), duplicates before a unique index
 * (DS408). Plain SELECTs (on PostgreSQL a count takes an ACCESS SHARE lock, like any read);
 * a table not there yet is said so.
 *
 * Both `lint --counts` and the TUI's confirmations read them on a second, read-only
 * connection whose statements and lock waits are limited (withProbedCounts), so looking
 * never hangs nor queues in front of the application; a figure that could not be read in
 * time says so.
 */
const NULLS = new Set(['PG106']);
const DUPLICATES = new Set(['DS408']);

interface CountSource {
  quote(name: string): string;
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  exists(table: string): Promise<boolean>;
  /** What a failed read says instead of its figure (null: let it throw). */
  failed?(error: unknown): string;
}

/** Figures read on `db.readOnlyProbe(timeoutMs)`; findings unchanged where the database has no probe. */
export async function withProbedCounts(db: DatabaseAdapter, findings: readonly Finding[], timeoutMs = 2000): Promise<Finding[]> {
  if (!db.readOnlyProbe || !findings.some((f) => f.table)) return [...findings];
  const probe = await db.readOnlyProbe(timeoutMs);
  const seconds = `${timeoutMs / 1000} s`;
  try {
    const quote = (n: string) => db.syntax.quoteIdentifier(n);
    return await countAll(
      {
        quote,
        query: (sql) => probe.query(sql),
        // Reading no row names the table's absence without a catalog query of each dialect.
        exists: (t) => probe.query(`SELECT 1 AS n FROM ${quote(t)} WHERE 1 = 0`).then(
          () => true,
          (error: unknown) => {
            if (db.timeoutOf?.(error)) throw error;
            return false;
          },
        ),
        failed: (error) => (db.timeoutOf?.(error) === 'lock' ? 'not counted: the table is locked by another session' : db.timeoutOf?.(error) ? `not counted in ${seconds} (a large table)` : `not counted (${(error as Error).message.split('\n')[0]})`),
      },
      findings,
    );
  } finally {
    await probe.close().catch(() => undefined);
  }
}

async function countAll(source: CountSource, findings: readonly Finding[]): Promise<Finding[]> {
  const q = source.quote;
  const cache = new Map<string, string>();
  const one = async (sql: string): Promise<number> => Number(Object.values((await source.query(sql))[0] ?? { n: 0 })[0] ?? 0);
  /** A figure, or what stopped it (a probe's limits). */
  const figure = async (read: () => Promise<string>): Promise<string> => {
    try {
      return await read();
    } catch (error) {
      if (!source.failed) throw error;
      return source.failed(error);
    }
  };
  const out: Finding[] = [];
  for (const f of findings) {
    if (!f.table) {
      out.push(f);
      continue;
    }
    const key = f.table.toLowerCase();
    let rows = cache.get(key);
    if (rows === undefined) {
      rows = await figure(async () => ((await source.exists(f.table!)) ? `${(await one(`SELECT count(*) AS n FROM ${q(f.table!)}`)).toLocaleString('en-US')} rows` : 'not in the database yet'));
      cache.set(key, rows);
    }
    const parts = [`${f.table}: ${rows}`];
    if (/ rows$/.test(rows)) {
      if (NULLS.has(f.code) && f.column) parts.push(await figure(async () => `${(await one(`SELECT count(*) AS n FROM ${q(f.table!)} WHERE ${q(f.column!)} IS NULL`)).toLocaleString('en-US')} NULLs in ${f.column}`));
      const cols = f.columns ?? [];
      if (DUPLICATES.has(f.code) && cols.length > 0) {
        const list = cols.map(q).join(', ');
        // NULLs never collide in a unique index (PostgreSQL, MySQL/MariaDB, SQLite alike).
        parts.push(
          await figure(async () => {
            const dup = await one(`SELECT count(*) AS n FROM (SELECT ${list} FROM ${q(f.table!)} WHERE ${cols.map((c) => `${q(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${list} HAVING count(*) > 1) d`);
            return `${dup.toLocaleString('en-US')} duplicated value${dup === 1 ? '' : 's'} of (${cols.join(', ')})`;
          }),
        );
      }
    }
    out.push({ ...f, data: parts.join('; ') });
  }
  return out;
}
