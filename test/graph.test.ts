import test from 'ava';
import { appliedFromSpec, planDowngrade, planUpgrade, versionRows, type Project } from '../src/engine/index.js';
import { graphProject } from './helpers/folders.js';

const up = (p: Project, target = 'heads', from = 'base') => planUpgrade(p.graph, appliedFromSpec(p.graph, from), target).steps;
const down = (p: Project, target: string, from = 'heads') => planDowngrade(p.graph, appliedFromSpec(p.graph, from), target).steps;
const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as Error & { code: string };
  }
  throw new Error('expected an error');
};

// 1 ← 2 ← 3 (no headers: golang-migrate style; 10 sorts after 9)
const linear = () => graphProject([['1'], ['2'], ['9'], ['10']]);

test('linear: implicit parents follow numeric version order', (t) => {
  const p = linear();
  t.deepEqual(p.graph.heads(), ['10']);
  t.deepEqual(p.graph.bases(), ['1']);
  t.deepEqual(p.graph.parents('10'), ['9']);
  t.deepEqual(up(p), ['1', '2', '9', '10']);
  t.deepEqual(down(p, 'base'), ['10', '9', '2', '1']);
  t.deepEqual(up(p, '+2', '2'), ['9', '10']);
  t.deepEqual(up(p, '+1'), ['1']);
  t.deepEqual(down(p, '-1'), ['10']);
  t.deepEqual(down(p, '-2', '9'), ['9', '2']);
  t.deepEqual(down(p, '10-2'), ['10', '9']);
  t.deepEqual(up(p, '1+2'), ['1', '2', '9']);
  t.deepEqual(down(p, '1'), ['10', '9', '2']);
  t.deepEqual(up(p, 'head', '9'), ['10']);
  t.deepEqual(up(p, '10', '10'), []);
  t.is(error(() => down(p, '-5')).code, 'relative-out-of-range');
  t.is(error(() => up(p, '10+1')).code, 'relative-out-of-range');
});

// 1 ← {2, 3} ← 4
const diamond = () => graphProject([['1'], ['2', ['-- migrate:revises 1']], ['3', ['-- migrate:revises 1']], ['4', ['-- migrate:revises 2, 3']]]);

test('diamond: branch point, merge point, and walks that refuse to guess', (t) => {
  const p = diamond();
  t.true(p.graph.isBranchPoint('1'));
  t.true(p.graph.isMergePoint('4'));
  t.deepEqual(p.graph.heads(), ['4']);
  t.deepEqual(up(p), ['1', '2', '3', '4']);
  t.deepEqual(down(p, 'base'), ['4', '3', '2', '1']);
  // -1 reverts the merge alone (Alembic refuses); one more step back is ambiguous.
  t.deepEqual(down(p, '-1'), ['4']);
  const mergeStep = error(() => down(p, '-2'));
  t.is(mergeStep.code, 'ambiguous-relative');
  t.regex(mergeStep.message, /after 1 step there are 2: 2, 3/);
  t.deepEqual(versionRows(p.graph, new Set(['1', '2', '3'])), ['2', '3']);
  const walkDown = error(() => down(p, '4-2'));
  t.is(walkDown.code, 'ambiguous-walk');
  t.regex(walkDown.message, /4 is a merge point: going down from it could mean 2 or 3/);
  t.is(error(() => up(p, '1+1')).code, 'ambiguous-walk');
  // `downgrade 2` reverts what is built on 2 (the merge); the side branch 3 stays (as in Alembic).
  t.deepEqual(down(p, '2'), ['4']);
  t.deepEqual(planDowngrade(p.graph, appliedFromSpec(p.graph, 'heads'), '2').headsAfter, ['2', '3']);
});

// Two labelled branches off 1: billing (2 ← 4) and audit (3 ← 5).
const twoBranches = () =>
  graphProject([
    ['1'],
    ['2', ['-- migrate:revises 1', '-- migrate:branch billing']],
    ['3', ['-- migrate:revises 1', '-- migrate:branch audit']],
    ['4', ['-- migrate:revises 2']],
    ['5', ['-- migrate:revises 3']],
  ]);

