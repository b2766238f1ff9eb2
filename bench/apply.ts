import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ratio, rotated, spread, timeProcess, type Sample } from './harness.js';
import { serverCounters, type Counters, type Database } from './server-counters.js';

/**
 * Applying and reverting N small migrations (one table and one row each), whole processes
 * from start to exit, on SQLite, PostgreSQL and MariaDB (servers at their default
 * durability): the built migrate-tui binary (`--yes upgrade`, `--yes downgrade base
 * --no-backup`), the floor (bench/bare-loop.ts: the same driver, one transaction per file
 * and one version row), Alembic (`upgrade head` / `downgrade base`,
 * transaction_per_migration) and dbmate (`up` only: it reverts one migration per process).
 * Rounds are interleaved (each round rotates the tools), each run on a fresh database;
 * medians with min–max, peak RSS, and the servers' own counters per migration.
 * Budgets (issue 15): ÷ floor ≤ 1.10 and ÷ Alembic ≤ 0.50 for both directions.
 */
const quick = process.argv.includes('--quick');
const count = quick ? 50 : Number(process.env.BENCH_MIGRATIONS ?? 1000);
const rounds = quick ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const only = process.argv.find((a) => a.startsWith('--db='))?.slice(5).split(',');
const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const bareLoop = fileURLToPath(new URL('bare-loop.js', import.meta.url));
const DBMATE_VERSION = '2.36.0';

const root = mkdtempSync(join(tmpdir(), 'migrate-tui-apply-'));
const folders = { ours: join(root, 'migrate-tui'), alembic: join(root, 'alembic'), dbmate: join(root, 'dbmate') };
for (const d of [folders.ours, join(folders.alembic, 'versions'), folders.dbmate]) mkdirSync(d, { recursive: true });
for (let i = 1; i <= count; i++) {
  const v = String(i).padStart(5, '0');
  const up = [`CREATE TABLE t_${v} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)`, `INSERT INTO t_${v} (id, name) VALUES (1, 'row ${v}')`];
  const down = `DROP TABLE t_${v}`;
  writeFileSync(join(folders.ours, `${v}_step.up.sql`), up.map((s) => `${s};`).join('\n') + '\n');
  writeFileSync(join(folders.ours, `${v}_step.down.sql`), `${down};\n`);
  writeFileSync(join(folders.dbmate, `${v}_step.sql`), `-- migrate:up\n${up.map((s) => `${s};`).join('\n')}\n\n-- migrate:down\n${down};\n`);
  const py = ['from alembic import op', `revision = '${v}'`, `down_revision = ${i === 1 ? 'None' : `'${String(i - 1).padStart(5, '0')}'`}`, 'branch_labels = None', 'depends_on = None'];
  py.push('def upgrade():', ...up.map((s) => `    op.execute("${s}")`), 'def downgrade():', `    op.execute("${down}")`, '');
  writeFileSync(join(folders.alembic, 'versions', `${v}_step.py`), py.join('\n'));
}
writeFileSync(join(folders.alembic, 'alembic.ini'), `[alembic]\nscript_location = ${folders.alembic}\n`);
writeFileSync(
  join(folders.alembic, 'env.py'),
  ['import os', 'from alembic import context', 'from sqlalchemy import create_engine', "engine = create_engine(os.environ['BENCH_ALEMBIC_URL'])", 'with engine.connect() as connection:', '    context.configure(connection=connection, transaction_per_migration=True)', '    with context.begin_transaction():', '        context.run_migrations()', ''].join('\n'),
);

/**
 * dbmate: on PATH, else the binary `npm run bench:tools` (and .ci/run) put in .bench-tools/
 * (never a dependency). The benchmark fetches nothing itself: its traffic stays on loopback.
 */
