import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetSummary, readTargets, runFleet, selectTargets, TargetsFileError, validateTargets, type Fleet, type FleetTarget, type TargetOutcome } from '../src/engine/index.js';
import { cli } from './helpers/cli.js';

/** Targets files and their errors, --only, and the stage scheduler: no database needed. */

const cwd = '/tmp';
const fleet = (value: unknown, env: Record<string, string> = {}): Fleet => validateTargets(value, 'fleet.json', env, cwd);
const errorOf = (value: unknown, env: Record<string, string> = {}) => {
  const error = (() => {
    try {
      fleet(value, env);
    } catch (e) {
      return e;
    }
    return null;
  })();
  if (!(error instanceof TargetsFileError)) throw new Error(`expected a TargetsFileError, got ${String(error)}`);
  return error;
};

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-fleet-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('a list of targets: stages in order of first appearance, default stage, tags, ${VAR} read from the environment', (t) => {
  const f = fleet(
    [
      { name: 'canary-1', url: 'postgres://app:${PW}@db1:5433/app', stage: 'canary', tags: ['eu'] },
      { name: 'eu-2', url: 'mysql://app:${PW}@db2/app', stage: 'eu', tags: ['eu', 'big'] },
      { name: 'local', url: 'sqlite:./a.sqlite' },
    ],
    { PW: 's3cr#t' },
  );
  t.deepEqual(f.stages, ['canary', 'eu', 'default']);
  t.deepEqual(f.targets.map((x) => [x.name, x.stage, x.tags.join('+')]), [['canary-1', 'canary', 'eu'], ['eu-2', 'eu', 'eu+big'], ['local', 'default', '']]);
  // A value in the user:password part is percent-encoded (a # or @ in a password stays a password).
  t.is(f.targets[0]!.connection.url, 'postgres://app:s3cr%23t@db1:5433/app');
  t.is(f.targets[0]!.connection.display.includes('s3cr'), false);
  t.is(f.targets[2]!.connection.file, '/tmp/a.sqlite');
});

test('the object form fixes the stage order; a target in a stage it does not list is an error naming the target', (t) => {
  const f = fleet({ stages: ['canary', 'rest'], targets: [{ name: 'b', url: 'sqlite:b', stage: 'rest' }, { name: 'a', url: 'sqlite:a', stage: 'canary' }] });
  t.deepEqual(f.stages, ['canary', 'rest']);
  const e = errorOf({ stages: ['canary'], targets: [{ name: 'b', url: 'sqlite:b', stage: 'rest' }] });
  t.regex(e.message, /^fleet\.json: target "b" is in stage "rest", which "stages" does not list/);
});

test('errors name the file and the entry: duplicate names, missing url, bad name, unknown key, empty list, not a list', (t) => {
  t.regex(errorOf([{ name: 'a', url: 'sqlite:a' }, { name: 'a', url: 'sqlite:b' }]).message, /fleet\.json: target 2 has the name "a" of target 1/);
  t.regex(errorOf([{ name: 'a' }]).message, /fleet\.json: target "a" \(target 1\) needs a "url"/);
  t.regex(errorOf([{ name: 'a b', url: 'sqlite:a' }]).message, /fleet\.json: target 1 needs a "name"/);
  t.regex(errorOf([{ name: 'a', url: 'sqlite:a', region: 'eu' }]).message, /target "a" \(target 1\) has unknown key "region"/);
  t.regex(errorOf([{ name: 'a', url: 'sqlite:a', tags: 'eu' }]).message, /"tags" must be a list of names/);
  t.regex(errorOf([]).message, /the list of targets is empty/);
  t.regex(errorOf({ name: 'a' }).message, /unknown key "name"/);
  t.regex(errorOf('x').message, /expected a list of targets/);
});

