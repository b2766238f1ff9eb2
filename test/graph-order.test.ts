import test from 'ava';
import fc from 'fast-check';
import { loadProject, type RevisionGraph } from '../src/engine/index.js';
import { makeFolder } from './helpers/folders.js';
import { historyFiles, randomHistory, type RandomRevision } from './helpers/random-graphs.js';

/**
 * The upgrade and downgrade orders against Kahn's algorithm written out here (lowest version
 * first among the ready going up, highest going down), on random histories and random subsets:
 * a graph whose edges all go to earlier versions takes the shortcut (version order, no walk),
 * the same history under shuffled version numbers (edges to later versions too) takes the walk.
 */
function kahn(graph: RevisionGraph, subset: ReadonlySet<string>, direction: 'up' | 'down'): string[] {
  const before = (id: string) => (direction === 'up' ? [...graph.parents(id), ...graph.dependencies(id)] : [...graph.children(id), ...graph.dependents(id)]);
  const done = new Set<string>();
  const order: string[] = [];
  const sign = direction === 'up' ? 1 : -1;
  while (order.length < subset.size) {
    const ready = [...subset].filter((id) => !done.has(id) && before(id).every((b) => !subset.has(b) || done.has(b)));
    const next = ready.sort((a, b) => sign * (graph.rankOf(a) - graph.rankOf(b)))[0]!;
    done.add(next);
    order.push(next);
  }
  return order;
}

/** The same history with other version numbers (a permutation): some edges then go to later versions. */
function renumbered(history: readonly RandomRevision[], permutation: readonly number[]): RandomRevision[] {
  const name = new Map(history.map((r, i) => [r.id, `w${String(permutation[i]!).padStart(3, '0')}`]));
  const rename = (ids: string[]) => ids.map((id) => name.get(id)!);
  return history.map((r) => ({ ...r, id: name.get(r.id)!, parents: rename(r.parents), deps: rename(r.deps), labels: [] }));
}

test('upgrade and downgrade orders are Kahn’s, lowest (highest) version first, for any subset, edges to earlier or later versions', (t) => {
  let shortcut = 0;
  let walked = 0;
  fc.assert(
    fc.property(
      randomHistory(18).chain((history) => fc.tuple(fc.constant(history), fc.shuffledSubarray([...history.keys()], { minLength: history.length, maxLength: history.length }), fc.array(fc.boolean(), { minLength: history.length, maxLength: history.length }))),
      ([history, permutation, picked]) => {
        for (const h of [history, renumbered(history, permutation)]) {
          const { graph, problems } = loadProject(makeFolder(historyFiles(h)));
          if (problems.length > 0) return false;
          const forward = graph.ids().every((id) => [...graph.parents(id), ...graph.dependencies(id)].every((p) => graph.rankOf(p) < graph.rankOf(id)));
          if (forward) shortcut++;
          else walked++;
          for (const subset of [new Set(graph.ids()), new Set(graph.ids().filter((_, i) => picked[i]))]) {
            if (JSON.stringify(graph.upgradeOrder(subset)) !== JSON.stringify(kahn(graph, subset, 'up'))) return false;
            if (JSON.stringify(graph.downgradeOrder(subset)) !== JSON.stringify(kahn(graph, subset, 'down'))) return false;
          }
        }
        return true;
      },
    ),
    { numRuns: 80 },
  );
  t.true(shortcut > 0 && walked > 0, `both paths were exercised (${shortcut} forward graphs, ${walked} others)`);
});
