import test, { type ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binary, binaryAsync, start, type CliRun } from './helpers/cli.js';
import { until } from './helpers/until.js';
import { eachDatabase } from './helpers/databases.js';

/**
 * `import alembic` on a real Alembic project (test/alembic/project: a branch and a merge,
 * labels, depends-on, raw SQL, a revision that reads data through op.get_bind()), with
 * Debian's Alembic (.ci/run installs it): the folder's graph is Alembic's (as `alembic heads`,
 * `alembic history` and `alembic show` print it), and applied by migrate-tui it gives the
 * schema `alembic upgrade heads` gives online; a database Alembic migrated is then taken over
 * with the stamp `status` names. Then what cannot be imported, through the built binary.
 */
const fixture = fileURLToPath(new URL('../../test/alembic/project', import.meta.url));
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const hasAlembic = spawnSync(python, ['-c', 'import alembic, sqlalchemy'], { encoding: 'utf8' }).status === 0;
const pythonEnv = { PYTHONDONTWRITEBYTECODE: '1' };

function skipWithoutAlembic(t: ExecutionContext): boolean {
  if (hasAlembic) return false;
  const message = `ALEMBIC NOT INSTALLED: import alembic was NOT tested (apt-get install python3-alembic; ${python} cannot import alembic)`;
  console.error(`\n*** ${message} ***\n`);
  if (process.env.CI === 'true') t.fail(message);
  else t.log(message);
  t.pass();
  return true;
}

/** A copy of the fixture project (Python and the online runs may not touch the repository). */
function project(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'migrate-tui-alembic-')), 'project');
  cpSync(fixture, root, { recursive: true });
  return root;
}

const importArgs = (out: string, dialect: string, ...more: string[]) => ['--dir', out, '--dialect', dialect, 'import', 'alembic', '--python', python, ...more];

function alembic(root: string, args: string[], databaseUrl?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-m', 'alembic', ...args], { cwd: root, env: { ...process.env, ...pythonEnv, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `alembic history`'s lines: `down[, down] [(deps)] -> rev …`, `<base>` for a root. */
function alembicHistory(text: string): Map<string, { parents: string[]; deps: string[] }> {
  const graph = new Map<string, { parents: string[]; deps: string[] }>();
  for (const line of text.split('\n')) {
    const m = /^(.+?)(?: \(([^)]*)\))? -> (\w+)/.exec(line);
    if (!m) continue;
    const parents = m[1] === '<base>' ? [] : m[1]!.split(', ');
    graph.set(m[3]!, { parents: parents.sort(), deps: m[2] ? m[2].split(', ').sort() : [] });
  }
  return graph;
}

/** What a user does with the revision that could not be rendered: writes its SQL where the placeholder stands. */
function writeBackfillByHand(out: string): void {
  const file = readdirSync(out).find((f) => f.startsWith('708192a3b4c5_') && f.endsWith('.up.sql'))!;
  const text = readFileSync(join(out, file), 'utf8');
  writeFileSync(join(out, file), text.replace(/-- migrate:dialect postgres, sqlite\n-- NOT IMPORTED[\s\S]*$|-- NOT IMPORTED[\s\S]*$/, "ALTER TABLE invoices ADD COLUMN paid BOOLEAN;\nUPDATE invoices SET paid = (status = 'paid');\n"));
}

