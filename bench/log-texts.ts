import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startPostgres } from '../test/servers.js';
import { median, spread, timeProcess } from './harness.js';

/**
 * Issue 15: the log keeps each SQL text once. Re-applies one large migration (downgrade base,
 * upgrade, R times) and prints what each re-apply cost: wall time of the upgrade process, and
 * bytes — on PostgreSQL the WAL it wrote (pg_stat_wal.wal_bytes; the server is the bench's
 * own, default durability) and the growth of the state tables (pg_total_relation_size); on
 * SQLite the growth of the state tables (dbstat). `--before <main.js>` runs an earlier build
 * in the same interleaved rounds, each on its own database.
 *
 *   node dist/bench/log-texts.js [--quick] [--mb N] [--rounds R] [--before /path/to/dist/bin/main.js]
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const mb = Number(opt('--mb', quick ? '1' : '6'));
const rounds = Number(opt('--rounds', quick ? '2' : '5'));
const builds: Array<{ name: string; bin: string }> = [{ name: 'this build', bin: fileURLToPath(new URL('../bin/main.js', import.meta.url)) }];
if (args.includes('--before')) builds.unshift({ name: 'before', bin: opt('--before', '') });

const root = mkdtempSync(join(tmpdir(), 'migrate-tui-bench-texts-'));
const dir = join(root, 'migrations');
mkdirSync(dir);
writeFileSync(join(dir, '1_big.down.sql'), 'DROP TABLE big;\n');
{
  const lines = ['CREATE TABLE big (id INTEGER PRIMARY KEY, v VARCHAR(200));'];
  let bytes = 0;
  for (let k = 0; bytes < mb * 1024 * 1024; k++) {
    const line = `INSERT INTO big (id, v) VALUES (${k}, 'row ${k} of a large file that the log must not keep twice');`;
    lines.push(line);
    bytes += line.length + 1;
  }
  writeFileSync(join(dir, '1_big.up.sql'), lines.join('\n') + '\n');
}
const fileMb = statSync(join(dir, '1_big.up.sql')).size / 1024 / 1024;
console.log(`log texts: one ${fileMb.toFixed(1)} MB migration re-applied ${rounds} times (downgrade base, then upgrade) per build${quick ? ' (quick)' : ''}`);

const cli = (bin: string, url: string, ...rest: string[]) => {
  const s = timeProcess(process.execPath, [bin, '--dir', dir, '--url', url, '--yes', ...rest]);
  if (!s.ok) throw new Error(`${rest.join(' ')} failed: ${s.output.slice(-2000)}`);
  return s;
};

interface Target {
  name: string;
  fresh(build: number): Promise<string>;
  /** Bytes written by `work` and the state tables' size after it. */
  measure(url: string, work: () => void): Promise<{ written: number | null; stateBytes: number }>;
  stop(): Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const { default: Database } = await import('better-sqlite3');
  const stateBytes = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare("SELECT name, SUM(pgsize) AS n FROM dbstat WHERE name LIKE 'migrate_tui_log%' OR name LIKE 'sqlite_autoindex_migrate_tui_log%' GROUP BY name").all() as Array<{ n: number }>;
      return rows.reduce((sum, r) => sum + Number(r.n), 0);
    } finally {
      db.close();
    }
  };
  return {
    name: 'SQLite',
    fresh: async (build) => {
      const file = join(root, `b${build}-${Date.now()}.sqlite`);
      writeFileSync(file, '');
      return `sqlite:${file}`;
    },
    measure: async (url, work) => {
      work();
      return { written: null, stateBytes: stateBytes(url.slice('sqlite:'.length)) };
    },
    stop: async () => undefined,
  };
}

async function postgresTarget(): Promise<Target> {
  const server = await startPostgres({ durable: true });
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  let n = 0;
  const walBytes = async () => Number((await admin.unsafe('SELECT pg_stat_clear_snapshot(), (SELECT wal_bytes::float8 FROM pg_stat_wal) AS b'))[0]!.b);
  return {
    name: 'PostgreSQL',
    fresh: async () => {
      const name = `texts_${++n}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      return server.url.replace(/\/postgres$/, `/${name}`);
    },
    measure: async (url, work) => {
      const before = await walBytes();
      work();
      // The run's backend flushes its WAL statistics when it exits: wait for it to be gone.
      const name = new URL(url).pathname.slice(1);
      for (let k = 0; k < 500; k++) {
        if (Number((await admin.unsafe('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]))[0]!.n) === 0) break;
        await admin.unsafe('SELECT pg_sleep(0.01)');
      }
      const written = (await walBytes()) - before;
      const db = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await db.unsafe("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 AS b FROM pg_class c WHERE c.relkind = 'r' AND c.relname LIKE 'migrate_tui_log%'");
        return { written, stateBytes: Number(row!.b) };
      } finally {
        await db.end();
      }
    },
    stop: async () => {
      await admin.end();
      await server.stop();
    },
  };
}

const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
for (const make of [sqliteTarget, postgresTarget]) {
  const target = await make();
  try {
    const urls = await Promise.all(builds.map((_, i) => target.fresh(i)));
    builds.forEach((b, i) => cli(b.bin, urls[i]!, 'upgrade'));
    const last = await Promise.all(builds.map((_, i) => target.measure(urls[i]!, () => undefined)));
    const times: number[][] = builds.map(() => []);
    const growth: number[][] = builds.map(() => []);
    const wal: number[][] = builds.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [...builds.keys()].reverse() : builds.keys()) {
        cli(builds[i]!.bin, urls[i]!, 'downgrade', 'base', '--no-backup');
        let ms = 0;
        const m = await target.measure(urls[i]!, () => (ms = cli(builds[i]!.bin, urls[i]!, 'upgrade').ms));
        times[i]!.push(ms);
        growth[i]!.push(m.stateBytes - last[i]!.stateBytes);
        if (m.written !== null) wal[i]!.push(m.written);
        last[i] = m;
      }
    }
    for (const [i, b] of builds.entries()) {
      const walText = wal[i]!.length ? `, WAL ${kb(median(wal[i]!))} [${kb(Math.min(...wal[i]!))}–${kb(Math.max(...wal[i]!))}]` : '';
      console.log(`  ${target.name}, ${b.name}: re-apply ${spread(times[i]!)}; state tables grow ${kb(median(growth[i]!))} per re-apply (total ${kb(last[i]!.stateBytes)})${walText}`);
    }
    if (builds.length === 2) console.log(`  ${target.name}: this build ÷ before: time ${(median(times[1]!) / median(times[0]!)).toFixed(2)}, state-table growth ${(median(growth[1]!) / Math.max(1, median(growth[0]!))).toFixed(2)}${wal[0]!.length ? `, WAL ${(median(wal[1]!) / median(wal[0]!)).toFixed(2)}` : ''}`);
  } finally {
    await target.stop();
  }
}
rmSync(root, { recursive: true, force: true });
