import test from 'ava';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialectSyntax, fullCheck, loadProject, migrationStatements, planDowngrade, writeRevision, type Migration } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * sqlx's simple migrations (launchbadge/sqlx sqlx-core/src/migrate/source.rs), read without a
 * database: a folder whose `.sql` files are all `<number>_<name>.sql`, none with a goose or
 * dbmate marker and no atlas.sum, is sqlx's — each file an up-only revision, in order of the
 * number; `-- no-transaction` first turns the transaction off.
 */
const load = (dir: string) => {
  const project = loadProject(dir);
  return { project, problems: fullCheck(project).filter((p) => !p.code.startsWith('LK')).map((p) => ({ ...p, rel: p.path.slice(dir.length + 1) })) };
};
const sqls = (m: Migration) => migrationStatements(m, 'up', dialectSyntax('postgres')).map((s) => s.sql);

test('an sqlx folder: every file an up-only revision in numeric order (10 after 9), `-- no-transaction` on line 1 runs outside a transaction, one folder note', (t) => {
  const dir = makeFolder({
    '1_users.sql': 'CREATE TABLE users (id int);\n',
    '9_idx.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY users_id ON users (id);\n',
    '10_name.sql': '-- Add migration script here\nALTER TABLE users ADD COLUMN name text;\n',
  });
  const { project, problems } = load(dir);
  t.deepEqual(project.folder.migrations.map((m) => [m.id, m.message, m.downPath, m.transaction]), [
    ['1', 'users', null, true],
    ['9', 'idx', null, false],
    ['10', 'name', null, true],
  ]);
  t.deepEqual(sqls(project.graph.get('10')), ['ALTER TABLE users ADD COLUMN name text']);
  t.deepEqual(problems.map((p) => [p.code, p.severity]), [['sqlx-up-only', 'warning']]);
  t.regex(problems[0]!.message, /an sqlx folder \(simple migrations\): its 3 files have no down migration/);
  // Anywhere but the very start, the line is a comment, as in sqlx (`sql.starts_with("-- no-transaction")`).
  t.true(load(makeFolder({ '1_a.sql': '\n-- no-transaction\nSELECT 1;\n' })).project.folder.migrations[0]!.transaction);
  t.throws(() => planDowngrade(project.graph, new Set(['1', '9', '10']), 'base'), { message: /would pass 10 \(an sqlx simple migration: sqlx runs it up only\)/ });
});

test('only a folder of such files is sqlx: a goose folder with one file missing its marker keeps that warning; a pair or a version sqlx cannot read keeps the old reading (with an atlas.sum: atlas-layout.test.ts)', (t) => {
  const goose = load(makeFolder({ '1_a.sql': '-- +goose Up\nCREATE TABLE a (id int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n' }));
  t.deepEqual(goose.project.folder.migrations.map((m) => m.id), ['1']);
  t.deepEqual(goose.problems.filter((p) => p.rel === '2_b.sql').map((p) => [p.code, p.severity]), [['bad-file-name', 'warning']]);
  t.false(goose.problems.some((p) => p.code === 'sqlx-up-only'));
  // Beside golang-migrate pairs, a stray plain file is skipped as before (sqlx could mix them; this reading does not).
  const pairs = load(makeFolder({ '1_a.up.sql': 'SELECT 1;\n', '1_a.down.sql': 'SELECT 1;\n', '2_b.sql': 'SELECT 1;\n' }));
  t.deepEqual(pairs.project.folder.migrations.map((m) => m.id), ['1']);
  t.true(pairs.problems.some((p) => p.code === 'bad-file-name' && p.rel === '2_b.sql'));
  // A version sqlx cannot read (no i64) is not sqlx's folder.
  t.is(load(makeFolder({ '99999999999999999999_a.sql': 'SELECT 1;\n' })).project.folder.migrations.length, 0);
});