test('import alembic keeps Alembic\'s ids, parents, depends-on, labels and heads; SQL as Alembic renders it offline; what it cannot render stops a run there', async (t) => {
  if (skipWithoutAlembic(t)) return;
  const root = project();
  const out = join(root, 'sql');
  const run = await binaryAsync(importArgs(out, 'postgres,sqlite', '--json'), { cwd: root });
  // One revision reads data through op.get_bind(): imported with a placeholder, and the exit says so.
  t.is(run.code, 1, run.stderr);
  const json = JSON.parse(run.stdout) as { revisions: number; written: string[]; heads: string[]; problems: Array<{ revision: string; kind: string; line: number; source: string; message: string }>; notes: Array<{ revision: string; kind: string }>; check: { differences: string[]; errors: unknown[] } };
  t.is(json.revisions, 8);
  t.is(json.written.length, 16);
  t.deepEqual(json.check, { ...json.check, differences: [], errors: [] });
  t.deepEqual(json.problems.map((p) => [p.revision, p.kind, p.source, p.line]), [['708192a3b4c5', 'not-rendered-up', 'migrations/versions/708192a3b4c5_backfill.py', 18]]);
  t.regex(json.problems[0]!.message, /reads the result of SELECT id, status FROM invoices through op\.get_bind\(\)/);
  t.deepEqual(json.notes.map((n) => [n.revision, n.kind]).sort(), [['708192a3b4c5', 'no-op-down'], ['8192a3b4c5d6', 'transaction-off']]);

  // The graph, as Alembic's own commands print it.
  const heads = await alembic(root, ['heads']);
  t.is(heads.code, 0, heads.stderr);
  const ours = JSON.parse(binary(['--dir', out, 'heads', '--json']).stdout) as { heads: Array<{ id: string }> };
  t.deepEqual(ours.heads.map((h) => h.id).sort(), [...heads.stdout.matchAll(/^(\w+)/gm)].map((m) => m[1]!).sort());
  const history = await alembic(root, ['history']);
  const theirs = alembicHistory(history.stdout);
  const rows = (JSON.parse(binary(['--dir', out, 'history', '--json']).stdout) as { rows: Array<{ revision?: { id: string; parents: string[]; dependsOn: string[] } }> }).rows.flatMap((r) => (r.revision ? [r.revision] : []));
  t.is(theirs.size, 8);
  const sorted = (m: Map<string, unknown>) => [...m].sort(([a], [b]) => a.localeCompare(b));
  t.deepEqual(sorted(new Map(rows.map((r) => [r.id, { parents: [...r.parents].sort(), deps: [...r.dependsOn].sort() }]))), sorted(theirs));
  // Branch labels: the revision that carries each, and the head it leads to (`alembic heads` prints `<head> (label)`).
  const branches = JSON.parse(binary(['--dir', out, 'branches', '--json']).stdout) as { labels: Array<{ label: string; revision: string; heads: string[] }> };
  for (const label of ['billing', 'stats']) {
    const shown = await alembic(root, ['show', label]);
    t.is(shown.code, 0, shown.stderr);
    const mine = branches.labels.find((l) => l.label === label);
    t.is(mine?.revision, /^Rev: (\w+)/m.exec(shown.stdout)?.[1] ?? `alembic show ${label}: ${shown.stdout}`, label);
    t.deepEqual(mine?.heads, [new RegExp(`^(\\w+) \\(${label}\\) \\(head\\)`, 'm').exec(heads.stdout)?.[1] ?? `alembic heads: ${heads.stdout}`], label);
  }

  // The SQL: Alembic's own rendering, its version table and markers left out.
  const file = (prefix: string, kind: string) => readFileSync(join(out, readdirSync(out).find((f) => f.startsWith(prefix) && f.endsWith(kind))!), 'utf8');
  const audit = file('4d5e6f708192_', '.up.sql');
  t.true(audit.includes("INSERT INTO audit (id, event, note) VALUES (1, 'created', 'it''s 100% new');"), audit);
  t.true(audit.includes("INSERT INTO audit (id, event, note) VALUES (2, 'raw', 'semi;colon and 50% off');"), audit);
  t.true(audit.includes("UPDATE audit SET note = 'checked' WHERE id = 1 -- the seed row\n;"), audit);
  t.notRegex(audit, /migrate_tui_import_|-- Running upgrade|BEGIN|COMMIT/);
  t.regex(file('6f708192a3b4_', '.up.sql'), /^-- migrate:revises base\n-- migrate:message stats tables\n-- migrate:branch stats\n-- migrate:depends-on 1a2b3c4d5e6f\n/);
  t.regex(file('5e6f708192a3_', '.up.sql'), /^-- migrate:revises 3c4d5e6f7081, 4d5e6f708192\n/);
  t.regex(file('8192a3b4c5d6_', '.up.sql'), /-- migrate:transaction off\n[\s\S]*-- migrate:dialect postgres\nCREATE INDEX CONCURRENTLY ix_invoices_status ON invoices \(status\);\n-- migrate:dialect sqlite\nCREATE INDEX ix_invoices_status ON invoices \(status\);\n-- migrate:end/);
  // A dialect read at the module's top level: each dialect's SQL as Alembic renders it for that dialect.
  t.regex(file('3c4d5e6f7081_', '.up.sql'), /-- migrate:dialect postgres\n[^]*status VARCHAR\(30\)[^]*-- migrate:dialect sqlite\n[^]*status VARCHAR\(20\)[^]*-- migrate:end/);
  const backfill = file('708192a3b4c5_', '.up.sql');
  t.regex(backfill, /-- NOT IMPORTED: Alembic could not render upgrade\(\) offline[\s\S]*--   ALTER TABLE invoices ADD COLUMN paid BOOLEAN;[\s\S]*SELECT \* FROM "alembic revision 708192a3b4c5 was not imported";/);
  // Importing wrote nothing into the Alembic project (no bytecode beside the revisions).
  t.false(readdirSync(join(root, 'migrations', 'versions')).includes('__pycache__'));

  // Applied as is, an upgrade stops at the placeholder, having applied what comes before it.
  const db = `sqlite:${join(root, 'stop.sqlite')}`;
  const stopped = await binaryAsync(['--dir', out, '--url', db, 'upgrade']);
  t.is(stopped.code, 1);
  t.regex(stopped.stderr, /no such table: alembic revision 708192a3b4c5 was not imported/);
});

