import type { DatabaseAdapter } from '../dialects/adapter.js';
import { compareBytes } from '../files/atlas-sum.js';
import { compareFlywayVersions } from '../files/flyway-names.js';
import { compareVersions } from '../files/version-order.js';

/**
 * The records other migration tools keep in a database they migrated, read when migrate-tui
 * has none of its own (first contact), so that a database another tool brought up to date is
 * not migrated again from revision 1. Reads only: one catalogue query, then one SELECT per
 * table found; never a write, never a lock of migrate-tui's.
 */
export type OtherToolName = 'golang-migrate' | 'dbmate' | 'goose' | 'flyway' | 'alembic' | 'atlas' | 'sqlx';

/** A tool as its own project spells it, for messages (the JSON's `tool` keeps the lowercase key). */
export function toolName(tool: OtherToolName): string {
  return { 'golang-migrate': 'golang-migrate', dbmate: 'dbmate', goose: 'goose', flyway: 'Flyway', alembic: 'Alembic', atlas: 'Atlas', sqlx: 'sqlx' }[tool];
}

export interface OtherToolRecord {
  readonly tool: OtherToolName;
  /** The table, as the tool names it (in the connection's current schema or database). */
  readonly table: string;
  /** The versions it records as applied (golang-migrate: its one current version), in its order. */
  readonly versions: readonly string[];
  /** golang-migrate's dirty flag; Flyway: a failed entry is recorded; Atlas: a revision partly applied or with an error; sqlx: a row with success = false. */
  readonly dirty: boolean;
  /** Where it stands, in words: `version 3, not dirty`. */
  readonly position: string;
  /** The one target `stamp` takes over with (it and what it is built on become applied), when the versions map exactly onto this folder; null when none fits, or when it takes several (`stampTargets`). */
  readonly stamp: string | null;
  /** Every target of that stamp (`stamp a b`: rows on several branches that are not all the heads), or null when none fits. */
  readonly stampTargets: readonly string[] | null;
  /** Flyway: the version `flyway baseline` marked (it and every version below it count as applied, with no row of their own). */
  readonly baseline?: string;
  /** Atlas: the revisions that stopped part-way, in words (`20240101000000 (2 of 5 statements, error: …)`); sqlx: the versions with success = false (`4`). */
  readonly stopped?: string;
  /** sqlx: each applied version's checksum as recorded (SHA-384 of the file, hex), to compare with the file now. */
  readonly checksums?: Readonly<Record<string, string>>;
  /** sqlx: the applied versions whose file is not the one sqlx applied (its SHA-384 differs from the recorded checksum). */
  readonly changed?: readonly string[];
  /** The session could not read the table (a missing grant): what it records is unknown. */
  readonly unreadable?: boolean;
  /** Why no stamp is suggested (an unknown version, holes, dirty, a layout migrate-tui does not map); null when `stamp` is set or nothing is applied. */
  readonly problem: string | null;
}

/** The tables looked for, whatever tool they turn out to be (schema_migrations: golang-migrate with a `dirty` column, else dbmate; schema_version: Flyway before 5, with Flyway's columns). */
export const OTHER_TOOL_TABLES = ['schema_migrations', 'goose_db_version', 'flyway_schema_history', 'schema_version', 'alembic_version', 'atlas_schema_revisions', '_sqlx_migrations'] as const;

/** Where Atlas keeps its table when its URL names no schema (PostgreSQL) or database (MySQL): a schema of the table's own name. */
const ATLAS_OWN_SCHEMA = 'atlas_schema_revisions.atlas_schema_revisions';

/**
 * Whether the record says versions were applied (a stamp or a refusal is owed before migrate-tui runs anything).
 * A Flyway baseline with no version after it (`flyway baseline` on an existing schema) counts when it covers
 * revisions of the folder: then it has a stamp, or a problem saying why none fits.
 */
export function recordsApplied(record: OtherToolRecord): boolean {
  return record.versions.length > 0 || record.dirty || record.unreadable === true || (record.baseline !== undefined && (record.stampTargets !== null || record.problem !== null));
}

/** A record as read, before it is mapped onto a folder (other-tools-map.ts). */
export type OtherToolReading = Omit<OtherToolRecord, 'stamp' | 'stampTargets' | 'problem'>;

/**
 * The other tools' records in the connection's current schema (PostgreSQL `current_schema()`),
 * database (MySQL/MariaDB) or main file (SQLite). Each dialect's catalogue query is its
 * syntax's `otherToolColumns`; the records are read with plain SELECTs.
 */
