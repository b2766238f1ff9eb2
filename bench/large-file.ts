import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startPostgres, type RunningServer } from '../test/servers.js';
import { rotated } from './harness.js';

/**
 * One large migration file (INSERTs), applied by the built binary as a user runs it, against
 * the database's own client applying the same file in one transaction (sqlite3 `.read`,
 * `psql -1 -f`), in the same run, interleaved rounds, medians. Prints wall time, the ratio,
 * and the peak RSS of each process against the file size. Budgets (issues 12 and 15): peak
 * RSS ≤ 200 MB for a 1 GB file; a 100 MB file at ≤ 1.5× the client.
 *
 *   npm run bench -- --quick           8 MB, one round (CI)
 *   node dist/bench/large-file.js      100 MB, three rounds
 *   node dist/bench/large-file.js --mb 1024 --rounds 1
 *   node dist/bench/large-file.js --before <an earlier build's dist/src/cli/main.js>   also that build, in the same rounds
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const megabytes = option('--mb', quick ? 8 : 100);
const rounds = option('--rounds', quick ? 1 : 3);
const BIN = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const BEFORE = args.includes('--before') ? args[args.indexOf('--before') + 1]! : null;

const root = mkdtempSync(join(tmpdir(), 'migrate-tui-large-'));
const dir = join(root, 'migrations');
mkdirSync(dir);
writeFileSync(join(dir, '1_table.up.sql'), 'CREATE TABLE big (id BIGINT PRIMARY KEY, v TEXT);\n');
writeFileSync(join(dir, '1_table.down.sql'), 'DROP TABLE big;\n');
const bigFile = join(dir, '2_rows.up.sql');
writeFileSync(join(dir, '2_rows.down.sql'), 'DELETE FROM big;\n');

async function writeRows(): Promise<number> {
  const out = createWriteStream(bigFile);
  const pad = 'x'.repeat(80);
  let bytes = 0;
  let rows = 0;
  const target = megabytes * 2 ** 20;
  while (bytes < target) {
    let chunk = '';
    for (let k = 0; k < 5000; k++, rows++) chunk += `INSERT INTO big (id, v) VALUES (${rows}, 'row ${rows} ${pad}');\n`;
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return rows;
}

/** Wall time and peak RSS (KB) of a command, measured by a parent that reads its children's rusage. */
function measure(command: string[], input?: string, env: Record<string, string> = {}): { ms: number; rssKb: number; ok: boolean; output: string } {
  const probe = 'import resource,subprocess,sys,time\nt=time.time()\nr=subprocess.run(sys.argv[1:],stdin=sys.stdin,capture_output=True)\nsys.stderr.write(r.stderr.decode(errors="replace")[-2000:])\nprint(r.returncode,int((time.time()-t)*1000),resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  const r = spawnSync('python3', ['-c', probe, ...command], { input: input ?? '', encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  const [code, ms, rss] = (r.stdout.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { ms: ms!, rssKb: rss!, ok: code === 0, output: r.stderr };
}

interface Target {
  readonly name: string;
  fresh(): Promise<string>;
  client(url: string): { command: string[]; input?: string } | null;
  count(url: string): Promise<number>;
}

const haveSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;
const havePsql = spawnSync('psql', ['--version']).status === 0;

function sqliteTarget(): Target {
  return {
    name: 'sqlite',
    fresh: async () => `sqlite:${join(mkdtempSync(join(root, 'db-')), 'db.sqlite')}`,
    client: (url) => (haveSqlite3 ? { command: ['sqlite3', url.slice('sqlite:'.length)], input: `CREATE TABLE big (id BIGINT PRIMARY KEY, v TEXT);\nBEGIN;\n.read ${bigFile}\nCOMMIT;\n` } : null),
    count: async (url) => {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(url.slice('sqlite:'.length), { readonly: true });
      const n = (db.prepare('SELECT COUNT(*) AS n FROM big').get() as { n: number }).n;
      db.close();
      return n;
    },
  };
}