function findDbmate(): { path: string | null; why: string } {
  const onPath = spawnSync('sh', ['-c', 'command -v dbmate'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return { path: onPath, why: '' };
  const path = fileURLToPath(new URL(`../../.bench-tools/node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`, import.meta.url));
  return existsSync(path) ? { path, why: '' } : { path: null, why: `not on PATH nor in .bench-tools/ (\`npm run bench:tools\` installs dbmate ${DBMATE_VERSION})` };
}
const dbmate = findDbmate();
const pythonHas = (module: string) => spawnSync('/usr/bin/python3', ['-c', `import ${module}`]).status === 0;

/** One database's URLs for each tool's spelling. */
interface Urls {
  readonly ours: string;
  readonly bare: string;
  readonly alembic: string;
  readonly dbmate: string;
}
interface Tool {
  readonly name: string;
  missing(db: Database): string | null;
  up(u: Urls): Sample;
  down: ((u: Urls) => Sample) | null;
}
const alembic = (u: Urls, ...args: string[]) => timeProcess('/usr/bin/python3', ['-m', 'alembic', '-c', join(folders.alembic, 'alembic.ini'), ...args], { env: { BENCH_ALEMBIC_URL: u.alembic }, cwd: root });
// BENCH_TOOLS=migrate-tui,bare loop: only these tools (a focused A/B run; the peers take half the time).
const onlyTools = process.env.BENCH_TOOLS?.split(',').map((n) => n.trim());
const allTools: Tool[] = [
  {
    name: 'migrate-tui',
    missing: () => null,
    up: (u) => timeProcess(process.execPath, [cli, '--url', u.ours, '--dir', folders.ours, '--yes', 'upgrade'], { cwd: root }),
    down: (u) => timeProcess(process.execPath, [cli, '--url', u.ours, '--dir', folders.ours, '--yes', 'downgrade', 'base', '--no-backup'], { cwd: root }),
  },
  // BENCH_COMPARE_CLI=/path/to/other/dist/bin/main.js: another build of migrate-tui (main's), measured in the same interleaved rounds.
  ...(process.env.BENCH_COMPARE_CLI
    ? [
        {
          name: 'other build',
          missing: () => null,
          up: (u: Urls) => timeProcess(process.execPath, [process.env.BENCH_COMPARE_CLI!, '--url', u.ours, '--dir', folders.ours, '--yes', 'upgrade'], { cwd: root }),
          down: (u: Urls) => timeProcess(process.execPath, [process.env.BENCH_COMPARE_CLI!, '--url', u.ours, '--dir', folders.ours, '--yes', 'downgrade', 'base', '--no-backup'], { cwd: root }),
        },
      ]
    : []),
  {
    name: 'bare loop',
    missing: () => null,
    up: (u) => timeProcess(process.execPath, [bareLoop, u.bare.split(' ')[0]!, u.bare.split(' ')[1]!, folders.ours, 'up']),
    down: (u) => timeProcess(process.execPath, [bareLoop, u.bare.split(' ')[0]!, u.bare.split(' ')[1]!, folders.ours, 'down']),
  },
  {
    name: 'Alembic',
    missing: (db) => (!pythonHas('alembic') ? 'python3-alembic is not installed' : db === 'postgres' && !pythonHas('psycopg2') ? 'python3-psycopg2 is not installed' : db === 'mariadb' && !pythonHas('pymysql') ? 'python3-pymysql is not installed' : null),
    up: (u) => alembic(u, 'upgrade', 'head'),
    down: (u) => alembic(u, 'downgrade', 'base'),
  },
  {
    name: 'dbmate',
    missing: () => (dbmate.path ? null : dbmate.why),
    up: (u) => timeProcess(dbmate.path!, ['--url', u.dbmate, '--migrations-dir', folders.dbmate, '--no-dump-schema', 'up']),
    down: null,
  },
];
const tools = allTools.filter((tool) => !onlyTools || onlyTools.includes(tool.name));

interface Result {
  up: number[];
  down: number[];
  rss: number[];
  /** CPU time (user + sys) of each run, per direction: less disturbed by a loaded machine than wall time. */
  cpu: { up: number[]; down: number[] };
  upCounters: Counters[];
  downCounters: Counters[];
}
let failed = false;

async function measure(db: Database, label: string, fresh: (tool: string) => Promise<Urls>, counters: (u: Urls) => Promise<Counters | null>) {
  const results = new Map<string, Result>();
  const usable = tools.filter((t) => {
    const why = t.missing(db);
    if (why) console.log(`  ${label}: ${t.name} NOT MEASURED (${why})`);
    return !why;
  });
  for (let round = 0; round < rounds; round++) {
    for (const tool of rotated(usable, round)) {
      const r = results.get(tool.name) ?? { up: [], down: [], rss: [], cpu: { up: [], down: [] }, upCounters: [], downCounters: [] };
      results.set(tool.name, r);
      const u = await fresh(tool.name);
      let before = await counters(u);
      // Up, then (where the tool can) down on the same database.
      for (const direction of ['up', 'down'] as const) {
        const step = tool[direction];
        if (!step) break;
        const sample = step(u);
        const after = await counters(u);
        if (!sample.ok) {
          console.log(`  ${label}: ${tool.name} ${direction} FAILED:\n${sample.output.split('\n').slice(-6).join('\n')}`);
          if (tool.name === 'migrate-tui' || tool.name === 'bare loop') failed = true;
          break;
        }
        r[direction].push(sample.ms);
        r.cpu[direction].push(sample.cpuMs);
        r.rss.push(sample.rssMb);
        if (before && after) r[direction === 'up' ? 'upCounters' : 'downCounters'].push(diff(after, before));
        before = after;
      }
    }
  }
  report(label, results);
}

function diff(a: Counters, b: Counters): Counters {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]));
}

