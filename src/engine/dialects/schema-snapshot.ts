/**
 * A database's schema, normalised so two readings compare with `===` on each definition:
 * every object is keyed by its name and holds one line of text that says what it is. Each
 * adapter reads it with its own queries (`*-schema.ts`); kinds a database does not have stay
 * empty (enums on MySQL are part of the column type; SQLite has no sequences or routines).
 */
export interface TableSchema {
  /** Column name → type, nullability, default, identity/generation. */
  readonly columns: Record<string, string>;
  /** Index name → columns, uniqueness, method (SQLite: its CREATE INDEX text). */
  readonly indexes: Record<string, string>;
  /** Constraint name → definition (primary key, unique, foreign key, check where readable). */
  readonly constraints: Record<string, string>;
}

export interface SchemaSnapshot {
  readonly tables: Record<string, TableSchema>;
  /** Trigger name → table, timing, event and body. */
  readonly triggers: Record<string, string>;
  /** View name → its definition as the database prints it. */
  readonly views: Record<string, string>;
  /** Sequence name → type, bounds, and the column that owns it (PostgreSQL, MariaDB). */
  readonly sequences: Record<string, string>;
  /** Enum type name → its labels in order (PostgreSQL). */
  readonly enums: Record<string, string>;
  /** Function or procedure → its definition (PostgreSQL, MySQL/MariaDB). */
  readonly routines: Record<string, string>;
  /** Other schema-level objects: PostgreSQL schemas and extensions. */
  readonly other: Record<string, string>;
}

/** The kinds an object can be, as people read them in a difference. */
export type SchemaKind = 'table' | 'column' | 'index' | 'constraint' | 'trigger' | 'view' | 'sequence' | 'enum' | 'routine' | 'schema' | 'extension';

/** Rows as the adapters' queries return them: `t` the table, `n` the name, `d` the definition. */
export interface SchemaRows {
  readonly tables: ReadonlyArray<{ n: string }>;
  readonly columns: ReadonlyArray<{ t: string; n: string; d: string }>;
  readonly indexes: ReadonlyArray<{ t: string; n: string; d: string }>;
  readonly constraints: ReadonlyArray<{ t: string; n: string; d: string }>;
  readonly triggers: ReadonlyArray<{ t: string; n: string; d: string }>;
  readonly views?: ReadonlyArray<{ n: string; d: string }>;
  /** `t`: the table whose column owns the sequence, if any (excluded with it). */
  readonly sequences?: ReadonlyArray<{ n: string; d: string; t?: string | null }>;
  readonly enums?: ReadonlyArray<{ n: string; d: string }>;
  readonly routines?: ReadonlyArray<{ n: string; d: string }>;
  /** `n` is `schema <name>` or `extension <name>`. */
  readonly other?: ReadonlyArray<{ n: string; d: string }>;
}

/** White space runs as one space: the same definition read twice may be laid out differently. */
export function oneLine(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Builds a snapshot from rows, leaving out `exclude` (the state tables) and what hangs on them. */
export function buildSchema(rows: SchemaRows, exclude: readonly string[]): SchemaSnapshot {
  const skip = new Set(exclude);
  const tables: Record<string, TableSchema> = {};
  const table = (name: string) => (tables[name] ??= { columns: {}, indexes: {}, constraints: {} });
  for (const r of rows.tables) if (!skip.has(r.n)) table(r.n);
  for (const r of rows.columns) if (!skip.has(r.t)) table(r.t).columns[r.n] = oneLine(r.d);
  for (const r of rows.indexes) if (!skip.has(r.t)) table(r.t).indexes[r.n] = oneLine(r.d);
  for (const r of rows.constraints) if (!skip.has(r.t)) table(r.t).constraints[r.n] = oneLine(r.d);
  const named = (list: ReadonlyArray<{ n: string; d: string; t?: string | null }> | undefined) => {
    const out: Record<string, string> = {};
    for (const r of list ?? []) if (!r.t || !skip.has(r.t)) out[r.n] = oneLine(r.d);
    return out;
  };
  return {
    tables,
    triggers: named(rows.triggers),
    views: named(rows.views),
    sequences: named(rows.sequences),
    enums: named(rows.enums),
    routines: named(rows.routines),
    other: named(rows.other),
  };
}

/** One object of a snapshot, flattened: `name` is `table.column` for a column; indexes and constraints name their table. */
export interface SchemaObject {
  readonly kind: SchemaKind;
  readonly name: string;
  readonly table?: string;
  readonly definition: string;
}

/** Every object of a snapshot, keyed `kind name` (stable, for comparing two snapshots); `skipTables` are left out whole. */
export function schemaObjects(s: SchemaSnapshot, skipTables: ReadonlySet<string> = new Set()): Map<string, SchemaObject> {
  const out = new Map<string, SchemaObject>();
  const add = (kind: SchemaKind, name: string, definition: string) => out.set(`${kind} ${name}`, { kind, name, definition });
  // Index and constraint names are per table on MySQL and SQLite (every table has a PRIMARY).
  const onTable = (kind: SchemaKind, table: string, name: string, definition: string) => out.set(`${kind} ${table}.${name}`, { kind, name, table, definition });
  for (const [t, schema] of Object.entries(s.tables)) {
    if (skipTables.has(t)) continue;
    add('table', t, '');
    for (const [n, d] of Object.entries(schema.columns)) add('column', `${t}.${n}`, d);
    for (const [n, d] of Object.entries(schema.indexes)) onTable('index', t, n, d);
    for (const [n, d] of Object.entries(schema.constraints)) onTable('constraint', t, n, d);
  }
  for (const [n, d] of Object.entries(s.triggers)) add('trigger', n, d);
  for (const [n, d] of Object.entries(s.views)) add('view', n, d);
  for (const [n, d] of Object.entries(s.sequences)) add('sequence', n, d);
  for (const [n, d] of Object.entries(s.enums)) add('enum', n, d);
  for (const [n, d] of Object.entries(s.routines)) add('routine', n, d);
  for (const [n, d] of Object.entries(s.other)) {
    const [kind, ...name] = n.split(' ');
    add(kind === 'extension' ? 'extension' : 'schema', name.join(' '), d);
  }
  return out;
}

/** The snapshot as lines, one object each, sorted (for a readable unified diff). */
export function schemaLines(s: SchemaSnapshot): string[] {
  return [...schemaObjects(s).values()].map((o) => `${o.kind} ${o.name}${o.table ? ` on ${o.table}` : ''}${o.definition ? `: ${o.definition}` : ''}`).sort();
}
