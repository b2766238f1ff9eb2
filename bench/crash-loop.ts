import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { startMariadb, startPostgres, type RunningServer } from '../test/servers.js';

/**
 * Crash loop (issue 12): `migrate-tui --yes upgrade` (or `downgrade <target> --no-backup`)
 * is started as a child process on a folder that mixes transactional migrations,
 * `-- migrate:transaction off` ones, files with their own BEGIN/COMMIT and slow statements,
 * and SIGKILLed at a random moment. Then the state must be consistent (schema ⇔ applied set
 * ⇔ version rows, no lock left) or dirty and recoverable with the documented `resolve`
 * options, decided by looking at the database, after which `upgrade` reaches the heads with
 * every table present. Choices come from a seeded PRNG (`--seed`); the kill moment is wall
 * clock, so a replay repeats the choices, not the exact instant.
 */
type DbName = 'sqlite' | 'postgres' | 'mariadb';
const argv = process.argv.slice(2);
const option = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = argv.includes('--quick');
const rounds = Number(option('--rounds') ?? (quick ? 5 : 50));
const seed = Number(option('--seed') ?? Math.floor(Math.random() * 2 ** 31));
const only = (option('--db')?.split(',') ?? ['sqlite', 'postgres', 'mariadb']) as DbName[];
const CLI = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const SPAWN_TIMEOUT_MS = 60_000;

/** mulberry32: small, seedable, good enough to pick delays and targets. */
function prng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------
// The folder: every statement with an effect creates or drops its own table, so what ran
// can be read off the schema. A branch (04, 05) and a merge (06) give several heads mid-run.
const slow = {
  create: (t: string) =>
    [
      '-- migrate:dialect postgres',
      `CREATE TABLE ${t} AS SELECT 1 AS id FROM pg_sleep(0.05);`,
      '-- migrate:dialect mysql',
      `CREATE TABLE ${t} AS SELECT SLEEP(0.05) AS id;`,
      '-- migrate:dialect sqlite',
      `CREATE TABLE ${t} AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 150000) SELECT count(*) AS id FROM c;`,
      '-- migrate:end',
    ].join('\n'),
  noop: [
    '-- migrate:dialect postgres',
    'SELECT pg_sleep(0.05);',
    '-- migrate:dialect mysql',
    'SELECT SLEEP(0.05);',
    '-- migrate:dialect sqlite',
    'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 150000) SELECT count(*) FROM c;',
    '-- migrate:end',
  ].join('\n'),
};
const create = (t: string) => `CREATE TABLE ${t} (id INTEGER PRIMARY KEY);`;
const drop = (t: string) => `DROP TABLE ${t};`;
const OFF = '-- migrate:transaction off';
const FOLDER: Record<string, { up: string[]; down: string[] }> = {
  '01': { up: [create('r01_a'), 'INSERT INTO r01_a (id) VALUES (1);'], down: [drop('r01_a')] },
  '02': { up: [OFF, create('r02_a'), slow.create('r02_b'), create('r02_c')], down: [drop('r02_c'), slow.noop, drop('r02_b'), drop('r02_a')] },
  // Its own BEGIN/COMMIT around the whole file (recognised: runs in migrate-tui's transaction).
  '03': { up: ['BEGIN;', create('r03_a'), slow.create('r03_b'), 'COMMIT;'], down: ['BEGIN;', drop('r03_b'), drop('r03_a'), 'COMMIT;'] },
  '04': { up: [slow.create('r04_a'), create('r04_b')], down: [drop('r04_b'), drop('r04_a')] },
  // Transaction control inside the file: runs as written, statement by statement.
  '05': {
    up: ['-- migrate:revises 03', create('r05_a'), 'BEGIN;', create('r05_b'), slow.create('r05_c'), 'COMMIT;', create('r05_d')],
    down: [drop('r05_d'), 'BEGIN;', drop('r05_c'), drop('r05_b'), 'COMMIT;', drop('r05_a')],
  },
  '06': { up: ['-- migrate:revises 04, 05', OFF, slow.create('r06_a'), create('r06_b'), slow.create('r06_c')], down: [drop('r06_c'), drop('r06_b'), drop('r06_a')] },
  '07': { up: [create('r07_a'), slow.noop, create('r07_b')], down: [drop('r07_b'), drop('r07_a')] },
  '08': { up: [OFF, create('r08_a'), slow.noop, create('r08_b')], down: [drop('r08_b'), slow.noop, drop('r08_a')] },
  '09': { up: [create('r09_a')], down: [drop('r09_a')] },
};
const REVISIONS = Object.keys(FOLDER);
const PARENTS: Record<string, string[]> = { '01': [], '02': ['01'], '03': ['02'], '04': ['03'], '05': ['03'], '06': ['04', '05'], '07': ['06'], '08': ['07'], '09': ['08'] };

