import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startMariadb, startPostgres, type RunningServer } from '../test/servers.js';
import { binary, connectionSampler, EXAMPLE, freshTargets, loadAverage, median, span, targetsFile, type BenchTarget } from './fleet-common.js';

/**
 * A fleet upgrade of the example app (migrations/) over many databases spread over a
 * PostgreSQL server, a MariaDB server and SQLite files (200; `--quick`: 12), with the built
 * binary, against the baseline of the same binary run once per database in a loop (the sum of
 * single runs), interleaved rounds on fresh databases, medians and min–max. While the fleet
 * runs, pg_stat_activity and information_schema.PROCESSLIST are sampled for the most
 * connections it held at once per server (never more than --parallel), and the fleet
 * process's peak RSS is read from /proc. Then the same fleet with the lease lock (the
 * PostgreSQL and MariaDB targets say "capabilities": {"advisoryLocks": false}) against the
 * advisory lock, interleaved rounds on fresh databases: wall time, and connections per
 * server (the lease's heartbeat has its own connection: never more than 2 × --parallel).
 * Then PostgreSQL is stopped in the middle of a run: its targets fail with a clear error,
 * the others finish, and a re-run completes the rest. `--lease-only`: the lease comparison alone.
 */
const quick = process.argv.includes('--quick');
const leaseOnly = process.argv.includes('--lease-only');
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : quick ? 1 : 3;
const sizeArg = process.argv.indexOf('--size');
const size = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : quick ? 12 : 200;
const parallel = 4;
const root = mkdtempSync(join(tmpdir(), 'migrate-tui-bench-fleet-'));

let pgServer: RunningServer;
let myServer: RunningServer;
let round = 0;
const servers = () => ({ pg: pgServer, my: myServer });

/** Fresh databases, a third on each kind: names fl<round>_<i>. */
function fresh(label: string): Promise<BenchTarget[]> {
  round++;
  return freshTargets(servers(), root, `fl${round}_`, label, size);
}
const fileOf = (targets: readonly BenchTarget[], capabilities?: Record<string, boolean>) => targetsFile(join(root, `targets-${round}.json`), targets, capabilities);

