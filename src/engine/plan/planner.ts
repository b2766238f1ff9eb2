import { PlanError, TargetError } from '../errors.js';
import type { RevisionGraph } from '../graph/graph.js';
import { parseTarget, resolveRevisionRef, singleHead, walk, type TargetAst } from '../graph/targets.js';

/**
 * Plans are pure: graph + the set of applied revisions + a target → ordered steps.
 * The applied set is explicit (not derived from version rows) so gaps can be planned.
 */
export type Direction = 'upgrade' | 'downgrade';

export interface Plan {
  readonly direction: Direction;
  readonly target: string;
  /** Revisions in the order they run. */
  readonly steps: readonly string[];
  /** Version rows before and after the whole plan. */
  readonly headsBefore: readonly string[];
  readonly headsAfter: readonly string[];
}

/**
 * The version rows for an applied set: applied revisions that no other applied revision
 * builds on (as parent or depends-on). Like Alembic's alembic_version.
 */
export function versionRows(graph: RevisionGraph, applied: ReadonlySet<string>): string[] {
  const covered = new Set<string>();
  for (const id of applied) {
    for (const p of graph.parents(id)) covered.add(p);
    for (const d of graph.dependencies(id)) covered.add(d);
  }
  return [...applied].filter((id) => !covered.has(id)).sort((a, b) => graph.rankOf(a) - graph.rankOf(b));
}

export function planUpgrade(graph: RevisionGraph, applied: ReadonlySet<string>, target = 'heads'): Plan {
  const wanted = upgradeTargets(graph, applied, parseTarget(target));
  const needed = new Set([...graph.ancestors(wanted)].filter((id) => !applied.has(id)));
  const steps = graph.upgradeOrder(needed);
  return finish(graph, 'upgrade', target, applied, steps);
}

export function planDowngrade(graph: RevisionGraph, applied: ReadonlySet<string>, target: string): Plan {
  const removal = downgradeRemoval(graph, applied, parseTarget(target));
  const steps = graph.downgradeOrder(removal);
  const irreversible = steps.filter((id) => graph.get(id).irreversible);
  if (irreversible.length > 0) {
    throw new PlanError(
      'irreversible',
      `the downgrade to ${target} would pass ${irreversible.map((id) => `${id} (${graph.get(id).downPath === null && !graph.get(id).headerLines.irreversible ? 'no .down.sql' : 'marked `-- migrate:irreversible`'})`).join(', ')}, which cannot be undone`,
      `choose a target above ${irreversible[irreversible.length - 1]}, or restore a backup instead`,
      { irreversible },
    );
  }
  return finish(graph, 'downgrade', target, applied, steps);
}

function finish(graph: RevisionGraph, direction: Direction, target: string, applied: ReadonlySet<string>, steps: string[]): Plan {
  const after = new Set(applied);
  for (const id of steps) direction === 'upgrade' ? after.add(id) : after.delete(id);
  return { direction, target, steps, headsBefore: versionRows(graph, applied), headsAfter: versionRows(graph, after) };
}

function upgradeTargets(graph: RevisionGraph, applied: ReadonlySet<string>, ast: TargetAst): string[] {
  switch (ast.kind) {
    case 'heads':
      return graph.heads();
    case 'head':
      return [singleHead(graph, graph.heads())];
    case 'branch-head':
      return [branchHead(graph, ast.ref)];
    case 'ref': {
      const to = walk(graph, resolveRevisionRef(graph, ast.ref), ast.steps);
      if (typeof to !== 'string') throw upgradeToBase();
      return [to];
    }
    case 'relative': {
      if (ast.steps < 0) throw new TargetError('wrong-direction', `upgrade ${ast.steps} goes down`, `use \`downgrade ${ast.steps}\``);
      const current = versionRows(graph, applied);
      if (current.length === 0) {
        const bases = graph.bases();
        if (bases.length !== 1) {
          throw new TargetError('ambiguous-relative', `"+${ast.steps}" counts from base, but the history has ${bases.length} roots: ${bases.join(', ')}`, `name the revision to reach, e.g. ${bases[0] ?? '<id>'}`, { bases });
        }
        const root = bases[0]!;
        if (ast.steps === 0) return [];
        const to = walk(graph, root, ast.steps - 1);
        return typeof to === 'string' ? [to] : [];
      }
      const from = singleCurrent(current, `+${ast.steps}`);
      const to = walk(graph, from, ast.steps);
      return typeof to === 'string' ? [to] : [];
    }
    case 'base':
    case 'branch-base':
      throw upgradeToBase();
  }
}

