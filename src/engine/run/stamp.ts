import { TargetError, UsageError } from '../errors.js';
import type { RevisionGraph } from '../graph/graph.js';
import { parseTarget } from '../graph/targets.js';
import { planDowngrade, planUpgrade } from '../plan/planner.js';
import type { DatabaseState } from './database-state.js';
import { recordAppliedSet, recordInOneTransaction } from './record.js';
import type { StepRunner } from './runner.js';
import { DirtyDatabaseError } from './runtime-errors.js';
import type { RunResult } from './steps.js';

/** A target of a several-target stamp that adds nothing: the one named before it (`by`) already covers it (its ancestor, or the same revision). */
export interface CoveredTarget {
  readonly target: string;
  readonly by: string;
}

/** A stamp's run result: the targets as given (several with `stamp a b`), and those the others already cover. */
export interface StampResult extends RunResult {
  readonly targets: readonly string[];
  readonly covered: readonly CoveredTarget[];
  /** The unfinished step whose dirty state the stamp cleared (its statements that ran stay in the database), or null. */
  readonly clearedDirty: { readonly revision: string; readonly direction: string; readonly statementsDone: number; readonly statementsTotal: number } | null;
}

/** The targets as a list (`stamp a b`), refusing none. */
function targetList(targets: string | readonly string[]): string[] {
  const list = typeof targets === 'string' ? [targets] : [...targets];
  if (list.length === 0) throw new UsageError('stamp needs a target', 'name a revision (or several, one per branch), heads or base');
  return list;
}

/** Exactly a target and its ancestors (heads, head, an id, a label, <label>@head), like alembic stamp onto an empty table. */
function absoluteSet(graph: RevisionGraph, target: string): Set<string> {
  return new Set(planUpgrade(graph, new Set(), target).steps);
}

/**
 * The applied set a stamp leaves. One target: as before (relative targets move from the current
 * state). Several (`stamp a b`, one per branch, as `alembic stamp a b`): exactly the targets and
 * their ancestors; each must be absolute — a relative target or base goes alone.
 */
export function stampedSet(graph: RevisionGraph, state: DatabaseState, targets: string | readonly string[]): Set<string> {
  const list = targetList(targets);
  if (list.length === 1) return stampedSetOne(graph, state, list[0]!);
  for (const target of list) {
    const ast = parseTarget(target);
    const absolute = ast.kind === 'head' || ast.kind === 'heads' || ast.kind === 'branch-head' || (ast.kind === 'ref' && ast.steps === 0);
    if (!absolute) {
      throw new TargetError(
        'bad-target',
        `"${target}" cannot be one of several stamp targets`,
        `with several targets, each is a revision (an id, a unique prefix or a branch label), head, heads or <label>@head, and the applied set becomes them and what they are built on; stamp ${target} alone`,
        { target, targets: list },
      );
    }
  }
  const next = new Set<string>();
  for (const target of list) for (const id of absoluteSet(graph, target)) next.add(id);
  return next;
}

function stampedSetOne(graph: RevisionGraph, state: DatabaseState, target: string): Set<string> {
  const ast = parseTarget(target);
  if (ast.kind === 'base') return new Set();
  if (ast.kind === 'branch-base' || ((ast.kind === 'relative' || ast.kind === 'branch-relative') && ast.steps < 0)) {
    const removed = new Set(planDowngrade(graph, state.applied, target).steps);
    return new Set([...state.applied].filter((id) => !removed.has(id)));
  }
  if (ast.kind === 'relative' || ast.kind === 'branch-relative') return new Set([...state.applied, ...planUpgrade(graph, state.applied, target).steps]);
  // heads, head, an id, <label>@head: exactly that and its ancestors, like alembic stamp.
  return absoluteSet(graph, target);
}

/**
 * Of several targets, those another one already covers (it is that one's ancestor, or the same
 * revision named again): they get no version row of their own. Alembic 1.8.1 writes a row for
 * each, and its next upgrade then refuses ("Requested revision b overlaps with other requested
 * revisions a"). Call after stampedSet, which refuses bad targets.
 */
export function coveredTargets(graph: RevisionGraph, targets: string | readonly string[]): CoveredTarget[] {
  const list = targetList(targets);
  if (list.length === 1) return [];
  const sets = list.map((t) => absoluteSet(graph, t));
  const covered: CoveredTarget[] = [];
  sets.forEach((set, i) => {
    const within = (j: number) => j !== i && [...set].every((id) => sets[j]!.has(id)) && (set.size < sets[j]!.size || j < i);
    const j = sets.findIndex((_, k) => within(k));
    if (j >= 0) covered.push({ target: list[i]!, by: list[j]! });
  });
  return covered;
}

/**
 * Moves the version rows to the target(s) without running SQL, logging each revision it marks
 * applied or not applied. Clears a dirty state (the log row is marked resolved).
 */
export function stamp(runner: StepRunner, targets: string | readonly string[], options: { refuseDirty?: boolean } = {}): Promise<StampResult> {
  const list = targetList(targets);
  const { graph } = runner.project;
  return runner.locked(async (state) => {
    // A fleet's stamp (asked once for all targets) refuses a dirty one: clearing it is that target's own decision.
    if (options.refuseDirty && state.dirty) throw new DirtyDatabaseError(state.dirty, runner.db.display);
    const next = stampedSet(graph, state, list);
    const result = await recordInOneTransaction(runner, `the stamp to ${list.join(' ')}`, () => recordAppliedSet(runner, state, next, list.length === 1 && list[0] === 'base' ? [] : null, 'stamp'));
    const d = state.dirty;
    const clearedDirty = d ? { revision: d.revision, direction: d.direction, statementsDone: d.statementsDone, statementsTotal: d.statementsTotal } : null;
    return { ...result, target: list.join(' '), targets: list, covered: coveredTargets(graph, list), clearedDirty };
  }, true);
}
