import { TargetError } from '../errors.js';
import type { RevisionGraph } from '../graph/graph.js';
import { resolveRevisionRef, singleHead, walk, type BelowRoot } from '../graph/targets.js';

/** The one head reachable from a label (or revision): Alembic's `<label>@head`; several are refused, named. */
export function branchHead(graph: RevisionGraph, ref: string): string {
  const isLabel = graph.labelOwnerOf(ref) !== undefined;
  const members = isLabel ? graph.branchMembers(ref) : graph.descendants([resolveRevisionRef(graph, ref)], false);
  const heads = graph.heads().filter((id) => members.has(id));
  return singleHead(graph, heads, `${isLabel ? 'branch' : 'revision'} ${ref}`);
}

/** The members of a labelled branch, or an error when no revision declares the label. */
export function branchMembersOf(graph: RevisionGraph, label: string): Set<string> {
  const members = graph.branchMembers(label);
  if (members.size === 0) throw new TargetError('unknown-label', `no branch label "${label}"`, 'see `migrate-tui branches`', { label });
  return members;
}

/**
 * `<label>@+N` / `<label>@-N`: N steps from that branch's current head (its applied member
 * that no applied member builds on). With nothing of the branch applied, `+N` counts from
 * the branch's first revision. A branch with several current heads, or a walk through a
 * fork, is refused, naming the choices.
 */
export function branchRelative(graph: RevisionGraph, applied: ReadonlySet<string>, label: string, steps: number): string | BelowRoot | null {
  const members = branchMembersOf(graph, label);
  const on = [...members].filter((id) => applied.has(id));
  const current = on.filter((id) => !graph.children(id).some((c) => applied.has(c) && members.has(c))).sort((a, b) => graph.rankOf(a) - graph.rankOf(b));
  const text = `${label}@${steps < 0 ? steps : `+${steps}`}`;
  if (current.length > 1) {
    throw new TargetError('ambiguous-relative', `"${text}" is relative to the branch's current head, but branch ${label} has ${current.length}: ${current.join(', ')}`, `name the revision to start from, e.g. ${current[0]}${steps < 0 ? steps : `+${steps}`}`, { label, current });
  }
  if (current.length === 1) return walk(graph, current[0]!, steps);
  if (steps < 0) throw new TargetError('relative-out-of-range', `nothing of branch ${label} is applied, so "${text}" has nothing to go down from`, `see \`migrate-tui current\``, { label });
  if (steps === 0) return null;
  const first = [...members].filter((id) => !graph.parents(id).some((p) => members.has(p))).sort((a, b) => graph.rankOf(a) - graph.rankOf(b));
  if (first.length !== 1) throw new TargetError('ambiguous-relative', `branch ${label} starts at ${first.join(', ')}`, `name the revision to reach`, { label, first });
  return walk(graph, first[0]!, steps - 1);
}

/**
 * `downgrade <id>@-N` (an id, not a label): N steps down the line through that revision
 * (its ancestors and descendants), from the line's current head, reverting only what is on
 * that line and what is built on it. With two heads on one parent, `<head>@-1` reverts that
 * head alone, where `<head>-1` (the parent) would revert both: what is built on the parent.
 */
export function lineageRemoval(graph: RevisionGraph, applied: ReadonlySet<string>, ref: string, steps: number): Set<string> {
  const id = resolveRevisionRef(graph, ref);
  const line = new Set([...graph.ancestors([id], false), ...graph.descendants([id], false)]);
  const on = [...line].filter((x) => applied.has(x));
  const current = on.filter((x) => !graph.children(x).some((c) => applied.has(c) && line.has(c))).sort((a, b) => graph.rankOf(a) - graph.rankOf(b));
  const text = `${ref}@${steps}`;
  if (current.length === 0) throw new TargetError('relative-out-of-range', `nothing on the line of ${id} is applied, so "${text}" has nothing to go down from`, 'see `migrate-tui current`', { ref });
  if (current.length > 1) {
    throw new TargetError('ambiguous-relative', `"${text}" counts from the current head on the line of ${id}, but it has ${current.length}: ${current.join(', ')}`, `name one of them: ${current.map((c) => `${c}@${steps}`).join(' or ')}`, { ref, current });
  }
  const to = walk(graph, current[0]!, steps);
  const start = typeof to === 'string' ? graph.children(to) : [to.belowRoot];
  if (typeof to === 'string' && !applied.has(to)) throw new TargetError('not-applied', `${to} is not applied, so it cannot be downgraded to`, 'choose a smaller N', { target: to });
  const onLine = [...graph.descendants(start, false)].filter((x) => line.has(x) && applied.has(x));
  return new Set([...graph.descendants(onLine)].filter((x) => applied.has(x)));
}

/** The downgrade target that undoes the latest step of one current head, and nothing else. */
export const undoHeadTarget = (head: string): string => `${head}@-1`;
