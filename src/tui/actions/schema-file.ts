import { dumpSchema, hintAt, MigrateTuiError, writeSchemaFile, type CommandPlace, type RunResult } from '../../engine/index.js';
import type { TuiSession } from '../session.js';

/**
 * After a TUI run, as the CLI does after one (cli/commands/schema-file.ts): with "schemaFile"
 * set and a run that changed the version rows, the schema file is written again. The lines
 * say so, or that it was NOT written, why, and how to write it; the run stands either way.
 */
export async function schemaFileLines(session: TuiSession, result: RunResult, place: CommandPlace): Promise<string[]> {
  const setting = session.options.schemaFile;
  const changed = result.steps.some((s) => s.status === 'done') || result.headsBefore.join(',') !== result.headsAfter.join(',');
  if (!setting || !changed) return [];
  const m = session.migrator;
  try {
    const versionRows = (await m.store.exists()) ? await m.store.versionRows() : null;
    const dump = await dumpSchema(m.db, session.options.target, { versionTable: m.store.tables.version, versionRows, lockWaitMs: setting.lockWaitMs });
    writeSchemaFile(setting.path, dump.text);
    return [`schema file written: ${setting.shown}`];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof MigrateTuiError ? error.hint : 'see the message';
    return [`the run stands, but the schema file ${setting.shown} was NOT written: ${message}`, `→ ${hintAt(hint, place)}; then write it with ${hintAt('`migrate-tui dump`', place)}`];
  }
}