test('two branches with labels: <label>@head, <label>@base, head is ambiguous', (t) => {
  const p = twoBranches();
  t.deepEqual(p.graph.heads(), ['4', '5']);
  const head = error(() => up(p, 'head'));
  t.is(head.code, 'multiple-heads');
  t.regex(head.message, /2 heads: 4, 5/);
  t.deepEqual(up(p, 'billing@head'), ['1', '2', '4']);
  t.deepEqual(up(p, 'audit@head', '4'), ['3', '5']);
  t.deepEqual(up(p, 'audit'), ['1', '3']);
  t.deepEqual(down(p, 'billing@base'), ['4', '2']);
  t.deepEqual(down(p, 'audit@base', '5'), ['5', '3']);
  // Downgrading to a revision on one branch leaves the other branch alone.
  t.deepEqual(down(p, '2'), ['4']);
  t.deepEqual(down(p, 'billing'), ['4']);
  t.deepEqual(up(p, 'heads'), ['1', '2', '3', '4', '5']);
  const relative = error(() => down(p, '-1'));
  t.is(relative.code, 'ambiguous-relative');
  t.regex(relative.message, /there are 2: 4, 5/);
  t.deepEqual(down(p, '4-1', '4'), ['4']);
  t.deepEqual(p.graph.branchMembers('billing'), new Set(['2', '4']));
});

// Merge of merges: 1 ← {2,3,4}; 5 = merge(2,3); 6 = merge(5,4)
const mergeOfMerges = () =>
  graphProject([
    ['1'],
    ['2', ['-- migrate:revises 1']],
    ['3', ['-- migrate:revises 1']],
    ['4', ['-- migrate:revises 1']],
    ['5', ['-- migrate:revises 2, 3']],
    ['6', ['-- migrate:revises 5, 4']],
  ]);

test('merge of merges: one head, plans cover every revision once', (t) => {
  const p = mergeOfMerges();
  t.deepEqual(p.graph.heads(), ['6']);
  t.deepEqual(up(p), ['1', '2', '3', '4', '5', '6']);
  t.deepEqual(up(p, '5'), ['1', '2', '3', '5']);
  t.deepEqual(down(p, '5'), ['6']);
  t.deepEqual(down(p, '4'), ['6']);
  t.deepEqual(down(p, '2'), ['6', '5']);
  t.deepEqual(down(p, '1'), ['6', '5', '4', '3', '2']);
  t.deepEqual(planDowngrade(p.graph, appliedFromSpec(p.graph, 'heads'), '5').headsAfter, ['4', '5']);
  t.deepEqual(planUpgrade(p.graph, new Set(['1']), '2').headsAfter, ['2']);
});

// depends-on across branches: a (1 ← 2) and b (3 ← 4), 4 depends on 2.
const dependsAcross = () =>
  graphProject([
    ['1', ['-- migrate:branch a']],
    ['2'],
    ['3', ['-- migrate:revises base', '-- migrate:branch b']],
    ['4', ['-- migrate:depends-on 2']],
  ]);

test('depends-on across branches: applied first, removed after, not a parent', (t) => {
  const p = dependsAcross();
  t.deepEqual(p.graph.heads(), ['2', '4']);
  t.deepEqual(p.graph.bases(), ['1', '3']);
  t.deepEqual(p.graph.parents('4'), ['3']);
  t.deepEqual(up(p, 'b@head'), ['1', '2', '3', '4']);
  t.deepEqual(down(p, 'a@base'), ['4', '2', '1']);
  // 2 is built on 1, and 4 depends on 2: both go; the root 3 of branch b stays.
  t.deepEqual(down(p, '1'), ['4', '2']);
  // 4 depends on 2 itself: downgrading to 2 leaves it (2 stays applied).
  t.deepEqual(down(p, '2'), []);
  t.deepEqual(versionRows(p.graph, new Set(['1', '2', '3', '4'])), ['4']);
  const plan = planUpgrade(p.graph, new Set(), 'b@head');
  t.deepEqual(plan.headsAfter, ['4']);
});

