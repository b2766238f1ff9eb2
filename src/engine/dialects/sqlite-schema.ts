import type Database from 'better-sqlite3';
import { sqliteSyntax } from './sqlite.js';
import { buildSchema, type SchemaSnapshot } from './schema-snapshot.js';

type Row = { t: string; n: string; d: string };

/**
 * SQLite's schema from sqlite_master and the table pragmas: columns (declared type, NOT NULL,
 * default, primary-key position, hidden/generated), indexes (their CREATE INDEX text, or for
 * the automatic ones of UNIQUE/PRIMARY KEY their columns), foreign keys, triggers and views
 * (their SQL). CHECK constraints live only in a table's SQL text and are not compared.
 */
export function sqliteSchema(db: Database.Database, exclude: readonly string[]): SchemaSnapshot {
  const master = db.prepare("SELECT type, name, tbl_name AS t, sql FROM sqlite_master WHERE NOT (type = 'table' AND name LIKE 'sqlite_%')").all() as Array<{ type: string; name: string; t: string; sql: string | null }>;
  const q = (name: string) => sqliteSyntax.quoteIdentifier(name);
  const tables = master.filter((r) => r.type === 'table');
  const columns: Row[] = [];
  const indexes: Row[] = [];
  const constraints: Row[] = [];
  for (const { name: t } of tables) {
    const info = db.prepare(`PRAGMA table_xinfo(${q(t)})`).all() as Array<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number; hidden: number }>;
    for (const c of info) {
      const hidden = c.hidden === 2 || c.hidden === 3 ? ' GENERATED' : c.hidden === 1 ? ' HIDDEN' : '';
      columns.push({ t, n: c.name, d: `${c.type}${c.notnull ? ' NOT NULL' : ''}${c.dflt_value !== null ? ` DEFAULT ${String(c.dflt_value)}` : ''}${c.pk ? ` PRIMARY KEY ${c.pk}` : ''}${hidden}` });
    }
    const fks = db.prepare(`PRAGMA foreign_key_list(${q(t)})`).all() as Array<{ id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }>;
    for (const id of new Set(fks.map((f) => f.id))) {
      const parts = fks.filter((f) => f.id === id).sort((a, b) => a.seq - b.seq);
      const first = parts[0]!;
      // SQLite foreign keys have no names: the columns name them.
      constraints.push({ t, n: `fk(${parts.map((p) => p.from).join(',')})`, d: `FOREIGN KEY (${parts.map((p) => p.from).join(',')}) REFERENCES ${first.table}(${parts.map((p) => p.to ?? '').join(',')}) ON UPDATE ${first.on_update} ON DELETE ${first.on_delete}` });
    }
  }
  for (const r of master.filter((m) => m.type === 'index')) {
    let d = r.sql;
    if (d === null) {
      const cols = (db.prepare(`PRAGMA index_info(${q(r.name)})`).all() as Array<{ name: string | null }>).map((c) => c.name ?? '(expression)');
      d = `automatic UNIQUE (${cols.join(',')})`;
    }
    indexes.push({ t: r.t, n: r.name, d });
  }
  return buildSchema(
    {
      tables: tables.map((r) => ({ n: r.name })),
      columns,
      indexes,
      constraints,
      triggers: master.filter((r) => r.type === 'trigger').map((r) => ({ t: r.t, n: r.name, d: r.sql ?? '' })),
      views: master.filter((r) => r.type === 'view').map((r) => ({ n: r.name, d: r.sql ?? '' })),
    },
    exclude,
  );
}
