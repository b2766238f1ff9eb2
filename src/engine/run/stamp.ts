import type { RevisionGraph } from '../graph/graph.js';
import { parseTarget } from '../graph/targets.js';
import { planDowngrade, planUpgrade } from '../plan/planner.js';
import type { DatabaseState } from './database-state.js';
import { recordAppliedSet } from './record.js';
import type { StepRunner } from './runner.js';
import type { RunResult } from './steps.js';

/** The applied set a stamp to `target` leaves. */
export function stampedSet(graph: RevisionGraph, state: DatabaseState, target: string): Set<string> {
  const ast = parseTarget(target);
  if (ast.kind === 'base') return new Set();
  if (ast.kind === 'branch-base' || ((ast.kind === 'relative' || ast.kind === 'branch-relative') && ast.steps < 0)) {
    const removed = new Set(planDowngrade(graph, state.applied, target).steps);
    return new Set([...state.applied].filter((id) => !removed.has(id)));
  }
  if (ast.kind === 'relative' || ast.kind === 'branch-relative') return new Set([...state.applied, ...planUpgrade(graph, state.applied, target).steps]);
  // heads, head, an id, <label>@head: exactly that and its ancestors, like alembic stamp.
  return new Set(planUpgrade(graph, new Set(), target).steps);
}

/**
 * Moves the version rows to a target without running SQL, logging each revision it marks
 * applied or not applied. Clears a dirty state (the log row is marked resolved).
 */
export function stamp(runner: StepRunner, target: string): Promise<RunResult> {
  return runner.locked(async (state) => {
    const result = await recordAppliedSet(runner, state, stampedSet(runner.project.graph, state, target), target === 'base' ? [] : null, 'stamp');
    return { ...result, target };
  }, true);
}
