import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { binary, cli } from './helpers/cli.js';
import { makeFolder, pair } from './helpers/folders.js';

const branched = () =>
  makeFolder({
    ...pair('1', [], 'create_users'),
    ...pair('2', ['-- migrate:revises 1', '-- migrate:branch billing'], 'invoices'),
    ...pair('3', ['-- migrate:revises 1', '-- migrate:branch audit', '-- migrate:message audit log'], 'audit'),
  });

test('heads lists every head, in text and JSON', async (t) => {
  const dir = branched();
  const text = await cli(['heads', '--dir', dir]);
  t.is(text.code, 0);
  t.is(text.stdout, '2 (head) [billing] invoices\n3 (head) [audit] audit log\n');
  const json = await cli(['heads', '--dir', dir, '--json']);
  t.deepEqual(
    JSON.parse(json.stdout).heads.map((h: { id: string; branchLabels: string[] }) => [h.id, h.branchLabels]),
    [
      ['2', ['billing']],
      ['3', ['audit']],
    ],
  );
});

test('branches names branch points, their children and labels', async (t) => {
  const r = await cli(['branches', '--dir', branched()]);
  t.regex(r.stdout, /^1 \(base, branchpoint\) create users\n  -> 2 \(head\) \[billing\] invoices\n  -> 3 \(head\) \[audit\] audit log\n/);
  t.regex(r.stdout, /billing: from 2, head 2 \(1 revision\)/);
  const json = JSON.parse((await cli(['branches', '--dir', branched(), '--json'])).stdout);
  t.deepEqual(json.branchPoints, [{ id: '1', message: 'create users', children: ['2', '3'] }]);
});

test('history draws the graph newest first', async (t) => {
  const dir = makeFolder({
    ...pair('1'),
    ...pair('2', ['-- migrate:revises 1']),
    ...pair('3', ['-- migrate:revises 1']),
    '4_m.up.sql': '-- migrate:revises 2, 3\n',
    '4_m.down.sql': '',
  });
  const r = await cli(['history', '--dir', dir]);
  t.is(r.code, 0);
  t.is(
    r.stdout,
    ['* 4 (head, mergepoint) m', '|\\', '| * 3 step 3', '* | 2 step 2', '|/', '* 1 (base, branchpoint) step 1', ''].join('\n'),
  );
  const json = JSON.parse((await cli(['history', '--dir', dir, '--json'])).stdout);
  t.deepEqual(
    json.rows.map((row: { revision: { id: string } | null }) => row.revision?.id ?? null),
    ['4', null, '3', '2', null, '1'],
  );
});

test('show prints the header fields, checksums and, with --dialect, the statements', async (t) => {
  const dir = makeFolder({
    '1_a.up.sql': '-- migrate:message first one\nCREATE TABLE a (id INT);\n-- migrate:dialect postgres\nCREATE INDEX CONCURRENTLY i ON a (id);\n-- migrate:end\n',
    '1_a.down.sql': 'DROP TABLE a;\n',
  });
  const r = await cli(['show', '1', '--dir', dir, '--dialect', 'pg']);
  t.regex(r.stdout, /message: {5}first one/);
  t.regex(r.stdout, /postgres +v1:[0-9a-f]{64}/);
  t.regex(r.stdout, /-- up \(postgres\): 2 statements\n-- line 2\nCREATE TABLE a \(id INT\);\n-- line 4\nCREATE INDEX CONCURRENTLY i ON a \(id\);/);
  const json = JSON.parse((await cli(['show', '1', '--dir', dir, '--dialect', 'sqlite', '--json'])).stdout);
  t.is(json.revision.statements.up.length, 1);
  t.not(json.revision.checksums.sqlite, json.revision.checksums.postgres);
});

