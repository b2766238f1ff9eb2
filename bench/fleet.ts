import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { startMariadb, startPostgres, type RunningServer } from '../test/servers.js';

/**
 * A fleet upgrade of the example app (migrations/) over many databases spread over a
 * PostgreSQL server, a MariaDB server and SQLite files (200; `--quick`: 12), with the built
 * binary, against the baseline of the same binary run once per database in a loop (the sum of
 * single runs), interleaved rounds on fresh databases, medians and min–max. While the fleet
 * runs, pg_stat_activity and information_schema.PROCESSLIST are sampled for the most
 * connections it held at once per server (never more than --parallel), and the fleet
 * process's peak RSS is read from /proc. Then PostgreSQL is stopped in the middle of a run:
 * its targets fail with a clear error, the others finish, and a re-run completes the rest.
 */
const quick = process.argv.includes('--quick');
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : quick ? 1 : 3;
const sizeArg = process.argv.indexOf('--size');
const size = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : quick ? 12 : 200;
const parallel = 4;
const BIN = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'migrate-tui-bench-fleet-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const span = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

interface Run {
  code: number;
  ms: number;
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

/** Runs the binary; samples its RSS from /proc while it runs; `onLine` sees each stderr line. */
function binary(args: string[], onLine?: (line: string) => void): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  const sample = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      if (hwm) peak = Math.max(peak, Number(hwm) / 1024);
    } catch {
      // The process has ended.
    }
  };
  const timer = setInterval(sample, 20);
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => {
    const before = stderr.length;
    stderr += String(d);
    if (onLine) for (const line of stderr.slice(before).split('\n')) if (line) onLine(line);
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code: code ?? -1, ms: performance.now() - t0, peakRssMb: peak, stdout, stderr });
    }),
  );
}

let pgServer: RunningServer;
let myServer: RunningServer;
let round = 0;

/** Fresh databases, a third on each kind: names fl<round>_<i>. */
async function freshTargets(label: string): Promise<Array<{ name: string; url: string; kind: string }>> {
  round++;
  const pg = postgres(pgServer.url, { max: 1, onnotice: () => {} });
  const my = await mysql.createConnection(myServer.url);
  const targets = [];
  for (let i = 0; i < size; i++) {
    const kind = ['postgres', 'mariadb', 'sqlite'][i % 3]!;
    const db = `fl${round}_${i}`;
    if (kind === 'postgres') await pg.unsafe(`CREATE DATABASE ${db}`);
    if (kind === 'mariadb') await my.query(`CREATE DATABASE ${db}`);
    const url = kind === 'sqlite' ? `sqlite:${join(root, `${db}.sqlite`)}` : (kind === 'postgres' ? pgServer.url : myServer.url).replace(/\/[^/]*$/, `/${db}`);
    targets.push({ name: `${label}-${i}`, url, kind });
  }
  await pg.end();
  await my.end();
  return targets;
}

/** Samples the connections to the fleet's databases on each server until stopped. */
function connectionSampler(prefix: string) {
  const pg = postgres(pgServer.url, { max: 1, onnotice: () => {} });
  let my: mysql.Connection | null = null;
  const peak = { postgres: 0, mariadb: 0, samples: 0, overLimit: [] as string[] };
  let running = true;
  const loop = (async () => {
    my = await mysql.createConnection(myServer.url);
    while (running) {
      const sessions = await pg`SELECT pid, datname, state, backend_start, state_change, left(query, 50) AS query FROM pg_stat_activity WHERE datname LIKE ${prefix.replace('_', '\\_') + '%'}`;
      const p = { n: sessions.length };
      // Over the limit: keep what the sessions were doing, to say why.
      if (p.n > parallel) peak.overLimit.push(JSON.stringify(sessions.map((x) => [x.pid, x.datname, x.state, x.query])));
      const [rows] = await my.query('SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE DB LIKE ?', [`${prefix.replace('_', '\\_')}%`]);
      peak.postgres = Math.max(peak.postgres, p.n);
      peak.mariadb = Math.max(peak.mariadb, Number((rows as Array<{ n: number }>)[0]!.n));
      peak.samples++;
    }
  })();
  return async () => {
    running = false;
    await loop;
    await pg.end();
    await my?.end();
    return peak;
  };
}

function targetsFile(targets: Array<{ name: string; url: string }>): string {
  const file = join(root, `targets-${round}.json`);
  writeFileSync(file, JSON.stringify(targets.map((t) => ({ name: t.name, url: t.url }))));
  return file;
}

