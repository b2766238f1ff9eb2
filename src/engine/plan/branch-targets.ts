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