function postgresTarget(server: RunningServer): Target {
  let k = 0;
  return {
    name: 'postgres',
    fresh: async () => {
      const name = `large_${process.pid}_${k++}`;
      const sql = postgres(server.url, { max: 1, onnotice: () => {} });
      await sql.unsafe(`CREATE DATABASE ${name}`);
      await sql.end();
      return server.url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
    },
    client: (url) => {
      if (!havePsql) return null;
      const create = spawnSync('psql', ['-X', '-q', '-d', url, '-c', 'CREATE TABLE big (id BIGINT PRIMARY KEY, v TEXT)']);
      return create.status === 0 ? { command: ['psql', '-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', bigFile] } : null;
    },
    count: async (url) => {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      const [row] = await sql.unsafe('SELECT COUNT(*)::int AS n FROM big');
      await sql.end();
      return row!.n as number;
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

const rows = await writeRows();
console.log(`large-file benchmark: one ${megabytes} MB migration (${rows} INSERTs), the built binary vs the database's own client in one transaction, ${rounds} interleaved round${rounds === 1 ? '' : 's'}, medians`);
let server: RunningServer | null = null;
const targets: Target[] = [sqliteTarget()];
try {
  server = await startPostgres({ durable: true });
  targets.push(postgresTarget(server));
} catch (error) {
  console.log(`  postgres: not measured (${(error as Error).message.split('\n')[0]})`);
}

let failed = false;
try {
  for (const target of targets) {
    const ours: Array<{ ms: number; rssKb: number }> = [];
    const client: Array<{ ms: number; rssKb: number }> = [];
    const before: Array<{ ms: number; rssKb: number }> = [];
    for (let round = 0; round < rounds; round++) {
      // Interleaved, the order rotating each round: the machine's noise falls on both.
      const runs = [
        ...(BEFORE
          ? [
              async () => {
                const url = await target.fresh();
                const r = measure([process.execPath, BEFORE, '--dir', dir, '--url', url, '--yes', 'upgrade']);
                if (!r.ok) throw new Error(`the earlier build on ${target.name} failed\n${r.output}`);
                before.push(r);
              },
            ]
          : []),
        async () => {
          const url = await target.fresh();
          const r = measure([process.execPath, BIN, '--dir', dir, '--url', url, '--yes', 'upgrade']);
          if (!r.ok) throw new Error(`migrate-tui on ${target.name} failed\n${r.output}`);
          const n = await target.count(url);
          if (n !== rows) throw new Error(`migrate-tui on ${target.name}: ${n} rows of ${rows}`);
          ours.push(r);
        },
        async () => {
          const url = await target.fresh();
          const how = target.client(url);
          if (!how) return;
          const r = measure(how.command, how.input);
          if (!r.ok) throw new Error(`${how.command[0]} on ${target.name} failed\n${r.output}`);
          client.push(r);
        },
      ];
      for (const run of rotated(runs, round)) await run();
    }
    const oursMs = median(ours.map((r) => r.ms));
    const oursRss = Math.max(...ours.map((r) => r.rssKb));
    const range = ours.length > 1 ? ` (${Math.min(...ours.map((r) => r.ms))}–${Math.max(...ours.map((r) => r.ms))} ms)` : '';
    const line = [`  ${target.name}: migrate-tui ${oursMs} ms${range}, peak RSS ${mb(oursRss)} for a ${megabytes} MB file`];
    if (client.length > 0) {
      const clientMs = median(client.map((r) => r.ms));
      line.push(`${target.name === 'sqlite' ? 'sqlite3' : 'psql'} ${clientMs} ms, peak RSS ${mb(Math.max(...client.map((r) => r.rssKb)))}; ratio ${(oursMs / clientMs).toFixed(2)} (budget ≤ 1.5)`);
    } else line.push('client not installed: no ratio');
    if (before.length > 0) line.push(`earlier build ${median(before.map((r) => r.ms))} ms (${Math.min(...before.map((r) => r.ms))}–${Math.max(...before.map((r) => r.ms))} ms), peak RSS ${mb(Math.max(...before.map((r) => r.rssKb)))}; ratio to it ${(oursMs / median(before.map((r) => r.ms))).toFixed(2)}`);
    console.log(line.join('; '));
    console.log(`    peak RSS ≤ 200 MB: ${oursRss <= 200 * 1024 ? 'met' : 'NOT met'}`);
  }
} catch (error) {
  console.error(String((error as Error).message));
  failed = true;
} finally {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
