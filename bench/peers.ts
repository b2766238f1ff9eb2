import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startPostgres } from '../test/servers.js';

/**
 * migrate-tui against the tools users switch from (DESIGN §9: "faster than Alembic and
 * dbmate"). Each tool is run as its user runs it, a whole process from start to exit,
 * applying the same N small migrations (one table and one row each, one transaction per
 * migration) to a fresh database: `migrate-tui --yes upgrade`, `alembic upgrade head`
 * (Debian's python3-alembic, `transaction_per_migration=True`) and `dbmate up` (its binary
 * from the npm registry, `--no-dump-schema`). A ratio below 1 means migrate-tui is faster.
 */
const quick = process.argv.includes('--quick');
const count = quick ? 100 : 1000;
// The server's own work (catalog writes per CREATE TABLE) dominates and drifts as the server
// fills, so the full mode takes the median of three rounds, each in a rotated order.
const rounds = quick ? 1 : 3;
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const DBMATE_VERSION = '2.36.0';

const root = mkdtempSync(join(tmpdir(), 'migrate-tui-peers-'));
const ours = join(root, 'migrate-tui');
const alembic = join(root, 'alembic');
const dbmateDir = join(root, 'dbmate');
for (const d of [ours, join(alembic, 'versions'), dbmateDir]) mkdirSync(d, { recursive: true });

/**
 * dbmate's binary ships in a per-platform npm package. It is fetched here, into the bench's
 * temp dir, not kept as a dependency: the registry this project uses has that version only
 * for some platforms, and a lock file that lists them all would break `npm ci` elsewhere.
 */
function fetchDbmate(): { path: string | null; why: string } {
  const pkg = `@dbmate/${process.platform}-${process.arch}@${DBMATE_VERSION}`;
  const prefix = join(root, 'dbmate-bin');
  const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', pkg], { encoding: 'utf8' });
  const path = join(prefix, 'node_modules', '@dbmate', `${process.platform}-${process.arch}`, 'bin', 'dbmate');
  return existsSync(path) ? { path, why: '' } : { path: null, why: `npm install ${pkg} failed: ${(r.stderr ?? '').split('\n').filter((l) => l.includes('ERR')).slice(0, 2).join(' ') || r.error}` };
}
const dbmate = fetchDbmate();

for (let i = 1; i <= count; i++) {
  const v = String(i).padStart(5, '0');
  const up = [`CREATE TABLE t_${v} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)`, `INSERT INTO t_${v} (id, name) VALUES (1, 'row ${v}')`];
  const down = `DROP TABLE t_${v}`;
  writeFileSync(join(ours, `${v}_step.up.sql`), up.map((s) => `${s};`).join('\n') + '\n');
  writeFileSync(join(ours, `${v}_step.down.sql`), `${down};\n`);
  writeFileSync(join(dbmateDir, `${v}_step.sql`), `-- migrate:up\n${up.map((s) => `${s};`).join('\n')}\n\n-- migrate:down\n${down};\n`);
  writeFileSync(
    join(alembic, 'versions', `${v}_step.py`),
    [
      'from alembic import op',
      `revision = '${v}'`,
      `down_revision = ${i === 1 ? 'None' : `'${String(i - 1).padStart(5, '0')}'`}`,
      'branch_labels = None',
      'depends_on = None',
      'def upgrade():',
      ...up.map((s) => `    op.execute("${s}")`),
      'def downgrade():',
      `    op.execute("${down}")`,
      '',
    ].join('\n'),
  );
}
writeFileSync(join(alembic, 'alembic.ini'), `[alembic]\nscript_location = ${alembic}\n`);
writeFileSync(
  join(alembic, 'env.py'),
  [
    'import os',
    'from alembic import context',
    'from sqlalchemy import create_engine',
    "engine = create_engine(os.environ['BENCH_ALEMBIC_URL'])",
    'with engine.connect() as connection:',
    '    context.configure(connection=connection, transaction_per_migration=True)',
    '    with context.begin_transaction():',
    '        context.run_migrations()',
    '',
  ].join('\n'),
);

interface Tool {
  readonly name: string;
  /** Why it cannot run here, or null. */
  readonly missing: string | null;
  run(url: Urls): { ms: number; ok: boolean; output: string };
}
interface Urls {
  readonly ours: string;
  readonly alembic: string;
  readonly dbmate: string;
}

