import { twoFilesPatch } from '../files/text-diff.js';
import { PlanError, UsageError, type MigrateTuiError } from '../errors.js';
import type { Statement } from '../files/sql-splitter.js';
import { resolveRevisionRef } from '../graph/targets.js';
import { joinStatements, storedStatements, versionRowsFor, type DatabaseState } from './database-state.js';
import { recordInOneTransaction, recordOnly } from './record.js';
import type { StepRunner } from './runner.js';
import { firstStatements, isSeedStep, MigrationFailedError, nothingApplied } from './runtime-errors.js';
import { fileStep, logStep, type RunResult, type RunStep } from './steps.js';
import { isExcerpt, statementCount } from './statement-cursor.js';
import { cancellableStepWrite, recordTrackedFailure, runTracked } from './tracked-run.js';

export type ResolveMode = 'resume' | 'reverse' | 'applied' | 'reverted';

/** Where `--resume` takes the remaining statements from, when the file changed since the step started. */
export type ResumeSource = 'file' | 'log';

/** What `resolve` would do: the SQL it runs (if any) and whether the revision ends applied. */
export interface ResolvePreview {
  readonly revision: string;
  /** The direction of the SQL that runs: the dirty step's for `resume`, the opposite for `reverse`. */
  readonly direction: 'up' | 'down';
  readonly statements: Statement[];
  /** The file `statements` come from (for "file:line" in what they destroy); null: the SQL recorded in the log, or none. */
  readonly path: string | null;
  /** How many statements run, when `statements` holds only the first few (a large file). */
  readonly remaining?: number;
  readonly appliedAfter: boolean;
  /** Said before confirming, e.g. that a resume runs an uncertain statement again. */
  readonly warnings: string[];
  /**
   * `reverse` of a step that did not finish: its SQL undoes statements that never ran, so it
   * may fail and leave the database dirty. Each face adds its own way to see where and to
   * record what is true (the CLI's `status` and flags, the TUI's keys).
   */
  readonly reverseWarning?: string;
  /**
   * `resume` only: the file differs from the SQL recorded when the step started (a diff,
   * recorded → file). Then the source must be chosen: `source` says which one `statements` are from.
   */
  readonly fileChanged: { readonly diff: string; readonly fileStatements: number; readonly recordedStatements: number } | null;
  readonly source: ResumeSource | null;
  /** `resume` only: the 1-based statement it starts with. */
  readonly startAt: number;
  /**
   * `resume` from the default place while a statement is uncertain (it runs it again): where
   * a resume after it would start instead. Each face names its own way to choose that.
   */
  readonly resumeAfter: number | null;
}