test('check exits 1 and prints path:line for problems, 0 when clean', async (t) => {
  const dir = makeFolder({ ...pair('1'), '2_b.up.sql': 'SELECT 1;\n-- migrate:dialect nope\nSELECT 2;\n-- migrate:end\n', '2_b.down.sql': 'SELECT 1;\n' });
  const bad = await cli(['check', '--dir', dir]);
  t.is(bad.code, 1);
  t.true(bad.stdout.includes(`${join(dir, '2_b.up.sql')}:2: error: unknown dialect "nope"`));
  t.regex(bad.stdout, /2 revisions, 1 head: 1 error, 0 warnings/);
  const json = JSON.parse((await cli(['check', '--dir', dir, '--json'])).stdout);
  t.false(json.ok);
  t.is(json.problems[0].code, 'unknown-dialect');
  t.is(json.problems[0].line, 2);
  t.is((await cli(['check', '--dir', makeFolder(pair('1'))])).code, 0);
});

test('check --max-heads fails a forked history; --dialects prints the coverage matrix', async (t) => {
  const dir = branched();
  t.is((await cli(['check', '--dir', dir, '--max-heads', '2'])).code, 0);
  const forked = await cli(['check', '--dir', dir, '--max-heads', '1']);
  t.is(forked.code, 1);
  t.regex(forked.stdout, /2 heads \(2, 3\), more than --max-heads 1/);
  const matrixDir = makeFolder({
    '1_a.up.sql': '-- migrate:dialect postgres\nSELECT 1;\n-- migrate:dialect default\nSELECT 2;\n-- migrate:end\n',
    '1_a.down.sql': '-- migrate:dialect mysql\nSELECT 1;\n-- migrate:end\n',
  });
  const matrix = await cli(['check', '--dir', matrixDir, '--dialects']);
  t.regex(matrix.stdout, /revision postgres +mysql +mariadb +sqlite/);
  // The worst of up and down: postgres has no down section, mysql falls back to default in the up file.
  t.regex(matrix.stdout, /1 +nothing +default +default +nothing/);
  const json = JSON.parse((await cli(['check', '--dir', matrixDir, '--dialects', '--json'])).stdout);
  t.deepEqual(json.coverage, [{ id: '1', dialects: { postgres: 'nothing', mysql: 'default', mariadb: 'default', sqlite: 'nothing' } }]);
});

test('revision writes a timestamped pair revising the single head; merge joins all heads', async (t) => {
  const dir = makeFolder(pair('1'));
  const r = await cli(['revision', '-m', 'Add e-mail to users!', '--dir', dir, '--json']);
  t.is(r.code, 0, r.stderr);
  const written = JSON.parse(r.stdout);
  t.regex(written.id, /^\d{14}$/);
  t.true(written.upPath.endsWith(`${written.id}_add_e_mail_to_users.up.sql`));
  const up = readFileSync(written.upPath, 'utf8');
  t.regex(up, /^-- migrate:revises 1\n-- migrate:message Add e-mail to users!\n/);
  // A second revision on a branch of 1, then merge.
  const second = await cli(['revision', '-m', 'billing', '--revises', '1', '--branch', 'billing', '--id', '5', '--dir', dir]);
  t.is(second.code, 0, second.stderr);
  const noDefault = await cli(['revision', '-m', 'x', '--dir', dir]);
  t.is(noDefault.code, 1);
  t.regex(noDefault.stderr, /2 heads .*pass --revises <id>, or join the heads first with `migrate-tui merge`/s);
  const merge = await cli(['merge', '--dir', dir, '--id', '9', '--json']);
  t.is(merge.code, 0, merge.stderr);
  t.deepEqual(JSON.parse(merge.stdout).revises, ['5', written.id].sort((a, b) => (a.length - b.length) || a.localeCompare(b)));
  t.deepEqual(JSON.parse((await cli(['heads', '--dir', dir, '--json'])).stdout).heads.map((h: { id: string }) => h.id), ['9']);
  t.regex(readdirSync(dir).join(' '), /9_merge_5_and_\d{14}\.up\.sql/);
  // A taken --id: the hint names the option that exists (it said --version, which revision has not).
  const taken = await cli(['revision', '-m', 'again', '--revises', '9', '--id', '5', '--dir', dir]);
  t.is(taken.code, 1);
  t.regex(taken.stderr, /version 5 already exists\n\s+→ choose another --id/);
});