test('a missing ${VAR} is an error naming the target and the variable, never an empty password', (t) => {
  const e = errorOf([{ name: 'ok', url: 'sqlite:a' }, { name: 'eu-3', url: 'postgres://app:${EU3_PASSWORD}@db/app' }]);
  t.regex(e.message, /fleet\.json: target "eu-3" \(target 2\): the environment variable EU3_PASSWORD used in its URL is not set/);
  t.regex(e.hint, /set EU3_PASSWORD/);
});

test('a bad URL names the target and never echoes the password', (t) => {
  for (const url of ['postgres://app:hunter2-%zz@db/app', 'oracle://app:hunter2@db/app', 'postgres://app:hunter2@db', 'postgres://app:hunter2@db:notaport/app']) {
    const e = errorOf([{ name: 'eu-1', url }]);
    t.regex(e.message, /^fleet\.json: target "eu-1" \(target 1\): /, url);
    t.false(JSON.stringify({ message: e.message, hint: e.hint, meta: e.meta }).includes('hunter2'), url);
  }
  // A password from the environment is never shown either.
  const e = errorOf([{ name: 'eu-1', url: 'postgres://app:${PW}@db' }], { PW: 'hunter2' });
  t.false(`${e.message} ${e.hint}`.includes('hunter2'));
});

test('--only takes names and tag:NAME; one that matches nothing is an error; stages left empty drop out', (t) => {
  const f = fleet([
    { name: 'c', url: 'sqlite:c', stage: 'canary', tags: ['us'] },
    { name: 'e1', url: 'sqlite:e1', stage: 'rest', tags: ['eu'] },
    { name: 'e2', url: 'sqlite:e2', stage: 'rest', tags: ['eu'] },
    { name: 'u1', url: 'sqlite:u1', stage: 'rest', tags: ['us'] },
  ]);
  const picked = selectTargets(f, ['tag:eu', 'u1']);
  t.deepEqual(picked.targets.map((x) => x.name), ['e1', 'e2', 'u1']);
  t.deepEqual(picked.stages, ['rest']);
  t.throws(() => selectTargets(f, ['tag:asia']), { message: /--only tag:asia: no target has that tag in fleet\.json/ });
  t.throws(() => selectTargets(f, ['nope']), { message: /--only nope: no target has that name/ });
});

test('a targets file on disk: missing file, bad JSON (the line, not the text), a command source, its failure and its timeout', (t) => {
  const dir = folderWith({
    'migrate-tui.targets.json': '[{"name": "a", "url": "sqlite:./a.sqlite"}]',
    'broken.json': '[\n{"name": "a",\n "url": "postgres://u:hunter2@h/db"\n\n',
    'dynamic.json': JSON.stringify({ command: 'printf \'[{"name": "t-%s", "url": "sqlite:./%s.sqlite"}]\' "$TENANT" "$TENANT"' }),
    'failing.json': JSON.stringify({ command: 'echo "control database unreachable" >&2; exit 3' }),
    'slow.json': JSON.stringify({ command: 'sleep 5', timeout: 0.3 }),
    'garbage.json': JSON.stringify({ command: 'echo not json' }),
  });
  t.deepEqual(readTargets(undefined, dir, {}).targets.map((x) => x.name), ['a']);
  t.throws(() => readTargets('nope.json', dir, {}), { message: 'nope.json: no such file' });
  const broken = t.throws(() => readTargets('broken.json', dir, {}));
  t.regex(broken!.message, /^broken\.json:3: not valid JSON \(line 3\)$/);
  t.false(broken!.message.includes('hunter2'));
  t.deepEqual(readTargets('dynamic.json', dir, { TENANT: 'acme' }).targets.map((x) => x.name), ['t-acme']);
  t.throws(() => readTargets('failing.json', dir, {}), { message: /failing\.json: the targets command "echo .*" exited with code 3:\ncontrol database unreachable/ });
  const started = Date.now();
  t.throws(() => readTargets('slow.json', dir, {}), { message: /slow\.json: the targets command "sleep 5" did not finish within 0\.3 s/ });
  t.true(Date.now() - started < 4000);
  t.throws(() => readTargets('garbage.json', dir, {}), { message: /^garbage\.json \(output of "echo not json"\): not valid JSON \(line 1 of its output\)$/ });
});