const root = mkdtempSync(join(tmpdir(), 'migrate-tui-crash-'));
const dir = join(root, 'migrations');
mkdirSync(dir);
for (const [id, f] of Object.entries(FOLDER)) {
  writeFileSync(join(dir, `${id}_step.up.sql`), f.up.join('\n') + '\n');
  writeFileSync(join(dir, `${id}_step.down.sql`), f.down.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** The built binary as a child process, killed (by its pid) if it outlives the timeout. */
function startCli(url: string | null, args: string[], onStderr?: (text: string) => void) {
  const full = [CLI, ...(url ? ['--url', url] : []), '--dir', dir, '--lock-timeout', '5', ...args];
  const child = spawn(process.execPath, full, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, SPAWN_TIMEOUT_MS);
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => {
    stderr += String(d);
    onStderr?.(stderr);
  });
  const exit = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    }),
  );
  return { child, exit };
}

const cli = (url: string | null, args: string[]) => startCli(url, args).exit;
const brief = (e: Exit) => `exit ${e.timedOut ? 'TIMEOUT' : (e.code ?? e.signal)}: ${(e.stdout + e.stderr).trim().split('\n').slice(-6).join(' | ')}`;

// ---------------------------------------------------------------------------------------
/** Each database: fresh databases, and the checker's own connection (not migrate-tui's). */
interface Target {
  readonly name: DbName;
  readonly dialect: string;
  fresh(round: number): Promise<string>;
  dispose(url: string): Promise<void>;
  /** User tables (migrate-tui's own excluded) and version rows. */
  look(url: string): Promise<{ tables: string[]; versionRows: string[] }>;
  exec(url: string, sql: string): Promise<void>;
  /** Waits until the killed child's server sessions are gone (a statement it sent may still be running). */
  settle(url: string): Promise<void>;
  close(): Promise<void>;
}

const dbNameOf = (url: string) => new URL(url).pathname.slice(1);
async function poll(what: string, done: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 30_000;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20)); // polling the server for a condition, not a fixed wait
  }
}

function sqliteTarget(): Target {
  const file = (url: string) => url.slice('sqlite:'.length);
  const open = <T>(url: string, work: (db: Database.Database) => T): T => {
    const db = new Database(file(url), { timeout: 10_000 });
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    name: 'sqlite',
    dialect: 'sqlite',
    fresh: async (round) => `sqlite:${join(root, `round-${round}.sqlite`)}`,
    dispose: async (url) => {
      for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file(url) + suffix, { force: true });
    },
    look: async (url) =>
      open(url, (db) => {
        const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>).map((r) => r.name);
        const versionRows = tables.includes('migrate_tui_version') ? (db.prepare('SELECT revision FROM migrate_tui_version').all() as Array<{ revision: string }>).map((r) => r.revision) : [];
        return { tables: tables.filter((t) => !t.startsWith('migrate_tui_')), versionRows };
      }),
    exec: async (url, sql) => open(url, (db) => void db.exec(sql)),
    // In-process database: the killed process holds nothing once it is gone.
    settle: async () => {},
    close: async () => {},
  };
}

