import type { MigrateTuiError } from '../errors.js';
import { InvalidMigrationsError } from '../errors.js';
import { dialectChecksum } from '../files/checksum.js';
import { readSeedFolder } from '../files/migration-folder.js';
import { sourceStatements } from '../files/migration-sql.js';
import { transactionMode } from '../files/transaction-mode.js';
import { versionRowsFor } from './database-state.js';
import type { StepRunner } from './runner.js';
import type { RunResult, RunStep, StepResult } from './steps.js';

/** Runs `seeds/*.sql` in name order; a seed whose checksum is unchanged since it last ran is skipped. */
export async function seed(runner: StepRunner, seedDir: string): Promise<RunResult & { skipped: string[] }> {
  const { seeds, problems } = readSeedFolder(seedDir);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new InvalidMigrationsError(errors);
  return runner.locked(async (state) => {
    const lastRun = new Map<string, string | null>();
    for (const row of state.log) if (row.kind === 'seed' && row.status === 'done') lastRun.set(row.revision, row.checksum);
    const results: StepResult[] = [];
    const skipped: string[] = [];
    let error: MigrateTuiError | undefined;
    const dialect = runner.db.syntax;
    for (const file of seeds) {
      const key = `seed:${file.name}`.slice(0, 64);
      const checksum = dialectChecksum(file.source, dialect.name);
      if (lastRun.get(key) === checksum) {
        skipped.push(file.name);
        continue;
      }
      const run = transactionMode(sourceStatements(file.source, dialect).statements, dialect, true);
      const statements = run.statements;
      if (error) {
        results.push({ revision: key, direction: 'up', status: 'not-run', durationMs: 0, statements: 0 });
        continue;
      }
      const step: RunStep = { revision: key, direction: 'up', message: file.name, path: file.path, statements, transactional: run.transactional, checksum, downSql: null };
      const outcome = await runner.runReported(step, results.length, seeds.length, { before: [], after: [] }, 'seed');
      results.push(outcome.result);
      if (outcome.error) error = outcome.error;
    }
    const rows = versionRowsFor(runner.project.graph, state.applied, state.missing.map((m) => m.revision));
    return { direction: 'seed', target: seedDir, steps: results, headsBefore: rows, headsAfter: rows, skipped, ...(error ? { error } : {}) };
  });
}