function report(label: string, results: Map<string, Result>) {
  console.log(`  ${label}:`);
  for (const [name, r] of results) {
    console.log(`    ${name.padEnd(11)} up ${spread(r.up).padEnd(24)} down ${(r.down.length ? spread(r.down) : '—').padEnd(24)} peak RSS ${spread(r.rss.filter(Number.isFinite), 'MB')}`);
    console.log(`    ${''.padEnd(11)} CPU up ${spread(r.cpu.up.filter(Number.isFinite)).padEnd(20)} CPU down ${spread(r.cpu.down.filter(Number.isFinite))}`);
  }
  const ours = results.get('migrate-tui');
  const floor = results.get('bare loop');
  if (ours && floor) {
    for (const dir of ['up', 'down'] as const) {
      const parts = [`÷ bare loop ${ratio(ours[dir], floor[dir], 1.1, quick)}`];
      for (const [name, r] of results) {
        if (name === 'migrate-tui' || name === 'bare loop' || r[dir].length === 0) continue;
        parts.push(`÷ ${name} ${ratio(ours[dir], r[dir], name === 'Alembic' ? 0.5 : null, quick)}`);
      }
      console.log(`    migrate-tui ${dir}: ${parts.join('; ')}`);
    }
    // Whether the Alembic budget is reachable at all by a tool at the floor (one durable commit per migration).
    const alembic = results.get('Alembic');
    if (alembic && alembic.up.length > 0) console.log(`    the floor itself ÷ Alembic: up ${ratio(floor.up, alembic.up, null, quick)}; down ${ratio(floor.down, alembic.down, null, quick)} (the Alembic budget, ≤ 0.50, is out of reach for any tool at the floor when these are over 0.50)`);
  }
  // Per migration, the medians over the rounds of the servers' own counters.
  for (const [name, r] of results) {
    for (const dir of ['up', 'down'] as const) {
      const cs = dir === 'up' ? r.upCounters : r.downCounters;
      if (cs.length === 0) continue;
      const keys = Object.keys(cs[0]!);
      console.log(`    counters per migration, ${name} ${dir}: ${keys.map((k) => `${k} ${(median(cs.map((c) => c[k] ?? 0)) / count).toFixed(2)}`).join(', ')}`);
    }
  }
}

console.log(`apply/revert benchmark: ${count} small migrations, whole processes (start-up included), each tool on a fresh database, ${rounds} interleaved round${rounds === 1 ? '' : 's'}, median [min–max]`);
try {
  if (!only || only.includes('sqlite')) {
    let n = 0;
    await measure(
      'sqlite',
      'SQLite',
      async () => {
        const file = join(root, `db-${++n}.sqlite`);
        return { ours: `sqlite:${file}`, bare: `sqlite ${file}`, alembic: `sqlite:///${file}`, dbmate: `sqlite:${file}` };
      },
      async () => null,
    );
  }
  for (const db of ['postgres', 'mariadb'] as const) {
    if (only && !only.includes(db)) continue;
    const server = await serverCounters(db, root).catch((error: Error) => {
      console.log(`  ${db}: NOT MEASURED (${error.message.split('\n')[0]})`);
      failed = true;
      return null;
    });
    if (!server) continue;
    try {
      console.log(`  (${server.version}, default durability)`);
      await measure(db, db === 'postgres' ? 'PostgreSQL' : 'MariaDB', async () => {
        const url = await server.freshDatabase();
        return db === 'postgres'
          ? { ours: url, bare: `postgres ${url}`, alembic: url.replace(/^postgres:/, 'postgresql:'), dbmate: `${url}?sslmode=disable` }
          : { ours: url, bare: `mysql ${url}`, alembic: url.replace(/^mysql:/, 'mysql+pymysql:'), dbmate: url };
      }, (u) => server.read(u.ours));
    } finally {
      await server.stop();
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
