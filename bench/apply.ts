import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { connectDatabase, DEFAULT_STATE_TABLES, loadProject, Migrator, parseDatabaseUrl } from '../src/engine/index.js';
import { startPostgres } from '../test/servers.js';

/**
 * Applying N small migrations (one table and one row each): migrate-tui (index the folder,
 * lock, plan, run, log) against a bare driver loop running the same SQL in the same run,
 * one transaction per file with one version insert. Budget (DESIGN §9): ratio ≤ 1.3.
 */
const quick = process.argv.includes('--quick');
const count = quick ? 100 : 1000;

const root = mkdtempSync(join(tmpdir(), 'migrate-tui-apply-'));
const dir = join(root, 'migrations');
mkdirSync(dir);
const upSql: string[][] = [];
for (let i = 1; i <= count; i++) {
  const v = String(i).padStart(5, '0');
  const statements = [`CREATE TABLE t_${v} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)`, `INSERT INTO t_${v} (id, name) VALUES (1, 'row ${v}')`];
  upSql.push(statements);
  writeFileSync(join(dir, `${v}_step.up.sql`), statements.map((s) => `${s};`).join('\n') + '\n');
  writeFileSync(join(dir, `${v}_step.down.sql`), `DROP TABLE t_${v};\n`);
}

async function timeMigrateTui(url: string): Promise<number> {
  const start = performance.now();
  const project = loadProject(dir);
  const target = parseDatabaseUrl(url, 'bench', root);
  const db = await connectDatabase(target, 'bench');
  const migrator = new Migrator(project, db, { tables: DEFAULT_STATE_TABLES, toolVersion: 'bench', lockTimeoutMs: 10_000, connection: target });
  const result = await migrator.upgrade('heads');
  await db.close();
  if (result.error || result.steps.length !== count) throw new Error(`migrate-tui run failed: ${result.error?.message ?? result.steps.length}`);
  return performance.now() - start;
}

function timeBareSqlite(file: string): number {
  const start = performance.now();
  const db = new Database(file);
  db.exec('CREATE TABLE versions (revision TEXT PRIMARY KEY)');
  upSql.forEach((statements, i) => {
    db.exec('BEGIN');
    for (const s of statements) db.exec(s);
    db.prepare('INSERT INTO versions (revision) VALUES (?)').run(String(i));
    db.exec('COMMIT');
  });
  db.close();
  return performance.now() - start;
}

async function timeBarePostgres(url: string): Promise<number> {
  const start = performance.now();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe('CREATE TABLE versions (revision TEXT PRIMARY KEY)');
  for (const [i, statements] of upSql.entries()) {
    await sql.unsafe('BEGIN');
    for (const s of statements) await sql.unsafe(s);
    await sql.unsafe('INSERT INTO versions (revision) VALUES ($1)', [String(i)]);
    await sql.unsafe('COMMIT');
  }
  await sql.end();
  return performance.now() - start;
}

const report = (name: string, ours: number, bare: number) => {
  const ratio = ours / bare;
  console.log(`  ${name}: migrate-tui ${ours.toFixed(0)} ms, bare driver loop ${bare.toFixed(0)} ms → ratio ${ratio.toFixed(2)} (budget 1.30${quick ? ', not judged in quick mode' : ratio <= 1.3 ? ': OK' : ': OVER BUDGET'})`);
};

console.log(`apply benchmark: ${count} small migrations, each run on a fresh database`);
{
  const bare = timeBareSqlite(join(root, 'bare.sqlite'));
  const ours = await timeMigrateTui(`sqlite:${join(root, 'ours.sqlite')}`);
  report('SQLite', ours, bare);
}
let server: Awaited<ReturnType<typeof startPostgres>> | undefined;
try {
  server = await startPostgres();
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  // The server's work per CREATE TABLE drifts as it fills (checkpoints, catalog), so the
  // full mode alternates which runs first and takes the median of three rounds of each.
  const rounds = quick ? 1 : 3;
  const bare: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const fresh = async (name: string) => {
      await admin.unsafe(`CREATE DATABASE ${name}_${round}`);
      return server!.url.replace(/\/postgres$/, `/${name}_${round}`);
    };
    if (round % 2 === 0) {
      bare.push(await timeBarePostgres(await fresh('bare')));
      ours.push(await timeMigrateTui(await fresh('ours')));
    } else {
      ours.push(await timeMigrateTui(await fresh('ours')));
      bare.push(await timeBarePostgres(await fresh('bare')));
    }
  }
  await admin.end();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  if (!quick) console.log(`  PostgreSQL rounds (ms): migrate-tui ${ours.map((x) => x.toFixed(0)).join(", ")}; bare ${bare.map((x) => x.toFixed(0)).join(", ")}`);
  report("PostgreSQL", median(ours), median(bare));
} catch (error) {
  console.log(`  PostgreSQL: NOT MEASURED (${(error as Error).message.split('\n')[0]})`);
  if (process.env.CI === 'true') process.exitCode = 1;
} finally {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}
