import { hintAt, MigrateTuiError, readSchemaDump, runChangedVersionRows, writeSchemaFile, type CommandPlace, type RunResult } from '../../engine/index.js';
import type { TuiSession } from '../session.js';

/**
 * After a TUI run, as the CLI does after one (cli/commands/schema-file.ts): with "schemaFile"
 * set and a run that changed the version rows, the schema file is written again. The lines
 * say so, or that it was NOT written, why, and how to write it; the run stands either way.
 */
export async function schemaFileLines(session: TuiSession, result: RunResult, place: CommandPlace): Promise<string[]> {
  const setting = session.options.schemaFile;
  if (!setting || !runChangedVersionRows(result)) return [];
  const m = session.migrator;
  try {
    const { dump } = await readSchemaDump(m.db, m.store, session.options.target, setting.lockWaitMs);
    writeSchemaFile(setting.path, dump.text);
    return [`schema file written: ${setting.shown}`];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof MigrateTuiError ? error.hint : 'see the message';
    return [`${result.error ? 'what ran before the failure stands' : 'the run stands'}, but the schema file ${setting.shown} was NOT written: ${message}`, `→ ${hintAt(hint, place)}; then write it with ${hintAt('`migrate-tui dump`', place)}`];
  }
}
