import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskLintStore, forgetAnalyses, lintFromStore, lintHistory, loadPostgresParser, loadProject, type DialectName } from '../src/engine/index.js';
import { setReadingShortcuts } from '../src/engine/safety/prefilter.js';
import { sourceStatements } from '../src/engine/files/migration-sql.js';
import { dialectSyntax } from '../src/engine/dialects/registry.js';

/**
 * Lint time against indexing time on the same N migrations (DESIGN §9: `lint` no slower than
 * indexing). In-process, rounds interleaved (index, then lint per dialect), medians with
 * min–max; then whole processes: `heads` against `lint --dialect postgres` and `lint` (all
 * four). Each in-process lint starts with no statement remembered (forgetAnalyses), as a new
 * process does; "again" is a second lint of the same history in the same process (the TUI's
 * case: statements already read are remembered); "long way" is all four with the readers'
 * short cuts off (every statement tokenized or parsed whole). A seed history (a table, then
 * one ~3.5 MB file of INSERTs, read whole) is linted the same two ways. Processes run cold
 * (an empty cache folder each time: XDG_CACHE_HOME is a fresh directory) and warm (the
 * results a first lint kept in the cache folder). The last revision alone (the whole history replayed, as
 * for `lint <rev>` or a plan), with and without the short cuts. Peak RSS of this process at the end.
 * The floor a cold lint cannot go under, each timed on a freshly indexed project: reading the
 * down files (indexing defers them; lint reads them) and splitting every file once (up and
 * down, PostgreSQL's splitter, nothing remembered) — before any statement is parsed.
 * `--quick`: 200 migrations, 2 rounds, a 0.5 MB seed file.
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

const seedDir = join(root, 'seeds');
mkdirSync(seedDir);
writeFileSync(join(seedDir, '001_t.up.sql'), 'CREATE TABLE big (id BIGINT PRIMARY KEY, v TEXT);\n');
writeFileSync(join(seedDir, '001_t.down.sql'), 'DROP TABLE big;\n');
writeFileSync(join(seedDir, '002_rows.down.sql'), 'DELETE FROM big;\n');
let seedSql = '';
for (let k = 0; seedSql.length < (quick ? 0.5 : 3.5) * 2 ** 20; k++) seedSql += `INSERT INTO big (id, v) VALUES (${k}, 'row ${k} ${'x'.repeat(80)}');\n`;
writeFileSync(join(seedDir, '002_rows.up.sql'), seedSql);
const seedRows = seedSql.split('\n').length - 1;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
/** CPU time (user + sys, this process) of the last `ms` call: on a loaded machine it moves far less than wall time. */
let lastCpu = 0;
const ms = (f: () => void) => {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  f();
  const took = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  lastCpu = (used.user + used.system) / 1000;
  return took;
};
const cpuOf: Record<string, number[]> = {};
const keepCpu = (name: string) => (cpuOf[name] ??= []).push(lastCpu);

