import test from 'ava';
import { join } from 'node:path';
import { formatProblem, fullCheck, loadProject, type FileProblem } from '../src/engine/index.js';
import { makeFolder } from './helpers/folders.js';

const down = 'DROP TABLE x;\n';

/** Loads a folder and returns its problems with paths relative to it. */
function problemsOf(files: Record<string, string | Uint8Array>): Array<FileProblem & { rel: string }> {
  const dir = makeFolder(files);
  return fullCheck(loadProject(dir)).map((p) => ({ ...p, rel: p.path.slice(dir.length + 1) }));
}

function only(t: import('ava').ExecutionContext, files: Record<string, string | Uint8Array>, code: string) {
  const problems = problemsOf(files).filter((p) => p.code === code);
  t.is(problems.length, 1, `expected one ${code}, got ${JSON.stringify(problemsOf(files))}`);
  return problems[0]!;
}

test('an up without a down is an irreversible revision with a warning that names the file and the fix', (t) => {
  const p = only(t, { '1_a.up.sql': 'CREATE TABLE x (id int);' }, 'up-without-down');
  t.is(p.rel, '1_a.up.sql');
  t.is(p.severity, 'warning');
  t.true(loadProject(makeFolder({ '1_a.up.sql': 'CREATE TABLE x (id int);' })).graph.get('1').irreversible);
  t.regex(p.hint, /1_a\.down\.sql/);
  t.regex(p.hint, /migrate:irreversible/);
  t.deepEqual(problemsOf({ '1_a.up.sql': '-- migrate:irreversible\nCREATE TABLE x (id int);' }), []);
});

test('a down without an up', (t) => {
  const p = only(t, { '2_b.down.sql': down }, 'down-without-up');
  t.is(p.rel, '2_b.down.sql');
  t.regex(p.hint, /2_b\.up\.sql/);
});

test('two files with the same version', (t) => {
  const p = only(t, { '1_a.up.sql': 'SELECT 1;', '1_a.down.sql': down, '1_b.up.sql': 'SELECT 2;', '1_b.down.sql': down }, 'duplicate-version');
  t.regex(p.message, /version 1 is used twice: 1_a and 1_b/);
});

test('an unknown header names path:line and suggests the spelling', (t) => {
  const p = only(t, { '1_a.up.sql': '-- migrate:revise base\nSELECT 1;', '1_a.down.sql': down }, 'unknown-header');
  t.is(p.line, 1);
  t.regex(p.message, /unknown directive `-- migrate:revise`/);
  t.regex(p.hint, /did you mean `-- migrate:revises`/);
  t.regex(formatProblem(p), /1_a\.up\.sql:1: error: /);
});

test('a dbmate-style file gets a hint about paired files', (t) => {
  const p = only(t, { '1_a.up.sql': '-- migrate:up\nSELECT 1;', '1_a.down.sql': down }, 'unknown-header');
  t.regex(p.hint, /dbmate/);
});

test('an unknown dialect name', (t) => {
  const p = only(t, { '1_a.up.sql': 'SELECT 1;\n-- migrate:dialect oracle\nSELECT 2;\n-- migrate:end\n', '1_a.down.sql': down }, 'unknown-dialect');
  t.is(p.line, 2);
  t.regex(p.message, /unknown dialect "oracle"/);
  t.regex(p.hint, /postgres\/postgresql\/pg/);
});

test('a dialect named twice in one block (also through an alias)', (t) => {
  const p = only(
    t,
    { '1_a.up.sql': '-- migrate:dialect postgres\nSELECT 1;\n-- migrate:dialect sqlite, pg\nSELECT 2;\n-- migrate:end\n', '1_a.down.sql': down },
    'duplicate-dialect-in-block',
  );
  t.is(p.line, 3);
  t.regex(p.message, /"postgres" is named twice in the block that starts at line 1/);
});

test('an unterminated block points at its start', (t) => {
  const p = only(t, { '1_a.up.sql': 'SELECT 0;\n-- migrate:dialect postgres\nSELECT 1;\n', '1_a.down.sql': down }, 'unterminated-block');
  t.is(p.line, 2);
  t.regex(p.hint, /-- migrate:end/);
});