export async function readOtherTools(db: DatabaseAdapter): Promise<OtherToolReading[]> {
  const found = new Map<string, Set<string>>();
  const rows = await db.query<{ table_name: unknown; column_name: unknown; here: unknown }>(db.syntax.otherToolColumns(OTHER_TOOL_TABLES.length), [...OTHER_TOOL_TABLES]);
  for (const row of rows) {
    const table = truthy(row.here) ? text(row.table_name).toLowerCase() : ATLAS_OWN_SCHEMA;
    if (!found.has(table)) found.set(table, new Set());
    found.get(table)!.add(text(row.column_name).toLowerCase());
  }
  const records: OtherToolReading[] = [];
  for (const table of [...OTHER_TOOL_TABLES, ATLAS_OWN_SCHEMA]) {
    const tool = toolOf(table, found.get(table) ?? new Set());
    if (tool === null) continue;
    // A table the session may not read (a grant other than SELECT): what it records is unknown, which refuses as applied would.
    // A lock another session holds on it is no such thing (status said "this user may not read" it and upgrade
    // said to grant SELECT or drop the table): the lock timeout ends the read (exit 6, the holder named).
    records.push(
      await readRecord(db, tool, table).catch((error: unknown) => {
        if (db.timeoutOf?.(error)) throw error;
        return { tool, table, versions: [], dirty: false, position: `could not be read: ${error instanceof Error ? error.message : String(error)}`, unreadable: true };
      }),
    );
  }
  return records;
}

/** Which tool a table of that name and those columns is; null: another table of the same name (the application's own), not read. */
function toolOf(table: string, columns: ReadonlySet<string>): OtherToolName | null {
  const has = (...names: string[]) => names.every((n) => columns.has(n));
  if (table === 'schema_migrations') return has('version', 'dirty') ? 'golang-migrate' : has('version') ? 'dbmate' : null;
  if (table === 'goose_db_version') return has('version_id', 'is_applied', 'id') ? 'goose' : null;
  // Flyway 5 renamed its table: before, it was schema_version (with a version_rank column besides).
  if (table === 'flyway_schema_history' || table === 'schema_version') return has('version', 'type', 'success', 'installed_rank') ? 'flyway' : null;
  if (table === '_sqlx_migrations') return has('version', 'success', 'checksum') ? 'sqlx' : null;
  if (table.endsWith('atlas_schema_revisions')) return has('version', 'type', 'applied', 'total', 'error') ? 'atlas' : null;
  return table === 'alembic_version' && has('version_num') ? 'alembic' : null;
}

async function readRecord(db: DatabaseAdapter, tool: OtherToolName, table: string): Promise<OtherToolReading> {
  const q = db.syntax.quoteIdentifier;
  const select = <T>(cols: readonly string[], order = '') => db.query<T>(`SELECT ${cols.map(q).join(', ')} FROM ${table.split('.').map(q).join('.')}${order}`);
  if (tool === 'golang-migrate') {
    // golang-migrate: one row, the current version (none: nothing applied; -1 with dirty: its NilVersion).
    const [row] = await select<{ version: unknown; dirty: unknown }>(['version', 'dirty']);
    if (!row) return { tool: 'golang-migrate', table, versions: [], dirty: false, position: 'no version (nothing applied)' };
    const version = text(row.version);
    const dirty = truthy(row.dirty);
    const versions = version.startsWith('-') ? [] : [version];
    return { tool: 'golang-migrate', table, versions, dirty, position: `version ${version}, ${dirty ? 'DIRTY' : 'not dirty'}` };
  }
  if (tool === 'dbmate') {
    // dbmate (Rails keeps the same table): one row per applied version.
    const versions = inVersionOrder((await select<{ version: unknown }>(['version'])).map((r) => text(r.version)));
    return { tool: 'dbmate', table, versions, dirty: false, position: appliedWords(versions) };
  }
  if (tool === 'goose') {
    // goose: a row per up and per down; the latest row of a version decides. Version 0 is the table's own first row.
    const applied = new Set<string>();
    for (const r of await select<{ version_id: unknown; is_applied: unknown }>(['version_id', 'is_applied'], ` ORDER BY ${q('id')}`)) {
      const version = text(r.version_id);
      if (version === '0') continue;
      if (truthy(r.is_applied)) applied.add(version);
      else applied.delete(version);
    }
    const versions = inVersionOrder([...applied]);
    return { tool: 'goose', table, versions, dirty: false, position: appliedWords(versions) };
  }
  if (tool === 'flyway') {
    const rows = await select<{ version: unknown; type: unknown; success: unknown }>(['version', 'type', 'success'], ` ORDER BY ${q('installed_rank')}`);
    // Replayed in installed_rank order as Flyway reads its history: a versioned entry applies its version
    // (repeatable ones have no version; its schema-creation marker is none); an undo (Flyway Teams'
    // UNDO_SQL, UNDO_SCRIPT since 9) or a `flyway repair` deletion (DELETE) takes it back out; its
    // newest baseline (INIT before Flyway 3) covers what is below it.
    const applied = new Set<string>();
    const failed: string[] = [];
    let baseline: string | undefined;
    for (const r of rows) {
      if (r.version === null || r.version === undefined || /^SCHEMA/i.test(text(r.type))) continue;
      const version = text(r.version);
      const type = text(r.type);
      if (!truthy(r.success)) failed.push(version);
      else if (/^(BASELINE|INIT)$/i.test(type)) baseline = baseline === undefined || compareFlywayVersions(version, baseline) > 0 ? version : baseline;
      else if (/^(UNDO|DELETE)/i.test(type)) applied.delete(version);
      else applied.add(version);
    }
    const versions = [...applied];
    const position = (baseline !== undefined ? `baseline ${baseline}; ` : '') + appliedWords(versions) + (failed.length > 0 ? `; FAILED: ${failed.join(', ')}` : '');
    return { tool: 'flyway', table, versions, dirty: failed.length > 0, position, ...(baseline !== undefined ? { baseline } : {}) };
  }
  if (tool === 'sqlx') return readSqlx(table, await select<{ version: unknown; success: unknown; checksum: unknown }>(['version', 'success', 'checksum']));
  if (tool === 'atlas') return readAtlas(table, await select<AtlasRow>(['version', 'type', 'applied', 'total', 'error']));
  const versions = (await select<{ version_num: unknown }>(['version_num'])).map((r) => text(r.version_num)).sort();
  return { tool: 'alembic', table, versions, dirty: false, position: versions.length === 0 ? 'no version (nothing applied)' : `version_num ${versions.join(', ')}` };
}

