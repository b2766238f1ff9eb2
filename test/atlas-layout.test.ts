import test from 'ava';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { atlasSumEntries, atlasSumMismatch, dialectSyntax, formatAtlasSum, fullCheck, loadProject, migrationStatements, parseAtlasSum, planDowngrade, type Migration } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/** Atlas folders (plain `.sql` files beside atlas.sum), read without a database: order, atlas.sum, file directives. */

const bytesOf = (files: Record<string, string>) => Object.entries(files).map(([name, text]) => ({ name, bytes: Buffer.from(text) }));
/** A folder with the atlas.sum that `atlas migrate hash` writes for these files. */
const atlasFolder = (files: Record<string, string>, extra: Record<string, string> = {}) => makeFolder({ ...files, 'atlas.sum': formatAtlasSum(atlasSumEntries(bytesOf(files))), ...extra });
const load = (dir: string) => {
  const project = loadProject(dir);
  return { project, problems: fullCheck(project).filter((p) => !p.code.startsWith('LK')).map((p) => ({ ...p, rel: p.path.slice(dir.length + 1) })) };
};
const sqls = (m: Migration, dialect: 'postgres' | 'mysql' | 'sqlite' = 'postgres') => migrationStatements(m, 'up', dialectSyntax(dialect)).map((s) => s.sql);

test("atlas.sum: the entry hash of a file of Atlas's own test data (cmd/atlas/internal/cmdapi/testdata/sqlitetx), and a sum's text reads back", (t) => {
  // Known answer from ariga/atlas: its atlas.sum line for this file, computed by Atlas (sha256 over name then bytes, base64).
  const name = '20220925092817_initial.sql';
  const text = '-- create "users" table\nCREATE TABLE `users` (`id` integer NOT NULL, `name` text NULL, PRIMARY KEY (`id`));\n';
  const [entry] = atlasSumEntries([{ name, bytes: Buffer.from(text) }]);
  t.deepEqual(entry, { name, hash: 'ZGeLdeqNUMXqJm+hPkhBrhzbtUzSBH8yVTsnSnJo/qU=' });
  const sum = formatAtlasSum(atlasSumEntries(bytesOf({ 'b_2.sql': 'SELECT 2;\n', 'a_1.sql': 'SELECT 1;\n' })));
  t.regex(sum, /^h1:[A-Za-z0-9+/]{43}=\na_1\.sql h1:[A-Za-z0-9+/]{43}=\nb_2\.sql h1:[A-Za-z0-9+/]{43}=\n$/);
  const parsed = parseAtlasSum(sum);
  t.true(parsed.ok);
  // The first line is the sum of the lines below: editing one line by hand is caught.
  t.deepEqual(parseAtlasSum(sum.replace('a_1.sql', 'a_0.sql')), { ok: false, reason: 'sum' });
  t.deepEqual(parseAtlasSum(sum + 'garbage\n'), { ok: false, reason: 'format', line: 4 });
});

test('atlas.sum property: any file edited, removed or added is found, and named, as Atlas names it', (t) => {
  const names = fc.uniqueArray(fc.stringMatching(/^[0-9]{1,3}_[a-z]{1,4}\.sql$/), { minLength: 1, maxLength: 6 });
  fc.assert(
    fc.property(names, fc.array(fc.string(), { minLength: 6, maxLength: 6 }), fc.nat(), fc.string({ minLength: 1 }), (ns, texts, pick, extra) => {
      const files = ns.map((name, i) => ({ name, bytes: Buffer.from(texts[i]!) }));
      const recorded = atlasSumEntries(files);
      t.is(atlasSumMismatch(recorded, atlasSumEntries([...files].reverse())), null);
      const i = pick % files.length;
      const edited = files.map((f, k) => (k === i ? { ...f, bytes: Buffer.concat([f.bytes, Buffer.from(extra)]) } : f));
      t.deepEqual(atlasSumMismatch(recorded, atlasSumEntries(edited)), { reason: 'edited', file: files[i]!.name, line: recorded.findIndex((e) => e.name === files[i]!.name) + 2 });
      const removed = files.filter((_, k) => k !== i);
      t.like(atlasSumMismatch(recorded, atlasSumEntries(removed)), { reason: 'removed', file: files[i]!.name });
      const added = [...files, { name: `${'9'.repeat(4)}_new.sql`, bytes: Buffer.from(extra) }];
      t.like(atlasSumMismatch(recorded, atlasSumEntries(added)), { reason: 'added', file: '9999_new.sql' });
    }),
    { numRuns: 200 },
  );
});

