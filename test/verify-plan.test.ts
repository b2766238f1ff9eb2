import test from 'ava';
import { compareSchemas, describeDifference, verifyPlan, type SchemaSnapshot } from '../src/engine/index.js';
import { graphProject } from './helpers/folders.js';

/** The pure parts of `verify`: which revisions in which order, and differences in words. */
const branchy = () =>
  graphProject([
    ['1'],
    ['2', ['-- migrate:revises 1']],
    ['3', ['-- migrate:revises 1', '-- migrate:branch side']],
    ['4', ['-- migrate:revises 2, 3']],
    ['5', ['-- migrate:revises 4']],
  ]).graph;

test('every revision in plan order, branches and the merge included', (t) => {
  t.deepEqual(verifyPlan(branchy(), null), { setup: [], revisions: ['1', '2', '3', '4', '5'] });
});

test('a:b checks a to b inclusive after applying what they need; one revision checks it alone', (t) => {
  const graph = branchy();
  t.deepEqual(verifyPlan(graph, '2:4'), { setup: ['1', '3'], revisions: ['2', '4'] });
  t.deepEqual(verifyPlan(graph, ':2'), { setup: [], revisions: ['1', '2'] });
  t.deepEqual(verifyPlan(graph, '4:'), { setup: ['1', '2', '3'], revisions: ['4', '5'] });
  t.deepEqual(verifyPlan(graph, 'side'), { setup: ['1'], revisions: ['3'] });
  t.throws(() => verifyPlan(graph, '4:2'), { message: /selects no revision/ });
  t.throws(() => verifyPlan(graph, '9'), { message: /no revision or branch label "9"/ });
});

const empty: SchemaSnapshot = { tables: {}, triggers: {}, views: {}, sequences: {}, enums: {}, routines: {}, other: {} };
const withTable = (indexes: Record<string, string>, columns: Record<string, string> = { id: 'integer' }): SchemaSnapshot => ({
  ...empty,
  tables: { permissions: { columns, indexes, constraints: {} } },
});

test('differences name the object, the revision and the dialect; a whole table is one difference', (t) => {
  const before = withTable({});
  const after = withTable({ permissions_code_idx: 'CREATE INDEX permissions_code_idx ON permissions (code)' });
  const [d, ...rest] = compareSchemas(before, after);
  t.deepEqual(rest, []);
  t.is(describeDifference(d!, 'down', '20260105093000', 'postgres'), 'down of 20260105093000 (postgres) leaves index permissions_code_idx on permissions');
  const dropped = compareSchemas(withTable({}, { id: 'integer', code: 'text' }), before);
  t.is(describeDifference(dropped[0]!, 'down', '7', 'sqlite'), 'after the down of 7 (sqlite), column permissions.code is missing (it was there before the up)');
  const changed = compareSchemas(withTable({}, { id: 'integer' }), withTable({}, { id: 'bigint' }));
  t.is(describeDifference(changed[0]!, 'up-again', '7', 'mysql'), 'up again of 7 (mysql) gives column permissions.id as "bigint"; the first up gave "integer"');
  t.deepEqual(compareSchemas(empty, after).map((x) => `${x.change} ${x.kind} ${x.name}`), ['extra table permissions']);
  t.deepEqual(compareSchemas(after, after), []);
});

/**
 * An up that drops a column, and a down that does not bring it back: the column is missing after
 * the down, which did not drop it (it said "down of 3 (postgres) drops column orders.item").
 */
test('a column the up dropped and the down did not bring back is said missing after the down, not dropped by it', (t) => {
  const before = withTable({}, { id: 'integer', item: 'text' });
  const afterDown = withTable({}, { id: 'integer' });
  const [d] = compareSchemas(before, afterDown);
  const text = describeDifference(d!, 'down', '3', 'postgres');
  t.is(text, 'after the down of 3 (postgres), column permissions.item is missing (it was there before the up)');
  t.notRegex(text, /down of 3 \(postgres\) drops/);
});
