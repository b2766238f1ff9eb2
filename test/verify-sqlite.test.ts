import test from 'ava';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';
import type { VerifyReport } from '../src/engine/index.js';

/** `verify` on SQLite alone (no server needed): irreversible revisions, seeds twice, the temp file removed. */
const run = async (dir: string, ...args: string[]) => {
  const r = await cli(['--dir', dir, '--json', 'verify', ...args]);
  return { ...r, report: JSON.parse(r.stdout) as VerifyReport };
};

test('an irreversible revision is applied once and reported; the next ones are still checked; the temp file is gone afterwards', async (t) => {
  const dir = makeFolder({
    '1_a.up.sql': 'CREATE TABLE a (id INTEGER);\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
    '2_b.up.sql': '-- migrate:irreversible\nCREATE TABLE b (id INTEGER);\n',
    '3_c.up.sql': 'CREATE TABLE c (id INTEGER);\nCREATE INDEX c_id ON c (id);\n',
    '3_c.down.sql': 'DROP TABLE c;\n',
  });
  const { code, report, stderr } = await run(dir);
  t.is(code, 0, stderr);
  t.deepEqual(report.revisions.map((r) => report.cells[r.id]!.sqlite!.status), ['ok', 'irreversible', 'ok']);
  t.true(report.ok);
  const file = /temp file (\S+)/.exec(report.columns[0]!.scratch ?? '')?.[1];
  t.truthy(file);
  t.false(existsSync(dirname(file!)), 'the scratch folder is removed');
  const text = await cli(['--dir', dir, 'verify']);
  t.regex(text.stdout, /^2\s+irreversible \d+ ms\s+b$/m);
});

test('--seeds runs the seeds twice: a seed that is not idempotent is a ✗ naming the table and the rows it adds', async (t) => {
  const dir = makeFolder({ 'm/1_t.up.sql': 'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE);\n', 'm/1_t.down.sql': 'DROP TABLE t;\n' });
  const good = makeFolder({ '001.sql': "INSERT OR IGNORE INTO t (name) VALUES ('a');\n" });
  const ok = await run(`${dir}/m`, '--seeds', good);
  t.is(ok.code, 0, ok.stderr);
  t.is(ok.report.seeds!.sqlite!.status, 'ok');
  const bad = makeFolder({ '001.sql': "INSERT INTO t (name) VALUES (NULL);\n" });
  const failed = await run(`${dir}/m`, '--seeds', bad);
  t.is(failed.code, 1);
  t.is(failed.report.seeds!.sqlite!.status, 'differs');
  t.deepEqual(failed.report.seeds!.sqlite!.differences, ['the second run of the seeds (sqlite) adds 1 row to t']);
  const broken = makeFolder({ '001.sql': "INSERT INTO t (id, name) VALUES (1, 'x');\n" });
  const refused = await run(`${dir}/m`, '--seeds', broken);
  t.is(refused.report.seeds!.sqlite!.status, 'failed');
  t.like(refused.report.seeds!.sqlite!.error, { phase: 'second run', line: 1 });
  t.regex(refused.report.seeds!.sqlite!.error!.message, /UNIQUE constraint failed/);
});

test('--revisions with the newer revision first, or an unknown one, is a usage error', async (t) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id INTEGER);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id INTEGER);\n', '2_b.down.sql': 'DROP TABLE b;\n' });
  const backwards = await cli(['--dir', dir, 'verify', '--revisions', '2:1']);
  t.is(backwards.code, 2);
  t.regex(backwards.stderr, /selects no revision/);
  const unknown = await cli(['--dir', dir, 'verify', '--revisions', '9']);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /no revision or branch label "9"/);
});
