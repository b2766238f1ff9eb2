import { seed } from '../run/seed.js';
import { stateTableList } from '../state-tables.js';
import type { StepRunner } from '../run/runner.js';
import type { RunResult } from '../run/steps.js';
import { compareSchemas } from './compare.js';
import type { VerifyCell } from './report.js';

/** Rows per table (state tables aside): what a second run of idempotent seeds must not change. */
async function rowCounts(runner: StepRunner): Promise<Map<string, number>> {
  const db = runner.db;
  const schema = await db.schema(stateTableList(runner.options.tables));
  const counts = new Map<string, number>();
  for (const table of Object.keys(schema.tables).sort()) {
    const [row] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${db.syntax.quoteIdentifier(table)}`);
    counts.set(table, Number(row?.n ?? 0));
  }
  return counts;
}

function failure(result: RunResult, run: string): VerifyCell['error'] | null {
  if (!result.error) return null;
  const meta = result.error.meta as { path?: string; line?: number; databaseError?: string };
  return { path: meta.path ?? '(seeds)', line: meta.line ?? 0, phase: run, message: meta.databaseError ?? result.error.message };
}

/**
 * The seeds on the fully migrated scratch database, twice: the first run must succeed, and
 * the second must too, changing neither the schema nor the row count of any table (seeds
 * are re-run on every fresh environment, so they must be idempotent: INSERT … ON CONFLICT
 * DO NOTHING, INSERT IGNORE, INSERT OR IGNORE).
 */
export async function checkSeeds(runner: StepRunner, seedDir: string, dialect: string): Promise<VerifyCell> {
  const started = Date.now();
  const first = await seed(runner, seedDir, { force: true });
  const firstError = failure(first, 'first run');
  if (firstError) return { status: 'failed', ms: Date.now() - started, differences: [], error: firstError };
  const schema = await runner.db.schema(stateTableList(runner.options.tables));
  const rows = await rowCounts(runner);
  const second = await seed(runner, seedDir, { force: true });
  const secondError = failure(second, 'second run');
  if (secondError) return { status: 'failed', ms: Date.now() - started, differences: [`the seeds are not idempotent on ${dialect}: their second run failed`], error: secondError };
  const differences = compareSchemas(schema, await runner.db.schema(stateTableList(runner.options.tables))).map(
    (d) => `the second run of the seeds (${dialect}) ${d.change === 'extra' ? 'makes' : d.change === 'missing' ? 'drops' : 'changes'} ${d.kind} ${d.name}`,
  );
  for (const [table, n] of await rowCounts(runner)) {
    const before = rows.get(table) ?? 0;
    if (n !== before) differences.push(`the second run of the seeds (${dialect}) ${n > before ? 'adds' : 'removes'} ${Math.abs(n - before)} row${Math.abs(n - before) === 1 ? '' : 's'} ${n > before ? 'to' : 'from'} ${table}`);
  }
  return { status: differences.length > 0 ? 'differs' : 'ok', ms: Date.now() - started, differences, ...(first.steps.length === 0 ? { note: `no seed files in ${seedDir}` } : {}) };
}
