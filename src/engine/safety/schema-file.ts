import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WriteError } from '../errors.js';
import { makeFolder } from '../files/make-folder.js';
import type { ConnectionTarget } from '../connection.js';
import type { DatabaseAdapter } from '../dialects/adapter.js';
import type { StateStore } from '../run/state-store.js';
import { boundedRead } from '../run/bounded-read.js';
import type { RunResult } from '../run/steps.js';
import { dumpSchema, type SchemaDump } from './schema-dump.js';

/**
 * Writes the schema file whole or not at all: into a temporary file in the same folder, then
 * renamed over the file, so a reader (or a kill) never sees half a schema. The folder is made
 * when missing, as dbmate does. A failure is a WriteError naming the file and why.
 */
export function writeSchemaFile(path: string, text: string): void {
  const hint = 'choose a writable path with --out, or "schemaFile" in migrate-tui.config.json';
  makeFolder(dirname(path), 'schema file folder', hint);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new WriteError('schema-file', `cannot write the schema file ${path}: ${code}`, hint, { path, code });
  }
}

/** Whether a run changed what the schema file holds: a step completed, or the heads moved (a stamp). */
export function runChangedVersionRows(result: Pick<RunResult, 'steps' | 'headsBefore' | 'headsAfter'>): boolean {
  return result.steps.some((s) => s.status === 'done') || result.headsBefore.join(',') !== result.headsAfter.join(',');
}

/** The schema with the version rows as they are now (null: no state tables), on the run's connection (and the dump tool's own). */
export async function readSchemaDump(db: DatabaseAdapter, store: StateStore, target: ConnectionTarget, lockWaitMs: number): Promise<{ dump: SchemaDump; versionRows: readonly string[] | null }> {
  const versionRows = await boundedRead(db, lockWaitMs, { now: `the version table (${store.tables.version})` }, async () => ((await store.exists()) ? await store.versionRows() : null));
  return { dump: await dumpSchema(db, target, { versionTable: store.tables.version, versionRows, lockWaitMs }), versionRows };
}
