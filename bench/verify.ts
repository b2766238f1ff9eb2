import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { DEFAULT_STATE_TABLES, dialectSyntax, fileStep, loadProject, parseDatabaseUrl, verify, verifyPlan, type DialectName, type Project, type VerifyTarget } from '../src/engine/index.js';
import { startMariadb, startPostgres, type RunningServer } from '../test/servers.js';

/**
 * `verify` timed against a bare driver loop run in the same process, interleaved: the loop
 * runs the same SQL (each revision's up, down, up, per dialect, on a fresh database) with
 * no schema snapshots, no state tables and no scratch-database management — what a
 * hand-written CI script would do without checking anything (with the same relaxed durability
 * as verify's scratch databases: SQLite synchronous=OFF, PostgreSQL synchronous_commit=off).
 * Medians of the rounds, min–max.
 * 1. The example app on SQLite, PostgreSQL and MariaDB (budget: a few seconds).
 * 2. 1,000 small migrations on SQLite (budget: under 60 s). `--quick`: 100.
 * 3. PostgreSQL: a template database per revision (CREATE DATABASE … TEMPLATE) against
 *    replaying the ups on a fresh database, the two ways to get back to "after revision k".
 */
const quick = process.argv.includes('--quick');
const rounds = quick ? 1 : 3;
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'migrate-tui-bench-verify-'));
const started: RunningServer[] = [];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const span = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
const peakMb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

async function serverUrl(kind: 'postgres' | 'mariadb'): Promise<string> {
  const given = kind === 'postgres' ? process.env.TEST_POSTGRES_URL : process.env.TEST_MARIADB_URL;
  if (given) return given;
  const server = await (kind === 'postgres' ? startPostgres() : startMariadb());
  started.push(server);
  return server.url;
}

/** A bare loop: every revision's up, down, up through the driver, on a fresh database. */
async function bareLoop(project: Project, dialect: DialectName, admin: string | null): Promise<number> {
  const syntax = dialectSyntax(dialect);
  const order = verifyPlan(project.graph, null).revisions;
  const sqlOf = (id: string, d: 'up' | 'down') => fileStep(project.graph, syntax, id, d).statements.map((s) => s.sql);
  const name = `bare_${Math.random().toString(16).slice(2, 10)}`;
  const t0 = performance.now();
  if (dialect === 'sqlite') {
    const db = new Database(join(root, `${name}.sqlite`));
    // The same durability as verify's scratch databases: no wait for the disk per commit.
    db.pragma('synchronous = OFF');
    for (const id of order) {
      for (const d of ['up', 'down', 'up'] as const) {
        db.exec('BEGIN');
        for (const s of sqlOf(id, d)) db.exec(s);
        db.exec('COMMIT');
      }
    }
    db.close();
  } else if (dialect === 'postgres') {
    const server = postgres(admin!, { max: 1, onnotice: () => {} });
    await server.unsafe(`CREATE DATABASE ${name}`);
    const sql = postgres(admin!.replace(/\/[^/]*$/, `/${name}`), { max: 1, onnotice: () => {}, connection: { synchronous_commit: 'off' } });
    for (const id of order) for (const d of ['up', 'down', 'up'] as const) await sql.begin(async (tx) => { for (const s of sqlOf(id, d)) await tx.unsafe(s); });
    await sql.end();
    await server.unsafe(`DROP DATABASE ${name}`);
    await server.end();
  } else {
    const server = await mysql.createConnection(admin!);
    await server.query(`CREATE DATABASE ${name}`);
    await server.query(`USE ${name}`);
    for (const id of order) for (const d of ['up', 'down', 'up'] as const) for (const s of sqlOf(id, d)) await server.query(s);
    await server.query(`DROP DATABASE ${name}`);
    await server.end();
  }
  return performance.now() - t0;
}

async function timeVerify(project: Project, targets: VerifyTarget[]): Promise<number> {
  const t0 = performance.now();
  const report = await verify({ project, targets, tables: DEFAULT_STATE_TABLES, toolVersion: 'bench' });
  if (!report.ok) throw new Error(`verify found problems: ${JSON.stringify(report.columns)}`);
  return performance.now() - t0;
}

const sqliteTarget: VerifyTarget = { dialect: 'sqlite', admin: { kind: 'sqlite', url: 'sqlite:', display: 'sqlite', databaseName: '', source: 'bench' } };