/** What `resolve` would do, for the preview. */
export function resolvePreview(runner: StepRunner, state: DatabaseState, ref: string, mode: ResolveMode, source: ResumeSource | null = null, resumeAt: number | null = null): ResolvePreview {
  const dirty = state.dirty;
  if (!dirty) throw new PlanError('not-dirty', 'the database is not dirty: nothing to resolve', 'see `migrate-tui status`');
  const { graph } = runner.project;
  const revision = graph.has(dirty.revision) ? resolveRevisionRef(graph, ref) : ref;
  if (revision !== dirty.revision) {
    throw new PlanError('wrong-revision', `the unfinished step is the ${dirty.direction} of ${dirty.revision}, not ${ref}`, `run \`migrate-tui resolve ${dirty.revision} --${mode}\``, { dirty: dirty.revision });
  }
  const direction = dirty.direction as 'up' | 'down';
  if (mode === 'reverse') {
    const step = reverseStep(runner, dirty.revision, direction, dirty.downSql);
    const reverseWarning =
      dirty.statementsDone < dirty.statementsTotal
        ? (dirty.uncertain
            ? // No outcome recorded: the log's count is all that is known ("only no statement … ran" was said when statement 1 had run).
              `the log records ${dirty.statementsDone === 0 ? 'no statement' : firstStatements(dirty.statementsDone)} of ${dirty.statementsTotal} of the ${direction} as done (no outcome was recorded: statement ${dirty.uncertain.statement} or more may have run), but the ${step.direction} SQL undoes all of them: `
            : `only ${dirty.statementsDone === 0 ? 'no statement' : firstStatements(dirty.statementsDone)} of ${dirty.statementsTotal} of the ${direction} ran, but the ${step.direction} SQL undoes all of them: `) +
          `a statement that undoes one that never ran may fail; the database then stays dirty: at the unfinished ${direction} if nothing of the reverse stays applied, at the reverse step if part of it does`
        : null;
    return { revision, direction: step.direction, statements: [...step.statements], path: step.path, appliedAfter: direction === 'down', warnings: [], ...(reverseWarning ? { reverseWarning } : {}), fileChanged: null, source: null, startAt: 1, resumeAfter: null };
  }
  const appliedAfter = mode === 'resume' ? direction === 'up' : mode === 'applied';
  if (mode !== 'resume') return { revision, direction, statements: [], path: null, appliedAfter, warnings: [], fileChanged: null, source: null, startAt: 1, resumeAfter: null };
  const startAt = resumeStart(dirty, resumeAt);
  if (isExcerpt(dirty.sqlText)) return resumeLargeFile(runner, dirty, revision, direction, startAt, resumeAt);
  const recorded = storedStatements(dirty.sqlText, runner.db.syntax);
  const fromFile = graph.has(revision) && (direction === 'up' || graph.get(revision).down) ? fileStep(graph, runner.db.syntax, revision, direction) : null;
  const file = fromFile ? fromFile.statements : null;
  const fileText = file ? joinStatements(file) : null;
  const changed = file && fileText !== (dirty.sqlText ?? '');
  const fileChanged = changed
    ? { diff: twoFilesPatch(`recorded when the ${direction} started`, `${direction === 'up' ? graph.get(revision).upPath : graph.get(revision).downPath} now`, (dirty.sqlText ?? '') + '\n', fileText + '\n'), fileStatements: file.length, recordedStatements: recorded.length }
    : null;
  const from = changed && source === 'file' ? file : recorded;
  const warnings = [
    ...(changed && source === 'file'
      ? [`${firstStatements(dirty.statementsDone)} ran from the recorded SQL; the file's first ${dirty.statementsDone === 1 ? 'statement is' : `${dirty.statementsDone} are`} taken as ${dirty.statementsDone === 1 ? 'that' : 'those'}, and its ${startAt === file.length ? `statement ${startAt} runs` : `statements ${startAt}–${file.length} run`} now`]
      : []),
    ...skippedPastLog(dirty, resumeAt),
    ...(dirty.uncertain && resumeAt === null
      ? [
          `statement ${dirty.uncertain.statement} may or may not have completed (no outcome was recorded): this resume runs it again`,
        ]
      : []),
  ];
  const resumeAfter = mode === 'resume' && dirty.uncertain && resumeAt === null ? dirty.uncertain.statement + 1 : null;
  return { revision, direction, statements: from.slice(startAt - 1), path: fromFile && (!changed || source === 'file') ? fromFile.path : null, appliedAfter, warnings, fileChanged, source: changed ? source : null, startAt, resumeAfter };
}

/**
 * Whether a resolve destroys, so it takes a backup first (as a downgrade does) and the TUI asks
 * for the database's name: it runs down SQL (a downgrade's), or SQL that drops, empties or
 * deletes (`dataAtRisk`, counted by the migrator's resolveDataAtRisk).
 */
export function resolveDestroys(preview: ResolvePreview, dataAtRisk: readonly unknown[]): boolean {
  return preview.statements.length > 0 && (preview.direction === 'down' || dataAtRisk.length > 0);
}

/**
 * Where a resume starts: after the recorded statements, or (only when no outcome was recorded)
 * after any later statement up to the last: a run whose writes to the log met another
 * session's lock ran statements the log could not count, and its failure names where to
 * resume (`--resume-at 3` with the log still at 0).
 */
