import { migrationChecksum, migrationStatements } from '../files/migration-sql.js';
import { joinStatements, versionRowsFor, type DatabaseState } from './database-state.js';
import { boundedRead, readWaitMs } from './bounded-read.js';
import type { StepRunner } from './runner.js';
import type { RunResult, StepResult } from './steps.js';

/** How a change was recorded without running its SQL. */
export type RecordKind = 'stamp' | 'resolve' | 'restore';

/**
 * migrate-tui's own writes of a change that runs no SQL (stamp, resolve --applied/--reverted)
 * in one transaction, waiting for a lock on its tables no longer than the lock timeout: a lock
 * another session held (a LOCK TABLE, an index build) made them wait for ever on PostgreSQL,
 * and a kill between the rows left the log saying what the version rows did not.
 */
export function recordInOneTransaction<T>(runner: StepRunner, what: string, work: () => Promise<T>, writes = 'nothing was recorded (one transaction, rolled back)'): Promise<T> {
  const { db, store } = runner;
  const now = `migrate-tui's tables (${store.tables.version}, ${store.tables.log}) ${what}`;
  return boundedRead(db, readWaitMs(runner.options.lockLimits), { now, writes }, async () => {
    await db.beginStep();
    try {
      const done = await work();
      await db.commitStep();
      return done;
    } catch (error) {
      await db.rollbackStep().catch(() => undefined);
      throw error;
    }
  });
}

/**
 * A log row for a step that ran no SQL (stamp, resolve, restore). For a revision marked
 * applied it stores the down SQL, so it can be reverted even if its files disappear.
 */
export function recordOnly(runner: StepRunner, revision: string, direction: 'up' | 'down', kind: RecordKind): Promise<number> {
  const { graph } = runner.project;
  const dialect = runner.db.syntax;
  const known = graph.has(revision) ? graph.get(revision) : null;
  const now = new Date().toISOString();
  return runner.insertLog({
    revision,
    direction,
    kind,
    dialect: dialect.name,
    checksum: known ? migrationChecksum(known, dialect) : null,
    sqlText: null,
    downSql: direction === 'up' && known?.down ? joinStatements(migrationStatements(known, 'down', dialect)) : null,
    statementsTotal: 0,
    statementsDone: 0,
    status: 'done',
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
  });
}

/**
 * Records, without running SQL, that exactly `next` is applied (and of the revisions with
 * missing files, `keepMissing`, or all of them when null): one log row per revision that
 * changes, then the version rows. Clears a dirty state.
 */
export async function recordAppliedSet(
  runner: StepRunner,
  state: DatabaseState,
  next: ReadonlySet<string>,
  keepMissing: readonly string[] | null,
  kind: 'stamp' | 'restore',
  rows?: readonly string[],
): Promise<RunResult> {
  const { graph } = runner.project;
  const removed = graph.downgradeOrder(new Set([...state.applied].filter((id) => !next.has(id))));
  const added = graph.upgradeOrder(new Set([...next].filter((id) => !state.applied.has(id))));
  const missing = state.missing.map((m) => m.revision);
  const droppedMissing = keepMissing === null ? [] : missing.filter((m) => !keepMissing.includes(m));
  const before = [...state.versionRows];
  const after = rows ? [...rows].sort() : versionRowsFor(graph, next, missing.filter((m) => !droppedMissing.includes(m)));
  if (state.dirty) await runner.store.updateLog(state.dirty.logId, { status: 'resolved' });
  for (const id of [...droppedMissing, ...removed]) await recordOnly(runner, id, 'down', kind);
  for (const id of added) await recordOnly(runner, id, 'up', kind);
  await runner.store.setVersionRows(after);
  const steps: StepResult[] = [
    ...[...droppedMissing, ...removed].map((revision) => ({ revision, direction: 'down' as const, status: 'done' as const, durationMs: 0, statements: 0 })),
    ...added.map((revision) => ({ revision, direction: 'up' as const, status: 'done' as const, durationMs: 0, statements: 0 })),
  ];
  return { direction: removed.length > 0 && added.length === 0 ? 'downgrade' : 'upgrade', target: '', steps, headsBefore: before, headsAfter: after };
}