test('the same number twice (`1_a.sql`, `01_b.sql`: one version to sqlx) is an error naming both', (t) => {
  const { problems } = load(makeFolder({ '1_a.sql': 'SELECT 1;\n', '01_b.sql': 'SELECT 2;\n' }));
  const dup = problems.find((p) => p.code === 'duplicate-version')!;
  t.is(dup.severity, 'error');
  t.regex(dup.message, /version 1 is used twice: 01_b\.sql and 1_a\.sql \(sqlx reads the version as a number\)/);
});

test('property: any set of sqlx names reads as sqlx orders it (by the i64), each file once, up only; one goose-marked file among them makes none of the unmarked ones a revision', (t) => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.bigInt({ min: 0n, max: 9223372036854775807n }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.stringMatching(/^[a-z0-9_.-]{0,12}$/), { minLength: 8, maxLength: 8 }),
      fc.nat({ max: 7 }),
      fc.boolean(),
      (numbers, descs, marked, withGoose) => {
        const files: Record<string, string> = {};
        numbers.forEach((n, i) => (files[`${n}_${descs[i]!.replace(/\.(up|down)$/, '')}x.sql`] = `SELECT ${i};\n`));
        const names = Object.keys(files);
        const gooseName = names[marked % names.length]!;
        if (withGoose) files[gooseName] = `-- +goose Up\nSELECT 1;\n`;
        const { project } = load(makeFolder(files));
        const ids = project.folder.migrations.map((m) => m.id);
        if (withGoose) return ids.length === 1 && ids[0] === gooseName.split('_')[0];
        const expected = [...numbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
        return JSON.stringify(ids) === JSON.stringify(expected) && project.folder.migrations.every((m) => m.downPath === null && m.missingDown !== undefined);
      },
    ),
    { numRuns: 60 },
  );
  t.pass();
});

test('revision -m on an sqlx head writes what `sqlx migrate add` writes: a simple file, sequential when the folder counts by one, else a timestamp', (t) => {
  const seq = makeFolder({ '0001_a.sql': 'SELECT 1;\n', '0002_b.sql': 'SELECT 2;\n' });
  const written = writeRevision(seq, loadProject(seq).graph, { message: 'Add pets' });
  t.deepEqual([written.id, written.downPath], ['0003', null]);
  t.is(readFileSync(join(seq, '0003_add_pets.sql'), 'utf8'), '-- Add migration script here\n');
  t.deepEqual(load(seq).project.folder.migrations.map((m) => m.id), ['0001', '0002', '0003']);
  const stamped = makeFolder({ '20240101000000_a.sql': 'SELECT 1;\n', '20240301000000_b.sql': 'SELECT 2;\n' });
  const ts = writeRevision(stamped, loadProject(stamped).graph, { message: 'c', now: new Date('2026-12-04T12:00:00Z') });
  t.is(ts.id, '20261204120000');
  t.deepEqual(readdirSync(stamped).sort(), ['20240101000000_a.sql', '20240301000000_b.sql', '20261204120000_c.sql']);
  t.throws(() => writeRevision(stamped, loadProject(stamped).graph, { message: 'd', branch: ['x'] }), { message: /an sqlx folder cannot say a branch label/ });
});

test('check and status through the CLI: the folder is read (no "none of the N files was read"), hash makes an sqlx folder an Atlas one and says so', async (t) => {
  const dir = makeFolder({ '20220811074144_create_users.sql': 'CREATE TABLE users (id int);\n', '20220811074200_add_name.sql': 'SELECT 1;\n' });
  const check = await cli(['--dir', dir, 'check', '--offline'], { cwd: dir });
  t.is(check.code, 0, check.stderr);
  t.notRegex(check.stdout + check.stderr, /none of the/);
  t.regex(check.stdout + check.stderr, /sqlx folder[\s\S]*atlas\.sum is missing/);
  const hash = await cli(['--dir', dir, 'hash'], { cwd: dir });
  t.is(hash.code, 0, hash.stderr);
  t.regex(hash.stdout, /2 files \(new: the folder is now read as an Atlas folder\)/);
  t.deepEqual(load(dir).problems.map((p) => p.code), ['atlas-up-only']);
});
