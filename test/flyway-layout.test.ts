import test from 'ava';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { appliedFromSpec, compareVersions, dialectSyntax, flywayVersionId, fullCheck, loadProject, migrationStatements, parseFlywayName, parseTarget, planDowngrade, writeRevision, type Migration } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/** Flyway folders (V/U/R/B files, version order, script config, placeholders), read without a database. */

const load = (files: Record<string, string>) => {
  const dir = makeFolder(files);
  const project = loadProject(dir);
  return { dir, project, problems: fullCheck(project).filter((p) => !p.code.startsWith('LK')).map((p) => ({ ...p, rel: p.path.slice(dir.length + 1) })) };
};
const sqls = (m: Migration, direction: 'up' | 'down') => migrationStatements(m, direction, dialectSyntax('postgres')).map((s) => s.sql);

test('a Flyway folder is a linear history in Flyway version order, U files its downs, descriptions its messages', (t) => {
  const { project, problems } = load({
    'V1__create_users.sql': 'CREATE TABLE users (id int);\n',
    'U1__create_users.sql': 'DROP TABLE users;\n',
    'V1_1__add_a.sql': 'CREATE TABLE a (id int);\n',
    'U1.1__drop_a.sql': 'DROP TABLE a;\n',
    'V1.10__ten.sql': 'CREATE TABLE ten (id int);\n',
    'V1.9__nine.sql': 'CREATE TABLE nine (id int);\n',
    'V2__two.sql': 'CREATE TABLE two (id int);\n',
  });
  const ms = project.folder.migrations;
  t.deepEqual(ms.map((m) => [m.id, m.parents, m.message]), [
    ['1', [], 'create users'],
    ['1.1', ['1'], 'add a'],
    ['1.9', ['1.1'], 'nine'],
    ['1.10', ['1.9'], 'ten'],
    ['2', ['1.10'], 'two'],
  ]);
  t.deepEqual(sqls(ms[1]!, 'down'), ['DROP TABLE a']);
  t.deepEqual(ms.map((m) => m.down === null), [false, false, true, true, true]);
  t.true(ms[2]!.irreversible);
  t.deepEqual(problems.map((p) => [p.code, p.severity, p.rel]), [
    ['up-without-down', 'warning', 'V1.10__ten.sql'],
    ['up-without-down', 'warning', 'V1.9__nine.sql'],
    ['up-without-down', 'warning', 'V2__two.sql'],
  ]);
  t.regex(problems[0]!.message, /^no U1\.10__….sql undo file/);
});

test('repeatable and baseline files are errors naming what to do; a bad version is skipped with a warning; a U file alone is an error', (t) => {
  const { problems, project } = load({
    'V1__a.sql': 'CREATE TABLE a (id int);\n',
    'R__views.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1;\n',
    'B2__base.sql': 'CREATE TABLE a (id int);\n',
    'Vx__bad.sql': 'SELECT 1;\n',
    'U3__orphan.sql': 'SELECT 1;\n',
  });
  const by = Object.fromEntries(problems.map((p) => [p.rel, p]));
  t.is(by['R__views.sql']!.code, 'flyway-repeatable');
  // As Jerome-JJT/ftlwatch3's R__dummy.sql renamed V16 after Flyway ran it: running it again fails on a dependent view.
  t.regex(by['R__views.sql']!.hint, /on a database Flyway already ran it on, stamp that new version too/);
  t.is(by['R__views.sql']!.severity, 'error');
  t.regex(by['R__views.sql']!.hint, /rename it to V<next version>__views\.sql/);
  t.is(by['B2__base.sql']!.code, 'flyway-baseline');
  t.is(by['B2__base.sql']!.severity, 'error');
  t.is(by['Vx__bad.sql']!.code, 'bad-file-name');
  t.is(by['Vx__bad.sql']!.severity, 'warning');
  t.is(by['U3__orphan.sql']!.code, 'down-without-up');
  t.deepEqual(project.folder.migrations.map((m) => m.id), ['1']);
});

test('1.0, 1_0 and 001 are the same Flyway version: a second file of it is a duplicate-version error', (t) => {
  const { problems } = load({ 'V1__a.sql': 'SELECT 1;\n', 'V001_0__b.sql': 'SELECT 2;\n' });
  const dup = problems.find((p) => p.code === 'duplicate-version');
  t.truthy(dup);
  t.regex(dup!.message, /version 1 is used twice/);
});

test('placeholders are errors at path:line, in strings, comments and $$ bodies alike, unless the file turns replacement off', (t) => {
  const { problems } = load({
    'V1__a.sql': 'CREATE TABLE a (id int);\n-- owner: ${owner}\n',
    'V2__f.sql': "CREATE FUNCTION f() RETURNS text AS $$ SELECT '${flyway:user}' $$ LANGUAGE sql;\n",
    'V3__literal.sql': "SELECT '${kept}';\n",
    'V3__literal.sql.conf': 'placeholderReplacement=false\n',
    'V4__inline.sql': "-- flyway:placeholderReplacement=false\nSELECT '${kept}';\n",
  });
  const placeholders = problems.filter((p) => p.code === 'flyway-placeholder').map((p) => [p.rel, p.line, p.severity]);
  t.deepEqual(placeholders, [
    ['V1__a.sql', 2, 'error'],
    ['V2__f.sql', 1, 'error'],
  ]);
});