function postgresTarget(server: RunningServer): Target {
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  const on = async <T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      return await work(sql);
    } finally {
      await sql.end();
    }
  };
  return {
    name: 'postgres',
    dialect: 'postgres',
    fresh: async (round) => {
      await admin.unsafe(`CREATE DATABASE crash_${round}`);
      return server.url.replace(/\/postgres$/, `/crash_${round}`);
    },
    dispose: async (url) => void (await admin.unsafe(`DROP DATABASE IF EXISTS ${dbNameOf(url)} WITH (FORCE)`)),
    look: (url) =>
      on(url, async (sql) => {
        const tables = (await sql.unsafe<Array<{ t: string }>>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'")).map((r) => r.t);
        const versionRows = tables.includes('migrate_tui_version') ? (await sql.unsafe<Array<{ revision: string }>>('SELECT revision FROM migrate_tui_version')).map((r) => r.revision) : [];
        return { tables: tables.filter((t) => !t.startsWith('migrate_tui_')), versionRows };
      }),
    exec: (url, text) => on(url, async (sql) => void (await sql.unsafe(text))),
    settle: (url) => poll('the killed run\'s sessions to end', async () => (await admin.unsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [dbNameOf(url)]))[0]!.n === 0),
    close: () => admin.end(),
  };
}

async function mariadbTarget(server: RunningServer): Promise<Target> {
  const admin = await mysql.createConnection(server.url);
  const on = async <T>(url: string, work: (c: mysql.Connection) => Promise<T>): Promise<T> => {
    const c = await mysql.createConnection(url);
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  };
  return {
    name: 'mariadb',
    dialect: 'mariadb',
    fresh: async (round) => {
      await admin.query(`CREATE DATABASE crash_${round}`);
      return server.url.replace(/\/mysql$/, `/crash_${round}`);
    },
    dispose: async (url) => void (await admin.query(`DROP DATABASE IF EXISTS ${dbNameOf(url)}`)),
    look: (url) =>
      on(url, async (c) => {
        const [rows] = await c.query('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()');
        const tables = (rows as Array<{ t: string }>).map((r) => r.t);
        const versionRows = tables.includes('migrate_tui_version') ? ((await c.query('SELECT revision FROM migrate_tui_version'))[0] as Array<{ revision: string }>).map((r) => r.revision) : [];
        return { tables: tables.filter((t) => !t.startsWith('migrate_tui_')), versionRows };
      }),
    exec: (url, sql) => on(url, async (c) => void (await c.query(sql))),
    settle: (url) =>
      poll('the killed run\'s sessions to end', async () => {
        const [rows] = await admin.query('SELECT count(*) AS n FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()', [dbNameOf(url)]);
        return Number((rows as Array<{ n: number }>)[0]!.n) === 0;
      }),
    close: () => admin.end(),
  };
}

// ---------------------------------------------------------------------------------------
/** What each statement does to the schema, read from `show <rev> --dialect <d> --json`. */
interface Statement {
  readonly sql: string;
  readonly effect: { kind: 'create' | 'drop'; table: string } | null;
}
type Statements = Record<string, { up: Statement[]; down: Statement[] }>;

async function statementsFor(dialect: string): Promise<Statements> {
  const out: Statements = {};
  for (const id of REVISIONS) {
    const e = await cli(null, ['--json', '--dialect', dialect, 'show', id]);
    if (e.code !== 0) throw new Error(`show ${id} failed: ${brief(e)}`);
    const s = JSON.parse(e.stdout).revision.statements as { up: Array<{ sql: string }>; down: Array<{ sql: string }> };
    const parse = (list: Array<{ sql: string }>) =>
      list.map(({ sql }) => {
        const c = /CREATE TABLE (\w+)/i.exec(sql);
        const d = /DROP TABLE (\w+)/i.exec(sql);
        return { sql, effect: c ? { kind: 'create' as const, table: c[1]! } : d ? { kind: 'drop' as const, table: d[1]! } : null };
      });
    out[id] = { up: parse(s.up), down: parse(s.down) };
  }
  return out;
}

/** The statements a step ran: a whole-file BEGIN … COMMIT wrapper is dropped when it runs in migrate-tui's transaction. */
function ranStatements(list: Statement[], total: number): Statement[] | null {
  if (list.length === total) return list;
  const control = (s: Statement | undefined, word: string) => s !== undefined && s.sql.trim().toUpperCase() === word;
  if (list.length === total + 2 && control(list[0], 'BEGIN') && control(list[list.length - 1], 'COMMIT')) return list.slice(1, -1);
  return null;
}

