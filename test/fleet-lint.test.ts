import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * Issue 16 item 2: `lint --targets` lints the history for the dialects the targets use —
 * reading no database (the targets' servers here do not exist) — and prints each finding
 * once with the count of targets it concerns, not once per target.
 */
const HISTORY = {
  'migrations/001_t.up.sql': 'CREATE TABLE t (id INT);\n',
  'migrations/001_t.down.sql': 'DROP TABLE t;\n',
  'migrations/002_i.up.sql': 'CREATE INDEX ti ON t (id);\nALTER TABLE t DROP COLUMN id;\n',
  'migrations/002_i.down.sql': 'DROP INDEX ti;\n',
};

/** 200 PostgreSQL targets, 3 on a mysql:// URL and 2 SQLite files; nothing listens on port 1. */
function fleet(): string {
  const cwd = makeFolder(HISTORY);
  const targets = [
    ...Array.from({ length: 200 }, (_, i) => ({ name: `pg-${i}`, url: `postgres://app@127.0.0.1:1/t${i}`, stage: i < 2 ? 'canary' : 'main' })),
    ...Array.from({ length: 3 }, (_, i) => ({ name: `my-${i}`, url: `mysql://app@127.0.0.1:1/t${i}` })),
    ...Array.from({ length: 2 }, (_, i) => ({ name: `lite-${i}`, url: `sqlite:./l${i}.sqlite`, tags: ['small'] })),
  ];
  writeFileSync(join(cwd, 'migrate-tui.targets.json'), JSON.stringify(targets));
  return cwd;
}

test('lint --targets: once per dialect, each finding once with its target count; no database is opened', async (t) => {
  const cwd = fleet();
  const started = Date.now();
  const r = await cli(['lint', '--targets', '--no-why'], { cwd });
  t.is(r.code, 0, r.stderr);
  t.true(Date.now() - started < 20_000);
  t.regex(r.stdout, /^lint on 205 targets from migrate-tui\.targets\.json, once per dialect: postgres \(200 targets\), mysql \(3 targets\), mariadb \(3 targets\), sqlite \(2 targets\) — a mysql:\/\/ URL may reach MySQL or MariaDB/);
  // The PostgreSQL index finding: printed once for 200 targets.
  t.is(r.stdout.match(/PG101/g)?.length, 1);
  t.regex(r.stdout, /002_i\.up\.sql:1: warning PG101 \[postgres\]: CREATE INDEX ti .*\n  on: 200 targets \(postgres: 200\)/);
  t.regex(r.stdout, /002_i\.up\.sql:2: warning DS402 \[postgres, mysql, mariadb, sqlite\]: DROP COLUMN t\.id.*\n  on: 205 targets \(postgres: 200, mysql: 3, mariadb: 3, sqlite: 2\)/);
  t.regex(r.stdout, /MY206 \[mysql, mariadb\].*\n  on: 3 targets \(mysql: 3, mariadb: 3\)/);
  t.notRegex(r.stdout + r.stderr, /ECONNREFUSED|cannot connect/);
});

test('lint --targets: --only narrows the dialects; --max-severity decides the exit code as for lint; --json lists the targets of each finding', async (t) => {
  const cwd = fleet();
  const lite = await cli(['lint', '--targets', '--only', 'tag:small', '--no-why'], { cwd });
  t.regex(lite.stdout, /^lint on 2 targets .*: sqlite \(2 targets\)\n/);
  t.notRegex(lite.stdout, /PG101/);
  t.is(lite.code, 0);
  const strict = await cli(['lint', '--targets', '--max-severity', 'notice'], { cwd });
  t.is(strict.code, 1, 'a warning is more severe than notice: exit 1, as lint without --targets');
  t.regex(strict.stdout, /\d+ findings? more severe than --max-severity notice/);
  const json = JSON.parse((await cli(['lint', '--targets', '--json'], { cwd })).stdout) as { command: string; ok: boolean; dialects: Record<string, string[]>; findings: Array<{ code: string; targets: string[] }> };
  t.is(json.command, 'lint');
  t.true(json.ok);
  t.is(json.dialects.postgres!.length, 200);
  t.deepEqual(json.dialects.sqlite, ['lite-0', 'lite-1']);
  t.is(json.findings.find((f) => f.code === 'PG101')!.targets.length, 200);
  t.deepEqual(json.findings.find((f) => f.code === 'MY206')!.targets, ['my-0', 'my-1', 'my-2']);
});

test('lint --targets refuses --counts and --dialect, saying why (exit 2)', async (t) => {
  const cwd = fleet();
  const counts = await cli(['lint', '--targets', '--counts'], { cwd });
  t.is(counts.code, 2);
  t.regex(counts.stderr, /--counts does not run over a fleet\n  → lint --targets opens no database/);
  const dialect = await cli(['--dialect', 'sqlite', 'lint', '--targets'], { cwd });
  t.is(dialect.code, 2);
  t.regex(dialect.stderr, /--dialect and --targets do not go together/);
});

test('migrate-tui --targets without a terminal prints the fleet status (the fleet view needs one)', async (t) => {
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'a.sqlite'), '');
  writeFileSync(join(cwd, 'migrate-tui.targets.json'), JSON.stringify([{ name: 'a', url: 'sqlite:./a.sqlite' }, { name: 'gone', url: 'sqlite:./gone.sqlite' }]));
  const r = await cli(['--dir', fileURLToPath(new URL('../../migrations', import.meta.url)), '--targets'], { cwd });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /… a \[default\] sqlite:\.\/a\.sqlite: at base; 9 pending/);
  t.regex(r.stdout, /✗ gone \[default\] sqlite:\.\/gone\.sqlite: FAILED: no database at/);
  t.regex(r.stdout, /status on 2 targets: 1 pending, 1 failed/);
});
