import { PlanError, TargetError } from '../errors.js';
import type { RevisionGraph } from '../graph/graph.js';
import { parseTarget, resolveRevisionRef, singleHead, walk, type TargetAst } from '../graph/targets.js';
import { branchHead, branchMembersOf, branchRelative, lineageRemoval } from './branch-targets.js';
import { versionRows, VersionRows } from './version-rows.js';
import { missingDownWords } from '../files/flyway-names.js';

export { branchHead } from './branch-targets.js';
export { versionRows, VersionRows } from './version-rows.js';

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

export function planUpgrade(graph: RevisionGraph, applied: ReadonlySet<string>, target = 'heads'): Plan {
  const wanted = upgradeTargets(graph, applied, parseTarget(target));
  const needed = new Set([...graph.ancestors(wanted)].filter((id) => !applied.has(id)));
  const steps = graph.upgradeOrder(needed);
  return finish(graph, 'upgrade', target, applied, steps);
}

/** `missing`: applied revisions whose files are gone (not in the graph), named where the heads are. */
export function planDowngrade(graph: RevisionGraph, applied: ReadonlySet<string>, target: string, missing: readonly string[] = []): Plan {
  const removal = downgradeRemoval(graph, applied, parseTarget(target), missing);
  const steps = graph.downgradeOrder(removal);
  const irreversible = steps.filter((id) => graph.get(id).irreversible);
  if (irreversible.length > 0) {
    throw new PlanError(
      'irreversible',
      `the downgrade to ${target} would pass ${irreversible.map((id) => `${id} (${graph.get(id).downPath === null && !graph.get(id).headerLines.irreversible ? (graph.get(id).missingDown ?? missingDownWords(graph.get(id).upPath)) : 'marked `-- migrate:irreversible`'})`).join(', ')}, which cannot be undone`,
      // Steps run newest first: a target at or after the newest irreversible one keeps it applied; when that is the first step, no target does.
      irreversible[0] === steps[0]
        ? `${steps[0]} is the first step of any downgrade from here, so none can run: restore a backup taken before it (\`migrate-tui backups\` lists them), or write a new revision that undoes it`
        : `downgrade to ${irreversible[0]} or a later revision instead (it stays applied), or restore a backup taken before it (\`migrate-tui backups\` lists them)`,
      { irreversible },
    );
  }
  return finish(graph, 'downgrade', target, applied, steps);
}

function finish(graph: RevisionGraph, direction: Direction, target: string, applied: ReadonlySet<string>, steps: string[]): Plan {
  const rows = new VersionRows(graph, applied);
  const headsBefore = rows.rows();
  for (const id of steps) direction === 'upgrade' ? rows.add(id) : rows.delete(id);
  return { direction, target, steps, headsBefore, headsAfter: rows.rows() };
}

