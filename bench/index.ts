import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Whole-process time of `migrate-tui heads` and `check` on N migration pairs, against a
 * baseline measured in the same run: a bare node process that reads the same files.
 * Budget (DESIGN §9): under 0.5 s for `heads` on 10,000 pairs. `--quick`: 500 pairs, 1 run.
 */
const quick = process.argv.includes('--quick');
const pairs = quick ? 500 : 10_000;
const runs = quick ? 1 : 5;
const bin = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

const root = mkdtempSync(join(tmpdir(), 'migrate-tui-bench-'));
const dir = join(root, 'migrations');
mkdirSync(dir);
for (let i = 1; i <= pairs; i++) {
  const v = String(i).padStart(6, '0');
  const up = [
    ...(i % 500 === 0 ? [`-- migrate:branch b${i}`] : []),
    `CREATE TABLE t_${v} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMP);`,
    '-- migrate:dialect postgres',
    `CREATE INDEX CONCURRENTLY i_${v} ON t_${v} (name);`,
    '-- migrate:dialect default',
    `CREATE INDEX i_${v} ON t_${v} (name);`,
    '-- migrate:end',
    '',
  ];
  writeFileSync(join(dir, `${v}_step_${v}.up.sql`), up.join('\n'));
  writeFileSync(join(dir, `${v}_step_${v}.down.sql`), `DROP TABLE t_${v};\n`);
}

const baselineScript = `const fs=require('fs'),p=require('path');const d=${JSON.stringify(dir)};let n=0;for(const f of fs.readdirSync(d))n+=fs.readFileSync(p.join(d,f),'utf8').length;if(!n)process.exit(1)`;

function time(args: string[]): number {
  const samples: number[] = [];
  for (let k = 0; k < runs; k++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0 && !(args.includes('check') && r.status === 1)) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const baseline = time(['-e', baselineScript]);
const heads = time([bin, 'heads', '--dir', dir]);
const check = time([bin, 'check', '--dir', dir]);
rmSync(root, { recursive: true, force: true });

const per1000 = (ms: number) => (ms / (pairs / 1000)).toFixed(1);
const budget = (pairs / 10_000) * 500;
console.log(`index benchmark: ${pairs} migration pairs (${pairs * 2} files), median of ${runs}`);
console.log(`  baseline (node reads the files): ${baseline.toFixed(0)} ms`);
console.log(`  migrate-tui heads: ${heads.toFixed(0)} ms (${per1000(heads)} ms per 1,000 pairs), ${(heads / baseline).toFixed(2)}× baseline`);
console.log(`  migrate-tui check: ${check.toFixed(0)} ms (${per1000(check)} ms per 1,000 pairs), ${(check / baseline).toFixed(2)}× baseline`);
if (quick) console.log('  (quick mode: startup dominates at this size, so no budget verdict)');
else console.log(`  budget for heads: ${budget.toFixed(0)} ms ${heads <= budget ? 'OK' : 'OVER BUDGET'}`);