const tablesOf = (st: Statements, id: string) => st[id]!.up.flatMap((s) => (s.effect?.kind === 'create' ? [s.effect.table] : []));
const ALL_HEADS = REVISIONS.filter((id) => !Object.values(PARENTS).some((ps) => ps.includes(id)));
function maximal(applied: Set<string>): string[] {
  return [...applied].filter((id) => !REVISIONS.some((c) => applied.has(c) && PARENTS[c]!.includes(id))).sort();
}

interface StatusJson {
  applied: string[];
  current: string[];
  pending: string[];
  gaps: unknown[];
  dirty: { revision: string; direction: 'up' | 'down'; statementsDone: number; statementsTotal: number; error: string | null; uncertainStatement?: number | null } | null;
}

async function status(url: string): Promise<StatusJson & { noDatabase?: true }> {
  const e = await cli(url, ['--json', 'status']);
  // A kill before the run created the SQLite file: nothing happened, and `status` (which never
  // creates one) says so. Consistent by definition: nothing applied, nothing dirty.
  if (e.code !== 0 && noDatabase(e.stdout)) return { applied: [], current: [], pending: [], gaps: [], dirty: null, noDatabase: true };
  if (e.code !== 0) throw new Error(`status --json failed: ${brief(e)}`);
  return JSON.parse(e.stdout) as StatusJson;
}

function noDatabase(stdout: string): boolean {
  try {
    return (JSON.parse(stdout) as { error?: { code?: string } }).error?.code === 'no-database';
  } catch {
    return false;
  }
}

/** Not dirty: the schema holds exactly the applied revisions' tables, and the version rows are their heads. */
function checkConsistent(st: Statements, s: StatusJson, look: { tables: string[]; versionRows: string[] }, skip: string | null): string[] {
  const problems: string[] = [];
  const applied = new Set(s.applied);
  const present = new Set(look.tables);
  for (const id of REVISIONS) {
    if (id === skip) continue;
    const tables = tablesOf(st, id);
    const here = tables.filter((t) => present.has(t));
    if (applied.has(id) && here.length !== tables.length) problems.push(`${id} is applied but tables ${tables.filter((t) => !present.has(t)).join(', ')} are missing`);
    if (!applied.has(id) && here.length > 0) problems.push(`${id} is not applied but tables ${here.join(', ')} exist`);
    if (applied.has(id)) for (const p of PARENTS[id]!) if (!applied.has(p)) problems.push(`${id} is applied but its parent ${p} is not`);
  }
  const known = new Set(REVISIONS.flatMap((id) => tablesOf(st, id)));
  const stray = look.tables.filter((t) => !known.has(t));
  if (stray.length > 0) problems.push(`unknown tables: ${stray.join(', ')}`);
  if (s.gaps.length > 0) problems.push(`gaps: ${JSON.stringify(s.gaps)}`);
  if (skip === null) {
    const expected = maximal(applied).join(',');
    const rows = [...look.versionRows].sort().join(',');
    if (rows !== expected) problems.push(`version rows [${rows}] but the applied set's heads are [${expected}]`);
  }
  return problems;
}

type Decision = 'applied' | 'reverted' | 'resume' | 'by-hand';
interface RoundResult {
  killed: boolean;
  outcome: 'consistent' | 'recovered' | 'failed';
  decision?: Decision;
  uncertain: boolean;
  /** The uncertain statement had in fact completed. */
  uncertainRan: boolean;
  details: string[];
}