async function exampleOnThree(): Promise<void> {
  const pg = await serverUrl('postgres');
  const maria = await serverUrl('mariadb');
  const project = loadProject(EXAMPLE);
  const targets: VerifyTarget[] = [sqliteTarget, { dialect: 'postgres', admin: parseDatabaseUrl(pg, 'bench', root) }, { dialect: 'mysql', admin: parseDatabaseUrl(maria, 'bench', root) }];
  const ours: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const loop = async () => bare.push((await Promise.all([bareLoop(project, 'sqlite', null), bareLoop(project, 'postgres', pg), bareLoop(project, 'mariadb', maria)])).reduce((a, b) => Math.max(a, b)));
    if (r % 2 === 0) {
      ours.push(await timeVerify(project, targets));
      await loop();
    } else {
      await loop();
      ours.push(await timeVerify(project, targets));
    }
  }
  console.log(`  example app (${project.graph.size} revisions) on SQLite + PostgreSQL + MariaDB in parallel: verify ${median(ours).toFixed(0)} ms (${span(ours)}), bare loop ${median(bare).toFixed(0)} ms (${span(bare)}) → ratio ${(median(ours) / median(bare)).toFixed(2)}; budget a few seconds: ${median(ours) <= 5000 ? 'OK' : 'OVER'}`);
}

async function thousandOnSqlite(): Promise<void> {
  const count = quick ? 100 : 1000;
  const dir = join(root, 'many');
  mkdirSync(dir);
  for (let i = 1; i <= count; i++) {
    const v = String(i).padStart(5, '0');
    writeFileSync(join(dir, `${v}_step.up.sql`), `CREATE TABLE t_${v} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\nCREATE INDEX i_${v} ON t_${v} (name);\n`);
    writeFileSync(join(dir, `${v}_step.down.sql`), `DROP TABLE t_${v};\n`);
  }
  const project = loadProject(dir);
  const ours: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      ours.push(await timeVerify(project, [sqliteTarget]));
      bare.push(await bareLoop(project, 'sqlite', null));
    } else {
      bare.push(await bareLoop(project, 'sqlite', null));
      ours.push(await timeVerify(project, [sqliteTarget]));
    }
  }
  const budget = (count / 1000) * 60_000;
  console.log(`  ${count} small migrations on SQLite: verify ${median(ours).toFixed(0)} ms (${span(ours)}; ${(median(ours) / count).toFixed(1)} ms per revision), bare loop ${median(bare).toFixed(0)} ms (${span(bare)}) → ratio ${(median(ours) / median(bare)).toFixed(2)}; budget ${(budget / 1000).toFixed(0)} s: ${quick ? 'not judged in quick mode' : median(ours) <= budget ? 'OK' : 'OVER BUDGET'}`);
}

/** Getting back to "after revision k" on PostgreSQL: clone a template, or replay k ups on a fresh database. */
async function templateVersusReplay(): Promise<void> {
  const pg = await serverUrl('postgres');
  const project = loadProject(EXAMPLE);
  const syntax = dialectSyntax('postgres');
  const order = verifyPlan(project.graph, null).revisions;
  const admin = postgres(pg, { max: 1, onnotice: () => {} });
  const at = (name: string) => pg.replace(/\/[^/]*$/, `/${name}`);
  const template: number[] = [];
  const replay: number[] = [];
  for (let r = 0; r < Math.max(3, rounds); r++) {
    const source = `tpl_src_${r}`;
    await admin.unsafe(`CREATE DATABASE ${source}`);
    const t0 = performance.now();
    const sql = postgres(at(source), { max: 1, onnotice: () => {} });
    for (const id of order) await sql.begin(async (tx) => { for (const s of fileStep(project.graph, syntax, id, 'up').statements) await tx.unsafe(s.sql); });
    await sql.end();
    replay.push(performance.now() - t0);
    const t1 = performance.now();
    await admin.unsafe(`CREATE DATABASE tpl_copy_${r} TEMPLATE ${source}`);
    template.push(performance.now() - t1);
    await admin.unsafe(`DROP DATABASE tpl_copy_${r}`);
    await admin.unsafe(`DROP DATABASE ${source}`);
  }
  await admin.end();
  console.log(
    `  PostgreSQL, back to "after the last revision" (${order.length} revisions): CREATE DATABASE … TEMPLATE ${median(template).toFixed(0)} ms (${span(template)}) vs replaying the ups on a fresh database ${median(replay).toFixed(0)} ms (${span(replay)}).\n` +
      `    A template must be cloned for every revision (it needs a state with no connections, so also a reconnect) to save one replay after a ✗: ${order.length} × ${median(template).toFixed(0)} ms per verify against ${median(replay).toFixed(0)} ms per failure — ${order.length * median(template) < median(replay) ? 'the template is faster' : 'replaying is faster, so verify replays'}.`,
  );
}

try {
  console.log(`verify benchmark${quick ? ' (quick)' : ''}: medians of ${rounds} interleaved round${rounds === 1 ? '' : 's'}`);
  await thousandOnSqlite();
  try {
    await exampleOnThree();
    await templateVersusReplay();
  } catch (error) {
    console.log(`  servers: NOT MEASURED (${(error as Error).message.split('\n')[0]})`);
    if (process.env.CI === 'true') process.exitCode = 1;
  }
  console.log(`  peak memory (RSS): ${peakMb()} MB`);
} finally {
  for (const s of started) await s.stop();
  rmSync(root, { recursive: true, force: true });
}