test("an Atlas folder is a linear history in Atlas's order (file names as bytes), up-only, said once; downgrade refuses naming Atlas", (t) => {
  const dir = atlasFolder({
    '20220811074200_add_name.sql': 'ALTER TABLE users ADD COLUMN name text;\n',
    '20220811074144_create_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
    '20220811074300.sql': 'CREATE TABLE t (id int);\n',
  });
  const { project, problems } = load(dir);
  const ms = project.folder.migrations;
  t.deepEqual(ms.map((m) => [m.id, m.parents, m.message, m.irreversible]), [
    ['20220811074144', [], 'create users', true],
    ['20220811074200', ['20220811074144'], 'add name', true],
    ['20220811074300', ['20220811074200'], '20220811074300', true],
  ]);
  t.deepEqual(problems.map((p) => [p.code, p.severity]), [['atlas-up-only', 'warning']]);
  const error = t.throws(() => planDowngrade(project.graph, new Set(ms.map((m) => m.id)), 'base'));
  t.regex(error!.message, /20220811074300 \(an Atlas file: Atlas has no down migrations\)/);
});

test("Atlas's order is by name, not by number: 10_b.sql runs before 1_a.sql, as Atlas runs it", (t) => {
  const { project } = load(atlasFolder({ '1_a.sql': 'SELECT 1;\n', '10_b.sql': 'SELECT 10;\n', '2_c.sql': 'SELECT 2;\n' }));
  t.deepEqual(project.folder.migrations.map((m) => m.id), ['10', '1', '2']);
});