await loadPostgresParser();
const dialects: DialectName[] = ['postgres', 'mysql', 'sqlite'];
const index: number[] = [];
const lint: Record<string, number[]> = { floorDown: [], floorSplit: [], postgres: [], mysql: [], sqlite: [], all: [], again: [], long: [], warmPostgres: [], warmAll: [], seedPostgres: [], seedPostgresLong: [], seedSqlite: [], seedSqliteLong: [], lastPostgres: [], lastPostgresLong: [] };
let statements = 0;
// Round 0 warms up (JIT, the parser's WebAssembly) and is not counted. Each lint gets a
// freshly indexed project (untimed), so reading the down files — deferred by indexing — counts as lint's.
for (let r = 0; r <= rounds; r++) {
  const keep = r > 0;
  const t = ms(() => void loadProject(dir, { lazyDown: true }));
  if (keep) {
    index.push(t);
    keepCpu('index');
  }
  // The floor: the down files read, then every file split once (each on a new project).
  {
    const project = loadProject(dir, { lazyDown: true });
    const took = ms(() => {
      for (const m of project.folder.migrations) void m.down;
    });
    if (keep) {
      lint.floorDown!.push(took);
      keepCpu('floorDown');
    }
    const pg = dialectSyntax('postgres');
    const split = loadProject(dir, { lazyDown: true });
    for (const m of split.folder.migrations) void m.down;
    const tookSplit = ms(() => {
      for (const m of split.folder.migrations) {
        sourceStatements(m.up, pg, false);
        if (m.down) sourceStatements(m.down, pg, false);
      }
    });
    if (keep) {
      lint.floorSplit!.push(tookSplit);
      keepCpu('floorSplit');
    }
  }
  for (const d of [...dialects, 'all', 'again', 'long'] as const) {
    const project = loadProject(dir, { lazyDown: true });
    if (d !== 'again') forgetAnalyses();
    setReadingShortcuts(d !== 'long');
    const took = ms(() => void (statements = lintHistory(project.graph, { dialects: d === 'all' || d === 'again' || d === 'long' ? ['postgres', 'mysql', 'mariadb', 'sqlite'] : [d] }).statements));
    setReadingShortcuts(true);
    if (keep) {
      lint[d]!.push(took);
      keepCpu(d);
    }
  }
  // Warm: the results an earlier lint kept in the cache folder (kept in round 0), read by a new project.
  for (const [name, which] of [['warmPostgres', ['postgres']], ['warmAll', ['postgres', 'mysql', 'mariadb', 'sqlite']]] as const) {
    const store = diskLintStore(join(root, 'store'), { write: true });
    if (r === 0) lintHistory(loadProject(dir, { lazyDown: true }).graph, { dialects: which, store });
    const project = loadProject(dir, { lazyDown: true });
    forgetAnalyses();
    const took = ms(() => {
      if (!lintFromStore(project.graph, { dialects: which, store })) throw new Error('warm lint found nothing stored');
    });
    if (keep) {
      lint[name]!.push(took);
      keepCpu(name);
    }
  }
  // The last revision only (as `lint <rev>` or a plan of one revision): the whole history replayed, one reported.
  for (const [name, shortcuts] of [['lastPostgres', true], ['lastPostgresLong', false]] as const) {
    const project = loadProject(dir, { lazyDown: true });
    forgetAnalyses();
    setReadingShortcuts(shortcuts);
    const last = new Set([project.graph.heads()[0]!]);
    const took = ms(() => void lintHistory(project.graph, { dialects: ['postgres'], revisions: last }));
    setReadingShortcuts(true);
    if (keep) {
      lint[name]!.push(took);
      keepCpu(name);
    }
  }
  for (const [name, dialect, shortcuts] of [['seedPostgres', 'postgres', true], ['seedPostgresLong', 'postgres', false], ['seedSqlite', 'sqlite', true], ['seedSqliteLong', 'sqlite', false]] as const) {
    const project = loadProject(seedDir);
    forgetAnalyses();
    setReadingShortcuts(shortcuts);
    const took = ms(() => void lintHistory(project.graph, { dialects: [dialect] }));
    setReadingShortcuts(true);
    if (keep) {
      lint[name]!.push(took);
      keepCpu(name);
    }
  }
}

/** One process; `cache`: 'cold' (a new, empty cache folder), 'warm' (the folder a first lint filled), or none. */
function processMs(args: string[], cache?: 'cold' | 'warm'): number {
  const env = { ...process.env, XDG_CACHE_HOME: cache === 'warm' ? warmCache : mkdtempSync(join(root, 'cache-')) };
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args, '--dir', dir], { encoding: 'utf8', env });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const warmCache = mkdtempSync(join(root, 'warm-'));
for (const args of [['--dialect', 'postgres', 'lint'], ['lint']]) spawnSync(process.execPath, [bin, ...args, '--dir', dir], { env: { ...process.env, XDG_CACHE_HOME: warmCache } });
const procs: Record<string, number[]> = { heads: [], pgCold: [], allCold: [], pgWarm: [], allWarm: [] };
// Interleaved: each round runs every command once.
for (let k = 0; k < rounds; k++) {
  procs.heads!.push(processMs(['heads']));
  procs.pgCold!.push(processMs(['--dialect', 'postgres', 'lint'], 'cold'));
  procs.allCold!.push(processMs(['lint'], 'cold'));
  procs.pgWarm!.push(processMs(['--dialect', 'postgres', 'lint'], 'warm'));
  procs.allWarm!.push(processMs(['lint'], 'warm'));
}
const heads = procs.heads!;
rmSync(root, { recursive: true, force: true });

