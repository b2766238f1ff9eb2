import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ratio, rotated, spread, timeProcess } from './harness.js';

/**
 * Whole-process time of `migrate-tui heads` and `check` on N migration pairs, against a
 * baseline measured in the same run: a bare node process that reads the same files.
 * Budget (DESIGN §9): under 0.5 s for `heads` on 10,000 pairs. `--quick`: 500 pairs, 1 round.
 */
const quick = process.argv.includes('--quick');
const pairs = quick ? 500 : 10_000;
const runs = quick ? 1 : 5; // interleaved rounds
const bin = fileURLToPath(new URL('../bin/main.js', import.meta.url));

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

const rows: Array<[string, string[]]> = [
  ['baseline (node reads the files)', ['-e', baselineScript]],
  ['migrate-tui heads', [bin, 'heads', '--dir', dir]],
  ['migrate-tui check', [bin, 'check', '--dir', dir]],
];
const ms = new Map<string, number[]>(rows.map(([n]) => [n, []]));
const rss = new Map<string, number[]>(rows.map(([n]) => [n, []]));
for (let round = 0; round < runs; round++) {
  for (const [name, args] of rotated(rows, round)) {
    const s = timeProcess(process.execPath, args);
    if (!s.ok && !name.endsWith('check')) throw new Error(`${name} failed: ${s.output}`);
    ms.get(name)!.push(s.ms);
    if (Number.isFinite(s.rssMb)) rss.get(name)!.push(s.rssMb);
  }
}
const baseline = median(ms.get(rows[0]![0])!);
const heads = median(ms.get('migrate-tui heads')!);
rmSync(root, { recursive: true, force: true });

const budget = (pairs / 10_000) * 500;
console.log(`index benchmark: ${pairs} migration pairs (${pairs * 2} files), whole processes, ${runs} interleaved round${runs === 1 ? '' : 's'}, median [min–max]`);
for (const [name] of rows) {
  const vs = name.startsWith('baseline') ? '' : `, ÷ baseline ${ratio(ms.get(name)!, ms.get(rows[0]![0])!, null, quick)}`;
  console.log(`  ${name.padEnd(32)} ${spread(ms.get(name)!).padEnd(22)} peak RSS ${spread(rss.get(name)!, 'MB')}${vs}`);
}
if (quick) console.log('  (quick mode: startup dominates at this size, so no budget verdict)');
else console.log(`  budget for heads: ${budget.toFixed(0)} ms (median; baseline ${baseline.toFixed(0)} ms) ${heads <= budget ? 'met' : 'NOT MET'}`);