eachDatabase(
  'import alembic, applied by migrate-tui, gives the schema `alembic upgrade heads` gives online; status on the Alembic database names the stamp, and stamp + upgrade take it over',
  async (t, url, db) => {
    if (skipWithoutAlembic(t)) return;
    const root = project();
    const out = join(root, 'sql');
    const dialect = db.name;
    t.is((await binaryAsync(importArgs(out, dialect), { cwd: root })).code, 1);
    writeBackfillByHand(out);
    t.is((await binaryAsync(['--dir', out, 'check', '--offline'])).code, 0);

    // Alembic online on one database, migrate-tui on another.
    const alembicUrl = db.name === 'sqlite' ? url : await db.fresh();
    const sqlalchemyUrl = db.name === 'sqlite' ? `sqlite:///${url.slice('sqlite:'.length)}` : db.name === 'postgres' ? alembicUrl.replace(/^postgres:/, 'postgresql:') : alembicUrl.replace(/^mysql:/, 'mysql+pymysql:');
    const online = await alembic(root, ['upgrade', 'heads'], sqlalchemyUrl);
    t.is(online.code, 0, online.stderr);
    const mineUrl = db.name === 'sqlite' ? `sqlite:${join(root, 'mine.sqlite')}` : url;
    const applied = await binaryAsync(['--dir', out, '--url', mineUrl, 'upgrade']);
    t.is(applied.code, 0, applied.stderr);
    t.deepEqual(schemaOf(mineUrl), schemaOf(alembicUrl));
    t.true(schemaOf(mineUrl).join('\n').includes('ix_invoices_status') && /\bpaid\b/.test(schemaOf(mineUrl).join('\n')));

    // The database Alembic migrated: status names the stamp, upgrade refuses until it is done.
    const status = JSON.parse((await binaryAsync(['--dir', out, '--url', alembicUrl, 'status', '--json'])).stdout) as { otherTools: Array<{ tool: string; stamp: string | null; versions: string[] }> };
    t.deepEqual(status.otherTools.map((o) => [o.tool, o.stamp, [...o.versions].sort()]), [['alembic', 'heads', ['6f708192a3b4', '8192a3b4c5d6']]]);
    t.is((await binaryAsync(['--dir', out, '--url', alembicUrl, 'upgrade'])).code, 11);
    const stamped = await binaryAsync(['--dir', out, '--url', alembicUrl, 'stamp', 'heads']);
    t.is(stamped.code, 0, stamped.stderr);
    const after = await binaryAsync(['--dir', out, '--url', alembicUrl, 'upgrade']);
    t.is(after.code, 0, after.stderr);
    t.regex(after.stdout, /nothing to do/);
    // And from there migrate-tui runs the history both ways: the stats branch down and up again.
    t.is((await binaryAsync(['--dir', out, '--url', alembicUrl, '--yes', 'downgrade', 'stats@base', '--no-backup'])).code, 0);
    t.false(schemaOf(alembicUrl).some((s) => s.includes('daily_stats')));
    t.is((await binaryAsync(['--dir', out, '--url', alembicUrl, 'upgrade'])).code, 0);
    t.deepEqual(schemaOf(alembicUrl), schemaOf(mineUrl));
  },
  ['sqlite', 'postgres', 'mariadb'],
  { serial: true },
);

/**
 * The schema without either tool's tables. SQLite: each stored CREATE (as `.schema` prints
 * them) with white space folded — Alembic's offline SQL indents with spaces where its online
 * DDL has tabs, and SQLite keeps the text. PostgreSQL: pg_dump -s. MariaDB: mariadb-dump
 * --no-data, without the AUTO_INCREMENT counters.
 */
function schemaOf(url: string): string[] {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length), { readonly: true });
    try {
      const rows = db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'migrate_tui%' AND name NOT IN ('alembic_version', 'sqlite_sequence') AND tbl_name NOT LIKE 'migrate_tui%'").all() as Array<{ sql: string }>;
      return rows.map((r) => r.sql.replace(/\s+/g, ' ')).sort();
    } finally {
      db.close();
    }
  }
  if (url.startsWith('mysql:')) {
    const u = new URL(url);
    const name = u.pathname.slice(1);
    const skip = ['alembic_version', 'migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'].map((t) => `--ignore-table=${name}.${t}`);
    const dump = spawnSync('mariadb-dump', ['--no-data', '--skip-comments', '--skip-dump-date', '-h', u.hostname, '-P', u.port, '-u', decodeURIComponent(u.username), name, ...skip], { encoding: 'utf8', env: { ...process.env, MYSQL_PWD: decodeURIComponent(u.password) } });
    if (dump.status !== 0) throw new Error(dump.stderr);
    return dump.stdout.split('\n').map((l) => l.replace(/ AUTO_INCREMENT=\d+/, ''));
  }
  const dump = spawnSync('pg_dump', ['-s', '--no-owner', '-T', 'alembic_version', '-T', 'migrate_tui_*', url], { encoding: 'utf8' });
  if (dump.status !== 0) throw new Error(dump.stderr);
  return dump.stdout.split('\n').filter((l) => !/^\\(un)?restrict |^--/.test(l));
}