function timed(command: string, args: string[], env: Record<string, string> = {}): { ms: number; ok: boolean; output: string } {
  const start = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, cwd: root });
  const ms = performance.now() - start;
  return { ms, ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

const pythonHas = (module: string) => spawnSync('/usr/bin/python3', ['-c', `import ${module}`]).status === 0;

const tools: Tool[] = [
  { name: 'migrate-tui', missing: null, run: (u) => timed(process.execPath, [cli, '--url', u.ours, '--dir', ours, '--yes', 'upgrade']) },
  {
    name: 'Alembic',
    missing: pythonHas('alembic') ? null : 'python3-alembic is not installed',
    run: (u) => timed('/usr/bin/python3', ['-m', 'alembic', '-c', join(alembic, 'alembic.ini'), 'upgrade', 'head'], { BENCH_ALEMBIC_URL: u.alembic }),
  },
  {
    name: 'dbmate',
    missing: dbmate.path ? null : dbmate.why,
    run: (u) => timed(dbmate.path!, ['--url', u.dbmate, '--migrations-dir', dbmateDir, '--no-dump-schema', 'up']),
  },
];

const failures: string[] = [];
function compare(database: string, urlsFor: (tool: string) => Promise<Urls>, extraMissing: (tool: string) => string | null) {
  return async () => {
    const samples = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      const order = [...tools.slice(round % tools.length), ...tools.slice(0, round % tools.length)];
      for (const tool of order) {
        if (failures.includes(`${database} ${tool.name}`)) continue;
        const missing = tool.missing ?? extraMissing(tool.name);
        if (missing) {
          console.log(`  ${database}: ${tool.name} NOT MEASURED (${missing})`);
          failures.push(`${database} ${tool.name}`);
          continue;
        }
        const r = tool.run(await urlsFor(tool.name));
        if (!r.ok) {
          console.log(`  ${database}: ${tool.name} FAILED:\n${r.output.split('\n').slice(-8).join('\n')}`);
          failures.push(`${database} ${tool.name}`);
          continue;
        }
        samples.set(tool.name, [...(samples.get(tool.name) ?? []), r.ms]);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const times = new Map(tools.filter((t) => samples.has(t.name)).map((t) => [t.name, median(samples.get(t.name)!)] as const));
    const ourTime = times.get('migrate-tui');
    const line = [...times].map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ');
    const ratios = ourTime
      ? [...times]
          .filter(([name]) => name !== 'migrate-tui')
          .map(([name, ms]) => {
            const ratio = ourTime / ms;
            return `vs ${name} ${ratio.toFixed(2)}${quick ? '' : ratio < 1 ? ' (faster: OK)' : ' (NOT FASTER)'}`;
          })
          .join(', ')
      : '';
    console.log(`  ${database}: ${line} → ${ratios}${quick ? ' (quick mode: not judged)' : ''}`);
  };
}

console.log(`peer benchmark: ${count} small migrations, whole processes, each on a fresh database${rounds > 1 ? `, median of ${rounds}` : ''}`);
await compare(
  'SQLite',
  async (tool) => {
    const file = join(root, `${tool}-${Date.now()}-${Math.random().toString(36).slice(2)}.sqlite`);
    return { ours: `sqlite:${file}`, alembic: `sqlite:///${file}`, dbmate: `sqlite:${file}` };
  },
  () => null,
)();

let server: Awaited<ReturnType<typeof startPostgres>> | undefined;
try {
  server = await startPostgres();
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  let n = 0;
  const serverUrl = server.url;
  await compare(
    'PostgreSQL',
    async () => {
      const name = `peer_${++n}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const url = serverUrl.replace(/\/postgres$/, `/${name}`);
      return { ours: url, alembic: url.replace(/^postgres:/, 'postgresql:'), dbmate: `${url}?sslmode=disable` };
    },
    (tool) => (tool === 'Alembic' && !pythonHas('psycopg2') ? 'python3-psycopg2 is not installed' : null),
  )();
  await admin.end();
} catch (error) {
  console.log(`  PostgreSQL: NOT MEASURED (${(error as Error).message.split('\n')[0]})`);
  failures.push('PostgreSQL');
} finally {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}
// A peer that could not run is said above, loudly, but is a failure only for migrate-tui
// itself or the server: a registry hiccup fetching dbmate must not fail a CI run.
if (failures.some((f) => f === 'PostgreSQL' || f.endsWith(' migrate-tui'))) process.exitCode = 1;
