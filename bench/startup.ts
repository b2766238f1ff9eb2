import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratio, rotated, spread, timeProcess } from './harness.js';

/**
 * Start-up of the built binary, whole processes, against `node -e 0` in the same interleaved
 * rounds: `--version`, `--help`, and `status` on a SQLite database at the head of a
 * 10-revision folder; Alembic's `--version` as a peer (BENCH_COMPARE_CLI adds another build's rows). Budget (issue 15): `status` ≤ 2×
 * `node -e 0`. Wall time in interleaved rounds, then CPU time (user + sys) in interleaved
 * blocks: on this shared 2-core machine the wall ratios swing with the load, the CPU ratios
 * within a few percent.
 */
const quick = process.argv.includes('--quick');
const rounds = quick ? 5 : 21;
const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'migrate-tui-startup-'));
const dir = join(root, 'migrations');
mkdirSync(dir);
for (let i = 1; i <= 10; i++) {
  const v = String(i).padStart(3, '0');
  writeFileSync(join(dir, `${v}_step.up.sql`), `CREATE TABLE t_${v} (id INTEGER PRIMARY KEY);\n`);
  writeFileSync(join(dir, `${v}_step.down.sql`), `DROP TABLE t_${v};\n`);
}
const url = `sqlite:${join(root, 'db.sqlite')}`;
const setup = spawnSync(process.execPath, [cli, '--url', url, '--dir', dir, '--yes', 'upgrade'], { encoding: 'utf8' });
if (setup.status !== 0) throw new Error(`setup failed: ${setup.stderr}`);

const hasAlembic = spawnSync('/usr/bin/python3', ['-c', 'import alembic']).status === 0;
const rows: Array<{ name: string; command: string; args: string[] }> = [
  { name: 'node -e 0', command: process.execPath, args: ['-e', '0'] },
  { name: 'migrate-tui --version', command: process.execPath, args: [cli, '--version'] },
  { name: 'migrate-tui --help', command: process.execPath, args: [cli, '--help'] },
  { name: 'migrate-tui status', command: process.execPath, args: [cli, '--url', url, '--dir', dir, 'status'] },
  // BENCH_COMPARE_CLI=<another build's dist/bin/main.js (or dist/src/cli/main.js)>: the same rows for it, in the same rounds (before/after a change).
  ...(process.env.BENCH_COMPARE_CLI
    ? [
        { name: 'compared --version', command: process.execPath, args: [process.env.BENCH_COMPARE_CLI, '--version'] },
        { name: 'compared status', command: process.execPath, args: [process.env.BENCH_COMPARE_CLI, '--url', url, '--dir', dir, 'status'] },
      ]
    : []),
  ...(hasAlembic ? [{ name: 'alembic --version', command: '/usr/bin/python3', args: ['-m', 'alembic', '--version'] }] : []),
];
const ms = new Map<string, number[]>(rows.map((r) => [r.name, []]));
const rss = new Map<string, number[]>(rows.map((r) => [r.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const row of rotated(rows, round)) {
    const s = timeProcess(row.command, row.args, { cwd: root });
    if (!s.ok) throw new Error(`${row.name} failed: ${s.output}`);
    ms.get(row.name)!.push(s.ms);
    if (Number.isFinite(s.rssMb)) rss.get(row.name)!.push(s.rssMb);
  }
}
// CPU time (user + sys) per process, which the load of a shared machine disturbs far less than
// wall time: blocks of K runs of one command under bash, whose `times` reports its children's
// CPU to the millisecond; blocks interleaved like the rounds.
const cpuBlocks = quick ? 2 : 6;
const perBlock = 5;
const cpu = new Map<string, number[]>(rows.map((r) => [r.name, []]));
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
for (let block = 0; block < cpuBlocks; block++) {
  for (const row of rotated(rows, block)) {
    const line = [row.command, ...row.args].map(quote).join(' ');
    const r = spawnSync('bash', ['-c', `for i in $(seq ${perBlock}); do ${line} >/dev/null 2>&1 || exit 9; done; times`], { encoding: 'utf8', cwd: root });
    if (r.status !== 0) throw new Error(`${row.name} failed in a CPU block`);
    const children = r.stdout.trim().split('\n').pop()!.split(/\s+/).map((t) => {
      const m = /(\d+)m([\d.]+)s/.exec(t)!;
      return Number(m[1]) * 60_000 + Number(m[2]) * 1000;
    });
    cpu.get(row.name)!.push((children[0]! + children[1]!) / perBlock);
  }
}
rmSync(root, { recursive: true, force: true });

const floor = ms.get('node -e 0')!;
console.log(`start-up benchmark: whole processes, ${rounds} interleaved rounds, median [min–max]`);
for (const row of rows) {
  const budget = row.name === 'migrate-tui status' ? 2 : null;
  const vs = row.name === 'node -e 0' ? '' : `, ÷ node -e 0 ${ratio(ms.get(row.name)!, floor, budget, quick)}`;
  console.log(`  ${row.name.padEnd(22)} ${spread(ms.get(row.name)!).padEnd(20)} peak RSS ${spread(rss.get(row.name)!, 'MB')}${vs}`);
}
console.log(`CPU (user + sys) per process: ${cpuBlocks} interleaved blocks of ${perBlock} runs, median [min–max] of the blocks' means`);
for (const row of rows) {
  const budget = row.name === 'migrate-tui status' ? 2 : null;
  const vs = row.name === 'node -e 0' ? '' : `÷ node -e 0 ${ratio(cpu.get(row.name)!, cpu.get('node -e 0')!, budget, quick)}`;
  console.log(`  ${row.name.padEnd(22)} ${spread(cpu.get(row.name)!, 'ms', 1).padEnd(24)} ${vs}`);
}
if (!hasAlembic) console.log('  alembic --version: NOT MEASURED (python3-alembic is not installed)');