function resumeStart(dirty: NonNullable<DatabaseState['dirty']>, resumeAt: number | null): number {
  const next = dirty.statementsDone + 1;
  if (resumeAt === null || resumeAt === next) return next;
  if (dirty.uncertain && resumeAt === dirty.uncertain.statement + 1) return resumeAt;
  if (dirty.uncertain && Number.isInteger(resumeAt) && resumeAt > next && resumeAt <= dirty.statementsTotal) return resumeAt;
  throw new UsageError(
    `--resume-at ${resumeAt} is not a place this step can resume from`,
    dirty.uncertain
      ? `statement ${dirty.uncertain.statement} may or may not have completed: use --resume-at ${next} (run it again) or --resume-at ${next + 1} (it completed)${dirty.statementsTotal > next + 1 ? `, up to --resume-at ${dirty.statementsTotal} when the failure said more statements completed than the log records` : ''}; when all ${dirty.statementsTotal} completed, --applied records it`
      : `${dirty.statementsDone === 0 ? 'no statement is' : `${firstStatements(dirty.statementsDone)} ${dirty.statementsDone === 1 ? 'is' : 'are'}`} recorded as done and nothing is uncertain: resume starts at ${next}`,
    { resumeAt },
  );
}

/** A resume told to start past the statement after the log's count: which statements it takes as completed without the log's word. */
function skippedPastLog(dirty: NonNullable<DatabaseState['dirty']>, resumeAt: number | null): string[] {
  const next = dirty.statementsDone + 1;
  if (!dirty.uncertain || resumeAt === null || resumeAt <= next + 1) return [];
  return [`the log records ${dirty.statementsDone === 0 ? 'no statement' : firstStatements(dirty.statementsDone)} as done: statements ${next}–${resumeAt - 1} are taken as completed (the resume starts at statement ${resumeAt}) and do not run`];
}

/** A resume on a changed file needs the choice said out loud: --from-file or --from-log. */
export function requireResumeSource(preview: ResolvePreview): void {
  if (!preview.fileChanged || preview.source) return;
  throw new UsageError(
    `${preview.revision} changed since its unfinished ${preview.direction} started: the file has ${preview.fileChanged.fileStatements} statements, the recorded SQL ${preview.fileChanged.recordedStatements}\n${preview.fileChanged.diff.split('\n').slice(1).join('\n')}`,
    `choose where the remaining statements come from: --from-file (the file as it is now) or --from-log (the SQL recorded when the step started)`,
    { revision: preview.revision, choose: 'resume-source' },
  );
}

/** The step that undoes an unfinished step: the down for a dirty up, the up for a dirty down. */
function reverseStep(runner: StepRunner, revision: string, dirtyDirection: 'up' | 'down', storedDown: string | null): RunStep {
  const reverse = dirtyDirection === 'up' ? 'down' : 'up';
  const { graph } = runner.project;
  // A seed was "files missing, and no down SQL was stored", with a hint to check out a branch or stamp.
  if (!graph.has(revision) && isSeedStep(revision)) throw new PlanError('seed-irreversible', `${revision} is a seed: a seed has no down SQL, so --reverse has nothing to run`, `undo what ran by hand (\`migrate-tui rollback\` lists the statements that ran), then \`migrate-tui resolve ${revision} --reverted\`; or \`--resume\` runs the rest`);
  if (graph.has(revision)) {
    const m = graph.get(revision);
    if (reverse === 'down' && !m.down) {
      throw new PlanError('irreversible', `${revision} is irreversible: it has no down SQL to run`, `undo what ran by hand, then \`migrate-tui resolve ${revision} --reverted\``);
    }
    return fileStep(graph, runner.db.syntax, revision, reverse);
  }
  if (reverse === 'down') return logStep(runner.db.syntax, revision, storedDown, runner.options.tables.log);
  throw new PlanError('no-files', `the files of ${revision} are missing, so its up SQL cannot be run again`, 'check out the branch that has its files, or finish it by hand and use --applied');
}

/**
 * Clears a dirty state: `resume` runs the statements that did not run (from the SQL
 * recorded when the step started); `reverse` runs the other direction's SQL as a new
 * step; `applied`/`reverted` only record what is true now.
 */