function upgradeToBase(): TargetError {
  return new TargetError('wrong-direction', 'upgrade to a base does nothing', 'to remove revisions use `downgrade base` (or `downgrade <label>@base`)');
}

/**
 * Alembic's rule: after `downgrade X` exactly X and its ancestors stay applied, so other
 * branches are reverted too (the plan lists them). `<label>@base` is the exception: it
 * removes that branch and what is built on it, nothing else.
 */
function downgradeRemoval(graph: RevisionGraph, applied: ReadonlySet<string>, ast: TargetAst): Set<string> {
  const keepOnly = (id: string): Set<string> => {
    if (!applied.has(id)) {
      throw new TargetError(
        'not-applied',
        `${id} is not applied, so it cannot be downgraded to`,
        `current heads: ${versionRows(graph, applied).join(', ') || 'none (base)'}; choose one of their ancestors`,
        { target: id },
      );
    }
    const keep = graph.ancestors([id]);
    return new Set([...applied].filter((x) => !keep.has(x)));
  };
  const toWalkResult = (to: string | { belowRoot: string }) => (typeof to === 'string' ? keepOnly(to) : new Set(applied));
  switch (ast.kind) {
    case 'base':
      return new Set(applied);
    case 'branch-base': {
      const members = graph.branchMembers(ast.label);
      if (members.size === 0) throw new TargetError('unknown-label', `no branch label "${ast.label}"`, 'see `migrate-tui branches`', { label: ast.label });
      return new Set([...graph.descendants(members)].filter((id) => applied.has(id)));
    }
    case 'ref':
      return toWalkResult(walk(graph, resolveRevisionRef(graph, ast.ref), ast.steps));
    case 'branch-head':
      return keepOnly(branchHead(graph, ast.ref));
    case 'relative': {
      if (ast.steps > 0) throw new TargetError('wrong-direction', `downgrade +${ast.steps} goes up`, `use \`upgrade +${ast.steps}\``);
      // -N reverts N revisions, each time the single current head. Reverting a merge leaves
      // its parents as heads, so -1 on a merge works and going further is ambiguous.
      const left = new Set(applied);
      const removal = new Set<string>();
      for (let k = 0; k < -ast.steps; k++) {
        const rows = versionRows(graph, left);
        if (rows.length === 0) {
          throw new TargetError('relative-out-of-range', `only ${k} revision${k === 1 ? ' is' : 's are'} applied`, 'use `downgrade base` to remove all of them', { applied: k });
        }
        const head = singleCurrent(rows, `${ast.steps}`, k);
        left.delete(head);
        removal.add(head);
      }
      return removal;
    }
    case 'head':
    case 'heads':
      throw new TargetError('wrong-direction', `downgrade to ${ast.kind} does nothing`, 'give a target below the current heads: -1, base, or an id');
  }
}

/** The one head reachable from a label (or revision): Alembic's `<label>@head`. */
export function branchHead(graph: RevisionGraph, ref: string): string {
  const isLabel = graph.labelOwnerOf(ref) !== undefined;
  const members = isLabel ? graph.branchMembers(ref) : graph.descendants([resolveRevisionRef(graph, ref)], false);
  const heads = graph.heads().filter((id) => members.has(id));
  return singleHead(graph, heads, `${isLabel ? 'branch' : 'revision'} ${ref}`);
}

function singleCurrent(current: readonly string[], relative: string, after = 0): string {
  if (current.length === 1) return current[0]!;
  throw new TargetError(
    'ambiguous-relative',
    `"${relative}" is relative to the current head, but ${after > 0 ? `after ${after} step${after === 1 ? '' : 's'} ` : ''}there are ${current.length}: ${current.join(', ')}`,
    `name the starting revision, e.g. ${current[0]}${relative}`,
    { current },
  );
}

/** `--from` for offline plans: comma-separated revisions (or `base`) → applied set. */
export function appliedFromSpec(graph: RevisionGraph, spec: string): Set<string> {
  const parts = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 1 && parts[0] === 'base') return new Set();
  if (parts.length === 1 && parts[0] === 'heads') return graph.ancestors(graph.heads());
  return graph.ancestors(parts.map((p) => resolveRevisionRef(graph, p)));
}
