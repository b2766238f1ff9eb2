import { closeSync, openSync, statSync } from 'node:fs';
import type { ConnectionTarget } from '../connection.js';
import { MigrateTuiError } from '../errors.js';
import type { DatabaseAdapter } from '../dialects/adapter.js';
import { SCHEMA_LOADERS, type DatabaseObject } from '../dialects/schema-load-tools.js';
import { boundedRead } from '../run/bounded-read.js';
import { splitStatements } from '../files/index.js';

/** The schema file is missing, a folder, or cannot be read (exit 1). */
export class SchemaFileError extends MigrateTuiError {}

/** Loading the schema file failed; the message says what the database holds now (exit 1; 130 when cancelled). */
export class SchemaLoadError extends MigrateTuiError {
  constructor(message: string, hint: string, meta: Record<string, unknown>) {
    super('schema-load-failed', message, hint, meta);
  }
}

/** Refuses a schema file that is missing, a folder, or unreadable, naming it (`label`: as the user wrote it). */
export function checkSchemaFile(path: string, label: string): void {
  const hint = 'give the file with --file, or set "schemaFile" in migrate-tui.config.json; `migrate-tui dump` writes one from a database';
  let why: string | null = null;
  try {
    if (statSync(path).isDirectory()) why = 'is a folder, not a file';
    else closeSync(openSync(path, 'r'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
  }
  if (why) throw new SchemaFileError('schema-file-unreadable', `the schema file ${label} ${why}; nothing was loaded`, hint, { file: path });
}

export interface SchemaLoadOptions {
  /** The file as the user wrote it, for messages. */
  readonly label: string;
  /** How long a statement of the file may wait for a lock (the dump's lock wait). */
  readonly lockWaitMs: number;
}

export interface SchemaLoadResult {
  /** "psql 15.18", "mariadb 10.11.6-MariaDB", "SQLite 3.46.1". */
  readonly tool: string;
  /** What the client said on stderr although it succeeded. */
  readonly warnings: readonly string[];
}

/** A load checked and ready: the client is there, and what the database holds now is known. */
export interface SchemaLoadPlan {
  readonly tool: string;
  /** The whole file runs in one transaction (PostgreSQL, SQLite): a failure leaves nothing; MySQL/MariaDB commit each statement. */
  readonly oneTransaction: boolean;
  /** The tables and views the database holds now (migrate-tui's state tables too): loading over them fails where the file creates one again. */
  readonly occupied: readonly string[];
  load(signal?: AbortSignal): Promise<SchemaLoadResult>;
}

const described = (objects: readonly DatabaseObject[]) => {
  const shown = objects.slice(0, 8).map((o) => `${o.kind} ${o.name}`);
  return `${shown.join(', ')}${objects.length > shown.length ? `, and ${objects.length - shown.length} more` : ''}`;
};
const key = (o: DatabaseObject) => `${o.kind} ${o.name}`;

/**
 * dbmate's `load`: the schema file run by the database's own client (psql, mariadb/mysql) or,
 * for SQLite, the driver. Checks the client (missing: exit 8) and the file this client can
 * read, and reads what the database holds, before anything runs; `load()` then runs it. A
 * failure says what the database holds afterwards, read, not assumed: "nothing was loaded"
 * only when the client rolled its one transaction back and the objects are those of before.
 */
export async function prepareSchemaLoad(db: DatabaseAdapter, target: ConnectionTarget, file: string, options: SchemaLoadOptions): Promise<SchemaLoadPlan> {
  const loader = SCHEMA_LOADERS[db.syntax.name];
  const client = loader.client(db);
  loader.checkFile?.(client, file, options.label);
  // Bounded as every look is: a table another session holds (an ALTER) ends it with the holder named, never a hang.
  const objects = () => boundedRead(db, options.lockWaitMs, { now: 'the tables and other objects the database holds' }, () => loader.objects(db));
  const before = await objects();
  const occupied = before.filter((o) => o.kind === 'table' || o.kind === 'view').map((o) => o.name);
  return {
    tool: client.label,
    oneTransaction: loader.oneTransaction,
    occupied,
    async load(signal) {
      // A text our splitter cannot read whole (an unterminated quote) runs as one, as before, naming no line.
      const statements = (text: string) => {
        const split = splitStatements(text.split(/\r?\n/), db.syntax.splitter);
        return split.problems.length === 0 ? split.statements : null;
      };
      const outcome = await loader.run(db, target, client, { file, lockWaitMs: options.lockWaitMs, statements, ...(signal ? { signal } : {}) });
      const failure = outcome.failure;
      if (!failure) return { tool: client.label, warnings: outcome.warnings };
      const after = await objects();
      const had = new Set(before.map(key));
      const has = new Set(after.map(key));
      const added = after.filter((o) => !had.has(key(o)));
      const removed = before.filter((o) => !has.has(key(o)));
      const unchanged = added.length === 0 && removed.length === 0;
      const at = failure.line !== null ? ` at line ${failure.line}` : '';
      const what = failure.cancelled ? `loading ${options.label} into ${db.display} was cancelled (${client.label})` : `loading ${options.label} into ${db.display} failed${at} (${client.label}): ${failure.message}`;
      let state: string;
      if (failure.rolledBack && unchanged) state = 'nothing was loaded (one transaction, rolled back)';
      else {
        const ran = loader.oneTransaction
          ? ''
          : failure.line !== null
            ? `each statement commits on ${loader.product}: the statements before line ${failure.line} ran and stay applied; `
            : `each statement commits on ${loader.product}: the statements that ran before the error stay applied; `;
        state = unchanged
          ? `${ran}the database holds the same tables, views and other objects as before`
          : `${ran}the database may hold part of the schema: it now holds ${added.length} object${added.length === 1 ? '' : 's'} it did not hold before (${described(added)})${removed.length > 0 ? ` and no longer holds ${described(removed)}` : ''}`;
      }
      const fix = failure.cancelled ? 'run it again' : failure.line !== null ? `fix line ${failure.line} of ${options.label} (or load into an empty database), then run load again` : `see the error, fix ${options.label} (or load into an empty database), then run load again`;
      const hint = unchanged ? fix : `drop what it made (listed) or use a new empty database; then ${fix.replace(' (or load into an empty database)', '').replace(/^see the error, /, '')}`;
      throw new SchemaLoadError(`${what}; ${state}`, hint, {
        file,
        tool: client.label,
        line: failure.line,
        cancelled: failure.cancelled,
        nothingLoaded: failure.rolledBack && unchanged,
        added: added.map(key),
        removed: removed.map(key),
      });
    },
  };
}