const per1000 = (x: number) => (x / (n / 1000)).toFixed(0);
console.log(`lint benchmark: ${n} migrations (${statements / 4} statements per dialect, up and down), ${rounds} interleaved rounds, medians (min–max)`);
console.log(`  index (read the folder, build the graph): ${median(index).toFixed(0)} ms (${range(index)}), ${per1000(median(index))} ms per 1,000`);
const floor = (xs: number[]) => `${median(xs).toFixed(0)} ms (${range(xs)}), ${(median(xs) / median(index)).toFixed(2)}× indexing`;
console.log(`  floor of a cold lint: reading the down files ${floor(lint.floorDown!)}; splitting every file once (up and down, PostgreSQL) ${floor(lint.floorSplit!)}; together ${((median(lint.floorDown!) + median(lint.floorSplit!)) / median(index)).toFixed(2)}× indexing`);
for (const d of dialects) console.log(`  lint ${d.padEnd(8)}: ${median(lint[d]!).toFixed(0)} ms (${range(lint[d]!)}), ${per1000(median(lint[d]!))} ms per 1,000, ${(median(lint[d]!) / median(index)).toFixed(2)}× indexing`);
console.log(`  lint all four dialects: ${median(lint.all!).toFixed(0)} ms (${range(lint.all!)}), ${(median(lint.all!) / median(index)).toFixed(2)}× indexing`);
console.log(`  lint all four again in the same process (statements remembered): ${median(lint.again!).toFixed(0)} ms (${range(lint.again!)}), ${(median(lint.again!) / median(index)).toFixed(2)}× indexing`);
console.log(`  warm (read from the results a first lint kept; down files read and every file hashed): postgres ${median(lint.warmPostgres!).toFixed(0)} ms (${range(lint.warmPostgres!)}), ${(median(lint.warmPostgres!) / median(index)).toFixed(2)}× indexing; all four ${median(lint.warmAll!).toFixed(0)} ms (${range(lint.warmAll!)}), ${(median(lint.warmAll!) / median(index)).toFixed(2)}× indexing`);
console.log(`  lint all four the long way (no short cuts): ${median(lint.long!).toFixed(0)} ms (${range(lint.long!)}), ${(median(lint.long!) / median(index)).toFixed(2)}× indexing`);
console.log(`  seed file (${seedRows} INSERTs, ${(seedSql.length / 2 ** 20).toFixed(1)} MB, read whole): postgres ${median(lint.seedPostgres!).toFixed(0)} ms (${range(lint.seedPostgres!)}) against ${median(lint.seedPostgresLong!).toFixed(0)} ms (${range(lint.seedPostgresLong!)}) the long way; sqlite ${median(lint.seedSqlite!).toFixed(0)} ms (${range(lint.seedSqlite!)}) against ${median(lint.seedSqliteLong!).toFixed(0)} ms (${range(lint.seedSqliteLong!)})`);
console.log(`  the last revision only (the whole history replayed): postgres ${median(lint.lastPostgres!).toFixed(0)} ms (${range(lint.lastPostgres!)}), ${(median(lint.lastPostgres!) / median(index)).toFixed(2)}× indexing, against ${median(lint.lastPostgresLong!).toFixed(0)} ms (${range(lint.lastPostgresLong!)}) the long way`);
const cpuVs = (name: string) => `${median(cpuOf[name]!).toFixed(0)} ms (${(median(cpuOf[name]!) / median(cpuOf.index!)).toFixed(2)}×)`;
console.log(`  CPU time (user + sys) of the same runs, × indexing's ${median(cpuOf.index!).toFixed(0)} ms (${range(cpuOf.index!)}): floor down files ${cpuVs('floorDown')}, splitting ${cpuVs('floorSplit')}; lint postgres ${cpuVs('postgres')}, mysql ${cpuVs('mysql')}, sqlite ${cpuVs('sqlite')}, all four ${cpuVs('all')}, the long way ${cpuVs('long')}; warm postgres ${cpuVs('warmPostgres')}; last revision postgres ${cpuVs('lastPostgres')} against ${cpuVs('lastPostgresLong')} the long way`);
const vsHeads = (xs: number[]) => `${median(xs).toFixed(0)} ms (${range(xs)}, ${(median(xs) / median(heads)).toFixed(2)}× heads)`;
console.log(`  whole process: heads ${median(heads).toFixed(0)} ms (${range(heads)}); cold (empty cache folder): lint --dialect postgres ${vsHeads(procs.pgCold!)}, lint (four dialects) ${vsHeads(procs.allCold!)}; warm (results kept by a first lint): lint --dialect postgres ${vsHeads(procs.pgWarm!)}, lint ${vsHeads(procs.allWarm!)}`);
console.log(`  peak RSS of the in-process rounds: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