test('targets: prefixes, ambiguity, unknown ids, wrong directions, irreversible', (t) => {
  const p = graphProject([['100'], ['101'], ['200']]);
  t.deepEqual(up(p, '20'), ['100', '101', '200']);
  const ambiguous = error(() => up(p, '10'));
  t.is(ambiguous.code, 'ambiguous-revision');
  t.regex(ambiguous.message, /matches 2 revisions: 100, 101/);
  t.is(error(() => up(p, '3')).code, 'unknown-revision');
  // A revision's file name names it too (how Alembic, dbmate and goose users know theirs); an id with underscores names the id without them.
  t.deepEqual(up(p, '101_step_101'), ['100', '101']);
  t.deepEqual(up(p, '10_1'), ['100', '101']);
  t.is(error(() => up(p, '101_step')).code, 'unknown-revision');
  t.deepEqual(up(p, 'base', '101'), []);
  t.deepEqual(down(p, 'heads'), []);
  t.is(error(() => down(p, '200', '101')).code, 'not-applied');
  t.is(error(() => up(p, 'no way!')).code, 'bad-target');
  const irreversible = graphProject([['1'], ['2', ['-- migrate:irreversible']], ['3']]);
  const e = error(() => down(irreversible, 'base'));
  t.is(e.code, 'irreversible');
  t.regex(e.message, /would pass 2/);
  t.deepEqual(down(irreversible, '2'), ['3']);
});

// One root per component, each labelled: web (w1 ← w2 ← w3), api (a1 ← a2), jobs (j1) depends on a1.
const components = () =>
  graphProject([
    ['1', ['-- migrate:revises base', '-- migrate:branch web']],
    ['2'],
    ['3'],
    ['4', ['-- migrate:revises base', '-- migrate:branch api']],
    ['5'],
    ['6', ['-- migrate:revises base', '-- migrate:branch jobs', '-- migrate:depends-on 4']],
  ]);

test('downgrade reverts only what is built on the target: other roots and branches stay', (t) => {
  const p = components();
  t.deepEqual(p.graph.bases(), ['1', '4', '6']);
  t.deepEqual(down(p, 'web'), ['3', '2']);
  t.deepEqual(down(p, '2'), ['3']);
  // jobs depends on 4 (api's root) itself: it stays when api goes down to 4.
  t.deepEqual(down(p, 'api'), ['5']);
  // …and goes with api@base, which removes that branch and what depends on it.
  t.deepEqual(down(p, 'api@base'), ['6', '5', '4']);
  t.deepEqual(down(p, '3'), []);
  t.deepEqual(down(p, '1-1'), ['3', '2', '1']);
  t.deepEqual(down(p, 'base'), ['6', '5', '4', '3', '2', '1']);
  t.is(error(() => down(p, '2', '4')).code, 'not-applied');
});

test('no-op targets plan nothing: upgrade base, <label>@base, an applied revision; downgrade to a head', (t) => {
  const p = twoBranches();
  t.deepEqual(up(p, 'base', 'heads'), []);
  t.deepEqual(up(p, 'billing@base', '4'), []);
  t.deepEqual(up(p, '2', '4'), []);
  t.deepEqual(up(p, 'billing@head', '4'), []);
  t.deepEqual(down(p, '5'), []);
  t.deepEqual(down(p, '4'), []);
  t.is(error(() => up(p, 'nolabel@base')).code, 'unknown-label');
});

// Branch x forks: 1 (x) ← {2, 3}; 3 ← 4.
const forkedBranch = () => graphProject([['1', ['-- migrate:branch x']], ['2', ['-- migrate:revises 1']], ['3', ['-- migrate:revises 1']], ['4', ['-- migrate:revises 3']]]);

test('<label>@head with several heads on the branch is refused, naming them, for both directions', (t) => {
  const p = forkedBranch();
  for (const e of [error(() => up(p, 'x@head')), error(() => down(p, 'x@head'))]) {
    t.is(e.code, 'multiple-heads');
    t.regex(e.message, /branch x has 2 heads: 2, 4/);
  }
});