test('the CLI: a bad targets file exits 2 naming it; --only without --targets, --url with --targets and a command that does not run over a fleet are usage errors', async (t) => {
  const dir = folderWith({ 'migrate-tui.targets.json': '[{"name": "a", "url": "postgres://u:${NOPE}@h/db"}]', '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
  const bad = await cli(['--dir', dir, 'upgrade', '--targets'], { cwd: dir });
  t.is(bad.code, 2);
  t.regex(bad.stderr, /migrate-tui\.targets\.json: target "a" \(target 1\): the environment variable NOPE used in its URL is not set/);
  t.is((await cli(['--dir', dir, 'upgrade', '--only', 'a'], { cwd: dir })).code, 2);
  t.is((await cli(['--dir', dir, 'upgrade', '--targets', '--url', 'sqlite:x'], { cwd: dir, env: { NOPE: 'x' } })).code, 2);
  const dryRun = await cli(['--dir', dir, 'downgrade', 'base', '--dry-run', '--targets'], { cwd: dir, env: { NOPE: 'x' } });
  t.is(dryRun.code, 2);
  t.regex(dryRun.stderr, /--dry-run does not run over a fleet/);
  const verify = await cli(['--dir', dir, 'history', '--targets'], { cwd: dir, env: { NOPE: 'x' } });
  t.is(verify.code, 2);
  t.regex(verify.stderr, /`history` does not run over a fleet/);
});

test('`--targets status` reads the default targets file: a command name after --targets is the command, not the file (unless a file has that name)', async (t) => {
  const dir = folderWith({ 'migrate-tui.targets.json': '[{"name": "one", "url": "sqlite:./one.db"}]', '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
  const up = await cli(['--dir', dir, '--targets', 'upgrade', '--yes'], { cwd: dir });
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /✓ one \[default\] sqlite:\.\/one\.db: created the SQLite database \.\/one\.db \(it did not exist\); applied 1 revision/);
  const status = await cli(['--targets', 'status', '--dir', dir], { cwd: dir });
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, /= one \[default\] .*nothing pending/);
  // A targets file named like a command is still a file.
  writeFileSync(join(dir, 'status'), '[{"name": "other", "url": "sqlite:./other.db"}]');
  const named = await cli(['--targets', 'status', '--dir', dir, 'status'], { cwd: dir });
  t.regex(named.stdout + named.stderr, /other/);
  t.notRegex(named.stdout, /\bone\b/);
});

test('`--targets --only <names> <command>`: --targets takes no value there, and --only\'s value is not read as the command', async (t) => {
  const dir = folderWith({ 'migrate-tui.targets.json': '[{"name": "one", "url": "sqlite:./one.db"}, {"name": "two", "url": "sqlite:./two.db", "tags": ["t"]}]', '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' });
  // It said: unknown command 'two'.
  const up = await cli(['--dir', dir, '--targets', '--only', 'two', '--yes', 'upgrade'], { cwd: dir });
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /✓ two \[default\] sqlite:\.\/two\.db: created the SQLite database \.\/two\.db \(it did not exist\); applied 1 revision/);
  t.notRegex(up.stdout, /\bone\b/);
  const parallel = await cli(['--dir', dir, '--targets', '--parallel', '2', '--only', 'tag:t', 'status'], { cwd: dir });
  t.is(parallel.code, 0, parallel.stderr);
  t.regex(parallel.stdout, /= two /);
  // A real typo is still named.
  const typo = await cli(['--dir', dir, '--targets', '--only', 'two', 'statsu'], { cwd: dir });
  t.is(typo.code, 2);
  t.regex(typo.stderr, /unknown command 'statsu' — did you mean 'status'\?/);
});

// ---- the scheduler, with work that takes real (short) time ----

const targetsOf = (specs: Array<[string, string, string]>): Fleet => fleet(specs.map(([name, stage, url]) => ({ name, stage, url })));
const ok = (): TargetOutcome => ({ status: 'done', summary: 'ok', exitCode: 0, json: null });
const bad = (): TargetOutcome => ({ status: 'failed', summary: 'FAILED', exitCode: 1, json: null });
const tick = () => new Promise<void>((r) => setImmediate(r));

test('a failing canary stops the later stages (skipped, saying why); --continue-on-error goes on', async (t) => {
  const f = targetsOf([['c', 'canary', 'sqlite:c'], ['a', 'rest', 'sqlite:a'], ['b', 'rest', 'sqlite:b']]);
  const ran: string[] = [];
  const work = async (x: FleetTarget) => (ran.push(x.name), x.name === 'c' ? bad() : ok());
  const stopped = await runFleet(f, { parallel: 4, continueOnError: false, stopping: () => false }, work);
  t.deepEqual(stopped.map((r) => r.status), ['failed', 'skipped', 'skipped']);
  t.regex(stopped[1]!.summary, /skipped: stage "canary" had 1 failed target \(c\)/);
  t.deepEqual(ran, ['c']);
  const goneOn = await runFleet(f, { parallel: 4, continueOnError: true, stopping: () => false }, work);
  t.deepEqual(goneOn.map((r) => r.status), ['failed', 'done', 'done']);
});

test('a refused canary stops the later stages too, and the reason says refused', async (t) => {
  const f = targetsOf([['c', 'canary', 'sqlite:c'], ['d', 'canary', 'sqlite:d'], ['a', 'rest', 'sqlite:a']]);
  const refused = (): TargetOutcome => ({ status: 'refused', summary: 'REFUSED — nothing ran', exitCode: 1, json: null });
  const stopped = await runFleet(f, { parallel: 4, continueOnError: false, stopping: () => false }, async (x) => (x.name === 'c' ? refused() : x.name === 'd' ? bad() : ok()));
  t.deepEqual(stopped.map((r) => r.status), ['refused', 'failed', 'skipped']);
  t.regex(stopped[2]!.summary, /skipped: stage "canary" had 1 failed and 1 refused targets \(c, d\)/);
  t.like(fleetSummary(stopped), { refused: 1, failed: 1, skipped: 1 });
});

test('a fleet upgrade stopped by the lint gate is refused (exit 9 on the target), not failed', async (t) => {
  const dir = folderWith({ 'fleet.json': '[{"name": "one", "url": "sqlite:./one.db"}]', '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'DROP TABLE a;\n', '2_b.down.sql': 'CREATE TABLE a (id int);\n' });
  // 1 applied first, so 2 drops an existing table (DS401, a warning).
  t.is((await cli(['--dir', dir, '--targets', 'fleet.json', 'upgrade', '1', '--yes'], { cwd: dir })).code, 0);
  const gated = await cli(['--dir', dir, '--targets', 'fleet.json', 'upgrade', '--yes', '--lint', 'warning'], { cwd: dir });
  t.is(gated.code, 1, gated.stderr);
  // The reason alone (the one-database result's meta.reason), not its message's "refused: …; nothing ran" again.
  t.regex(gated.stdout, /^✗ one \[default\] .*: REFUSED — nothing ran: the plan has \d+ lint findings? at warning level or worse \(--lint warning\)( \(\d+ ms\))?$/m);
  const one = JSON.parse((await cli(['--url', 'sqlite:./one.db', '--dir', dir, '--json', 'upgrade', '--yes', '--lint', 'warning'], { cwd: dir })).stdout);
  t.regex(one.error.meta.reason, /^the plan has \d+ lint findings? at warning level or worse \(--lint warning\)$/);
  t.regex(gated.stdout, /upgrade on 1 target: 1 refused\n$/);
  // Nothing ran: the target is still at 1.
  t.deepEqual(JSON.parse((await cli(['--url', 'sqlite:./one.db', '--dir', dir, 'status', '--json'], { cwd: dir })).stdout).current, ['1']);
});

test('never more than --parallel targets at once per server; servers run side by side', async (t) => {
  const specs: Array<[string, string, string]> = [];
  for (let i = 0; i < 9; i++) specs.push([`p${i}`, 's', `postgres://u@pg-a:5432/d${i}`], [`m${i}`, 's', `mysql://u@my:3306/d${i}`], [`q${i}`, 's', `postgres://u@pg-b/d${i}`]);
  const f = targetsOf(specs);
  const now = new Map<string, number>();
  const peak = new Map<string, number>();
  let overall = 0;
  let overallPeak = 0;
  await runFleet(f, { parallel: 3, continueOnError: false, stopping: () => false }, async (x) => {
    const key = x.connection.url.split('@')[1]!.split('/')[0]!;
    now.set(key, (now.get(key) ?? 0) + 1);
    peak.set(key, Math.max(peak.get(key) ?? 0, now.get(key)!));
    overallPeak = Math.max(overallPeak, ++overall);
    for (let i = 0; i < 5; i++) await tick();
    now.set(key, now.get(key)! - 1);
    overall--;
    return ok();
  });
  t.deepEqual(Object.fromEntries(peak), { 'pg-a:5432': 3, 'my:3306': 3, 'pg-b': 3 });
  t.is(overallPeak, 9);
});

test('a server with fewer targets than twice --parallel still runs --parallel of them at once (2 of 2, 4 of 5)', async (t) => {
  const f = targetsOf([
    ['p0', 's', 'postgres://u@pg/d0'],
    ['p1', 's', 'postgres://u@pg/d1'],
    ...Array.from({ length: 5 }, (_, i): [string, string, string] => [`m${i}`, 's', `mysql://u@my/d${i}`]),
  ]);
  const now = new Map<string, number>();
  const peak = new Map<string, number>();
  await runFleet(f, { parallel: 4, continueOnError: false, stopping: () => false }, async (x) => {
    const key = x.connection.kind;
    now.set(key, (now.get(key) ?? 0) + 1);
    peak.set(key, Math.max(peak.get(key) ?? 0, now.get(key)!));
    for (let i = 0; i < 5; i++) await tick();
    now.set(key, now.get(key)! - 1);
    return ok();
  });
  t.deepEqual(Object.fromEntries(peak), { postgres: 2, mysql: 4 });
});

test('a cancel starts nothing new: running targets finish, the rest and later stages are skipped', async (t) => {
  const f = targetsOf([['a', 's1', 'sqlite:a'], ['b', 's1', 'sqlite:b'], ['c', 's1', 'sqlite:c'], ['d', 's2', 'sqlite:d']]);
  let stopping = false;
  const reports = await runFleet(f, { parallel: 2, continueOnError: true, stopping: () => stopping }, async (x) => {
    // a and b start together; the cancel comes while b starts.
    if (x.name === 'b') stopping = true;
    await tick();
    return ok();
  });
  t.deepEqual(reports.map((r) => `${r.target.name}:${r.status}`), ['a:done', 'b:done', 'c:skipped', 'd:skipped']);
  t.regex(reports[3]!.summary, /the run was cancelled/);
});

test('`--targets status` names an applied revision whose files are missing (the line said only "at 2; 1 pending", and the upgrade it invites is refused)', async (t) => {
  const dir = folderWith({ 'migrate-tui.targets.json': '[{"name": "one", "url": "sqlite:./one.db"}]', '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\n' });
  t.is((await cli(['--dir', dir, '--targets', 'upgrade', '--yes'], { cwd: dir })).code, 0);
  rmSync(join(dir, '2_b.up.sql'));
  rmSync(join(dir, '2_b.down.sql'));
  writeFileSync(join(dir, '3_c.up.sql'), 'CREATE TABLE c (id int);\n');
  writeFileSync(join(dir, '3_c.down.sql'), 'DROP TABLE c;\n');
  const status = await cli(['--dir', dir, '--targets', 'status'], { cwd: dir });
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, /… one \[default\] .*: at 2; 1 pending; 2 applied but its files are missing \(upgrade refuses; see status on this target\)/);
});

test('a fleet upgrade refused for an applied revision whose files are missing: the hint is whole, and its command names the target (copied, it reverts that target only)', async (t) => {
  const targets = '[{"name": "one", "url": "sqlite:./one.db"}, {"name": "two", "url": "sqlite:./two.db"}]';
  const dir = folderWith({ 'fleet.json': targets, '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\n' });
  t.is((await cli(['--dir', dir, '--targets', 'fleet.json', 'upgrade', '--yes'], { cwd: dir })).code, 0);
  rmSync(join(dir, '2_b.up.sql'));
  rmSync(join(dir, '2_b.down.sql'));
  writeFileSync(join(dir, '3_c.up.sql'), 'CREATE TABLE c (id int);\n');
  writeFileSync(join(dir, '3_c.down.sql'), 'DROP TABLE c;\n');

  const refused = await cli(['--dir', dir, '--targets', 'fleet.json', 'upgrade', '--yes'], { cwd: dir });
  t.is(refused.code, 1, refused.stderr);
  const line = refused.stdout.split('\n').find((l) => l.startsWith('✗ one '))!;
  // Titled as what it is: nothing ran ("FAILED:" stood above "Nothing ran").
  t.regex(line, /^✗ one \[default\] .*: REFUSED — nothing ran: /);
  // The hint was cut ("… `migrate-tui downgrade -1` (from the down S…"), and its command would have reverted the default database.
  t.regex(line, /Nothing ran \(→ check out the branch that has its files and upgrade there, or revert it first with `migrate-tui --targets fleet\.json --only one downgrade -1` \(from the down SQL stored when it ran\)\) \(\d+ ms\)$/);
  t.notRegex(refused.stdout, /…/);
  // Counted as refused, not as failed: neither target changed.
  t.regex(refused.stdout, /\nupgrade on 2 targets: 2 refused\n$/);
  const json = JSON.parse((await cli(['--dir', dir, '--targets', 'fleet.json', '--json', 'upgrade', '--yes'], { cwd: dir })).stdout);
  t.deepEqual(json.targets.map((x: { status: string }) => x.status), ['refused', 'refused']);
  t.like(json.summary, { refused: 2, failed: 0 });
  t.regex(json.targets[1].result.error.hint, /`migrate-tui --targets fleet\.json --only two downgrade -1`/);

  // Copied as it is (with this folder), it reverts 2 on "one" alone.
  const command = /`migrate-tui ([^`]+)`/.exec(line)![1]!.split(' ');
  const reverted = await cli(['--dir', dir, ...command, '--yes', '--no-backup'], { cwd: dir });
  t.is(reverted.code, 0, reverted.stderr);
  const missing = async (name: string) => JSON.parse((await cli(['--url', `sqlite:./${name}.db`, '--dir', dir, 'status', '--json'], { cwd: dir })).stdout).missing.map((m: { revision: string }) => m.revision);
  t.deepEqual(await missing('one'), []);
  t.deepEqual(await missing('two'), ['2']);
  // With the default file the command has --targets alone.
  writeFileSync(join(dir, 'migrate-tui.targets.json'), targets);
  const byDefault = await cli(['--dir', dir, '--targets', 'upgrade', '--yes', '--only', 'two'], { cwd: dir });
  t.regex(byDefault.stdout, /`migrate-tui --targets --only two downgrade -1`/);
});