test('upgrade --sql prints the plan with transactions and version-table statements per dialect', async (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2'), ...pair('3', ['-- migrate:transaction off']) });
  const pg = await cli(['upgrade', '--sql', '--dialect', 'postgres', '--dir', dir]);
  t.is(pg.code, 0, pg.stderr);
  t.is(
    pg.stdout
      .split('\n')
      .filter((l) => !l.startsWith('--') && l !== '')
      .map((l) => l.replace(/^(INSERT INTO "migrate_tui_log" .* VALUES \('\d+', '\w+').*$/, '$1, …'))
      .map((l) => l.replace(/^(CREATE TABLE IF NOT EXISTS "migrate_tui_log") .*$/, '$1 …'))
      .join('\n'),
    [
      'CREATE TABLE IF NOT EXISTS "migrate_tui_version" ("revision" VARCHAR(64) NOT NULL PRIMARY KEY);',
      'CREATE TABLE IF NOT EXISTS "migrate_tui_log" …',
      'BEGIN;',
      'CREATE TABLE t_1 (id INTEGER);',
      `INSERT INTO "migrate_tui_version" ("revision") VALUES ('1');`,
      `INSERT INTO "migrate_tui_log" ("revision", "direction", "kind", "dialect", "checksum", "sql_text", "down_sql", "statements_total", "statements_done", "status", "started_at", "finished_at", "duration_ms", "os_user", "host", "tool_version", "error") VALUES ('1', 'up', …`,
      'COMMIT;',
      'BEGIN;',
      'CREATE TABLE t_2 (id INTEGER);',
      `UPDATE "migrate_tui_version" SET "revision" = '2' WHERE "revision" = '1';`,
      `INSERT INTO "migrate_tui_log" ("revision", "direction", "kind", "dialect", "checksum", "sql_text", "down_sql", "statements_total", "statements_done", "status", "started_at", "finished_at", "duration_ms", "os_user", "host", "tool_version", "error") VALUES ('2', 'up', …`,
      'COMMIT;',
      'CREATE TABLE t_3 (id INTEGER);',
      `UPDATE "migrate_tui_version" SET "revision" = '3' WHERE "revision" = '2';`,
      `INSERT INTO "migrate_tui_log" ("revision", "direction", "kind", "dialect", "checksum", "sql_text", "down_sql", "statements_total", "statements_done", "status", "started_at", "finished_at", "duration_ms", "os_user", "host", "tool_version", "error") VALUES ('3', 'up', …`,
    ].join('\n'),
  );
  // The log row carries the checksum, the SQL and the down SQL, as an online run writes them.
  t.regex(pg.stdout, /VALUES \('1', 'up', 'migrate', 'postgres', 'v1:[0-9a-f]{64}', 'CREATE TABLE t_1 \(id INTEGER\);', 'DROP TABLE t_1;', 1, 1, 'done',/);
  t.regex(pg.stdout, /^-- planned by migrate-tui \S+ .* from base \(no database and no --from\)$/m);
  // Alembic's range form plans from the left side.
  const range = await cli(['upgrade', '1:2', '--sql', '--dialect', 'postgres', '--dir', dir, '--json']);
  t.is(range.code, 0, range.stderr);
  t.deepEqual(JSON.parse(range.stdout).plan.steps.map((s: { id: string }) => s.id), ['2']);
  t.regex(JSON.parse(range.stdout).sql, /from --from 1\n/);
  const downRange = await cli(['downgrade', '3:1', '--sql', '--dialect', 'postgres', '--dir', dir, '--json']);
  t.deepEqual(JSON.parse(downRange.stdout).plan.steps.map((s: { id: string }) => s.id), ['3', '2']);
  const online = await cli(['upgrade', '1:2', '--dir', dir]);
  t.is(online.code, 2);
  t.regex(online.stderr, /only works with --sql/);
  const mysql = await cli(['upgrade', '2', '--sql', '--dialect', 'mysql', '--dir', dir]);
  t.false(mysql.stdout.includes('BEGIN'), 'MySQL DDL is not transactional');
  t.regex(mysql.stdout, /INSERT INTO `migrate_tui_version` \(`revision`\) VALUES \('1'\);/);
  t.false(mysql.stdout.includes('t_3'));
});

test('downgrade --sql plans from all heads by default, or from --from', async (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2'), ...pair('3') });
  const r = await cli(['downgrade', '1', '--sql', '--dialect', 'sqlite', '--dir', dir, '--json']);
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  t.deepEqual(json.plan.steps.map((s: { id: string }) => s.id), ['3', '2']);
  t.deepEqual(json.plan.headsAfter, ['1']);
  t.regex(json.sql, /DROP TABLE t_3;[\s\S]*DROP TABLE t_2;/);
  const from2 = await cli(['downgrade', '-1', '--sql', '--dialect', 'sqlite', '--from', '2', '--dir', dir, '--json']);
  t.deepEqual(JSON.parse(from2.stdout).plan.steps.map((s: { id: string }) => s.id), ['2']);
  t.regex(JSON.parse(from2.stdout).sql, /DELETE FROM|UPDATE "migrate_tui_version" SET "revision" = '1' WHERE "revision" = '2'/);
});

test('user mistakes exit 2 or 3 with a message and no stack trace', async (t) => {
  const dir = makeFolder({ ...pair('10'), ...pair('11') });
  const ambiguous = await cli(['upgrade', '1', '--sql', '--dialect', 'pg', '--dir', dir]);
  t.is(ambiguous.code, 2);
  t.regex(ambiguous.stderr, /error: "1" matches 2 revisions: 10, 11\n {2}→ give more characters/);
  const json = await cli(['upgrade', 'nope', '--sql', '--dialect', 'pg', '--dir', dir, '--json']);
  t.is(json.code, 2);
  t.is(JSON.parse(json.stdout).error.code, 'unknown-revision');
  const noDialect = await cli(['upgrade', '--sql', '--dir', dir]);
  t.is(noDialect.code, 2);
  t.regex(noDialect.stderr, /--sql needs --dialect/);
  const badDialect = await cli(['upgrade', '--sql', '--dialect', 'oracle', '--dir', dir]);
  t.regex(badDialect.stderr, /unknown dialect "oracle"/);
  const cycle = makeFolder({ ...pair('1', ['-- migrate:revises 2']), ...pair('2') });
  const invalid = await cli(['heads', '--dir', cycle]);
  t.is(invalid.code, 3);
  t.regex(invalid.stderr, /cycle: /);
  t.regex(invalid.stderr, /\.up\.sql:1: error/);
  const unknownOption = await cli(['heads', '--frobnicate']);
  t.is(unknownOption.code, 2);
  t.regex(unknownOption.stderr, /unknown option '--frobnicate'/);
  for (const r of [ambiguous, noDialect, invalid, unknownOption]) t.false(/\n\s+at /.test(r.stderr), 'no stack trace');
});

test('the built binary runs as a user would run it', (t) => {
  const dir = makeFolder({ ...pair('1'), ...pair('2') });
  const heads = binary(['heads', '--dir', dir]);
  t.is(heads.code, 0, heads.stderr);
  t.is(heads.stdout, '2 (head) step 2\n');
  const help = binary(['--help']);
  t.is(help.code, 0);
  for (const command of ['heads', 'branches', 'history', 'show', 'check', 'revision', 'merge', 'upgrade', 'downgrade']) t.regex(help.stdout, new RegExp(`\\n  ${command}\\b`));
  const bad = binary(['downgrade', 'base', '--sql', '--dialect', 'sqlite', '--dir', join(dir, 'missing')]);
  t.is(bad.code, 3);
  t.regex(bad.stderr, /the migrations folder does not exist/);
});

test('revision in a new project makes the migrations folder, says so, and the folder checks clean', async (t) => {
  const { mkdtempSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const cwd = mkdtempSync(join(tmpdir(), 'migrate-tui-new-project-'));
  const r = await cli(['--dir', 'db/migrations', 'revision', '-m', 'create users', '--id', '0001'], { cwd });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^created the migrations folder .*db\/migrations\ncreated revision 0001/);
  t.true(existsSync(join(cwd, 'db/migrations/0001_create_users.up.sql')));
  const again = await cli(['--dir', 'db/migrations', 'revision', '-m', 'create roles', '--id', '0002'], { cwd });
  t.notRegex(again.stdout, /created the migrations folder/, 'said only when it was made');
  t.is((await cli(['--dir', 'db/migrations', 'check', '--offline'], { cwd })).code, 0);
});
