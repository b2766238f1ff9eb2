import { CancelledError } from './cancel.js';
import type { MigrateTuiError } from '../errors.js';
import { InvalidMigrationsError } from '../errors.js';
import { dialectChecksum } from '../files/checksum.js';
import { readSeedFolder } from '../files/migration-folder.js';
import { sourceStatements, streamedMode } from '../files/migration-sql.js';
import { transactionMode } from '../files/transaction-mode.js';
import { versionRowsFor } from './database-state.js';
import { MigrationFailedError } from './runtime-errors.js';
import type { StepRunner } from './runner.js';
import type { LogRow } from './state-store.js';
import type { RunResult, RunStep, StepResult } from './steps.js';

/**
 * Runs `seeds/*.sql` in name order. A seed is skipped when its checksum is unchanged since
 * it last ran AND none of the revisions applied when it ran has been reverted since (their
 * tables, and the seed's rows, may be gone: after `downgrade base` or `reset` every seed
 * runs again). `force` runs every seed.
 */
export async function seed(runner: StepRunner, seedDir: string, options: { force?: boolean } = {}): Promise<RunResult & { skipped: string[] }> {
  const { seeds, problems } = readSeedFolder(seedDir);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new InvalidMigrationsError(errors);
  return runner.locked(async (state) => {
    const lastRun = seedsStillValid(state.log);
    const results: StepResult[] = [];
    const skipped: string[] = [];
    let error: MigrateTuiError | undefined;
    const dialect = runner.db.syntax;
    for (const file of seeds) {
      const key = `seed:${file.name}`.slice(0, 64);
      const checksum = dialectChecksum(file.source, dialect.name);
      if (!options.force && lastRun.get(key) === checksum) {
        skipped.push(file.name);
        continue;
      }
      const run = file.source.streamed ? streamedMode(file.source, dialect, true) : transactionMode(sourceStatements(file.source, dialect).statements, dialect, true);
      const statements = run.statements;
      if (!error && runner.cancel.requested) error = new CancelledError(`before the seed ${file.name}: nothing of it ran`);
      if (error) {
        results.push({ revision: key, direction: 'up', status: 'not-run', durationMs: 0, statements: 0 });
        continue;
      }
      const step: RunStep = { revision: key, direction: 'up', message: file.name, path: file.path, statements, transactional: run.transactional, checksum, downSql: null, purpose: 'seed', ...(run.feed ? { feed: run.feed } : {}) };
      const outcome = await runner.runReported(step, results.length, seeds.length, { before: [], after: [] }, 'seed');
      results.push(outcome.result);
      if (outcome.error) error = outcome.error instanceof MigrationFailedError && state.pending.length > 0 ? new MigrationFailedError({ ...(outcome.error.meta as unknown as ConstructorParameters<typeof MigrationFailedError>[0]), pendingRevisions: state.pending.length }) : outcome.error;
    }
    const rows = versionRowsFor(runner.project.graph, state.applied, state.missing.map((m) => m.revision));
    if (runner.cancel.requested) await runner.cancel.answered(); // the cancel's answer is said before the outcome
    return { direction: 'seed', target: seedDir, steps: results, headsBefore: rows, headsAfter: rows, skipped, ...(error ? { error } : {}) };
  });
}

/**
 * Each seed's checksum at its last run, for the seeds whose run still stands: no revision
 * applied at that time has been reverted since (read from the log, oldest first).
 */
function seedsStillValid(log: readonly LogRow[]): Map<string, string | null> {
  const applied = new Set<string>();
  const runs = new Map<string, { checksum: string | null; against: Set<string> }>();
  for (const row of log) {
    if (row.status !== 'done') continue;
    if (row.kind === 'seed') {
      runs.set(row.revision, { checksum: row.checksum, against: new Set(applied) });
      continue;
    }
    if (row.direction === 'up') applied.add(row.revision);
    else {
      applied.delete(row.revision);
      for (const [key, run] of runs) if (run.against.has(row.revision)) runs.delete(key);
    }
  }
  return new Map([...runs].map(([key, run]) => [key, run.checksum]));
}
