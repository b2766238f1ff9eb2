import type { Action, ColumnSpec } from './types.js';

/**
 * The schema as the history builds it, replayed statement by statement in upgrade order,
 * so rules know whether a table existed before this migration or was created in it. Names
 * are compared case-insensitively and without their schema. Branches are replayed in one
 * topological order, so a table created on a sibling branch counts as existing (the
 * conservative side: a finding rather than none). A table lint never saw created counts
 * as existing too.
 */

export interface ColumnState {
  readonly spec: ColumnSpec;
  readonly createdIn: string;
}

export interface TableState {
  readonly name: string;
  readonly createdIn: string;
  readonly columns: Map<string, ColumnState>;
}

export interface IndexState {
  readonly name: string;
  readonly table: string;
  readonly createdIn: string;
}

const key = (name: string) => name.toLowerCase();

export class SchemaState {
  readonly tables = new Map<string, TableState>();
  readonly indexes = new Map<string, IndexState>();
  readonly types = new Map<string, { name: string; createdIn: string; values?: readonly string[] }>();

  table(name: string): TableState | undefined {
    return this.tables.get(key(name));
  }

  column(table: string, column: string): ColumnState | undefined {
    return this.table(table)?.columns.get(key(column));
  }

  /** True unless the table was created by a revision `isNew` accepts (unknown tables count as existing). */
  existing(table: string, isNew: (revision: string) => boolean): boolean {
    const t = this.table(table);
    return !t || !isNew(t.createdIn);
  }

  /** True unless the table or the column was created by a revision `isNew` accepts. */
  existingColumn(table: string, column: string, isNew: (revision: string) => boolean): boolean {
    const c = this.column(table, column);
    return this.existing(table, isNew) && (!c || !isNew(c.createdIn));
  }

  apply(action: Action, revision: string): void {
    switch (action.kind) {
      case 'create-table': {
        if (this.tables.has(key(action.table))) return; // CREATE TABLE IF NOT EXISTS of a table we know
        const columns = new Map(action.columns.map((spec) => [key(spec.name), { spec, createdIn: revision }]));
        this.tables.set(key(action.table), { name: action.table, createdIn: revision, columns });
        return;
      }
      case 'drop-table':
        this.tables.delete(key(action.table));
        for (const [name, index] of this.indexes) if (key(index.table) === key(action.table)) this.indexes.delete(name);
        return;
      case 'rename-table': {
        const t = this.table(action.table);
        this.tables.delete(key(action.table));
        // A renamed table keeps its history: it is as old as the one it was.
        this.tables.set(key(action.to), { name: action.to, createdIn: t?.createdIn ?? '', columns: t?.columns ?? new Map() });
        return;
      }
      case 'add-column':
        this.table(action.table)?.columns.set(key(action.column.name), { spec: action.column, createdIn: revision });
        return;
      case 'drop-column':
        this.table(action.table)?.columns.delete(key(action.column));
        return;
      case 'rename-column': {
        const t = this.table(action.table);
        const c = t?.columns.get(key(action.column));
        if (!t || !c) return;
        t.columns.delete(key(action.column));
        t.columns.set(key(action.to), { spec: { ...c.spec, name: action.to }, createdIn: c.createdIn });
        return;
      }
      case 'alter-column-type': {
        const t = this.table(action.table);
        const c = t?.columns.get(key(action.column));
        if (!t || !c) return;
        const spec = action.spec ?? { ...c.spec, type: action.type };
        t.columns.delete(key(action.column));
        t.columns.set(key(action.newName ?? action.column), { spec, createdIn: c.createdIn });
        return;
      }
      case 'create-index':
        if (action.index) this.indexes.set(key(action.index), { name: action.index, table: action.table, createdIn: revision });
        return;
      case 'drop-index':
        this.indexes.delete(key(action.index));
        return;
      case 'create-type':
        this.types.set(key(action.type), { name: action.type, createdIn: revision, ...(action.values ? { values: action.values } : {}) });
        return;
      case 'drop-type':
        this.types.delete(key(action.type));
        return;
      default:
        return;
    }
  }
}
