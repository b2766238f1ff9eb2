import type { DialectSyntax } from '../dialects/dialect.js';
import type { MigrateTuiError } from '../errors.js';
import { PlanError, TargetError } from '../errors.js';
import type { Statement } from '../files/sql-splitter.js';
import { transactionMode, type StatementFeed } from '../files/transaction-mode.js';
import type { RevisionGraph } from '../graph/graph.js';
import { parseTarget } from '../graph/targets.js';
import { planDowngrade, planUpgrade, type Direction } from '../plan/planner.js';
import { stepSql } from '../plan/step-sql.js';
import { storedStatements, type DatabaseState } from './database-state.js';
import { GapError } from './runtime-errors.js';

/** One migration (or seed) to run, resolved for the connected dialect. */
export interface RunStep {
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly message: string;
  /** The file the statements come from; null when they come from the log (files gone). */
  readonly path: string | null;
  readonly statements: readonly Statement[];
  readonly transactional: boolean;
  readonly checksum: string | null;
  /** On upgrade: the resolved down SQL, stored so the step can be reverted without its files. */
  readonly downSql: string | null;
  /** A streamed (large) file: its statements, a batch at a time (`statements` holds the first few). */
  readonly feed?: StatementFeed;
  /** What the step is, when not a plain upgrade/downgrade: a resolve's resume or reverse, or a seed (its failure says so). */
  readonly purpose?: 'resume' | 'reverse' | 'seed';
}

export interface StepResult {
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly status: 'done' | 'failed' | 'not-run';
  readonly durationMs: number;
  readonly statements: number;
}

export interface RunResult {
  readonly direction: Direction | 'seed';
  readonly target: string;
  readonly steps: readonly StepResult[];
  readonly headsBefore: readonly string[];
  readonly headsAfter: readonly string[];
  /** Set when a step failed; the steps before it are done, the rest not run. */
  readonly error?: MigrateTuiError;
}

/** A revision's up or down from its files, for the connected dialect. */
export function fileStep(graph: RevisionGraph, dialect: DialectSyntax, id: string, direction: 'up' | 'down'): RunStep {
  const m = graph.get(id);
  const { statements, transactional, checksum, downSql, feed } = stepSql(graph, dialect, id, direction);
  // popx: each dialect has its own file; errors must name the one that ran.
  const path = (direction === 'up' ? m.up : m.down)?.pathFor(dialect.name) ?? (direction === 'up' ? m.upPath : m.downPath);
  return { revision: id, direction, message: m.message, path, statements, transactional, checksum, downSql, ...(feed ? { feed } : {}) };
}

/** The down of an applied revision whose files are gone, from the SQL stored when it ran. */
export function logStep(dialect: DialectSyntax, revision: string, downSql: string | null, logTable: string): RunStep {
  if (downSql === null) {
    throw new PlanError('no-stored-down', `${revision} is applied but its files are missing, and no down SQL was stored for it`, 'check out the branch that has its files, or `stamp` past it if it was undone by hand');
  }
  const run = transactionMode(storedStatements(downSql, dialect), dialect, true);
  return {
    revision,
    direction: 'down',
    message: `(files missing: down SQL from ${logTable})`,
    path: null,
    statements: run.statements,
    transactional: run.transactional,
    checksum: null,
    downSql: null,
  };
}

/**
 * The revisions an upgrade would apply, in order; refuses gaps unless `outOfOrder`, and any
 * step while an applied revision's files are missing. No file is split: lint asks for this.
 */
export function upgradeRevisions(graph: RevisionGraph, state: DatabaseState, target: string, outOfOrder: boolean): readonly string[] {
  const plan = planUpgrade(graph, state.applied, target);
  if (plan.steps.length > 0 && state.missing.length > 0) throw missingFilesRefusal(state, plan.steps);
  if (!outOfOrder && state.gaps.length > 0) {
    const planned = new Set(plan.steps);
    const gaps = state.gaps.filter((g) => planned.has(g.revision));
    if (gaps.length > 0) throw new GapError(gaps);
  }
  return plan.steps;
}