export function resolve(runner: StepRunner, ref: string, mode: ResolveMode, source: ResumeSource | null = null, resumeAt: number | null = null): Promise<RunResult> {
  return runner.locked(async (state) => {
    const preview = resolvePreview(runner, state, ref, mode, source, resumeAt);
    requireResumeSource(preview);
    const dirty = state.dirty!;
    const { graph } = runner.project;
    const missing = state.missing.map((m) => m.revision);
    const before = [...state.versionRows];
    const next = new Set(state.applied);
    const nextMissing = missing.filter((m) => m !== preview.revision);
    if (preview.appliedAfter) {
      if (graph.has(preview.revision)) next.add(preview.revision);
      else nextMissing.push(preview.revision);
    } else next.delete(preview.revision);
    const after = versionRowsFor(graph, next, nextMissing);
    const started = Date.now();
    // Whatever the mode, the step counts as an up when it leaves the revision applied.
    const direction = preview.appliedAfter ? 'up' : 'down';
    const result = (status: 'done' | 'failed', error?: MigrateTuiError): RunResult => ({
      direction: direction === 'up' ? 'upgrade' : 'downgrade',
      target: ref,
      steps: [{ revision: preview.revision, direction, status, durationMs: Date.now() - started, statements: preview.remaining ?? preview.statements.length }],
      headsBefore: before,
      headsAfter: status === 'done' ? after : before,
      ...(error ? { error } : {}),
    });
    if (mode === 'reverse') {
      const step: RunStep = { ...reverseStep(runner, dirty.revision, dirty.direction as 'up' | 'down', dirty.downSql), purpose: 'reverse' };
      const outcome = await runner.runReported(step, 0, 1, { before, after }, 'migrate');
      // Done, or itself left dirty: either way the reverse step's own row now says what is true.
      // A reverse that changed nothing leaves the original dirty row as the truth.
      if (outcome.error === null || outcome.error.meta.state === 'dirty') await runner.store.updateLog(dirty.logId, { status: 'resolved' });
      if (outcome.error === null) return result('done');
      // A reverse that was rolled back leaves the database as it was: still dirty, the unfinished step's statements still applied.
      return result('failed', outcome.error.meta.state === 'rolled-back' ? stillDirty(outcome.error, dirty, 'reverse') : outcome.error);
    }
    if (mode === 'resume') {
      // The same statement-by-statement run as the step itself (outside the run's transaction,
      // the file's own BEGIN/COMMIT tracked, checks after), on the same log row.
      const step = resumeStep(runner, preview, dirty);
      // Between step events as any run, so a progress view says which migration runs (the TUI's read "migration 0 of 0").
      runner.emit({ type: 'step-start', index: 0, total: 1, revision: step.revision, direction: step.direction, message: step.message, statements: statementCount(step), from: preview.startAt });
      const ran = await runner.db.outsideTransaction(() => runTracked(runner, step, 0, dirty.logId, preview.startAt - 1, dirty.statementsDone));
      // "done" only once the log says so: the done write below can meet another session's lock on the log (it said "done in 77 ms", then failed).
      const stepEnd = (status: 'done' | 'failed') => runner.emit({ type: 'step-end', index: 0, revision: step.revision, status, durationMs: Date.now() - started });
      if (ran.error !== null) {
        stepEnd('failed');
        const failure = await recordTrackedFailure(runner, step, dirty.logId, ran, { finishedAt: new Date().toISOString(), durationMs: Date.now() - started });
        // Whatever the resume kept or rolled back, the step as a whole is still unfinished.
        return result('failed', failure.meta.state === 'dirty' ? failure : stillDirty(failure, dirty, 'resume'));
      }
      // The version rows and "done" in one transaction, waiting for a lock on them no longer than the lock timeout.
      // Resumed from the file: the log row records the SQL that is now applied (no false drift).
      const fromFile = preview.source === 'file' ? { sqlText: joinStatements(step.statements), checksum: step.checksum } : {};
      const done = { ...fromFile, status: 'done' as const, statementsDone: ran.done, finishedAt: new Date().toISOString(), durationMs: Date.now() - started, error: null as unknown as string };
      try {
        await cancellableStepWrite(runner, null, `that the resume of ${step.revision} is done`, 'it was not written', () => runner.store.finishStep(dirty.logId, done, { before, after }));
        stepEnd('done');
      } catch (error) {
        stepEnd('failed');
        const finished = { finishedAt: new Date().toISOString(), durationMs: Date.now() - started };
        return result('failed', await recordTrackedFailure(runner, step, dirty.logId, { ...ran, error, bookkeeping: true }, finished));
      }
    } else {
      await recordInOneTransaction(runner, `that ${preview.revision} is ${preview.appliedAfter ? 'applied' : 'not applied'}`, async () => {
        await runner.store.updateLog(dirty.logId, { status: 'resolved' });
        await recordOnly(runner, preview.revision, preview.appliedAfter ? 'up' : 'down', 'resolve');
        await runner.store.setVersionRows(after);
      });
    }
    return result('done');
  }, true);
}