test('<label>@+N and <label>@-N count from that branch\'s current head and refuse only at forks', (t) => {
  const p = twoBranches();
  t.deepEqual(up(p, 'billing@+1', '2,3'), ['4']);
  t.deepEqual(up(p, 'audit@+1', '4'), ['3']);
  t.deepEqual(up(p, 'audit@+2', '4'), ['3', '5']);
  t.deepEqual(down(p, 'billing@-1'), ['4']);
  t.deepEqual(down(p, 'audit@-2', '5'), ['5', '3']);
  t.is(error(() => down(p, 'billing@+1')).code, 'wrong-direction');
  t.is(error(() => up(p, 'billing@+2', '4')).code, 'relative-out-of-range');
  const f = forkedBranch();
  const fork = error(() => up(f, 'x@+2', '1'));
  t.is(fork.code, 'ambiguous-walk');
  t.regex(fork.message, /1 is a branch point/);
  t.deepEqual(up(f, 'x@+1', '3'), ['4']);
  const twoCurrent = error(() => down(f, 'x@-1', '2,4'));
  t.is(twoCurrent.code, 'ambiguous-relative');
  t.regex(twoCurrent.message, /branch x has 2: 2, 4/);
});

test('<id>@-N goes down the line through that revision: with two heads on one parent, <head>@-1 reverts that head alone', (t) => {
  const p = graphProject([['1'], ['2', ['-- migrate:revises 1']], ['3', ['-- migrate:revises 1']], ['4', ['-- migrate:revises 3']]]);
  // The parent's rule reverts what is built on it: both branches.
  t.deepEqual([...down(p, '2-1')].sort(), ['2', '3', '4']);
  t.deepEqual(down(p, '2@-1'), ['2']);
  t.deepEqual(down(p, '4@-1'), ['4']);
  t.deepEqual(down(p, '4@-2'), ['4', '3']);
  t.deepEqual(down(p, '3@-1'), ['4'], 'counts from the current head on the line of 3');
  // Through the fork: what is built on a revision that goes, goes too.
  t.deepEqual([...down(p, '2@-2')].sort(), ['1', '2', '3', '4']);
  t.is(error(() => down(p, '1@-1')).code, 'ambiguous-relative');
  t.is(error(() => down(p, '2@-1', 'base')).code, 'relative-out-of-range');
});

test('downgrade -N with several current heads: the hint names <head>@-N, which reverts that head alone, not <head>-N', (t) => {
  const p = graphProject([['1'], ['2', ['-- migrate:revises 1']], ['3', ['-- migrate:revises 1']]]);
  const two = error(() => down(p, '-1')) as Error & { code: string; hint: string };
  t.is(two.code, 'ambiguous-relative');
  t.regex(two.hint, /`2@-1` or `3@-1`/);
  t.notRegex(two.hint, /2-1/, '2-1 would revert 3 as well');
  // What the hint names does what it says.
  t.deepEqual(down(p, '2@-1'), ['2']);
  const d = diamond();
  const afterMerge = error(() => down(d, '-2')) as Error & { code: string; hint: string };
  t.regex(afterMerge.hint, /downgrade -1 first, then .*`2@-1` or `3@-1`/);
  // Upgrades keep <id>+N (children of that revision).
  t.regex((error(() => up(p, '+1', '2,3')) as Error & { code: string; hint: string }).hint, /2\+1/);
});

test('the order of the whole graph: each call gets its own array (a caller may reverse it), a subset is ordered on its own', (t) => {
  const p = diamond();
  const all = new Set(p.graph.ids());
  const first = p.graph.upgradeOrder(all);
  t.deepEqual(first, ['1', '2', '3', '4']);
  first.reverse(); // what newestFirst does with it
  t.deepEqual(p.graph.upgradeOrder(all), ['1', '2', '3', '4']);
  t.deepEqual(p.graph.downgradeOrder(all), ['4', '3', '2', '1']);
  t.deepEqual(p.graph.downgradeOrder(new Set(p.graph.ids())).reverse(), ['1', '2', '3', '4']);
  t.deepEqual(p.graph.downgradeOrder(all), ['4', '3', '2', '1']);
  t.deepEqual(p.graph.upgradeOrder(new Set(['4', '2'])), ['2', '4']);
});
