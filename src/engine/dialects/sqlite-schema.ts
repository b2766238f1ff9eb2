import type Database from 'better-sqlite3';
import { sqliteSyntax } from './sqlite.js';
import { oneLine, type SchemaSnapshot, type TableSchema } from './schema-snapshot.js';

/** Each connection's tables as read before, by their SQL text: a table whose SQL is unchanged is not read again. */
const seen = new WeakMap<Database.Database, Map<string, TableSchema>>();

type MasterRow = { type: string; name: string; t: string; sql: string | null };

/**
 * SQLite's schema from sqlite_master and the table pragmas: columns (declared type, NOT NULL,
 * default, primary-key position, hidden/generated), indexes (their CREATE INDEX text, or for
 * the automatic ones of UNIQUE/PRIMARY KEY their columns), foreign keys, triggers and views
 * (their SQL). CHECK constraints live only in a table's SQL text and are not compared.
 *
 * A table's columns and keys follow from its SQL text, so each table is read once per
 * distinct text and the same TableSchema object is returned while it stays unchanged:
 * verify reads the schema three times per revision, and 1,000 tables must not be re-read
 * 3,000 times. compareSchemas skips tables that are the same object.
 */
export function sqliteSchema(db: Database.Database, exclude: readonly string[]): SchemaSnapshot {
  const master = db.prepare("SELECT type, name, tbl_name AS t, sql FROM sqlite_master WHERE NOT (type = 'table' AND name LIKE 'sqlite_%')").all() as MasterRow[];
  const skip = new Set(exclude);
  const cache = seen.get(db) ?? new Map<string, TableSchema>();
  seen.set(db, cache);
  const indexesOf = new Map<string, MasterRow[]>();
  for (const r of master) if (r.type === 'index') indexesOf.set(r.t, [...(indexesOf.get(r.t) ?? []), r]);
  const tables: Record<string, TableSchema> = {};
  const names = master.filter((r) => r.type === 'table' && !skip.has(r.name));
  // Bounded: a long run keeps about the tables of the last few snapshots.
  if (cache.size > 4 * names.length + 100) cache.clear();
  for (const r of names) {
    const indexes = indexesOf.get(r.name) ?? [];
    const key = [r.name, r.sql ?? '', ...indexes.map((i) => `${i.name}\u0001${i.sql ?? ''}`)].join('\u0000');
    let table = cache.get(key);
    if (!table) {
      table = readTable(db, r.name, indexes);
      cache.set(key, table);
    }
    tables[r.name] = table;
  }
  const named = (type: string) => Object.fromEntries(master.filter((r) => r.type === type && !skip.has(r.t)).map((r) => [r.name, oneLine(r.sql)]));
  return { tables, triggers: named('trigger'), views: named('view'), sequences: {}, enums: {}, routines: {}, other: {} };
}

function readTable(db: Database.Database, name: string, indexRows: readonly MasterRow[]): TableSchema {
  const q = (n: string) => sqliteSyntax.quoteIdentifier(n);
  const columns: Record<string, string> = {};
  for (const c of db.prepare(`PRAGMA table_xinfo(${q(name)})`).all() as Array<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number; hidden: number }>) {
    const hidden = c.hidden === 2 || c.hidden === 3 ? ' GENERATED' : c.hidden === 1 ? ' HIDDEN' : '';
    columns[c.name] = oneLine(`${c.type}${c.notnull ? ' NOT NULL' : ''}${c.dflt_value !== null ? ` DEFAULT ${String(c.dflt_value)}` : ''}${c.pk ? ` PRIMARY KEY ${c.pk}` : ''}${hidden}`);
  }
  const constraints: Record<string, string> = {};
  const fks = db.prepare(`PRAGMA foreign_key_list(${q(name)})`).all() as Array<{ id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }>;
  for (const id of new Set(fks.map((f) => f.id))) {
    const parts = fks.filter((f) => f.id === id).sort((a, b) => a.seq - b.seq);
    const first = parts[0]!;
    const cols = parts.map((p) => p.from).join(',');
    // SQLite foreign keys have no names: the columns name them.
    constraints[`fk(${cols})`] = `FOREIGN KEY (${cols}) REFERENCES ${first.table}(${parts.map((p) => p.to ?? '').join(',')}) ON UPDATE ${first.on_update} ON DELETE ${first.on_delete}`;
  }
  const indexes: Record<string, string> = {};
  for (const i of indexRows) {
    if (i.sql !== null) indexes[i.name] = oneLine(i.sql);
    else {
      const cols = (db.prepare(`PRAGMA index_info(${q(i.name)})`).all() as Array<{ seqno: number; name: string | null }>).sort((a, b) => a.seqno - b.seqno).map((c) => c.name ?? '(expression)');
      indexes[i.name] = `automatic UNIQUE (${cols.join(',')})`;
    }
  }
  return { columns, indexes, constraints };
}
