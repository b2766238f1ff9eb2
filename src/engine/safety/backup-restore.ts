import { rmSync } from 'node:fs';
import { ReadOnlyDatabaseError } from '../dialects/dialect-errors.js';
import { ConnectionLostError } from '../dialects/connection-link.js';
import { MigrateTuiError } from '../errors.js';
import { stateTableList } from '../state-tables.js';
import { recordAppliedSet, recordInOneTransaction } from '../run/record.js';
import { readWaitMs } from '../run/bounded-read.js';
import type { StepRunner } from '../run/runner.js';
import type { RunResult } from '../run/steps.js';
import { checkRestoreFits } from './backup-owner.js';
import { backupPath, finishBackup, prepareBackupFile, type BackupDirtyStep, type BackupManifest } from './backups.js';
import type { DatabaseState } from '../run/database-state.js';
import type { LogRow } from '../run/state-store.js';

export interface BackupOptions {
  readonly dir: string;
  readonly out?: string;
  readonly exact?: boolean;
  readonly reason: string;
  readonly beforeRun?: boolean;
}

/**
 * Takes a backup into `dir` (or `out`), with its manifest; checks the tool first. `beforeRun`:
 * the backup a downgrade, restore or resolve takes before it writes — the run's first write is
 * tried first where it changes nothing (StateStore.probeWrite), so a session that takes no
 * writes (a standby, default_transaction_read_only) refuses before a dump of the whole
 * database is made for a run that could never start.
 */
export async function backup(runner: StepRunner, options: BackupOptions): Promise<BackupManifest> {
  const { db } = runner;
  if (options.beforeRun) {
    await runner.store.probeWrite().catch((error: unknown) => {
      throw error instanceof ReadOnlyDatabaseError ? error.beforeBackup() : error;
    });
  }
  const tool = await db.backupTool();
  const state = await runner.readState();
  const file = prepareBackupFile(options.out ?? backupPath(options.dir, db.databaseName, state.versionRows, db.backupExtension), options.out !== undefined && options.exact === true);
  const exclude = stateTableList(runner.options.tables);
  try {
    await db.backup(file, exclude, readWaitMs(runner.options.lockLimits));
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
  return finishBackup(file, {
    createdAt: new Date().toISOString(),
    database: db.display,
    databaseName: db.databaseName,
    dialect: db.syntax.name,
    tool,
    reason: options.reason,
    versionRows: state.versionRows,
    applied: runner.project.graph.ids().filter((id) => state.applied.has(id)),
    logMaxId: state.log.reduce((max, row) => Math.max(max, row.id), 0),
    includesStateTables: db.backupIncludesStateTables,
    ...dirtyAtBackup(state),
  });
}

/**
 * Restores a backup and sets the version rows as they were when it was taken. The log
 * keeps its history: rows written since the backup are kept, and each revision whose
 * state the restore changes gets a `restore` row. A backup of another database (see
 * `sameDatabase`) is refused unless `intoOtherDatabase`.
 */
export async function restore(runner: StepRunner, manifest: BackupManifest, options: { intoOtherDatabase?: boolean } = {}): Promise<RunResult> {
  const { db } = runner;
  checkRestoreFits(manifest, { display: db.display, databaseName: db.databaseName, dialect: db.syntax.name }, options.intoOtherDatabase === true);
  await db.restoreTool();
  return runner.locked(async (before) => {
    const newer = manifest.includesStateTables ? before.log.filter((row) => row.id > manifest.logMaxId) : [];
    await db.restore(manifest.file, readWaitMs(runner.options.lockLimits));
    return recordRestore(runner, manifest, before, newer).catch((error: unknown) => {
      // The tool's own session restored the data: a connection of ours that ended since said only "the connection … ended".
      if (!(error instanceof ConnectionLostError)) throw error;
      const rows = manifest.versionRows.join(' ') || 'base';
      throw new MigrateTuiError('restore-unrecorded', `the backup's data is restored (its tool finished), but ${error.message.replace(/; nothing was sent on it after that$/, '')} while migrate-tui recorded it: the version rows say ${before.versionRows.join(' ') || 'nothing applied'} (not recorded) or ${rows} (recorded), and \`migrate-tui status\` shows which`, `once the server answers, run \`migrate-tui status\`; if the version rows are not the backup's, \`migrate-tui stamp ${rows}\` records them (the data is back: do not restore again for that)`, { database: db.display, file: manifest.file });
    });
  }, true);
}

/** After the tool restored the data: the log rows written since, the version rows as they were, and a dirty step unfinished again. */
async function recordRestore(runner: StepRunner, manifest: BackupManifest, before: DatabaseState, newer: readonly LogRow[]): Promise<RunResult> {
  const { project } = runner;
  if (manifest.includesStateTables) {
    await runner.store.ensure();
    for (const { id: _id, ...row } of newer) await runner.store.insertLog(row);
  }
  const state = await runner.readState();
  const next = new Set(manifest.applied.filter((id) => project.graph.has(id)));
  // Bounded like a stamp: a session holding migrate-tui's tables made the restore wait for ever after its data was back.
  const rows = manifest.versionRows.length > 0 ? manifest.versionRows.join(' ') : 'base';
  const unrecorded = `the backup's data is restored, but migrate-tui's record of it was not written (one transaction, rolled back): the version rows still say ${state.versionRows.join(' ') || 'nothing applied'}, where the backup's are ${rows}; once that session has finished, run \`migrate-tui stamp ${rows}\` (or the restore again) to record it`;
  const result = await recordInOneTransaction(runner, "the restore's record", () => recordAppliedSet(runner, state, next, manifest.versionRows.filter((r) => !project.graph.has(r)), 'restore', manifest.versionRows), unrecorded);
  // The data is back as it was during an unfinished step: the step is unfinished again. (A
  // backup with the state tables brings its log row back, but the log rows written since —
  // kept, they are history — include the step's resolution.)
  const unfinished = manifest.dirty;
  if (unfinished && !(await runner.readState()).dirty) {
    const unmarked = `the backup's data is restored and recorded, but the mark that ${unfinished.revision}'s ${unfinished.direction} is unfinished again was not written: \`status\` does not show it dirty; once that session has finished, run the restore again`;
    await recordInOneTransaction(runner, `that ${unfinished.revision} is unfinished again`, () => markUnfinishedAgain(runner, before.log, unfinished), unmarked);
  }
  return { ...result, target: manifest.file };
}

/** The unfinished step of a dirty database, for its backup's manifest. */
function dirtyAtBackup(state: DatabaseState): { dirty?: BackupDirtyStep } {
  const { dirty } = state;
  const row = dirty ? state.log.find((r) => r.id === dirty.logId) : undefined;
  if (!dirty || !row || (row.status !== 'started' && row.status !== 'dirty')) return {};
  return { dirty: { logId: row.id, revision: row.revision, direction: row.direction, status: row.status, statementsDone: row.statementsDone, statementsTotal: row.statementsTotal } };
}

/**
 * A copy of the unfinished step's log row as it was at backup time, newest: the state reads
 * dirty at that step again (resolve then works from it, with its stored SQL). Without the row
 * (the log was cleared) there is nothing to copy, and the restore's report says so.
 */
async function markUnfinishedAgain(runner: StepRunner, log: readonly LogRow[], dirty: BackupDirtyStep): Promise<void> {
  const row = log.find((r) => r.id === dirty.logId);
  if (!row) return;
  const { id: _id, ...rest } = row;
  await runner.store.insertLog({ ...rest, status: dirty.status, statementsDone: dirty.statementsDone, statementsTotal: dirty.statementsTotal });
}
