import { basename } from 'node:path';
import { TargetError } from '../errors.js';
import type { RevisionGraph } from './graph.js';

/**
 * The target grammar (DESIGN §3):
 *   head | heads | base | <id or unique prefix or label> | +N | -N | <ref>+N | <ref>-N
 *   <label or id>@head | <label>@base | <label>@+N | <label>@-N
 */
export type TargetAst =
  | { kind: 'head' }
  | { kind: 'heads' }
  | { kind: 'base' }
  | { kind: 'relative'; steps: number }
  | { kind: 'ref'; ref: string; steps: number }
  | { kind: 'branch-head'; ref: string }
  | { kind: 'branch-relative'; label: string; steps: number }
  | { kind: 'branch-base'; label: string };

export const TARGET_GRAMMAR = 'head, heads, base, an id or unique prefix, a branch label, +N, -N, <id>+N, <id>-N, <label>@head, <label>@base, <label>@+N, <label>@-N';

export function parseTarget(text: string): TargetAst {
  const t = text.trim();
  if (t === 'head') return { kind: 'head' };
  if (t === 'heads') return { kind: 'heads' };
  if (t === 'base') return { kind: 'base' };
  let m = /^([+-])(\d+)$/.exec(t);
  if (m) return { kind: 'relative', steps: Number(m[2]) * (m[1] === '-' ? -1 : 1) };
  m = /^([0-9A-Za-z_]+)@([+-])(\d+)$/.exec(t);
  if (m) return { kind: 'branch-relative', label: m[1]!, steps: Number(m[3]) * (m[2] === '-' ? -1 : 1) };
  m = /^([0-9A-Za-z_]+|[0-9]+(?:\.[0-9]+)+)@(head|base)$/.exec(t);
  if (m) return m[2] === 'head' ? { kind: 'branch-head', ref: m[1]! } : { kind: 'branch-base', label: m[1]! };
  // A Flyway revision id has dots (`1.1`, `1.1+2`).
  m = /^([0-9A-Za-z_]+|[0-9]+(?:\.[0-9]+)+)(?:([+-])(\d+))?$/.exec(t);
  if (m) return { kind: 'ref', ref: m[1]!, steps: m[2] ? Number(m[3]) * (m[2] === '-' ? -1 : 1) : 0 };
  throw new TargetError('bad-target', `"${text}" is not a target`, `a target is one of: ${TARGET_GRAMMAR}`, { target: text });
}

/** A full id, a branch label (its declaring revision), or a unique id prefix. */
export function resolveRevisionRef(graph: RevisionGraph, ref: string): string {
  if (graph.has(ref)) return ref;
  const owner = graph.labelOwnerOf(ref);
  if (owner !== undefined) return owner;
  const candidates = graph.ids().filter((id) => id.startsWith(ref));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) {
    throw new TargetError(
      'ambiguous-revision',
      `"${ref}" matches ${candidates.length} revisions: ${candidates.slice(0, 10).join(', ')}${candidates.length > 10 ? ', …' : ''}`,
      'give more characters of the id',
      { ref, candidates },
    );
  }
  const named = revisionByFileName(graph, ref);
  if (named !== null) return named;
  const numbered = revisionByNumber(graph, ref);
  if (numbered !== null) return numbered;
  throw new TargetError('unknown-revision', `no revision or branch label "${ref}"`, 'see `migrate-tui history` for ids and `migrate-tui branches` for labels', { ref });
}

/**
 * The revision a name other than its id names: its file's name (`0004_controller_roc_temperature`,
 * how Alembic, dbmate and goose users know their revisions, and how `import alembic` names a
 * worded id's files), or an id with underscores that import alembic wrote without them
 * (`0006_badges` is 0006badges). Null unless exactly one revision fits.
 */
export function revisionByFileName(graph: RevisionGraph, name: string): string | null {
  const collapsed = name.includes('_') ? name.replace(/_/g, '') : null;
  const named = graph.ids().filter((id) => id === collapsed || basename(graph.get(id).upPath).replace(/(\.up)?\.sql$/, '') === name);
  return named.length === 1 ? named[0]! : null;
}

/**
 * The revision whose all-digit id is the number `ref` is (`2` for `000002`), as golang-migrate
 * and goose number a folder's versions (`migrate goto 2`, `goose up-to 2`): `upgrade 2` was
 * "no revision or branch label". Null unless exactly one id is that number.
 */
function revisionByNumber(graph: RevisionGraph, ref: string): string | null {
  if (!/^\d+$/.test(ref)) return null;
  const n = BigInt(ref);
  const same = graph.ids().filter((id) => /^\d+$/.test(id) && BigInt(id) === n);
  return same.length === 1 ? same[0]! : null;
}

/** The only head, or an error that names them all. */
export function singleHead(graph: RevisionGraph, heads: readonly string[], what = 'the history'): string {
  if (heads.length === 1) return heads[0]!;
  if (heads.length === 0) throw new TargetError('no-head', `${what} has no revisions`, 'create one with `migrate-tui revision -m "…"`');
  throw new TargetError(
    'multiple-heads',
    `${what} has ${heads.length} heads: ${heads.join(', ')}`,
    'name one (an id or <label>@head), use `heads` for all of them, or join them with `migrate-tui merge`',
    { heads },
  );
}

/** Where a walk down from a root lands: the state before that root. */
export interface BelowRoot {
  readonly belowRoot: string;
}

/** Walks `steps` revisions up (children) or down (parents) from `start`, refusing forks. */
export function walk(graph: RevisionGraph, start: string, steps: number): string | BelowRoot {
  let current = start;
  for (let k = 0; k < Math.abs(steps); k++) {
    const next = steps > 0 ? graph.children(current) : graph.parents(current);
    if (next.length === 1) {
      current = next[0]!;
      continue;
    }
    if (next.length === 0) {
      if (steps < 0 && k === Math.abs(steps) - 1) return { belowRoot: current };
      throw new TargetError(
        'relative-out-of-range',
        steps > 0 ? `only ${k} revision${k === 1 ? '' : 's'} above ${start} (${current} is a head)` : `only ${k + 1} step${k === 0 ? '' : 's'} below ${start} reach base`,
        'use a smaller number, or name the revision',
        { start, steps },
      );
    }
    throw new TargetError(
      'ambiguous-walk',
      steps > 0
        ? `${current} is a branch point: going up from it could mean ${next.join(' or ')}`
        : `${current} is a merge point: going down from it could mean ${next.join(' or ')}`,
      `name the revision (e.g. ${next[0]}${steps > 0 ? '+' : '-'}${Math.abs(steps) - k - 1 || ''}) instead of counting through it`.replace(/[+-]\)/, ')'),
      { start, steps, at: current, choices: next },
    );
  }
  return current;
}
