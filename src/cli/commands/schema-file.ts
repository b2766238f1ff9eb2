import { resolve } from 'node:path';
import type { ConfigFile, Migrator, MigrateTuiError, RunResult, SchemaDump } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import { EXIT } from '../exit-codes.js';
import type { DatabaseContext } from '../wiring.js';

/** The schema and its version rows, read on the Migrator's connection (and the dump tool's own). */
export function readDump(ctx: DatabaseContext, m: Migrator): Promise<{ dump: SchemaDump; versionRows: readonly string[] | null }> {
  return engine.readSchemaDump(m.db, m.store, ctx.target, schemaLockWaitMs(ctx.config));
}

/** The dump tool's lock wait: the lock discipline's lock_timeout ("locks" in the config), 5 s when that is off. */
export function schemaLockWaitMs(config: ConfigFile): number {
  return (config.locks?.timeout ?? engine.DEFAULT_LOCK_LIMITS.lockTimeoutMs / 1000) * 1000 || 5000;
}

export const rowsText = (rows: readonly string[] | null, table: string) =>
  rows === null ? `no version rows: the database has no migrate-tui state tables (${table}), so it holds the schema only` : `${rows.length} version row${rows.length === 1 ? '' : 's'}`;

/** What each command's success is, for the line that says it stands though the schema file was not written. */
const DEED: Record<string, string> = {
  applied: 'the migrations DID apply',
  reverted: 'the downgrade DID run',
  stamped: 'the stamp WAS recorded',
  resolved: 'the resolve DID take effect',
};

/**
 * After upgrade, downgrade/reset, stamp or resolve: with "schemaFile" set and a run that
 * changed the version rows, writes the schema file again (as dbmate does after up and
 * rollback) and says so. A dump that fails says the run stands and the file was not written,
 * why, and how to write it; that exits 12 when the run itself succeeded.
 */
export async function withSchemaFile(ctx: DatabaseContext, m: Migrator, result: RunResult, out: CommandResult, verb: string): Promise<CommandResult> {
  const setting = ctx.config.schemaFile;
  if (setting === undefined || !engine.runChangedVersionRows(result)) return out;
  const file = resolve(ctx.io.cwd, setting);
  const place = engine.commandPlaceOf(ctx.target);
  // A fleet run: every target would write the one file in turn, the last one winning (fleet-command.ts says so once).
  if (ctx.guard) return { ...out, json: { ...(out.json as object), schemaFile: { file, written: false, reason: 'fleet' } } };
  try {
    const { dump, versionRows } = await readDump(ctx, m);
    engine.writeSchemaFile(file, dump.text);
    return { ...out, text: out.text + `schema file written: ${setting} (${rowsText(versionRows, m.store.tables.version)})\n`, json: { ...(out.json as object), schemaFile: { file, written: true, tool: dump.tool, versionRows } } };
  } catch (caught) {
    // Whatever stopped the dump (a driver's error too: the connection lost), the run stands and must be said.
    const error: Pick<MigrateTuiError, 'code' | 'message' | 'hint'> = caught instanceof engine.MigrateTuiError ? caught : { code: 'schema-dump-failed', message: caught instanceof Error ? caught.message : String(caught), hint: 'see the message' };
    const heads = result.headsAfter.join(', ') || 'base';
    const deed = result.error ? `what ran before the failure stands (heads now: ${heads})` : `${DEED[verb] ?? `the ${verb} run took effect`} (heads now: ${heads})`;
    const note = `${deed}, but the schema file ${setting} was NOT written: ${error.message}\n  → ${engine.hintAt(error.hint, place)}; then write it with ${engine.hintAt('`migrate-tui dump`', place)}\n`;
    ctx.io.err(note);
    return {
      ...out,
      text: out.text + `schema file ${setting} NOT written (see above)\n`,
      json: { ...(out.json as object), schemaFile: { file, written: false, error: { code: error.code, message: error.message, hint: error.hint } } },
      exitCode: out.exitCode && out.exitCode !== EXIT.ok ? out.exitCode : EXIT.schemaFileNotWritten,
    };
  }
}
