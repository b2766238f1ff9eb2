import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forgetAnalyses, lintHistory, loadPostgresParser, loadProject, type DialectName } from '../src/engine/index.js';

/**
 * Lint time against indexing time on the same N migrations (DESIGN §9: `lint` no slower than
 * indexing). In-process, rounds interleaved (index, then lint per dialect), medians with
 * min–max; then whole processes: `heads` against `lint --dialect postgres` and `lint` (all
 * four). Each in-process lint starts with no statement remembered (forgetAnalyses), as a new
 * process does; "again" is a second lint of the same history in the same process (the TUI's
 * case: statements already read are remembered). Peak RSS of this process at the end.
 * `--quick`: 200 migrations, 2 rounds.
 */
const quick = process.argv.includes('--quick');
const n = quick ? 200 : 1000;
const rounds = quick ? 2 : 5;
const bin = fileURLToPath(new URL('../bin/main.js', import.meta.url));

const root = mkdtempSync(join(tmpdir(), 'migrate-tui-bench-lint-'));
const dir = join(root, 'migrations');
mkdirSync(dir);
/** A realistic mix: new tables, columns, indexes, constraints, renames, data fixes, dialect blocks. */
for (let i = 1; i <= n; i++) {
  const v = String(i).padStart(6, '0');
  const t = `t_${String(Math.max(1, i - (i % 5))).padStart(6, '0')}`;
  const kinds = [
    [`CREATE TABLE t_${v} (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, created_at TIMESTAMP, status VARCHAR(20) DEFAULT 'new');`, `CREATE INDEX i_${v} ON t_${v} (name);`],
    [`ALTER TABLE ${t} ADD COLUMN c_${v} INTEGER;`, `UPDATE ${t} SET c_${v} = 0 WHERE id < 100;`],
    ['-- migrate:dialect postgres', `CREATE INDEX CONCURRENTLY j_${v} ON ${t} (created_at);`, '-- migrate:dialect default', `CREATE INDEX j_${v} ON ${t} (created_at);`, '-- migrate:end'],
    [`ALTER TABLE ${t} RENAME COLUMN status TO state_${v};`],
    [`INSERT INTO ${t} (id, name) VALUES (${i}, 'x''y');`, `DELETE FROM ${t} WHERE id = ${i};`],
  ];
  const up = kinds[i % kinds.length]!;
  writeFileSync(join(dir, `${v}_step.up.sql`), up.join('\n') + '\n');
  writeFileSync(join(dir, `${v}_step.down.sql`), i % kinds.length === 0 ? `DROP TABLE t_${v};\n` : 'SELECT 1;\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
const ms = (f: () => void) => {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

await loadPostgresParser();
const dialects: DialectName[] = ['postgres', 'mysql', 'sqlite'];
const index: number[] = [];
const lint: Record<string, number[]> = { postgres: [], mysql: [], sqlite: [], all: [], again: [] };
let statements = 0;
// Round 0 warms up (JIT, the parser's WebAssembly) and is not counted. Each lint gets a
// freshly indexed project (untimed), so reading the down files — deferred by indexing — counts as lint's.
for (let r = 0; r <= rounds; r++) {
  const keep = r > 0;
  const t = ms(() => void loadProject(dir, { lazyDown: true }));
  if (keep) index.push(t);
  for (const d of [...dialects, 'all', 'again'] as const) {
    const project = loadProject(dir, { lazyDown: true });
    if (d !== 'again') forgetAnalyses();
    const took = ms(() => void (statements = lintHistory(project.graph, { dialects: d === 'all' || d === 'again' ? ['postgres', 'mysql', 'mariadb', 'sqlite'] : [d] }).statements));
    if (keep) lint[d]!.push(took);
  }
}

function processTime(args: string[]): number[] {
  const samples: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args, '--dir', dir], { encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}
const heads = processTime(['heads']);
const lintPg = processTime(['--dialect', 'postgres', 'lint']);
const lintAll = processTime(['lint']);
rmSync(root, { recursive: true, force: true });

const per1000 = (x: number) => (x / (n / 1000)).toFixed(0);
console.log(`lint benchmark: ${n} migrations (${statements / 4} statements per dialect, up and down), ${rounds} interleaved rounds, medians (min–max)`);
console.log(`  index (read the folder, build the graph): ${median(index).toFixed(0)} ms (${range(index)}), ${per1000(median(index))} ms per 1,000`);
for (const d of dialects) console.log(`  lint ${d.padEnd(8)}: ${median(lint[d]!).toFixed(0)} ms (${range(lint[d]!)}), ${per1000(median(lint[d]!))} ms per 1,000, ${(median(lint[d]!) / median(index)).toFixed(2)}× indexing`);
console.log(`  lint all four dialects: ${median(lint.all!).toFixed(0)} ms (${range(lint.all!)}), ${(median(lint.all!) / median(index)).toFixed(2)}× indexing`);
console.log(`  lint all four again in the same process (statements remembered): ${median(lint.again!).toFixed(0)} ms (${range(lint.again!)}), ${(median(lint.again!) / median(index)).toFixed(2)}× indexing`);
console.log(`  whole process: heads ${median(heads).toFixed(0)} ms (${range(heads)}), lint --dialect postgres ${median(lintPg).toFixed(0)} ms (${range(lintPg)}, ${(median(lintPg) / median(heads)).toFixed(2)}×), lint (four dialects) ${median(lintAll).toFixed(0)} ms (${range(lintAll)}, ${(median(lintAll) / median(heads)).toFixed(2)}×)`);
console.log(`  peak RSS of the in-process rounds: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