interface AtlasRow {
  readonly version: unknown;
  readonly type: unknown;
  readonly applied: unknown;
  readonly total: unknown;
  readonly error: unknown;
}

/**
 * Atlas's revisions table (cmd/atlas/internal/migrate/ent/schema/revision.go): a row per
 * version, in version order as Go compares strings. `type` is a set of flags (1 baseline,
 * 2 executed, 4 resolved by `atlas migrate set`); a revision with `applied` < `total`, or an
 * `error`, stopped part-way (Atlas resumes it at statement applied + 1). The row
 * `.atlas_cloud_identifier` is the table's own id, not a version.
 */
function readAtlas(table: string, rows: readonly AtlasRow[]): OtherToolReading {
  const revisions = rows.filter((r) => text(r.version) !== '.atlas_cloud_identifier').sort((a, b) => compareBytes(text(a.version), text(b.version)));
  const versions = revisions.map((r) => text(r.version));
  const baseline = revisions.find((r) => (Number(r.type) & 1) === 1);
  const partial = revisions.filter((r) => Number(r.applied) < Number(r.total) || (r.error !== null && r.error !== undefined && text(r.error) !== ''));
  const partWords = partial.map((r) => `${text(r.version)} (${Number(r.applied)} of ${Number(r.total)} statements${r.error !== null && r.error !== undefined && text(r.error) !== '' ? `, error: ${text(r.error).slice(0, 120)}` : ''})`);
  const position = (baseline ? `baseline ${text(baseline.version)}; ` : '') + appliedWords(versions) + (partial.length > 0 ? `; PARTLY APPLIED: ${partWords.join(', ')}` : '');
  return { tool: 'atlas', table, versions, dirty: partial.length > 0, position, ...(partial.length > 0 ? { stopped: partWords.join(', ') } : {}) };
}

/**
 * sqlx's _sqlx_migrations (sqlx-core/src/migrate, each driver's migrate.rs): a row per applied
 * version (a BIGINT), its checksum (SHA-384 of the file, BYTEA/BLOB) and `success`. A row with
 * success = false is a migration that failed part-way (MySQL writes it before running the file):
 * sqlx refuses to run until it is removed ("migration 4 is partially applied; fix and remove row
 * from `_sqlx_migrations` table").
 */
function readSqlx(table: string, rows: readonly { version: unknown; success: unknown; checksum: unknown }[]): OtherToolReading {
  const failed = inVersionOrder(rows.filter((r) => !truthy(r.success)).map((r) => text(r.version)));
  const applied = rows.filter((r) => truthy(r.success));
  const versions = inVersionOrder(applied.map((r) => text(r.version)));
  const checksums: Record<string, string> = {};
  for (const r of applied) checksums[text(r.version)] = Buffer.isBuffer(r.checksum) || r.checksum instanceof Uint8Array ? Buffer.from(r.checksum).toString('hex') : '';
  const position = appliedWords(versions) + (failed.length > 0 ? `; FAILED (success = false): ${failed.join(', ')}` : '');
  return { tool: 'sqlx', table, versions, dirty: failed.length > 0, position, checksums, ...(failed.length > 0 ? { stopped: failed.join(', ') } : {}) };
}

function appliedWords(versions: readonly string[]): string {
  if (versions.length === 0) return 'no version applied';
  const shown = versions.length > 6 ? [...versions.slice(0, 3), '…', ...versions.slice(-2)] : versions;
  return `${versions.length} version${versions.length === 1 ? '' : 's'} applied: ${shown.join(', ')}`;
}

/** The versions in version order (numbers numerically: these tools' versions are numbers). */
export function inVersionOrder(versions: readonly string[]): string[] {
  return [...versions].sort(compareVersions);
}

function text(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value).trim();
}

/** A boolean as each driver returns it (PostgreSQL true, MySQL 1, SQLite 1, a bigint 1n, text 't'). */
function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || (typeof value === 'string' && ['1', 't', 'true'].includes(value.toLowerCase()));
}