/** Reads the dirty step off the schema and picks the documented way out. */
async function recover(t: Target, url: string, st: Statements, s: StatusJson, present: Set<string>, result: RoundResult): Promise<void> {
  const d = s.dirty!;
  const listed = ranStatements(st[d.revision]![d.direction], d.statementsTotal);
  if (!listed) throw new Error(`the dirty step has ${d.statementsTotal} statements; show lists ${st[d.revision]![d.direction].length}`);
  const seen = (x: Statement) => (x.effect!.kind === 'create' ? present.has(x.effect!.table) : !present.has(x.effect!.table));
  const effectful = listed.map((x, i) => ({ i: i + 1, x })).filter(({ x }) => x.effect !== null);
  const ran = effectful.filter(({ x }) => seen(x)).map(({ i }) => i);
  const last = ran.length > 0 ? Math.max(...ran) : 0;
  const k = d.statementsDone;
  result.details.push(`dirty: ${d.direction} of ${d.revision}, statementsDone ${k}/${d.statementsTotal}, uncertainStatement ${d.uncertainStatement ?? 'null'}, effects seen at statements [${ran.join(',')}]`);
  if (ran.length !== effectful.filter(({ i }) => i <= last).length) throw new Error('the statements that ran are not a prefix of the step');
  const notSeen = effectful.filter(({ i, x }) => i <= k && !seen(x));
  if (notSeen.length > 0) throw new Error(`the log counts statement ${notSeen[0]!.i} as done, but its effect is absent`);
  if (last > k + 1) throw new Error(`statement ${last} ran, but the log counts only ${k}`);
  if (last === k + 1) {
    result.uncertainRan = true;
    if (d.uncertainStatement !== k + 1) throw new Error(`statement ${k + 1} ran without being recorded, and status does not flag it as uncertain`);
  }
  const up = d.direction === 'up';
  let decision: Decision;
  if (effectful.every(({ x }) => seen(x))) decision = up ? 'applied' : 'reverted';
  else if (last === 0) decision = up ? 'reverted' : 'applied';
  else if (last <= k) decision = 'resume';
  else {
    // The uncertain statement ran and more remain: `--resume` would run it again. The
    // documented way: finish the rest by hand, then record it (`--applied` / `--reverted`).
    decision = 'by-hand';
    for (const x of listed.slice(k + 1)) await t.exec(url, x.sql);
  }
  result.decision = decision;
  const flag = decision === 'by-hand' ? (up ? 'applied' : 'reverted') : decision;
  const e = await cli(url, ['--yes', 'resolve', d.revision, `--${flag}`]);
  result.details.push(`resolve ${d.revision} --${flag}${decision === 'by-hand' ? ` (after statements ${k + 2}–${listed.length} by hand)` : ''}: ${brief(e)}`);
  if (e.code !== 0) throw new Error(`resolve --${flag} failed`);
}

interface Timing {
  toFirstStep: number;
  steps: number;
}