async function main(): Promise<void> {
  [pgServer, myServer] = await Promise.all([startPostgres(), startMariadb()]);
  if (leaseOnly) return leaseVsAdvisory();
  console.log(`fleet: the example app (migrations/) on ${size} databases (about a third each on PostgreSQL, MariaDB, SQLite files), --parallel ${parallel}, ${rounds} round${rounds === 1 ? '' : 's'}`);
  const fleetMs: number[] = [];
  const singlesMs: number[] = [];
  const rss: number[] = [];
  const singleRss: number[] = [];
  const peaks = { postgres: 0, mariadb: 0 };
  for (let r = 0; r < rounds; r++) {
    // The baseline: one run of the binary per database, one after another.
    const singles = await fresh('single');
    let sum = 0;
    for (const t of singles) {
      const run = await binary(['--dir', EXAMPLE, '--url', t.url, 'upgrade'], root);
      if (run.code !== 0) throw new Error(`single upgrade of ${t.name} failed:\n${run.stderr}`);
      sum += run.ms;
      singleRss.push(run.peakRssMb);
    }
    singlesMs.push(sum);
    const fleet = await fresh('fleet');
    const stop = connectionSampler(servers(), `fl${round}_`, parallel);
    const run = await binary(['--dir', EXAMPLE, 'upgrade', '--targets', fileOf(fleet), '--parallel', String(parallel)], root);
    const peak = await stop();
    if (run.code !== 0) throw new Error(`fleet upgrade failed:\n${run.stdout}\n${run.stderr}`);
    if (!run.stdout.includes(`upgrade on ${size} targets: ${size} done`)) throw new Error(`fleet upgrade did not report ${size} done:\n${run.stdout.slice(-500)}`);
    fleetMs.push(run.ms);
    rss.push(run.peakRssMb);
    peaks.postgres = Math.max(peaks.postgres, peak.postgres);
    peaks.mariadb = Math.max(peaks.mariadb, peak.mariadb);
    for (const sample of peak.overLimit.slice(0, 3)) console.log(`    over ${parallel}: ${sample}`);
    console.log(`  round ${r + 1}: fleet ${run.ms.toFixed(0)} ms, sum of single runs ${sum.toFixed(0)} ms; connections seen at once: PostgreSQL ${peak.postgres}, MariaDB ${peak.mariadb} (${peak.samples} samples; PostgreSQL backends other than clients on those databases, not counted: up to ${peak.autovacuum}, ${[...peak.otherTypes].join(', ') || 'none'})`);
  }
  console.log(`  fleet upgrade:        median ${median(fleetMs).toFixed(0)} ms (${span(fleetMs)}), peak RSS ${Math.max(...rss).toFixed(0)} MB`);
  console.log(`  sum of single runs:   median ${median(singlesMs).toFixed(0)} ms (${span(singlesMs)}), peak RSS of one run ${Math.max(...singleRss).toFixed(0)} MB`);
  console.log(`  ratio fleet / singles: ${(median(fleetMs) / median(singlesMs)).toFixed(2)}`);
  console.log(`  most connections at once per server: PostgreSQL ${peaks.postgres}, MariaDB ${peaks.mariadb} (limit ${parallel})`);
  // Printed, not thrown: the sessions listed above say whether a closing backend was still listed.
  if (peaks.postgres > parallel || peaks.mariadb > parallel) console.log(`  WARNING: a server listed more sessions than --parallel at once (see the sessions above)`);

  await leaseVsAdvisory();

  // PostgreSQL stopped while a fleet run is under way.
  const targets = await fresh('outage');
  const file = fileOf(targets);
  let finished = 0;
  let halted = false;
  const run = await binary(['--dir', EXAMPLE, 'upgrade', '--targets', file, '--parallel', String(parallel)], root, (line) => {
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
  if (run.code !== 1 || failedPg === 0) console.log(`    unexpected: exit ${run.code}, ${failedPg} PostgreSQL targets failed; the end of its stderr:\n${run.stderr.slice(-2000)}`);
  console.log(`    ${run.stdout.trim().split('\n').pop()}`);
  pgServer.restart!();
  const again = await binary(['--dir', EXAMPLE, 'upgrade', '--targets', file, '--parallel', String(parallel)], root);
  console.log(`  re-run after PostgreSQL came back: exit ${again.code}; ${again.stdout.trim().split('\n').pop()} (${again.ms.toFixed(0)} ms)`);
  if (again.code !== 0) throw new Error(`the re-run did not complete:\n${again.stdout.slice(-1500)}`);
}

/**
 * The same fleet upgrade with the lease lock (PostgreSQL and MariaDB targets told
 * advisoryLocks=false) against the advisory lock, interleaved on fresh databases (the order
 * alternating by round): wall time, peak RSS, and the most connections at once per server.
 */
async function leaseVsAdvisory(): Promise<void> {
  console.log(`fleet with the lease lock: the same ${size} databases' upgrade, PostgreSQL and MariaDB targets with "capabilities": {"advisoryLocks": false}, against the advisory lock; --parallel ${parallel}, ${rounds} round${rounds === 1 ? '' : 's'}, load ${loadAverage()}`);
  const sides = { advisory: { ms: [] as number[], rss: [] as number[], postgres: 0, mariadb: 0 }, lease: { ms: [] as number[], rss: [] as number[], postgres: 0, mariadb: 0 } };
  for (let r = 0; r < rounds; r++) {
    const order: Array<keyof typeof sides> = r % 2 === 0 ? ['advisory', 'lease'] : ['lease', 'advisory'];
    const line: string[] = [];
    for (const side of order) {
      const targets = await fresh(side);
      const limit = side === 'lease' ? 2 * parallel : parallel;
      const stop = connectionSampler(servers(), `fl${round}_`, limit);
      const run = await binary(['--dir', EXAMPLE, 'upgrade', '--targets', fileOf(targets, side === 'lease' ? { advisoryLocks: false } : undefined), '--parallel', String(parallel)], root);
      const peak = await stop();
      if (run.code !== 0 || !run.stdout.includes(`upgrade on ${size} targets: ${size} done`)) throw new Error(`the ${side} fleet upgrade failed (exit ${run.code}):\n${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`);
      if ((await leaseTableIn(targets)) !== (side === 'lease')) throw new Error(`the ${side} side ${side === 'lease' ? 'did not lock with' : 'locked with'} the lease (its lock table is ${side === 'lease' ? 'missing' : 'there'})`);
      const s = sides[side];
      s.ms.push(run.ms);
      s.rss.push(run.peakRssMb);
      s.postgres = Math.max(s.postgres, peak.postgres);
      s.mariadb = Math.max(s.mariadb, peak.mariadb);
      for (const sample of peak.overLimit.slice(0, 3)) console.log(`    over ${limit} (${side}): ${sample}`);
      line.push(`${side} ${run.ms.toFixed(0)} ms (PostgreSQL ${peak.postgres}, MariaDB ${peak.mariadb} connections at once; ${peak.samples} samples; other backends ${peak.autovacuum}: ${[...peak.otherTypes].join(', ') || 'none'})`);
    }
    console.log(`  round ${r + 1}: ${line.join('; ')}`);
  }
  for (const side of ['advisory', 'lease'] as const) {
    const s = sides[side];
    console.log(`  ${side.padEnd(8)} lock: median ${median(s.ms).toFixed(0)} ms (${span(s.ms)}), peak RSS ${Math.max(...s.rss).toFixed(0)} MB; most connections at once: PostgreSQL ${s.postgres}, MariaDB ${s.mariadb} (limit ${side === 'lease' ? `2 × ${parallel}` : parallel})`);
  }
  console.log(`  ratio lease / advisory: ${(median(sides.lease.ms) / median(sides.advisory.ms)).toFixed(2)}`);
  if (sides.lease.postgres > 2 * parallel || sides.lease.mariadb > 2 * parallel || sides.advisory.postgres > parallel || sides.advisory.mariadb > parallel) console.log('  WARNING: a server listed more sessions than the limit at once (see the sessions above)');
}

/** Whether the run made the lease's table in a PostgreSQL target (the lease side does, the advisory side does not). */
async function leaseTableIn(targets: readonly BenchTarget[]): Promise<boolean> {
  const sql = postgres(targets.find((t) => t.kind === 'postgres')!.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`SELECT to_regclass('migrate_tui_lock') IS NOT NULL AS made`;
    return Boolean(row!.made);
  } finally {
    await sql.end();
  }
}

try {
  await main();
} finally {
  await Promise.all([pgServer!, myServer!].filter(Boolean).map((s) => s.stop().catch(() => undefined)));
  rmSync(root, { recursive: true, force: true });
}
