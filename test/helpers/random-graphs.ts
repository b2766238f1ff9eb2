import fc from 'fast-check';
import { pair } from './folders.js';

/** A revision of a generated history: explicit parents, optional dependency and label. */
export interface RandomRevision {
  readonly id: string;
  readonly parents: string[];
  readonly deps: string[];
  readonly labels: string[];
}

const idOf = (i: number) => `v${String(i).padStart(3, '0')}`;

/**
 * Random revision DAGs: each revision revises 0 (a new root), 1, or 2 (a merge) earlier
 * revisions, sometimes depends on another earlier one, sometimes starts a labelled branch.
 */
export const randomHistory = (maxSize = 25, extraRoots = true, dependencies = true, merges = true): fc.Arbitrary<RandomRevision[]> =>
  fc.integer({ min: 1, max: maxSize }).chain((size) =>
    fc
      .tuple(
        ...Array.from({ length: size }, (_, i) =>
          fc.record({
            kind: i === 0 ? fc.constant(0) : fc.oneof({ weight: extraRoots ? 1 : 0, arbitrary: fc.constant(0) }, { weight: 8, arbitrary: fc.constant(1) }, { weight: merges ? 2 : 0, arbitrary: fc.constant(2) }),
            a: fc.nat({ max: Math.max(0, i - 1) }),
            b: fc.nat({ max: Math.max(0, i - 1) }),
            dep: fc.option(fc.nat({ max: Math.max(0, i - 1) }), { freq: 5 }),
            label: fc.boolean(),
          }),
        ),
      )
      .map((picks) => {
        // Real histories never merge a revision with its own ancestor, nor depend on one.
        const ancestors: Array<Set<number>> = [];
        return picks.map((pick, i) => {
          const related = (x: number, y: number) => x === y || ancestors[x]!.has(y) || ancestors[y]!.has(x);
          let parents: number[] = [];
          if (i > 0 && pick.kind === 1) parents = [pick.a];
          if (i > 0 && pick.kind === 2) parents = related(pick.a, pick.b) ? [pick.a] : [pick.a, pick.b];
          const own = new Set<number>();
          for (const p of parents) for (const x of [p, ...ancestors[p]!]) own.add(x);
          const deps = dependencies && pick.dep !== null && i > 0 && !own.has(pick.dep) ? [pick.dep] : [];
          for (const d of deps) for (const x of [d, ...ancestors[d]!]) own.add(x);
          ancestors.push(own);
          return { id: idOf(i), parents: parents.map(idOf), deps: deps.map(idOf), labels: pick.label && i % 3 === 0 ? [`l${i}`] : [] };
        });
      }),
  );

/** The history as migration files with explicit headers. */
export function historyFiles(history: readonly RandomRevision[]): Record<string, string> {
  return Object.assign(
    {},
    ...history.map((r) =>
      pair(r.id, [
        `-- migrate:revises ${r.parents.length > 0 ? r.parents.join(', ') : 'base'}`,
        ...(r.deps.length > 0 ? [`-- migrate:depends-on ${r.deps.join(', ')}`] : []),
        ...(r.labels.length > 0 ? [`-- migrate:branch ${r.labels.join(', ')}`] : []),
      ]),
    ),
  );
}