function upgradeTargets(graph: RevisionGraph, applied: ReadonlySet<string>, ast: TargetAst): string[] {
  switch (ast.kind) {
    case 'heads':
      return graph.heads();
    case 'head':
      return [singleHead(graph, graph.heads())];
    case 'branch-head':
      return [branchHead(graph, ast.ref)];
    case 'branch-relative': {
      if (ast.steps < 0) throw new TargetError('wrong-direction', `upgrade ${ast.label}@${ast.steps} goes down`, `use \`downgrade ${ast.label}@${ast.steps}\``);
      const to = branchRelative(graph, applied, ast.label, ast.steps);
      return typeof to === 'string' ? [to] : [];
    }
    case 'ref': {
      const to = walk(graph, resolveRevisionRef(graph, ast.ref), ast.steps);
      // Below a root is the state before it: for an upgrade, nothing to apply (as in Alembic).
      return typeof to === 'string' ? [to] : [];
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
      // Nothing is below base: an upgrade there has nothing to do (Alembic: a no-op too).
      if (ast.kind === 'branch-base') branchMembersOf(graph, ast.label);
      return [];
  }
}

/** Applied revisions built on `id`: its children and, transitively, their children and dependents. */
export function builtOn(graph: RevisionGraph, applied: ReadonlySet<string>, id: string): Set<string> {
  return new Set([...graph.descendants(graph.children(id))].filter((x) => applied.has(x)));
}

/**
 * `downgrade X` reverts exactly the applied revisions built on X (Alembic's `downgrade`):
 * X's children and, transitively, their children and dependents. X stays, and so does
 * everything else: other branches, other roots, a side branch merged in after X, and a
 * revision that depends on X itself. `<label>@base` removes that branch and what depends
 * on it; `base` everything; `-N` N revisions, each the single current head.
 */
function downgradeRemoval(graph: RevisionGraph, applied: ReadonlySet<string>, ast: TargetAst, missing: readonly string[]): Set<string> {
  const above = (id: string): Set<string> => {
    if (!applied.has(id)) {
      // A gap (merged late): it is an ancestor of the heads, so "choose one of their ancestors" would name it again.
      const builtOnIt = [...graph.descendants([id])].filter((x) => x !== id && applied.has(x));
      throw new TargetError(
        'not-applied',
        builtOnIt.length > 0 ? `${id} is not applied, although ${builtOnIt.join(', ')} (built on it) ${builtOnIt.length === 1 ? 'is' : 'are'}: a gap, so it cannot be downgraded to` : `${id} is not applied, so it cannot be downgraded to`,
        `current heads: ${versionRows(graph, applied).join(', ') || 'none (base)'}${missing.length > 0 ? ` in the folder, and ${missing.join(', ')} (applied, files missing: reverted first from the stored down SQL)` : ''}; choose one of their applied ancestors` + (builtOnIt.length > 0 ? `, or apply ${id} first with \`upgrade --out-of-order\`` : ''),
        { target: id },
      );
    }
    return builtOn(graph, applied, id);
  };
  // Below a root: that root and what is built on it go.
  const toWalkResult = (to: string | { belowRoot: string }) => (typeof to === 'string' ? above(to) : new Set([...graph.descendants([to.belowRoot])].filter((x) => applied.has(x))));
  switch (ast.kind) {
    case 'base':
      return new Set(applied);
    case 'branch-base':
      return new Set([...graph.descendants(branchMembersOf(graph, ast.label))].filter((id) => applied.has(id)));
    case 'ref':
      return toWalkResult(walk(graph, resolveRevisionRef(graph, ast.ref), ast.steps));
    case 'branch-head':
      return above(branchHead(graph, ast.ref));
    case 'branch-relative': {
      if (ast.steps > 0) throw new TargetError('wrong-direction', `downgrade ${ast.label}@+${ast.steps} goes up`, `use \`upgrade ${ast.label}@+${ast.steps}\``);
      if (graph.labelOwnerOf(ast.label) === undefined && ast.steps < 0) return lineageRemoval(graph, applied, ast.label, ast.steps);
      const to = branchRelative(graph, applied, ast.label, ast.steps);
      return to === null ? new Set() : toWalkResult(to);
    }
    case 'relative': {
      if (ast.steps > 0) throw new TargetError('wrong-direction', `downgrade +${ast.steps} goes up`, `use \`upgrade +${ast.steps}\``);
      // -N reverts N revisions, each time the single current head. Reverting a merge leaves
      // its parents as heads, so -1 on a merge works and going further is ambiguous.
      const left = new VersionRows(graph, applied);
      const removal = new Set<string>();
      for (let k = 0; k < -ast.steps; k++) {
        const rows = left.rows();
        if (rows.length === 0) {
          throw new TargetError('relative-out-of-range', `only ${k} revision${k === 1 ? ' is' : 's are'} applied`, 'use `downgrade base` to remove all of them', { applied: k });
        }
        const head = singleCurrent(rows, `${ast.steps}`, k, -ast.steps - k);
        left.delete(head);
        removal.add(head);
      }
      return removal;
    }
    case 'head':
      // Nothing is built on a head: nothing to do.
      return above(singleHead(graph, graph.heads()));
    case 'heads':
      return new Set();
  }
}

/**
 * The one current head a relative step counts from. `down` is the number of steps still to
 * go down when it is a downgrade: the hint then names `<head>@-N` (that head's line alone),
 * not `<head>-N`, which reverts everything built on the revision N below — other heads too.
 */
function singleCurrent(current: readonly string[], relative: string, after = 0, down?: number): string {
  if (current.length === 1) return current[0]!;
  const shown = current.slice(0, 3);
  const more = current.length > shown.length ? ` (or another of the ${current.length})` : '';
  const hint = down === undefined
    ? `name the starting revision, e.g. ${current[0]}${relative}`
    : `${after > 0 ? `downgrade -${after} first, then ` : ''}name the head to step down from: ${shown.map((h) => `\`${h}@-${down}\``).join(' or ')}${more} reverts that head's line alone`;
  throw new TargetError(
    'ambiguous-relative',
    `"${relative}" is relative to the current head, but ${after > 0 ? `after ${after} step${after === 1 ? '' : 's'} ` : ''}there are ${current.length}: ${current.join(', ')}`,
    hint,
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