/**
 * A large file's log row keeps only an excerpt of its SQL: a resume runs the rest from the
 * file, which must be the one that started (same checksum).
 */
function resumeLargeFile(runner: StepRunner, dirty: NonNullable<DatabaseState['dirty']>, revision: string, direction: 'up' | 'down', startAt: number, resumeAt: number | null): ResolvePreview {
  const { graph } = runner.project;
  const file = graph.has(revision) && (direction === 'up' || graph.get(revision).down) ? fileStep(graph, runner.db.syntax, revision, direction) : null;
  if (!file || (direction === 'up' && file.checksum !== dirty.checksum)) {
    throw new PlanError(
      'large-file-changed',
      `the ${direction} of ${revision} is a large file whose log row keeps only an excerpt of its SQL, and ${file ? 'the file changed since the step started' : 'its file is missing'}: the remaining statements cannot be known`,
      'restore the file as it was when the step started (its checksum is in the log row) and resume, or finish by hand and use --applied / --reverted',
      { revision, recorded: dirty.checksum, file: file?.checksum ?? null },
    );
  }
  const warnings = [
    ...(dirty.uncertain && resumeAt === null ? [`statement ${dirty.uncertain.statement} may or may not have completed (no outcome was recorded): this resume runs it again`] : []),
    ...skippedPastLog(dirty, resumeAt),
  ];
  const resumeAfter = dirty.uncertain && resumeAt === null ? dirty.uncertain.statement + 1 : null;
  return { revision, direction, statements: file.statements.slice(startAt - 1), path: file.path, remaining: statementCount(file) - (startAt - 1), appliedAfter: direction === 'up', warnings, fileChanged: null, source: null, startAt, resumeAfter };
}

/** The whole statement list a resume runs from (the file's when it is unchanged or chosen, so lines are the file's). */
function resumeStep(runner: StepRunner, preview: ResolvePreview, dirty: NonNullable<DatabaseState['dirty']>): RunStep {
  const { graph } = runner.project;
  const file = graph.has(preview.revision) && (preview.direction === 'up' || graph.get(preview.revision).down) ? fileStep(graph, runner.db.syntax, preview.revision, preview.direction) : null;
  const useFile = file !== null && (preview.fileChanged === null || preview.source === 'file');
  const statements = useFile ? file.statements : storedStatements(dirty.sqlText, runner.db.syntax);
  return {
    ...(useFile && file.feed ? { feed: file.feed } : {}),
    revision: preview.revision,
    direction: preview.direction,
    message: useFile ? file.message : '(recorded SQL)',
    path: useFile ? file.path : `${runner.options.tables.log} (the SQL recorded when the step started)`,
    statements,
    transactional: false,
    checksum: useFile ? file.checksum : null,
    downSql: null,
    purpose: 'resume',
  };
}

/** The failure of a reverse that was rolled back, told as it is: the database is still dirty from the step it tried to undo. */
function stillDirty(error: MigrateTuiError, dirty: NonNullable<DatabaseState['dirty']>, what: 'reverse' | 'resume'): MigrationFailedError {
  const m = error.meta as unknown as ConstructorParameters<typeof MigrationFailedError>[0];
  return new MigrationFailedError({
    ...m,
    state: 'dirty',
    kept: 0,
    stateNote:
      `${m.inTransaction === false ? `the ${what}: ${nothingApplied(m.statement)}` : `the ${what} was rolled back, so nothing of it stays applied`}; the database is still DIRTY from the unfinished ${dirty.direction} of ${dirty.revision}, as it was: ` +
      `${firstStatements(dirty.statementsDone)} of its ${dirty.statementsTotal} ran and stay${dirty.statementsDone === 1 ? 's' : ''} applied`,
  });
}
