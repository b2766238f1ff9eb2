import test from 'ava';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskLintStore, lintFromStore, lintHistory, lintHistorySteps, lintKeysInSteps, loadPostgresParser, loadProject, type DialectName } from '../src/engine/index.js';
import { makeFolder } from './helpers/folders.js';

/**
 * A light lint (the TUI's history marks: `light: true`) finds exactly what a full lint finds,
 * and leaves nothing on the project: down files are read for it and not kept.
 */

test.before(async () => {
  await loadPostgresParser();
});

const FILES = {
  '1_users.up.sql': 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n',
  '1_users.down.sql': 'DROP TABLE users;\n',
  '2_tighten.up.sql': 'DELETE FROM sessions;\nALTER TABLE users RENAME COLUMN email TO mail;\nALTER TABLE users ALTER COLUMN mail SET NOT NULL;\n',
  '2_tighten.down.sql': 'ALTER TABLE users RENAME COLUMN mail TO email;\n',
  '3_drop.up.sql': '-- migrate:lint-ignore DS401 "users moved to accounts"\nDROP TABLE users;\n',
  '3_drop.down.sql': '-- migrate:lint-ignore DS401\nCREATE TABLE users (id INTEGER PRIMARY KEY, mail TEXT);\nDELETE FROM sessions;\n',
};

for (const dialect of ['sqlite', 'postgres', 'mysql'] as DialectName[]) {
  test(`${dialect}: a light lint reports what a full lint reports (findings, silenced, not analysed)`, (t) => {
    const dir = makeFolder(FILES);
    const full = lintHistory(loadProject(dir).graph, { dialects: [dialect] });
    const light = lintHistory(loadProject(dir, { lazyDown: true }).graph, { dialects: [dialect], light: true });
    t.true(full.findings.length >= 3, 'the folder has findings, up and down');
    t.true(full.findings.some((f) => f.direction === 'down'));
    t.true(full.suppressed.length >= 1);
    t.deepEqual(light, full);
  });
}

test('a light lint keeps no down file on the project: the next use reads the file as it is then', (t) => {
  const dir = makeFolder(FILES);
  const project = loadProject(dir, { lazyDown: true });
  const report = lintHistory(project.graph, { dialects: ['sqlite'], light: true });
  const fromDown = (r: typeof report) => r.findings.filter((f) => f.path.endsWith('3_drop.down.sql')).map((f) => f.code).sort();
  t.deepEqual(fromDown(report), ['LI901'], 'the down file was linted (its ignore gives no reason)');
  writeFileSync(join(dir, '3_drop.down.sql'), 'SELECT 1;\n');
  t.is(project.graph.get('3').down?.text, 'SELECT 1;\n');
  // A down file already read is used as it is (nothing read twice).
  const again = lintHistory(project.graph, { dialects: ['sqlite'], light: true });
  t.deepEqual(fromDown(again), []);
});

test('lintHistorySteps pauses every few files, so a screen can stop between slices', (t) => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 40; i++) {
    files[`${i}_t${i}.up.sql`] = `CREATE TABLE t${i} (id INTEGER);\n`;
    files[`${i}_t${i}.down.sql`] = `DROP TABLE t${i};\n`;
  }
  const steps = lintHistorySteps(loadProject(makeFolder(files), { lazyDown: true }).graph, { dialects: ['sqlite'], light: true });
  let pauses = 0;
  for (let s = steps.next(); !s.done; s = steps.next()) pauses++;
  t.true(pauses >= 3 * 4, `40 files in slices of 10, in each of the three passes: ${pauses} pauses`);
});

test('a light lint with a store (the TUI\'s) keeps no down file either: the key hashes down files read for it alone', (t) => {
  const dir = makeFolder(FILES);
  const store = diskLintStore(mkdtempSync(join(tmpdir(), 'migrate-tui-light-store-')), { write: true });
  const project = loadProject(dir, { lazyDown: true });
  const report = lintHistory(project.graph, { dialects: ['sqlite'], light: true, store });
  t.true(report.findings.length >= 3);
  writeFileSync(join(dir, '3_drop.down.sql'), 'SELECT 1;\n');
  t.is(project.graph.get('3').down?.text, 'SELECT 1;\n', 'the down file was not kept by the key');
});

test('lintKeysInSteps hashes the history in slices; lintFromStore then finds the keys and reads what a lint kept', (t) => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 250; i++) {
    files[`${i}_t${i}.up.sql`] = `CREATE TABLE t${i} (id INTEGER);\n${i % 50 === 0 ? `DROP TABLE t${i - 1};\n` : ''}`;
    files[`${i}_t${i}.down.sql`] = `DROP TABLE t${i};\n`;
  }
  const folder = makeFolder(files);
  const storeDir = mkdtempSync(join(tmpdir(), 'migrate-tui-light-store-'));
  const store = diskLintStore(storeDir, { write: true });
  const kept = lintHistory(loadProject(folder, { lazyDown: true }).graph, { dialects: ['sqlite'], light: true, store });
  t.is(readdirSync(storeDir).length, 1);
  const graph = loadProject(folder, { lazyDown: true }).graph;
  const steps = lintKeysInSteps(graph, ['sqlite'], { light: true });
  let pauses = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) pauses++;
  t.true(pauses >= 2, `250 revisions in slices of 100: ${pauses} pauses`);
  t.is(step.value?.size, 1);
  t.deepEqual(lintFromStore(graph, { dialects: ['sqlite'], light: true, store }), kept);
});