test('atlas.sum differences are errors naming the file, atlas.sum and `atlas migrate hash`', (t) => {
  const files = { '1_a.sql': 'CREATE TABLE a (id int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n' };
  const edited = atlasFolder(files);
  writeFileSync(join(edited, '1_a.sql'), 'CREATE TABLE a (id bigint);\n');
  const e = load(edited).problems.find((p) => p.code === 'atlas-sum')!;
  t.is(e.severity, 'error');
  t.is(e.rel, '1_a.sql');
  t.regex(e.message, /changed since atlas\.sum was written \(its hash, atlas\.sum line 2/);
  t.regex(e.hint, /`atlas migrate hash`/);

  const added = atlasFolder(files, { '3_c.sql': 'SELECT 3;\n' });
  t.like(load(added).problems.find((p) => p.code === 'atlas-sum'), { rel: '3_c.sql', severity: 'error' });
  t.regex(load(added).problems.find((p) => p.code === 'atlas-sum')!.message, /^not in atlas\.sum/);

  const broken = atlasFolder(files, { 'atlas.sum': 'h1:abc\n1_a.sql h1:x\n' });
  t.like(load(broken).problems.find((p) => p.code === 'atlas-sum'), { rel: 'atlas.sum', line: 1, severity: 'error' });
});

test('file directives: txmode none runs without a transaction, all is refused, a directive not followed by a blank line is not one (as in Atlas)', (t) => {
  const { project, problems } = load(
    atlasFolder({
      '1_a.sql': '-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON t (id);\n',
      '2_b.sql': '-- atlas:txmode none\nCREATE TABLE b (id int);\n',
      '3_c.sql': '-- atlas:txmode all\n\nCREATE TABLE c (id int);\n',
    }),
  );
  const [a, b] = project.folder.migrations;
  t.regex(a!.up.transactionOff('postgres') ?? '', /atlas:txmode none/);
  t.is(b!.up.transactionOff('postgres'), null);
  t.like(problems.find((p) => p.rel === '2_b.sql'), { code: 'atlas-directive', severity: 'warning' });
  t.like(problems.find((p) => p.rel === '3_c.sql'), { code: 'atlas-directive', severity: 'error', line: 1 });
});

test('-- atlas:delimiter: statements end at the delimiter (not at ;), outside quotes, parentheses and dollar quotes', (t) => {
  const fn = ['CREATE FUNCTION f() RETURNS int AS $$', 'BEGIN', '  RETURN 1;', 'END;', '$$ LANGUAGE plpgsql;'];
  const { project, problems } = load(
    atlasFolder({
      '1_f.sql': ['-- atlas:delimiter -- end --', '', ...fn, '-- end --', "INSERT INTO t VALUES ('-- end --');", '-- end --', ''].join('\n'),
      '2_g.sql': ['-- atlas:delimiter \\n\\n', 'CREATE TABLE a (id int);', 'CREATE TABLE b (id int)', '', 'CREATE TABLE c (id int)', ''].join('\n'),
    }),
  );
  t.deepEqual(problems.map((p) => p.code), ['atlas-up-only']);
  const [f, g] = project.folder.migrations;
  t.deepEqual(sqls(f!), [fn.join('\n').replace(/;$/, ''), "INSERT INTO t VALUES ('-- end --')"]);
  t.deepEqual(sqls(g!), ['CREATE TABLE a (id int);\nCREATE TABLE b (id int)', 'CREATE TABLE c (id int)']);
});

test('a checkpoint after other files runs nothing (they run instead) and says so; a checkpoint first is the start and runs', (t) => {
  const { project, problems } = load(
    atlasFolder({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_ck.sql': '-- atlas:checkpoint v1\n\nCREATE TABLE a (id int);\n',
      '3_b.sql': 'CREATE TABLE b (id int);\n',
    }),
  );
  const ms = project.folder.migrations;
  t.deepEqual(ms.map((m) => [m.id, sqls(m, 'sqlite')]), [
    ['1', ['CREATE TABLE a (id int)']],
    ['2', []],
    ['3', ['CREATE TABLE b (id int)']],
  ]);
  t.like(problems.find((p) => p.rel === '2_ck.sql'), { code: 'atlas-checkpoint', severity: 'warning' });
  t.false(problems.some((p) => p.code === 'empty-migration'));
  const first = load(atlasFolder({ '2_ck.sql': '-- atlas:checkpoint\n\nCREATE TABLE a (id int);\n', '3_b.sql': 'SELECT 1;\n' }));
  t.deepEqual(sqls(first.project.folder.migrations[0]!, 'sqlite'), ['CREATE TABLE a (id int)']);
});

test('without atlas.sum the files are not read (Atlas refuses such a folder too); the error names them, and status says nothing of warnings it does not print', async (t) => {
  // Alone, such files are also an sqlx folder and are read as one (its note names the missing atlas.sum: sqlx-layout.test.ts);
  // a file sqlx would not read either (no <number>_ prefix) keeps the folder unread.
  const dir = makeFolder({ '20220811074144_create_users.sql': 'CREATE TABLE users (id int);\n', '20220811074200_add_name.sql': 'SELECT 1;\n', 'seed.sql': 'SELECT 1;\n' });
  const { problems } = load(dir);
  const none = problems.find((p) => p.code === 'no-migrations-read')!;
  t.regex(none.hint, /not read: 20220811074144_create_users\.sql, 20220811074200_add_name\.sql, seed\.sql; `migrate-tui check` says why for each/);
  t.notRegex(none.hint, /above/);
  t.regex(problems.find((p) => p.code === 'bad-file-name')!.hint, /atlas\.sum is missing .*`atlas migrate hash` or `migrate-tui hash` writes it/);
  const status = await cli(['--dir', dir, '--url', `sqlite:${join(dir, 'x.db')}`, 'status'], { cwd: dir });
  t.not(status.code, 0);
  t.regex(status.stderr, /none of the 3 \.sql files/);
  t.notRegex(status.stderr, /warnings above/);
});

test("another tool's folder with an atlas.sum (Atlas authors it, goose or golang-migrate runs it): checked as Atlas checks that format, a difference only warns", (t) => {
  const goose = { '1_a.sql': '-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n' };
  const fine = load(atlasFolder(goose));
  t.deepEqual(fine.problems.map((p) => p.code), []);
  const edited = atlasFolder(goose);
  writeFileSync(join(edited, '1_a.sql'), goose['1_a.sql'] + '-- edited\n');
  const warned = load(edited).problems;
  t.deepEqual(warned.map((p) => [p.code, p.severity, p.rel]), [['atlas-sum', 'warning', '1_a.sql']]);
  t.regex(warned[0]!.hint, /`atlas migrate hash --dir-format goose`/);
  // golang-migrate's format: Atlas hashes the .up.sql files only.
  const up = { '1_a.up.sql': 'CREATE TABLE a (id int);\n' };
  const pairs = makeFolder({ ...up, '1_a.down.sql': 'DROP TABLE a;\n', 'atlas.sum': formatAtlasSum(atlasSumEntries(bytesOf(up))) });
  t.deepEqual(load(pairs).problems.map((p) => p.code), []);
});

test('revision -m on an Atlas head writes the next Atlas file (empty, as `atlas migrate new`) and atlas.sum again; an edited file then needs `hash`, which writes the sum Atlas would', async (t) => {
  const dir = atlasFolder({ '20220811074144_create_users.sql': 'CREATE TABLE users (id int);\n' });
  const made = await cli(['--dir', dir, 'revision', '-m', 'Add pets', '--id', '20220811074200'], { cwd: dir });
  t.is(made.code, 0, made.stderr);
  t.regex(made.stdout, /created revision 20220811074200\n {2}.*20220811074200_add_pets\.sql\n {2}.*atlas\.sum \(written again/);
  t.is(readFileSync(join(dir, '20220811074200_add_pets.sql'), 'utf8'), '');
  const files = { '20220811074144_create_users.sql': 'CREATE TABLE users (id int);\n', '20220811074200_add_pets.sql': '' };
  t.is(readFileSync(join(dir, 'atlas.sum'), 'utf8'), formatAtlasSum(atlasSumEntries(bytesOf(files))));
  t.deepEqual(load(dir).project.folder.migrations.map((m) => [m.id, m.parents]), [['20220811074144', []], ['20220811074200', ['20220811074144']]]);

  writeFileSync(join(dir, '20220811074200_add_pets.sql'), 'CREATE TABLE pets (id int);\n');
  t.true(load(dir).problems.some((p) => p.code === 'atlas-sum' && p.severity === 'error'));
  // Refused while the sum is stale: rewriting it would hide the edit.
  const stale = await cli(['--dir', dir, 'revision', '-m', 'more'], { cwd: dir });
  t.not(stale.code, 0);
  t.regex(stale.stderr, /atlas\.sum does not match the folder already/);
  const hashed = await cli(['--dir', dir, 'hash'], { cwd: dir });
  t.is(hashed.code, 0, hashed.stderr);
  t.regex(hashed.stdout, /before, it did not match: 20220811074200_add_pets\.sql edited/);
  t.is(readFileSync(join(dir, 'atlas.sum'), 'utf8'), formatAtlasSum(atlasSumEntries(bytesOf({ ...files, '20220811074200_add_pets.sql': 'CREATE TABLE pets (id int);\n' }))));
  t.deepEqual(load(dir).problems.map((p) => p.code), ['atlas-up-only']);

  const branch = await cli(['--dir', dir, 'revision', '-m', 'x', '--branch', 'b'], { cwd: dir });
  t.not(branch.code, 0);
  t.regex(branch.stderr, /an Atlas folder cannot say a branch label/);
  const goose = makeFolder({ '1_a.sql': '-- +goose Up\nSELECT 1;\n', 'atlas.sum': 'h1:x\n' });
  const notAtlas = await cli(['--dir', goose, 'hash'], { cwd: goose });
  t.not(notAtlas.code, 0);
  t.regex(notAtlas.stderr, /not an Atlas folder/);
});

test('-- atlas:delimiter property: statements written one after another with the delimiter come back whole, in order, each from its own first line', (t) => {
  // Bodies without quotes, parentheses, dollar signs, comments or the delimiter itself: what the scanner looks inside for.
  const line = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,;=<>*+]{0,30}$/).map((s) => s.trimEnd());
  const body = fc.array(line, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('\n'));
  fc.assert(
    fc.property(fc.array(body, { minLength: 1, maxLength: 6 }), fc.constantFrom('-- end --', '$$', '//', '\\n\\n\\n'), (bodies, delimiter) => {
      const actual = delimiter.replace(/\\n/g, '\n');
      const text = `-- atlas:delimiter ${delimiter}\n${bodies.join(actual === '\n\n\n' ? actual : `\n${actual}\n`)}\n`;
      const dir = atlasFolder({ '1_a.sql': text });
      const [m] = loadProject(dir).folder.migrations;
      const got = migrationStatements(m!, 'up', dialectSyntax('postgres'));
      const want = bodies.map((b) => b.trimEnd().replace(/;$/, '').trimEnd());
      t.deepEqual(got.map((s) => s.sql), want);
      // Each statement starts on the line its body starts on (the directive is line 1).
      let lineNo = 2;
      const starts = bodies.map((b) => {
        const at = lineNo;
        lineNo += b.split('\n').length + (actual === '\n\n\n' ? 2 : 1);
        return at;
      });
      t.deepEqual(got.map((s) => s.line), starts);
    }),
    { numRuns: 60 },
  );
});
