import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratio, rotated, spread, timeProcess } from './harness.js';

/**
 * Linear at every size (issue 15): on chains of 1,000 / 10,000 / 50,000 revisions (--quick:
 * 500), whole processes of the built binary, each command as a ratio to `heads` on the same
 * folder in the same interleaved rounds. Budget: every command ≤ 3× `heads`. The SQLite
 * database is stamped at the head, so `status` reads (and checks gaps and drift for) every
 * revision and `upgrade` plans with nothing to do. Wall-time ratios, then CPU-time (user + sys)
 * ratios of the same runs: on a loaded machine the wall ratios swing between rounds. Every
 * process gets a new, empty cache folder (XDG_CACHE_HOME), so `check` lints cold, as on a new
 * machine, except `check, warm`, which reads the results a first `check` kept there.
 */
const quick = process.argv.includes('--quick');
const sizes = quick ? [500] : (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const rounds = quick ? 1 : 3;
const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));

console.log(`scale benchmark: whole processes, ratio to \`heads\` on the same folder, ${rounds} interleaved round${rounds === 1 ? '' : 's'}, median [min–max]`);
let failed = false;
for (const size of sizes) {
  const root = mkdtempSync(join(tmpdir(), 'migrate-tui-scale-'));
  const dir = join(root, 'migrations');
  mkdirSync(dir);
  for (let i = 1; i <= size; i++) {
    const v = String(i).padStart(6, '0');
    writeFileSync(join(dir, `${v}_step.up.sql`), `CREATE TABLE t_${v} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nCREATE INDEX i_${v} ON t_${v} (name);\n`);
    writeFileSync(join(dir, `${v}_step.down.sql`), `DROP TABLE t_${v};\n`);
  }
  const url = `sqlite:${join(root, 'db.sqlite')}`;
  const stamp = spawnSync(process.execPath, [cli, '--url', url, '--dir', dir, '--yes', 'stamp', 'heads'], { encoding: 'utf8' });
  if (stamp.status !== 0) throw new Error(`stamp failed: ${stamp.stderr}`);
  const commands: Array<[string, string[]]> = [
    ['heads', ['heads']],
    ['history', ['history']],
    ['upgrade heads --sql', ['--dialect', 'postgres', 'upgrade', 'heads', '--sql']],
    ['downgrade base --sql', ['--dialect', 'postgres', 'downgrade', 'base', '--sql', '--from', 'heads']],
    ['status (at head)', ['--url', url, 'status']],
    ['upgrade (at head)', ['--url', url, '--yes', 'upgrade']],
    ['check (all dialects)', ['check']],
    ['check, warm', ['check']],
  ];
  // `check` cold: a new, empty cache folder each run (lint kept nothing); warm: the folder a first check filled.
  const warmCache = mkdtempSync(join(root, 'warm-'));
  spawnSync(process.execPath, [cli, '--dir', dir, 'check'], { env: { ...process.env, XDG_CACHE_HOME: warmCache } });
  const envFor = (name: string) => (name === 'check, warm' ? { XDG_CACHE_HOME: warmCache } : { XDG_CACHE_HOME: mkdtempSync(join(root, 'cache-')) });
  const ms = new Map<string, number[]>(commands.map(([n]) => [n, []]));
  const rss = new Map<string, number[]>(commands.map(([n]) => [n, []]));
  const cpu = new Map<string, number[]>(commands.map(([n]) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, args] of rotated(commands, round)) {
      const s = timeProcess(process.execPath, [cli, '--dir', dir, ...args], { cwd: root, env: envFor(name) });
      if (!s.ok && !(name.startsWith('check') && /exit|warning/i.test(s.output))) {
        console.log(`  ${size}: ${name} FAILED: ${s.output.split('\n').slice(0, 3).join(' ')}`);
        failed = true;
        continue;
      }
      ms.get(name)!.push(s.ms);
      if (Number.isFinite(s.rssMb)) rss.get(name)!.push(s.rssMb);
      if (Number.isFinite(s.cpuMs)) cpu.get(name)!.push(s.cpuMs);
    }
  }
  const heads = ms.get('heads')!;
  console.log(`  ${size.toLocaleString('en')} revisions:`);
  for (const [name] of commands) {
    const vs = name === 'heads' ? '' : ` ÷ heads ${ratio(ms.get(name)!, heads, name.startsWith('check') ? null : 3, quick)}`;
    console.log(`    ${name.padEnd(22)} ${spread(ms.get(name)!).padEnd(22)} peak RSS ${spread(rss.get(name)!, 'MB').padEnd(16)}${vs}`);
  }
  // The same ratios in CPU time (user + sys), which the load of a shared machine disturbs far less.
  if (cpu.get('heads')!.length > 0) {
    console.log(`    CPU (user + sys):`);
    for (const [name] of commands) {
      const vs = name === 'heads' ? '' : ` ÷ heads ${ratio(cpu.get(name)!, cpu.get('heads')!, name.startsWith('check') ? null : 3, quick)}`;
      console.log(`    ${name.padEnd(22)} ${spread(cpu.get(name)!).padEnd(22)}${vs}`);
    }
  }
  rmSync(root, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