test('revises and depends-on naming a missing revision point at the header line', (t) => {
  const problems = problemsOf({
    '1_a.up.sql': 'SELECT 1;',
    '1_a.down.sql': down,
    '2_b.up.sql': '-- migrate:message b\n-- migrate:revises 9\nSELECT 1;',
    '2_b.down.sql': down,
    '3_c.up.sql': '-- migrate:depends-on 7\nSELECT 1;',
    '3_c.down.sql': down,
  }).filter((p) => p.code === 'unknown-revision');
  t.deepEqual(
    problems.map((p) => [p.rel, p.line]),
    [
      ['2_b.up.sql', 2],
      ['3_c.up.sql', 1],
    ],
  );
  t.regex(problems[0]!.message, /`-- migrate:revises` names revision 9, which does not exist/);
});

test('a cycle is named with its revisions', (t) => {
  const p = only(
    t,
    {
      '1_a.up.sql': '-- migrate:revises 3\nSELECT 1;',
      '1_a.down.sql': down,
      '2_b.up.sql': 'SELECT 1;',
      '2_b.down.sql': down,
      '3_c.up.sql': 'SELECT 1;',
      '3_c.down.sql': down,
    },
    'cycle',
  );
  t.regex(p.message, /cycle: (1 → 2 → 3 → 1|2 → 3 → 1 → 2|3 → 1 → 2 → 3)/);
  t.true(p.line > 0);
});

test('a file that is not UTF-8 names the line of the bad byte', (t) => {
  const bytes = Buffer.concat([Buffer.from('SELECT 1;\n-- caf'), Buffer.from([0xe9]), Buffer.from('\nSELECT 2;\n')]);
  const p = only(t, { '1_a.up.sql': bytes, '1_a.down.sql': down }, 'not-utf8');
  t.is(p.line, 2);
  t.regex(p.hint, /UTF-8/);
});

test('an empty migration (comments only) is a warning (a valid no-op), an empty merge revision is not even that', (t) => {
  const p = only(t, { '1_a.up.sql': '-- just a comment\n\n', '1_a.down.sql': down }, 'empty-migration');
  t.regex(p.message, /no SQL for any dialect/);
  t.is(p.severity, 'warning');
  const merge = problemsOf({
    ...{ '1_a.up.sql': 'SELECT 1;', '1_a.down.sql': down },
    ...{ '2_b.up.sql': '-- migrate:revises 1\nSELECT 1;', '2_b.down.sql': down },
    ...{ '3_c.up.sql': '-- migrate:revises 1\nSELECT 1;', '3_c.down.sql': down },
    ...{ '4_m.up.sql': '-- migrate:revises 2, 3\n', '4_m.down.sql': '' },
  });
  t.deepEqual(merge, []);
});

test('a version token that is not letters and digits', (t) => {
  const p = only(t, { 'v-1_a.up.sql': 'SELECT 1;', 'v-1_a.down.sql': down }, 'bad-version-token');
  t.regex(p.message, /"v-1"/);
});

test('headers after SQL, duplicated, with bad values, or in a down file', (t) => {
  const problems = problemsOf({
    '1_a.up.sql': ['-- migrate:transaction maybe', '-- migrate:message x', '-- migrate:message y', 'SELECT 1;', '-- migrate:branch late'].join('\n'),
    '1_a.down.sql': '-- migrate:revises base\nDROP TABLE x;',
  });
  t.deepEqual(
    problems.map((p) => [p.code, p.rel, p.line]),
    [
      ['header-outside-up-file', '1_a.down.sql', 1],
      ['bad-header-value', '1_a.up.sql', 1],
      ['duplicate-header', '1_a.up.sql', 3],
      ['misplaced-header', '1_a.up.sql', 5],
    ],
  );
});

test('all problems of a folder are reported in one run, in file order', (t) => {
  const problems = problemsOf({
    '1_a.up.sql': '-- migrate:bogus\nSELECT 1;',
    '2_b.up.sql': 'SELECT 1;\n-- migrate:dialect klingon\nSELECT 2;',
    '2_b.down.sql': down,
    '3_c.down.sql': down,
  });
  t.deepEqual(
    problems.map((p) => p.code),
    // By file, then line (0: the file as a whole).
    ['up-without-down', 'unknown-header', 'unknown-dialect', 'unterminated-block', 'down-without-up'],
  );
});

test('a missing folder is a problem, not an exception', (t) => {
  const p = fullCheck(loadProject(join(makeFolder({}), 'nope')));
  t.is(p[0]!.code, 'missing-folder');
  t.regex(p[0]!.hint, /--dir/);
});

test('an unterminated quote is reported by check with path:line', (t) => {
  const p = only(t, { '1_a.up.sql': "SELECT 1;\nINSERT INTO t VALUES ('oops);\n", '1_a.down.sql': down }, 'unterminated-quote');
  t.is(p.line, 2);
});
