import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import type { RunningServer } from '../test/servers.js';

/**
 * What the fleet benchmarks share (bench/fleet.ts, bench/fleet-view.ts): the built binary
 * run with its peak RSS sampled from /proc, fresh databases spread over a PostgreSQL server,
 * a MariaDB server and SQLite files, and a sampler of the connections each server lists.
 */
export const BIN = fileURLToPath(new URL('../bin/main.js', import.meta.url));
export const EXAMPLE = fileURLToPath(new URL('../../migrations', import.meta.url));
export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const span = (xs: readonly number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
export const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export interface Run {
  code: number;
  ms: number;
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

/** The peak RSS (VmHWM) of a live process in MB, or 0 once it has ended. */
export function peakRssMb(pid: number): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return hwm ? Number(hwm) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs the binary in `cwd`; samples its RSS from /proc while it runs; `onLine` sees each stderr line. */
export function binary(args: string[], cwd: string, onLine?: (line: string) => void): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 20);
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

export interface BenchTarget {
  readonly name: string;
  readonly url: string;
  readonly kind: 'postgres' | 'mariadb' | 'sqlite';
}

/** `size` fresh databases named <prefix><i>, a third on each kind (SQLite files under `root`, not created). */
export async function freshTargets(servers: { pg: RunningServer; my: RunningServer }, root: string, prefix: string, label: string, size: number): Promise<BenchTarget[]> {
  const pg = postgres(servers.pg.url, { max: 1, onnotice: () => {} });
  const my = await mysql.createConnection(servers.my.url);
  const targets: BenchTarget[] = [];
  for (let i = 0; i < size; i++) {
    const kind = (['postgres', 'mariadb', 'sqlite'] as const)[i % 3]!;
    const db = `${prefix}${i}`;
    if (kind === 'postgres') await pg.unsafe(`CREATE DATABASE ${db}`);
    if (kind === 'mariadb') await my.query(`CREATE DATABASE ${db}`);
    const url = kind === 'sqlite' ? `sqlite:${join(root, `${db}.sqlite`)}` : (kind === 'postgres' ? servers.pg.url : servers.my.url).replace(/\/[^/]*$/, `/${db}`);
    targets.push({ name: `${label}-${i}`, url, kind });
  }
  await pg.end();
  await my.end();
  return targets;
}

/** Writes a targets file; `capabilities` goes on the PostgreSQL and MariaDB targets. */
export function targetsFile(file: string, targets: readonly BenchTarget[], capabilities?: Record<string, boolean>): string {
  writeFileSync(file, JSON.stringify(targets.map((t) => ({ name: t.name, url: t.url, ...(capabilities && t.kind !== 'sqlite' ? { capabilities } : {}) }))));
  return file;
}

export interface ConnectionPeaks {
  postgres: number;
  mariadb: number;
  samples: number;
  /** PostgreSQL: the most other backends (not client backends: autovacuum workers) seen at once on those databases, not counted above. */
  autovacuum: number;
  /** The backend_type of those others. */
  otherTypes: Set<string>;
  /** Samples over `limit`, with what the sessions were doing. */
  overLimit: string[];
}

/**
 * Samples the sessions on the databases named <prefix>… of each server (pg_stat_activity,
 * information_schema.PROCESSLIST) until the returned function is called; gives the most seen
 * at once on each.
 */
export function connectionSampler(servers: { pg: RunningServer; my: RunningServer }, prefix: string, limit: number): () => Promise<ConnectionPeaks> {
  const pg = postgres(servers.pg.url, { max: 1, onnotice: () => {} });
  let my: mysql.Connection | null = null;
  const peak: ConnectionPeaks = { postgres: 0, mariadb: 0, samples: 0, autovacuum: 0, otherTypes: new Set(), overLimit: [] };
  const like = `${prefix.replace(/_/g, '\\_')}%`;
  let running = true;
  const loop = (async () => {
    my = await mysql.createConnection(servers.my.url);
    while (running) {
      // Client backends only: autovacuum workers connect to the databases a run just filled
      // (state NULL, no query), and counting them read as a 5th connection of the fleet.
      const listed = await pg`SELECT pid, datname, state, backend_type, left(query, 50) AS query FROM pg_stat_activity WHERE datname LIKE ${like}`;
      const sessions = listed.filter((x) => x.backend_type === 'client backend');
      peak.autovacuum = Math.max(peak.autovacuum, listed.length - sessions.length);
      for (const x of listed) if (x.backend_type !== 'client backend') peak.otherTypes.add(String(x.backend_type));
      if (sessions.length > limit) peak.overLimit.push(`PostgreSQL: ${JSON.stringify(sessions.map((x) => [x.pid, x.datname, x.state, x.query]))}`);
      const [rows] = await my.query('SELECT ID, DB, COMMAND, left(INFO, 50) AS INFO FROM information_schema.PROCESSLIST WHERE DB LIKE ?', [like]);
      const list = rows as Array<Record<string, unknown>>;
      if (list.length > limit) peak.overLimit.push(`MariaDB: ${JSON.stringify(list.map((x) => [x.ID, x.DB, x.COMMAND, x.INFO]))}`);
      peak.postgres = Math.max(peak.postgres, sessions.length);
      peak.mariadb = Math.max(peak.mariadb, list.length);
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