async function main(): Promise<void> {
  [pgServer, myServer] = await Promise.all([startPostgres(), startMariadb()]);
  console.log(`fleet: the example app (migrations/) on ${size} databases (about a third each on PostgreSQL, MariaDB, SQLite files), --parallel ${parallel}, ${rounds} round${rounds === 1 ? '' : 's'}`);
  const fleetMs: number[] = [];
  const singlesMs: number[] = [];
  const rss: number[] = [];
  const singleRss: number[] = [];
  const peaks = { postgres: 0, mariadb: 0 };
  for (let r = 0; r < rounds; r++) {
    // The baseline: one run of the binary per database, one after another.
    const singles = await freshTargets('single');
    let sum = 0;
    for (const t of singles) {
      const run = await binary(['--dir', EXAMPLE, '--url', t.url, 'upgrade']);
      if (run.code !== 0) throw new Error(`single upgrade of ${t.name} failed:\n${run.stderr}`);
      sum += run.ms;
      singleRss.push(run.peakRssMb);
    }
    singlesMs.push(sum);
    const fleet = await freshTargets('fleet');
    const stop = connectionSampler(`fl${round}_`);
    const run = await binary(['--dir', EXAMPLE, 'upgrade', '--targets', targetsFile(fleet), '--parallel', String(parallel)]);
    const peak = await stop();
    if (run.code !== 0) throw new Error(`fleet upgrade failed:\n${run.stdout}\n${run.stderr}`);
    if (!run.stdout.includes(`upgrade on ${size} targets: ${size} done`)) throw new Error(`fleet upgrade did not report ${size} done:\n${run.stdout.slice(-500)}`);
    fleetMs.push(run.ms);
    rss.push(run.peakRssMb);
    peaks.postgres = Math.max(peaks.postgres, peak.postgres);
    peaks.mariadb = Math.max(peaks.mariadb, peak.mariadb);
    for (const sample of peak.overLimit.slice(0, 3)) console.log(`    over ${parallel} on PostgreSQL: ${sample}`);
    console.log(`  round ${r + 1}: fleet ${run.ms.toFixed(0)} ms, sum of single runs ${sum.toFixed(0)} ms; connections seen at once: PostgreSQL ${peak.postgres}, MariaDB ${peak.mariadb} (${peak.samples} samples)`);
  }
  console.log(`  fleet upgrade:        median ${median(fleetMs).toFixed(0)} ms (${span(fleetMs)}), peak RSS ${Math.max(...rss).toFixed(0)} MB`);
  console.log(`  sum of single runs:   median ${median(singlesMs).toFixed(0)} ms (${span(singlesMs)}), peak RSS of one run ${Math.max(...singleRss).toFixed(0)} MB`);
  console.log(`  ratio fleet / singles: ${(median(fleetMs) / median(singlesMs)).toFixed(2)}`);
  console.log(`  most connections at once per server: PostgreSQL ${peaks.postgres}, MariaDB ${peaks.mariadb} (limit ${parallel})`);
  // Printed, not thrown: the sessions listed above say whether a closing backend was still listed.
  if (peaks.postgres > parallel || peaks.mariadb > parallel) console.log(`  WARNING: a server listed more sessions than --parallel at once (see the sessions above)`);

  // PostgreSQL stopped while a fleet run is under way.
  const targets = await freshTargets('outage');
  const file = targetsFile(targets);
  let finished = 0;
  let halted = false;
  const run = await binary(['--dir', EXAMPLE, 'upgrade', '--targets', file, '--parallel', String(parallel)], (line) => {
    if (/^\[\d+\/\d+\] /.test(line) && ++finished >= Math.ceil(size / 4) && !halted) {
      halted = true;
      pgServer.halt!();
    }
  });
  const failedPg = targets.filter((t) => t.kind === 'postgres' && new RegExp(`✗ ${t.name} `).test(run.stdout)).length;
  const doneOthers = targets.filter((t) => t.kind !== 'postgres' && new RegExp(`✓ ${t.name} `).test(run.stdout)).length;
  const example = /✗ outage-\d+ .*/.exec(run.stdout)?.[0] ?? '(none)';
  console.log(`  PostgreSQL stopped after ${finished >= Math.ceil(size / 4) ? Math.ceil(size / 4) : finished} of ${size} targets had finished: exit ${run.code}; ${failedPg} PostgreSQL targets failed, ${doneOthers} of ${targets.filter((t) => t.kind !== 'postgres').length} others done`);
  console.log(`    e.g. ${example.slice(0, 240)}`);
  if (run.code !== 1) console.log(`    unexpected exit ${run.code}; the end of its stderr:\n${run.stderr.slice(-2000)}`);
  console.log(`    ${run.stdout.trim().split('\n').pop()}`);
  pgServer.restart!();
  const again = await binary(['--dir', EXAMPLE, 'upgrade', '--targets', file, '--parallel', String(parallel)]);
  console.log(`  re-run after PostgreSQL came back: exit ${again.code}; ${again.stdout.trim().split('\n').pop()} (${again.ms.toFixed(0)} ms)`);
  if (again.code !== 0) throw new Error(`the re-run did not complete:\n${again.stdout.slice(-1500)}`);
}

try {
  await main();
} finally {
  await Promise.all([pgServer!, myServer!].filter(Boolean).map((s) => s.stop().catch(() => undefined)));
  rmSync(root, { recursive: true, force: true });
}
