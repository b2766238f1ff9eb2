import test from 'ava';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appliedFromSpec, fullCheck, loadProject, MigrateTuiError, planDowngrade, planUpgrade, renderPlanSql, DIALECTS, DEFAULT_STATE_TABLES } from '../src/engine/index.js';
import { makeFolder, pair } from './helpers/folders.js';
import { historyFiles, randomHistory } from './helpers/random-graphs.js';

test('upgrade base→heads then downgrade heads→base visits every revision once each way, respecting parents and depends-on', (t) => {
  fc.assert(
    fc.property(randomHistory(), (history) => {
      const { graph, problems } = loadProject(makeFolder(historyFiles(history)));
      if (problems.length > 0) return false;
      const upSteps = planUpgrade(graph, new Set(), 'heads').steps;
      const all = history.map((r) => r.id).sort();
      if (JSON.stringify([...upSteps].sort()) !== JSON.stringify(all)) return false;
      const position = new Map(upSteps.map((id, i) => [id, i]));
      for (const r of history) for (const before of [...r.parents, ...r.deps]) if (position.get(before)! >= position.get(r.id)!) return false;

      const downSteps = planDowngrade(graph, new Set(upSteps), 'base').steps;
      if (JSON.stringify([...downSteps].sort()) !== JSON.stringify(all)) return false;
      const removedAt = new Map(downSteps.map((id, i) => [id, i]));
      for (const r of history) for (const before of [...r.parents, ...r.deps]) if (removedAt.get(before)! <= removedAt.get(r.id)!) return false;
      // Deterministic: the same graph plans the same way.
      return JSON.stringify(planUpgrade(graph, new Set(), 'heads').steps) === JSON.stringify(upSteps);
    }),
    { numRuns: 60 },
  );
  t.pass();
});

test('any partial upgrade followed by any downgrade target reverts exactly what is built on the target and keeps parents applied before children', (t) => {
  fc.assert(
    fc.property(randomHistory(15), fc.nat(), fc.nat(), (history, i, j) => {
      const { graph } = loadProject(makeFolder(historyFiles(history)));
      const upTo = history[i % history.length]!.id;
      const applied = new Set(planUpgrade(graph, new Set(), upTo).steps);
      const target = [...applied][j % applied.size]!;
      const plan = planDowngrade(graph, applied, target);
      const after = new Set(applied);
      for (const id of plan.steps) after.delete(id);
      // Only what is built on the target goes: its children and, transitively, their children and dependents.
      const builtOn = graph.descendants(graph.children(target));
      if (!plan.steps.every((id) => builtOn.has(id)) || ![...applied].filter((id) => builtOn.has(id)).every((id) => !after.has(id))) return false;
      // What stays applied is closed under parents and depends-on, and contains the target.
      return after.has(target) && [...after].every((id) => [...graph.parents(id), ...graph.dependencies(id)].every((p) => after.has(p)));
    }),
    { numRuns: 60 },
  );
  t.pass();
});

const base = { ...pair('1', ['-- migrate:branch main']), ...pair('2', ['-- migrate:revises 1', '-- migrate:depends-on 1']) };
const mutations = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ name: '3_x.up.sql', content: bytes as Uint8Array | string })),
  fc.string({ maxLength: 200 }).map((s) => ({ name: '3_x.up.sql', content: s as Uint8Array | string })),
  fc
    .array(fc.constantFrom('-- migrate:dialect postgres', '-- migrate:dialect default', '-- migrate:dialect bogus', '-- migrate:end', '-- migrate:revises 1', '-- migrate:revises 3', '-- migrate:depends-on 2', '-- migrate:branch main', '-- migrate:irreversible', '-- migrate:transaction off', "SELECT ';", 'SELECT $$;', 'CREATE TRIGGER t BEGIN', 'END;', '/*', '*/', 'SELECT 1;', 'DELIMITER //', '-- migrate:message', ''), { maxLength: 12 })
    .map((lines) => ({ name: '3_x.up.sql', content: lines.join('\n') as Uint8Array | string })),
);

test('random bytes and mutated files never crash the reader: a result or a typed error', (t) => {
  fc.assert(
    fc.property(mutations, fc.boolean(), ({ name, content }, withDown) => {
      const dir = makeFolder(base);
      writeFileSync(join(dir, name), content);
      if (withDown) writeFileSync(join(dir, name.replace('.up.', '.down.')), content);
      const project = loadProject(dir);
      fullCheck(project);
      for (const target of ['heads', 'head', '+1', '3']) {
        try {
          const plan = planUpgrade(project.graph, new Set(), target);
          for (const dialect of DIALECTS) renderPlanSql(project.graph, plan, new Set(), dialect, DEFAULT_STATE_TABLES);
          planDowngrade(project.graph, appliedFromSpec(project.graph, 'heads'), 'base');
        } catch (error) {
          if (!(error instanceof MigrateTuiError)) throw error;
        }
      }
    }),
    { numRuns: 150 },
  );
  t.pass();
});
