import test from 'ava';
import { forgetAnalyses, lintHistorySteps, loadPostgresParser, loadProject, type LintReport } from '../src/engine/index.js';
import { MARKS_PARSE_BATCH } from '../src/tui/lint-view.js';
import { makeFolder } from './helpers/folders.js';

/**
 * The TUI computes the history's marks between keys, a step at a time; PostgreSQL statements
 * are read ahead `parseBatch` per parser call, one call per step. With the TUI's small batch
 * the findings are the same as with lint's default (400), and the reading is cut into that many
 * more steps (a key waits for one call of MARKS_PARSE_BATCH statements, not of 400).
 */

test.before(async () => {
  await loadPostgresParser();
});

// 120 revisions: 240 distinct statements, every 10th up drops the table before it (a finding).
const files: Record<string, string> = {};
for (let i = 1; i <= 120; i++) {
  const v = String(i).padStart(4, '0');
  const drop = i > 1 && i % 10 === 0 ? `DROP TABLE t_${String(i - 1).padStart(4, '0')};\n` : '';
  files[`${v}_step.up.sql`] = `CREATE TABLE t_${v} (id INTEGER PRIMARY KEY, name TEXT);\n${drop}`;
  files[`${v}_step.down.sql`] = `DROP TABLE t_${v};\n`;
}

function stepsOf(dir: string, parseBatch?: number): { report: LintReport; steps: number } {
  forgetAnalyses();
  const graph = loadProject(dir).graph;
  const run = lintHistorySteps(graph, { dialects: ['postgres'], light: true, ...(parseBatch ? { parseBatch } : {}) });
  for (let steps = 0; ; steps++) {
    const step = run.next();
    if (step.done) return { report: step.value, steps };
  }
}

test('postgres: marks read in the TUI batch find what lint finds, in one more step per batch', (t) => {
  t.true(MARKS_PARSE_BATCH <= 50, 'a batch a key can wait for');
  const dir = makeFolder(files);
  const lint = stepsOf(dir);
  const marks = stepsOf(dir, MARKS_PARSE_BATCH);
  t.true(lint.report.findings.length >= 12, 'the history has findings');
  t.true(lint.report.findings.every((f) => f.dialects.includes('postgres')));
  t.deepEqual(marks.report, lint.report);
  // 240 statements not yet read: one call of 240 (≤ 400) against ceil(240 / batch) calls.
  t.is(marks.steps - lint.steps, Math.ceil(240 / MARKS_PARSE_BATCH) - 1);
});