/**
 * An applied revision whose files are missing has no place in the graph: what it is built on,
 * and what was written after it, are unknown. The planner's heads leave it out, so an upgrade
 * would apply revisions as if it were not applied (a revision written after it would run on
 * a schema it never expected, or beside it). It is refused, naming the revision and the way on.
 */
function missingFilesRefusal(state: DatabaseState, steps: readonly string[]): PlanError {
  const ids = state.missing.map((m) => m.revision);
  const one = ids.length === 1;
  const stored = state.missing.every((m) => m.downSql !== null);
  return new PlanError(
    'missing-files',
    `upgrade refused: ${ids.join(', ')} ${one ? 'is' : 'are'} applied but ${one ? 'its' : 'their'} files are missing, so where ${one ? 'it sits' : 'they sit'} in the history is unknown; ` +
      `applying ${steps.length === 1 ? steps[0] : `${steps.length} revisions (${steps[0]} … ${steps[steps.length - 1]})`} now would plan as if ${one ? 'it were' : 'they were'} not applied. Nothing ran`,
    `check out the branch that has ${one ? 'its' : 'their'} files and upgrade there` +
      (stored ? `, or revert ${one ? 'it' : 'them'} first with \`migrate-tui downgrade -${ids.length}\` (from the down SQL stored when ${one ? 'it' : 'they'} ran)` : `, or restore ${one ? 'its' : 'their'} files`),
    { missing: ids },
  );
}

/** The steps an upgrade would run; refuses gaps unless `outOfOrder`. */
export function upgradeSteps(graph: RevisionGraph, dialect: DialectSyntax, state: DatabaseState, target: string, outOfOrder: boolean): RunStep[] {
  return upgradeRevisions(graph, state, target, outOfOrder).map((id) => fileStep(graph, dialect, id, 'up'));
}

/**
 * The revisions of the graph a downgrade would revert, in order, without their SQL (lint
 * asks for this). Applied revisions whose files are missing are not in the graph: they go
 * first (downgradeSteps, from the log), and `-N` reverts only those while there are any.
 */
export function downgradeRevisions(graph: RevisionGraph, state: DatabaseState, target: string): readonly string[] {
  const ast = parseTarget(target);
  if (ast.kind === 'relative' && ast.steps < 0 && state.missing.length > 0) return [];
  return planDowngrade(graph, state.applied, target, missingIds(state)).steps;
}

const missingIds = (state: DatabaseState) => state.missing.map((m) => m.revision);

/** The steps a downgrade would run: revisions whose files are missing first (from the log). */
export function downgradeSteps(graph: RevisionGraph, dialect: DialectSyntax, state: DatabaseState, target: string, logTable: string): RunStep[] {
  const ast = parseTarget(target);
  const fromLog = state.missing.map((m) => logStep(dialect, m.revision, m.downSql, logTable));
  if (ast.kind === 'relative' && ast.steps < 0 && fromLog.length > 0) {
    const count = -ast.steps;
    if (count > fromLog.length) {
      throw new TargetError(
        'missing-files-first',
        `${fromLog.length} applied revision${fromLog.length === 1 ? ' has' : 's have'} no files (${state.missing.map((m) => m.revision).join(', ')}); \`${target}\` would go past them`,
        `revert them first with \`downgrade -${fromLog.length}\`, or check out the branch that has their files`,
      );
    }
    return fromLog.slice(0, count);
  }
  const plan = planDowngrade(graph, state.applied, target, missingIds(state));
  return [...fromLog, ...plan.steps.map((id) => fileStep(graph, dialect, id, 'down'))];
}

/**
 * Whether downgradeSteps plans the same from both states: it reads only the applied
 * revisions and those whose files are missing (in order, with their stored down SQL).
 */
export function sameDowngradeInputs(a: DatabaseState, b: DatabaseState): boolean {
  if (a.applied.size !== b.applied.size || a.missing.length !== b.missing.length) return false;
  for (const id of a.applied) if (!b.applied.has(id)) return false;
  return a.missing.every((m, i) => m.revision === b.missing[i]!.revision && m.downSql === b.missing[i]!.downSql);
}
