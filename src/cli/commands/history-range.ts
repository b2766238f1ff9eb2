import type { RevisionGraph } from '../../engine/index.js';
import { engine } from '../engine.js';

/** Alembic's `history -r lower:upper`: `-3:`, `:head`, `current:`, `a:b`; both ends inclusive. */
export interface HistoryRange {
  readonly lower: string;
  readonly upper: string;
}

export function parseRange(text: string): HistoryRange {
  const m = /^([^:]*):([^:]*)$/.exec(text.trim());
  if (!m) throw new engine.UsageError(`"${text}" is not a range`, 'write lower:upper, e.g. base:head, -3:, current:, a1b2:c3d4 (either side may be empty)');
  return { lower: m[1]!, upper: m[2]! };
}

/** Whether resolving the range needs the database (the current revisions). */
export function rangeNeedsDatabase(range: HistoryRange): boolean {
  return [range.lower, range.upper].some((end) => end === 'current' || /^[+-]\d+$/.test(end));
}

/** The revisions in the range, newest first: ancestors of the upper end that are descendants of the lower end. */
export function revisionsInRange(graph: RevisionGraph, range: HistoryRange, current: readonly string[] | null): string[] {
  const upper = range.upper === '' ? graph.heads() : endpoint(graph, range.upper, current);
  let keep = graph.ancestors(upper, false);
  if (range.lower !== '' && range.lower !== 'base') {
    const below = graph.descendants(endpoint(graph, range.lower, current), false);
    keep = new Set([...keep].filter((id) => below.has(id)));
  }
  return graph.upgradeOrder(keep).reverse();
}

function endpoint(graph: RevisionGraph, text: string, current: readonly string[] | null): string[] {
  if (text === 'heads') return graph.heads();
  if (text === 'head') return [engine.singleHead(graph, graph.heads())];
  if (text === 'base') return [];
  if (text === 'current') return [...(current ?? [])];
  const ast = engine.parseTarget(text);
  if (ast.kind === 'relative') {
    const from = engine.singleHead(graph, [...(current ?? [])], 'the database');
    const to = engine.walk(graph, from, ast.steps);
    return typeof to === 'string' ? [to] : [to.belowRoot];
  }
  if (ast.kind === 'ref') {
    const to = engine.walk(graph, engine.resolveRevisionRef(graph, ast.ref), ast.steps);
    return typeof to === 'string' ? [to] : [to.belowRoot];
  }
  if (ast.kind === 'branch-head') return [engine.branchHead(graph, ast.ref)];
  throw new engine.TargetError('bad-range', `"${text}" cannot end a history range`, 'use an id, a label, head, heads, base, current or -N');
}