test('-- flyway:executeInTransaction=false and a .sql.conf file run the migration without a transaction; other settings are checked', (t) => {
  const { project, problems } = load({
    'V1__inline.sql': '-- flyway:executeInTransaction=false\nCREATE INDEX CONCURRENTLY i ON t (id);\n',
    'V2__conf.sql': 'CREATE INDEX CONCURRENTLY j ON t (id);\n',
    'V2__conf.sql.conf': '# script config\nexecuteInTransaction=false\n',
    'V3__plain.sql': 'CREATE TABLE x (id int);\n',
    'V4__when.sql': 'SELECT 1;\n',
    'V4__when.sql.conf': 'shouldExecute=${env}==prod\n',
  });
  const [one, two, three] = project.folder.migrations;
  t.false(one!.transaction);
  t.regex(one!.up.transactionOff('postgres')!, /executeInTransaction=false` \(line 1\)/);
  t.false(two!.transaction);
  t.regex(two!.up.transactionOff('postgres')!, /V2__conf\.sql\.conf:2/);
  t.true(three!.transaction);
  const config = problems.filter((p) => p.code === 'flyway-script-config');
  t.deepEqual(config.map((p) => [p.rel, p.line]), [['V4__when.sql.conf', 1]]);
});

test('Flyway files in a sub-folder are an error (Flyway reads sub-folders, migrate-tui one folder)', (t) => {
  const { problems } = load({ 'V1__a.sql': 'SELECT 1;\n', 'more/V2__b.sql': 'SELECT 2;\n' });
  const sub = problems.find((p) => p.code === 'flyway-subfolder');
  t.is(sub?.rel, 'more');
  t.is(sub?.severity, 'error');
  // --dir one level above Flyway's folders (db/ of db/migration): an error too, not "0 revisions".
  const above = load({ 'migration/V1__a.sql': 'SELECT 1;\n', 'migration_data/V1.1__b.sql': 'SELECT 2;\n' });
  t.deepEqual(above.problems.map((p) => [p.code, p.rel]), [['flyway-subfolder', 'migration'], ['flyway-subfolder', 'migration_data']]);
});

test('mixed folder: a golang-migrate pair and Flyway files share one version order; one version, one layout', (t) => {
  const { project, problems } = load({
    'V1__a.sql': 'SELECT 1;\n',
    '2_b.up.sql': 'SELECT 2;\n',
    '2_b.down.sql': 'SELECT 2;\n',
    'V1.5__c.sql': 'SELECT 3;\n',
    'V2__clash.sql': 'SELECT 4;\n',
  });
  t.deepEqual(project.folder.migrations.map((m) => m.id), ['1', '1.5', '2']);
  t.true(problems.some((p) => p.code === 'duplicate-version' && /version 2 is used twice/.test(p.message)));
});

test('dotted ids are targets: 1.1, 1.1+1, 1.10-2', (t) => {
  t.deepEqual(parseTarget('1.1'), { kind: 'ref', ref: '1.1', steps: 0 });
  t.deepEqual(parseTarget('1.1+1'), { kind: 'ref', ref: '1.1', steps: 1 });
  t.deepEqual(parseTarget('1.10-2'), { kind: 'ref', ref: '1.10', steps: -2 });
});

test('file names: what Flyway reads as V/U/R/B, and what it does not', (t) => {
  t.deepEqual(parseFlywayName('V1_1__add_a.sql'), { kind: 'versioned', version: '1_1', id: '1.1', slug: 'add_a' });
  t.deepEqual(parseFlywayName('U2.0.1__x.sql'), { kind: 'undo', version: '2.0.1', id: '2.0.1', slug: 'x' });
  t.deepEqual(parseFlywayName('V1___x.sql'), { kind: 'versioned', version: '1', id: '1', slug: '_x' });
  t.is(parseFlywayName('R__views.sql')!.kind, 'repeatable');
  t.is(parseFlywayName('R1__views.sql')!.kind, 'invalid');
  t.is(parseFlywayName('V__x.sql')!.kind, 'invalid');
  t.is(parseFlywayName('V1.__x.sql')!.kind, 'invalid');
  t.is(parseFlywayName('v1__x.sql'), null); // Flyway's prefixes are case-sensitive
  t.is(parseFlywayName('V1_init.sql'), null); // no "__": not a Flyway name
  t.is(parseFlywayName('1_init.up.sql'), null);
  t.is(flywayVersionId('001.010.0_0'), '1.10');
});

/** Flyway's MigrationVersion.compareTo, written from its definition: numeric parts, a missing part is 0. */
function flywayCompare(a: string, b: string): number {
  const x = a.split(/[._]/).map(BigInt);
  const y = b.split(/[._]/).map(BigInt);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? 0n;
    const q = y[i] ?? 0n;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
const version = fc.array(fc.oneof(fc.nat(12).map(String), fc.constantFrom('0', '00', '010', '9', '10', '123456789012345678901')), { minLength: 1, maxLength: 4 }).chain((parts) => fc.constantFrom('.', '_').map((sep) => parts.join(sep)));

test('property: revision ids order as Flyway orders versions, and equal Flyway versions get the same id', (t) => {
  fc.assert(
    fc.property(version, version, (a, b) => {
      const ids = [flywayVersionId(a), flywayVersionId(b)];
      const ours = Math.sign(compareVersions(ids[0]!, ids[1]!));
      const theirs = flywayCompare(a, b);
      if (theirs === 0) return ids[0] === ids[1];
      return ours === theirs;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('property: any set of Flyway versions reads as a linear history in Flyway order', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(version, { minLength: 1, maxLength: 8, selector: flywayVersionId }), (versions) => {
      const files = Object.fromEntries(versions.map((v, i) => [`V${v}__m${i}.sql`, `SELECT ${i};\n`]));
      const ids = loadProject(makeFolder(files)).folder.migrations.map((m) => m.id);
      const expected = [...versions].sort(flywayCompare).map(flywayVersionId);
      return JSON.stringify(ids) === JSON.stringify(expected);
    }),
    { numRuns: 60 },
  );
  t.pass();
});

test('revision -m in a Flyway folder writes V<next>__<slug>.sql and its U file, in the folder\'s spelling; with a branch label, our layout', (t) => {
  const dir = makeFolder({ 'V1_9__a.sql': 'SELECT 1;\n', 'V1_10__b.sql': 'SELECT 2;\n' });
  const written = writeRevision(dir, loadProject(dir).graph, { message: 'Add audit' });
  t.is(written.id, '1.11');
  t.deepEqual(readdirSync(dir).filter((n) => n.includes('audit')).sort(), ['U1_11__add_audit.sql', 'V1_11__add_audit.sql']);
  const project = loadProject(dir);
  t.deepEqual(project.folder.migrations.map((m) => m.id), ['1.9', '1.10', '1.11']);
  t.truthy(project.graph.get('1.11').down);
  const labelled = writeRevision(dir, project.graph, { message: 'x', branch: ['side'], now: new Date('2030-01-01T00:00:00Z') });
  t.is(labelled.id, '20300101000000');
  t.regex(labelled.upPath, /20300101000000_x\.up\.sql$/);
});

test('a downgrade past a V file without its U file is refused, naming what is missing in Flyway terms', (t) => {
  const { project } = load({ 'V1__a.sql': 'CREATE TABLE a (id int);\n', 'U1__a.sql': 'DROP TABLE a;\n', 'V1.1__b.sql': 'CREATE TABLE b (id int);\n' });
  const error = t.throws(() => planDowngrade(project.graph, appliedFromSpec(project.graph, 'heads'), 'base'));
  t.regex(error!.message, /would pass 1\.1 \(no Flyway U file\)/);
  t.deepEqual(planDowngrade(project.graph, new Set(['1']), 'base').steps, ['1']);
});

test('history and upgrade --sql on a Flyway folder: Flyway order, dotted ids, the .sql.conf setting named where the migration runs without a transaction', async (t) => {
  const dir = makeFolder({
    'V1__a.sql': 'CREATE TABLE a (id int);\n',
    'V1.10__c.sql': 'CREATE INDEX CONCURRENTLY c ON a (id);\n',
    'V1.10__c.sql.conf': 'executeInTransaction=false\n',
    'V1.9__b.sql': 'CREATE TABLE b (id int);\n',
  });
  const history = await cli(['--dir', dir, 'history']);
  t.is(history.code, 0, history.stderr);
  t.deepEqual(history.stdout.trim().split('\n'), ['* 1.10 (head) c', '* 1.9 b', '* 1 (base) a']);
  const sql = await cli(['--dir', dir, 'upgrade', '--sql', '--dialect', 'postgres']);
  t.is(sql.code, 0, sql.stderr);
  const order = [...sql.stdout.matchAll(/^-- Running upgrade ([^:\s]+):/gm)].map((m) => m[1]);
  t.deepEqual(order, ['1', '1.9', '1.10']);
  t.regex(sql.stdout, /-- Running upgrade 1\.10: c\n-- file: .*V1\.10__c\.sql\n-- runs without a transaction: `executeInTransaction=false` \(.*V1\.10__c\.sql\.conf:1\)\nCREATE INDEX CONCURRENTLY c ON a \(id\);/);
});