async function runRound(t: Target, st: Statements, timing: Record<'upgrade' | 'downgrade', Timing>, rng: () => number, round: number): Promise<RoundResult> {
  const result: RoundResult = { killed: false, outcome: 'failed', uncertain: false, uncertainRan: false, details: [] };
  const url = await t.fresh(round);
  try {
    const kind = rng() < 0.6 ? 'upgrade' : 'downgrade';
    let args: string[];
    if (kind === 'upgrade') {
      const pre = rng() < 1 / 3 ? REVISIONS[Math.floor(rng() * 6)]! : null;
      if (pre) {
        const e = await cli(url, ['--yes', 'upgrade', pre]);
        if (e.code !== 0) throw new Error(`setup upgrade ${pre}: ${brief(e)}`);
      }
      args = ['--yes', 'upgrade'];
      result.details.push(`round ${round}: ${pre ? `upgrade ${pre}, then ` : ''}upgrade, killed`);
    } else {
      const e = await cli(url, ['--yes', 'upgrade']);
      if (e.code !== 0) throw new Error(`setup upgrade: ${brief(e)}`);
      const targets = ['base', ...REVISIONS.slice(0, -1)];
      const target = targets[Math.floor(rng() * targets.length)]!;
      args = ['--yes', 'downgrade', target, '--no-backup'];
      result.details.push(`round ${round}: upgrade, then downgrade ${target}, killed`);
    }
    // Most kills land between the first step's start and the end; some before any step.
    const early = rng() < 0.15;
    const fraction = rng();
    const tm = timing[kind];
    const delay = early ? fraction * tm.toFirstStep : fraction * 1.1 * tm.steps;
    result.details.push(`kill ${early ? 'after spawn' : 'after the first step started'} + ${delay.toFixed(0)} ms`);
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      timer ??= setTimeout(() => run.child.kill('SIGKILL'), delay);
    };
    const run = startCli(url, args, (text) => {
      if (!early && /[↑↓] \[1\//.test(text)) arm();
    });
    if (early) arm();
    const exit = await run.exit;
    clearTimeout(timer);
    if (exit.timedOut) throw new Error(`the ${kind} did not end in ${SPAWN_TIMEOUT_MS} ms`);
    result.killed = exit.signal === 'SIGKILL';
    if (!result.killed && exit.code !== 0) throw new Error(`the ${kind} failed on its own: ${brief(exit)}`);
    if (!result.killed) result.details.push('(it ended before the kill)');

    await t.settle(url);
    const s = await status(url);
    if (s.noDatabase) result.details.push('(killed before the database file was created: status says there is none)');
    const look = await t.look(url);
    result.details.push(`status: applied [${s.applied.join(',')}], current [${s.current.join(',')}]; tables: ${look.tables.sort().join(',') || '(none)'}; version rows [${look.versionRows.join(',')}]`);
    const problems = checkConsistent(st, s, look, s.dirty?.revision ?? null);
    if (problems.length > 0) throw new Error(problems.join('; '));
    if (s.dirty) {
      result.uncertain = s.dirty.uncertainStatement != null;
      await recover(t, url, st, s, new Set(look.tables), result);
    }
    // No lock left behind, and the database reaches the heads from here.
    const up = await cli(url, ['--yes', 'upgrade']);
    if (up.code !== 0) throw new Error(`upgrade after the kill: ${brief(up)}`);
    const end = await status(url);
    const after = await t.look(url);
    const final = checkConsistent(st, end, after, null);
    const all = REVISIONS.flatMap((id) => tablesOf(st, id)).sort();
    if (end.dirty) final.push('still dirty');
    if (end.applied.length !== REVISIONS.length) final.push(`applied ${end.applied.length} of ${REVISIONS.length}`);
    if (after.tables.sort().join(',') !== all.join(',')) final.push(`tables at the heads: ${after.tables.join(',')}`);
    if (end.current.sort().join(',') !== ALL_HEADS.join(',')) final.push(`current [${end.current.join(',')}]`);
    if (final.length > 0) throw new Error(`after recovery: ${final.join('; ')}`);
    result.outcome = s.dirty ? 'recovered' : 'consistent';
  } catch (error) {
    result.details.push(`FAILED: ${(error as Error).message}`);
  } finally {
    await t.dispose(url).catch(() => undefined);
  }
  return result;
}

/** One unkilled run of each command: how long until the first step, and how long the steps take. */
async function calibrate(t: Target): Promise<Record<'upgrade' | 'downgrade', Timing>> {
  const url = await t.fresh(9999);
  const time = async (args: string[]): Promise<Timing> => {
    const start = performance.now();
    let first = 0;
    const run = startCli(url, args, (text) => {
      if (!first && /[↑↓] \[1\//.test(text)) first = performance.now();
    });
    const e = await run.exit;
    if (e.code !== 0 || !first) throw new Error(`calibration ${args.join(' ')}: ${brief(e)}`);
    return { toFirstStep: first - start, steps: performance.now() - first };
  };
  try {
    return { upgrade: await time(['--yes', 'upgrade']), downgrade: await time(['--yes', 'downgrade', 'base', '--no-backup']) };
  } finally {
    await t.dispose(url);
  }
}

// ---------------------------------------------------------------------------------------
interface Row {
  db: string;
  rounds: number;
  kills: number;
  consistent: number;
  dirty: number;
  recovered: number;
  failed: number;
  uncertain: number;
  uncertainRan: number;
  decisions: Record<Decision, number>;
  note?: string;
}

async function loop(t: Target, index: number): Promise<Row> {
  const st = await statementsFor(t.dialect);
  const timing = await calibrate(t);
  const dbSeed = (seed + index * 0x9e3779b9) >>> 0;
  const rng = prng(dbSeed);
  console.log(`  ${t.name}: unkilled upgrade ${timing.upgrade.toFirstStep.toFixed(0)} ms to the first step + ${timing.upgrade.steps.toFixed(0)} ms of steps; downgrade base ${timing.downgrade.toFirstStep.toFixed(0)} + ${timing.downgrade.steps.toFixed(0)} ms`);
  const row: Row = { db: t.name, rounds, kills: 0, consistent: 0, dirty: 0, recovered: 0, failed: 0, uncertain: 0, uncertainRan: 0, decisions: { applied: 0, reverted: 0, resume: 0, 'by-hand': 0 } };
  for (let round = 0; round < rounds; round++) {
    const r = await runRound(t, st, timing, rng, round);
    if (r.killed) row.kills++;
    if (r.decision || r.details.some((d) => d.startsWith('dirty:'))) row.dirty++;
    if (r.uncertain) row.uncertain++;
    if (r.uncertainRan) row.uncertainRan++;
    if (r.decision) row.decisions[r.decision]++;
    if (r.outcome === 'consistent') row.consistent++;
    else if (r.outcome === 'recovered') row.recovered++;
    else {
      row.failed++;
      console.log(`  ${t.name} round ${round} NOT RECOVERED (seed ${seed}; replay: node dist/bench/crash-loop.js --seed ${seed} --db ${t.name} --rounds ${round + 1}):\n    ${r.details.join('\n    ')}`);
    }
    if (process.env.CRASH_LOOP_VERBOSE) console.log(`    ${r.outcome}${r.decision ? ` (${r.decision})` : ''}: ${r.details.join(' / ')}`);
  }
  return row;
}

console.log(`crash loop: ${rounds} rounds per database, seed ${seed}${quick ? ' (quick)' : ''}`);
const rows: Row[] = [];
let missing = false;
const servers: RunningServer[] = [];
const stopAll = async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => undefined);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}
try {
  for (const [index, name] of (['sqlite', 'postgres', 'mariadb'] as const).entries()) {
    if (!only.includes(name)) continue;
    let target: Target;
    try {
      if (name === 'sqlite') target = sqliteTarget();
      else {
        const server = name === 'postgres' ? await startPostgres() : await startMariadb();
        servers.push(server);
        console.log(`  ${name}: ${server.version}`);
        target = name === 'postgres' ? postgresTarget(server) : await mariadbTarget(server);
      }
    } catch (error) {
      console.log(`  ${name}: NOT TESTED (${(error as Error).message.split('\n')[0]})`);
      missing = true;
      continue;
    }
    try {
      rows.push(await loop(target, index));
    } catch (error) {
      console.log(`  ${name}: the loop could not run: ${(error as Error).message}`);
      rows.push({ db: name, rounds, kills: 0, consistent: 0, dirty: 0, recovered: 0, failed: rounds, uncertain: 0, uncertainRan: 0, decisions: { applied: 0, reverted: 0, resume: 0, 'by-hand': 0 } });
    } finally {
      await target.close().catch(() => undefined);
      await stopAll();
    }
  }
} finally {
  await stopAll();
  rmSync(root, { recursive: true, force: true });
}

const header = ['database', 'rounds', 'kills', 'consistent', 'dirty', 'recovered', 'failed', 'uncertain', 'uncertain ran', 'resume/applied/reverted/by hand'];
const table = [header, ...rows.map((r) => [r.db, r.rounds, r.kills, r.consistent, r.dirty, r.recovered, r.failed, r.uncertain, r.uncertainRan, `${r.decisions.resume}/${r.decisions.applied}/${r.decisions.reverted}/${r.decisions['by-hand']}`].map(String))];
const widths = header.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
for (const line of table) console.log(`  ${line.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`);
console.log(`  peak RSS of the script: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; seed ${seed}`);
const failed = rows.some((r) => r.failed > 0) || (missing && process.env.CI === 'true');
if (failed) console.log(`  FAILED: replay with --seed ${seed}`);
process.exit(failed ? 1 : 0);