test('import alembic refuses, exactly and without a stack trace: no alembic.ini, a folder that is not empty, no --dialect, import of nothing or of another tool', (t) => {
  if (skipWithoutAlembic(t)) return;
  const root = project();
  const noIni = binary(importArgs(join(root, 'sql'), 'postgres'), { cwd: join(root, 'myapp') });
  t.is(noIni.code, 2);
  t.regex(noIni.stderr, /error: no .*myapp\/alembic\.ini\n {2}→ run in the Alembic project's root/);
  mkdirSync(join(root, 'sql'));
  writeFileSync(join(root, 'sql', 'keep.txt'), 'mine');
  const full = binary(importArgs(join(root, 'sql'), 'postgres'), { cwd: root });
  t.is(full.code, 1);
  t.regex(full.stderr, /sql is not empty \(1 entry, e\.g\. keep\.txt\): import writes into a new or empty folder only, so nothing was written/);
  t.deepEqual(readdirSync(join(root, 'sql')), ['keep.txt']);
  const noDialect = binary(['--dir', join(root, 'other'), 'import', 'alembic', '--python', python], { cwd: root });
  t.is(noDialect.code, 2);
  t.regex(noDialect.stderr, /import alembic needs the database the SQL is for\n {2}→ pass --dialect postgres/);
  const notFolder = binary(['--dir', join(root, 'o1'), '--dialect', 'sqlite', 'import', 'alembic', '--versions', 'no-such-folder', '--python', python], { cwd: root });
  t.is(notFolder.code, 2);
  t.regex(notFolder.stderr, /error: .*no-such-folder is not a folder\n/);
  mkdirSync(join(root, 'empty-versions'));
  const none = binary(['--dir', join(root, 'o2'), '--dialect', 'sqlite', 'import', 'alembic', '--versions', 'empty-versions', '--python', python], { cwd: root });
  t.is(none.code, 1);
  t.regex(none.stderr, /error: Alembic found no revisions in .*empty-versions\n/);
  t.false(existsSync(join(root, 'o2')));
  const bare = binary(['import'], { cwd: root });
  t.is(bare.code, 2);
  t.regex(bare.stderr, /error: import needs what to import: import alembic\n/);
  const other = binary(['import', 'flyway'], { cwd: root });
  t.is(other.code, 2);
  t.regex(other.stderr, /error: import knows alembic, not "flyway"\n/);
  for (const r of [noIni, full, noDialect, notFolder, none, bare, other]) t.notRegex(r.stderr, /internal error|\n\s+at /);
});

test('import alembic says why it could not read the project: no Python, no Alembic, a revision that does not import, ids that cannot be versions, a module that hangs', async (t) => {
  if (skipWithoutAlembic(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-alembic-bad-'));
  const versions = (name: string, files: Record<string, string>) => {
    const folder = join(dir, name);
    mkdirSync(folder);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
    return folder;
  };
  const revision = (id: string, down: string | null, body = '') => `from alembic import op\n${body}\nrevision = ${JSON.stringify(id)}\ndown_revision = ${down === null ? 'None' : JSON.stringify(down)}\n\ndef upgrade():\n    op.execute("SELECT 1")\n\ndef downgrade():\n    pass\n`;
  const run = (folder: string, ...more: string[]) => binaryAsync(['--dir', join(dir, `out-${folder.replace(/.*\//, '')}`), '--dialect', 'sqlite', 'import', 'alembic', '--versions', folder, ...more], { cwd: dir });
  const good = versions('good', { 'a1_one.py': revision('a1', null) });

  const noPython = await run(good, '--python', join(dir, 'no-such-python'));
  t.is(noPython.code, 1);
  t.regex(noPython.stderr, /error: cannot run .*no-such-python: not found\n {2}→ install Python 3 with Alembic, or pass the interpreter/);

  // A Python without site-packages: no Alembic there.
  const bare = join(dir, 'bare-python');
  writeFileSync(bare, `#!/bin/sh\nexec ${python} -S "$@"\n`, { mode: 0o755 });
  const noAlembic = await run(good, '--python', bare);
  t.is(noAlembic.code, 1);
  t.regex(noAlembic.stderr, /cannot import Alembic: ModuleNotFoundError: No module named 'alembic'/);

  const broken = versions('broken', { 'a1_one.py': revision('a1', null), 'b2_two.py': revision('b2', 'a1', 'import myapp_that_is_not_here') });
  const unreadable = await run(broken, '--python', python);
  t.is(unreadable.code, 1);
  t.regex(unreadable.stderr, /Alembic could not read the revisions: broken\/b2_two\.py:2: ModuleNotFoundError: No module named 'myapp_that_is_not_here'/);

  const ids = versions('ids', { 'a1_one.py': revision('a1', null), 'add_users.py': revision('add.users', 'a1') });
  const badIds = await run(ids, '--python', python);
  t.is(badIds.code, 1);
  t.regex(badIds.stderr, /1 of 2 Alembic revision ids are neither migrate-tui versions \(letters and digits\) nor a version and words \(0001_initial\), so nothing was written:\n {2}ids\/add_users\.py: "add\.users"/);
  t.false(existsSync(join(dir, 'out-ids')));
  // Two ids that stay one version even without their underscores: refused, naming both.
  const twins = await run(versions('twins', { 'a.py': revision('0001_ab', null), 'b.py': revision('0001_a_b', '0001_ab') }), '--python', python);
  t.is(twins.code, 1);
  t.regex(twins.stderr, /Alembic revision ids that would be one migrate-tui version, so nothing was written: 0001_ab and 0001_a_b/);
  t.false(existsSync(join(dir, 'out-twins')));

  // A module that waits for ever is stopped at --timeout, and said.
  const hangs = versions('hangs', { 'a1_one.py': revision('a1', null, 'import time\ntime.sleep(600)') });
  const started = Date.now();
  const stopped = await run(hangs, '--python', python, '--timeout', '2');
  t.true(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
  t.is(stopped.code, 1);
  t.regex(stopped.stderr, /error: Alembic did not finish within 2 s \(stopped\)/);

  for (const r of [noPython, noAlembic, unreadable, badIds, twins, stopped]) t.notRegex(r.stderr, /internal error|\n\s+at /);
  // The same refusal as JSON, for tools.
  const json = await run(ids, '--python', python, '--json');
  t.is((JSON.parse(json.stdout) as { error: { code: string; meta: { ids: string[] } } }).error.code, 'alembic-ids');
});

test('worded Alembic ids (0001_initial, as --rev-id makes them) import as their versions with files named by the whole id; a database Alembic migrated is taken over by the stamp status names', async (t) => {
  if (skipWithoutAlembic(t)) return;
  const root = mkdtempSync(join(tmpdir(), 'migrate-tui-alembic-worded-'));
  mkdirSync(join(root, 'versions'));
  const rev = (id: string, down: string | null, up: string, downSql: string) =>
    `from alembic import op\n\nrevision = '${id}'\ndown_revision = ${down ? `'${down}'` : 'None'}\nbranch_labels = None\ndepends_on = None\n\ndef upgrade():\n    op.execute("${up}")\n\ndef downgrade():\n    op.execute("${downSql}")\n`;
  writeFileSync(join(root, 'versions', '0001_initial.py'), rev('0001_initial', null, 'CREATE TABLE users (id INTEGER PRIMARY KEY)', 'DROP TABLE users'));
  writeFileSync(join(root, 'versions', '0002_add_email.py'), rev('0002_add_email', '0001_initial', 'ALTER TABLE users ADD COLUMN email TEXT', 'ALTER TABLE users DROP COLUMN email'));
  writeFileSync(join(root, 'versions', '0003_orders.py'), rev('0003_orders', '0002_add_email', 'CREATE TABLE orders (id INTEGER PRIMARY KEY)', 'DROP TABLE orders'));
  writeFileSync(join(root, 'alembic.ini'), `[alembic]\nscript_location = .\nversion_locations = versions\nsqlalchemy.url = sqlite:///app.db\n`);
  writeFileSync(join(root, 'env.py'), "from alembic import context\nfrom sqlalchemy import engine_from_config, pool\nconfig = context.config\nconnectable = engine_from_config(config.get_section(config.config_ini_section), prefix='sqlalchemy.', poolclass=pool.NullPool)\nwith connectable.connect() as connection:\n    context.configure(connection=connection)\n    with context.begin_transaction():\n        context.run_migrations()\n");
  const out = join(root, 'sql');
  const run = await binaryAsync(['--dir', out, '--dialect', 'sqlite', 'import', 'alembic', '--python', python], { cwd: root });
  t.is(run.code, 0, run.stderr);
  t.deepEqual(readdirSync(out).sort(), ['0001_initial.down.sql', '0001_initial.up.sql', '0002_add_email.down.sql', '0002_add_email.up.sql', '0003_orders.down.sql', '0003_orders.up.sql']);
  t.regex(run.stdout, /heads: 0003\n/);
  t.regex(run.stdout, /ids: 3 Alembic ids are not a migrate-tui version as written \(0001_initial is 0001, 0002_add_email is 0002, 0003_orders is 0003\); `status` maps alembic_version's rows to them/);
  t.regex(run.stdout, /read back: migrate-tui reads the same graph as Alembic/);
  t.regex(readFileSync(join(out, '0002_add_email.up.sql'), 'utf8'), /^-- migrate:revises 0001\n/);

  // Alembic itself takes the database to 0002_add_email; migrate-tui's status maps that row to 0002 and names the stamp.
  const alembicRun = await alembic(root, ['upgrade', '0002_add_email']);
  t.is(alembicRun.code, 0, alembicRun.stderr);
  const url = `sqlite:${join(root, 'app.db')}`;
  const status = await binaryAsync(['--dir', out, '--url', url, 'status'], { cwd: root });
  t.regex(status.stdout + status.stderr, /stamp 0002/);
  const stamp = await binaryAsync(['--dir', out, '--url', url, '--yes', 'stamp', '0002'], { cwd: root });
  t.is(stamp.code, 0, stamp.stderr);
  const upgrade = await binaryAsync(['--dir', out, '--url', url, '--yes', 'upgrade'], { cwd: root });
  t.is(upgrade.code, 0, upgrade.stderr);
  t.regex(upgrade.stdout, /applied 1 revision\n/);
  const db = new Database(join(root, 'app.db'), { readonly: true });
  try {
    t.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'orders') ORDER BY name").all(), [{ name: 'orders' }, { name: 'users' }]);
    t.deepEqual((db.prepare('PRAGMA table_info(users)').all() as Array<{ name: string }>).map((c) => c.name), ['id', 'email']);
  } finally {
    db.close();
  }
});

test('a history Alembic cannot read is said by the revision file behind it (a parent no file defines: its file name given for its id), never by the reader\'s own <string> line', async (t) => {
  if (skipWithoutAlembic(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-alembic-graph-'));
  const revision = (id: string, down: string | null) => `from alembic import op\n\nrevision = ${JSON.stringify(id)}\ndown_revision = ${down === null ? 'None' : JSON.stringify(down)}\n\ndef upgrade():\n    op.execute("SELECT 1")\n\ndef downgrade():\n    pass\n`;
  const run = (name: string, files: Record<string, string>) => {
    mkdirSync(join(dir, name));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, name, file), text);
    return binaryAsync(['--dir', join(dir, `out-${name}`), '--dialect', 'sqlite', 'import', 'alembic', '--versions', name, '--python', python], { cwd: dir });
  };
  // As in a real project: 0002 names its parent by that revision's file name, not by its id. Alembic 1.8 stops with KeyError.
  const orphan = await run('orphan', { '0001_initial_schema.py': revision('0001_initial', null), '0002_add_x.py': revision('0002_add_x', '0001_initial_schema') });
  t.is(orphan.code, 1);
  t.regex(orphan.stderr, /error: Alembic could not read the revisions: orphan\/0002_add_x\.py:4: revision 0002_add_x revises 0001_initial_schema, which no revision file defines\n/);
  t.regex(orphan.stderr, /→ 0001_initial_schema is the file name of revision 0001_initial \(orphan\/0001_initial_schema\.py\): a parent is named by its id \(its `revision =`\), not by its file name; correct down_revision there/);
  t.false(existsSync(join(dir, 'out-orphan')));
  // A cycle: Alembic's own error, and no file named, since none is to blame alone.
  const cycle = await run('cycle', { 'a1.py': revision('a1', 'b2'), 'b2.py': revision('b2', 'a1') });
  t.is(cycle.code, 1);
  t.regex(cycle.stderr, /error: Alembic could not read the revisions: CommandError: Cycle is detected in revisions \((?:b2, a1|a1, b2)\)\n/);
  t.notRegex(cycle.stderr, /the file named/);
  for (const r of [orphan, cycle]) t.notRegex(r.stderr, /<string>|internal error|\n\s+at /);
});

test('two branches that picked one number (0002_left, 0002_right): each is its id without underscores (0002left, 0002right); a database Alembic took to one branch is taken over by the stamp status names', async (t) => {
  if (skipWithoutAlembic(t)) return;
  const root = mkdtempSync(join(tmpdir(), 'migrate-tui-alembic-twins-'));
  mkdirSync(join(root, 'versions'));
  const rev = (id: string, down: string | null, table: string) =>
    `from alembic import op\n\nrevision = '${id}'\ndown_revision = ${down ? `'${down}'` : 'None'}\nbranch_labels = None\ndepends_on = None\n\ndef upgrade():\n    op.execute("CREATE TABLE ${table} (id INTEGER PRIMARY KEY)")\n\ndef downgrade():\n    op.execute("DROP TABLE ${table}")\n`;
  writeFileSync(join(root, 'versions', '0001_base.py'), rev('0001_base', null, 'base'));
  writeFileSync(join(root, 'versions', '0002_left.py'), rev('0002_left', '0001_base', 'lefty'));
  writeFileSync(join(root, 'versions', '0002_right.py'), rev('0002_right', '0001_base', 'righty'));
  writeFileSync(join(root, 'alembic.ini'), `[alembic]\nscript_location = .\nversion_locations = versions\nsqlalchemy.url = sqlite:///app.db\n`);
  writeFileSync(join(root, 'env.py'), "from alembic import context\nfrom sqlalchemy import engine_from_config, pool\nconfig = context.config\nconnectable = engine_from_config(config.get_section(config.config_ini_section), prefix='sqlalchemy.', poolclass=pool.NullPool)\nwith connectable.connect() as connection:\n    context.configure(connection=connection)\n    with context.begin_transaction():\n        context.run_migrations()\n");
  const out = join(root, 'sql');
  const run = await binaryAsync(['--dir', out, '--dialect', 'sqlite', 'import', 'alembic', '--python', python], { cwd: root });
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /heads: 0002left, 0002right\n/);
  t.regex(run.stdout, /0002_left is 0002left, 0002_right is 0002right/);
  t.regex(run.stdout, /read back: migrate-tui reads the same graph as Alembic/);
  t.true(readdirSync(out).includes('0001_base.up.sql') && readdirSync(out).some((f) => /^0002left_.*\.up\.sql$/.test(f)), readdirSync(out).join(' '));

  const alembicRun = await alembic(root, ['upgrade', '0002_left']);
  t.is(alembicRun.code, 0, alembicRun.stderr);
  const url = `sqlite:${join(root, 'app.db')}`;
  const status = await binaryAsync(['--dir', out, '--url', url, 'status'], { cwd: root });
  t.regex(status.stdout + status.stderr, /stamp 0002left\b/);
  t.is((await binaryAsync(['--dir', out, '--url', url, '--yes', 'stamp', '0002left'], { cwd: root })).code, 0);
  const upgrade = await binaryAsync(['--dir', out, '--url', url, '--yes', 'upgrade'], { cwd: root });
  t.is(upgrade.code, 0, upgrade.stderr);
  t.regex(upgrade.stdout, /applied 1 revision\n/);
  const db = new Database(join(root, 'app.db'), { readonly: true });
  try {
    t.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('base', 'lefty', 'righty') ORDER BY name").all(), [{ name: 'base' }, { name: 'lefty' }, { name: 'righty' }]);
  } finally {
    db.close();
  }
});

test('import alembic: a downgrade() that raises on purpose is irreversible; a constraint without a name is named by --naming-convention, as env.py\'s target_metadata names it', async (t) => {
  if (skipWithoutAlembic(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-alembic-names-'));
  const versions = join(dir, 'versions');
  mkdirSync(versions);
  const head = (id: string, down: string | null) => `from alembic import op\nimport sqlalchemy as sa\n\nrevision = '${id}'\ndown_revision = ${down ? `'${down}'` : 'None'}\n`;
  writeFileSync(join(versions, 'a1_t.py'), `${head('a1', null)}\ndef upgrade():\n    op.create_table('t', sa.Column('id', sa.Integer, primary_key=True), sa.Column('code', sa.String(10)))\n\ndef downgrade():\n    raise RuntimeError('no way back')\n`);
  writeFileSync(join(versions, 'b2_unique.py'), `${head('b2', 'a1')}\ndef upgrade():\n    op.create_unique_constraint(None, 't', ['code'])\n\ndef downgrade():\n    op.drop_constraint('uq_t_code', 't', type_='unique')\n`);
  // As autogenerate writes it for a constraint it found without a name: no convention can name it on the way down.
  writeFileSync(join(versions, 'c3_check.py'), `${head('c3', 'b2')}\ndef upgrade():\n    op.create_check_constraint('ck_t_id', 't', 'id > 0')\n    op.execute('CREATE TABLE u (id int); CREATE TABLE v (id int)')\n    op.get_bind().execute(sa.text(\"UPDATE t SET code = 'x' WHERE code IS NULL\"))\n\ndef downgrade():\n    op.drop_constraint(None, 't', type_='check')\n`);
  const run = (out: string, ...more: string[]) => binaryAsync(['--dir', join(dir, out), '--dialect', 'postgres', 'import', 'alembic', '--versions', versions, '--python', python, '--json', ...more], { cwd: dir });
  type Result = { problems: Array<{ revision: string; kind: string; message: string }>; notes: Array<{ revision: string; kind: string; message: string }> };

  const plain = await run('plain');
  t.is(plain.code, 1, plain.stderr);
  const result = JSON.parse(plain.stdout) as Result;
  t.deepEqual(result.notes.map((n) => [n.revision, n.kind]), [['a1', 'irreversible'], ['b2', 'unnamed-constraint']]);
  t.regex(result.notes[0]!.message, /downgrade\(\) refuses \(line 11: RuntimeError: no way back\): written with -- migrate:irreversible and no \.down\.sql/);
  t.regex(result.notes[1]!.message, /upgrade\(\) makes a unique constraint without a name: .*--naming-convention/);
  t.deepEqual(result.problems.map((p) => [p.revision, p.kind]), [['c3', 'not-rendered-down']]);
  // Two statements in one op.execute are two to migrate-tui too, and the read-back counts them so.
  t.deepEqual((JSON.parse(plain.stdout) as { check: { differences: string[] } }).check.differences, []);
  t.regex(result.problems[0]!.message, /it has no name \(online, Alembic names it by the naming convention of env\.py's target_metadata: pass it with --naming-convention\)/);
  t.deepEqual(readdirSync(join(dir, 'plain')).sort(), ['a1_t.up.sql', 'b2_unique.down.sql', 'b2_unique.up.sql', 'c3_check.up.sql']);
  t.regex(readFileSync(join(dir, 'plain', 'a1_t.up.sql'), 'utf8'), /^-- migrate:revises base\n-- migrate:irreversible\n/);
  t.regex(readFileSync(join(dir, 'plain', 'b2_unique.up.sql'), 'utf8'), /\nALTER TABLE t ADD UNIQUE \(code\);\n/);
  // A statement run through op.get_bind() whose result is not read is rendered like op.execute.
  t.regex(readFileSync(join(dir, 'plain', 'c3_check.up.sql'), 'utf8'), /\nCREATE TABLE u \(id int\); CREATE TABLE v \(id int\);\n\nUPDATE t SET code = 'x' WHERE code IS NULL;\n/);

  const named = await run('named', '--naming-convention', '{"uq": "uq_%(table_name)s_%(column_0_name)s"}');
  t.is(named.code, 1, named.stderr);
  t.deepEqual((JSON.parse(named.stdout) as Result).notes.map((n) => n.kind), ['irreversible']);
  t.deepEqual((JSON.parse(named.stdout) as Result).problems.map((p) => [p.revision, p.kind]), [['c3', 'not-rendered-down']]);
  t.regex(readFileSync(join(dir, 'named', 'b2_unique.up.sql'), 'utf8'), /\nALTER TABLE t ADD CONSTRAINT uq_t_code UNIQUE \(code\);\n/);
  t.regex(readFileSync(join(dir, 'named', 'b2_unique.down.sql'), 'utf8'), /\nALTER TABLE t DROP CONSTRAINT uq_t_code;\n/);

  const bad = await run('bad', '--naming-convention', '["uq"]');
  t.is(bad.code, 2);
  t.regex(bad.stdout, /--naming-convention is not a JSON object of strings/);
});

test('Ctrl-C while Alembic reads the project stops its Python too (exit 130), and nothing is written', async (t) => {
  if (skipWithoutAlembic(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-alembic-int-'));
  const versions = join(dir, 'versions');
  mkdirSync(versions);
  const marker = join(dir, 'python.pid');
  // The module says it is being imported (its pid), then waits for ever.
  writeFileSync(join(versions, 'a1_wait.py'), `import os, time\nopen(${JSON.stringify(marker)}, 'w').write(str(os.getpid()))\ntime.sleep(600)\nrevision = 'a1'\ndown_revision = None\n`);
  const run = start(['--dir', join(dir, 'out'), '--dialect', 'sqlite', 'import', 'alembic', '--versions', versions, '--python', python]);
  const pid = Number(await until(async () => (existsSync(marker) ? readFileSync(marker, 'utf8') : ''), (v) => v !== '', 'the revision module being imported'));
  run.child.kill('SIGINT');
  t.is(await run.exit, 130, run.stderr());
  t.regex(run.stderr(), /import stopped \(interrupted\) while Alembic was reading the project: nothing was written/);
  t.throws(() => process.kill(pid, 0), undefined, 'its Python was stopped with it');
  t.false(existsSync(join(dir, 'out')));
});
