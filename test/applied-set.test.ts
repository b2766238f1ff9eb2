import test from 'ava';
import fc from 'fast-check';
import { planDowngrade, planUpgrade } from '../src/engine/plan/planner.js';
import { AppliedSet } from '../src/engine/run/applied-set.js';
import { versionRowsFor } from '../src/engine/run/database-state.js';
import { projectOf } from './helpers/folders.js';
import { historyFiles, randomHistory } from './helpers/random-graphs.js';

/** Issue 15 item 4: the runner keeps the applied set and version rows step by step; they equal the rows computed from scratch. */
test('the version rows kept step by step equal the rows computed from scratch, after every step of any upgrade and downgrade, and after taking a step back', (t) => {
  fc.assert(
    fc.property(randomHistory(15), fc.nat(), fc.nat(), (history, i, j) => {
      const { graph } = projectOf(historyFiles(history));
      const ids = history.map((r) => r.id);
      const applied = new Set<string>();
      const set = new AppliedSet(graph, applied, []);
      const check = () => t.deepEqual(set.versionRows(), versionRowsFor(graph, applied, []));
      for (const id of planUpgrade(graph, applied, ids[i % ids.length]).steps) {
        const undo = set.step(id, 'up');
        applied.add(id);
        check();
        undo();
        applied.delete(id);
        check();
        set.step(id, 'up');
        applied.add(id);
      }
      // A set built from a state in the middle agrees too.
      t.deepEqual(new AppliedSet(graph, applied, []).versionRows(), versionRowsFor(graph, applied, []));
      const targets = ['base', ...applied];
      for (const id of planDowngrade(graph, applied, targets[j % targets.length]!).steps) {
        set.step(id, 'down');
        applied.delete(id);
        check();
      }
    }),
    { numRuns: 200 },
  );
});
