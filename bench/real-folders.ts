import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBin, startMariadb, startPostgres, type RunningServer } from '../test/servers.js';
import { flywayVersionId } from '../src/engine/files/flyway-names.js';
import { compareVersions } from '../src/engine/files/version-order.js';

/**
 * Real public migration histories, run unchanged (issue 9, "Show"). For each project and
 * each of its databases, through the built binary as a user runs it:
 *
 *   as-is   `check --offline` on the folder exactly as the project ships it;
 *   then, on a prepared copy (see below): `check`, `--yes upgrade heads`,
 *   `--yes downgrade base` (or down to the newest irreversible revision), `--yes upgrade heads`;
 *   native  the same up files, in version order, through the database's own client
 *           (psql, mariadb, sqlite3) into a fresh database;
 *   schema  the two schemas compared (state tables left out).
 *
 * The prepared copy is the folder as shipped for every layout (goose, dbmate and popx are read
 * natively); a small converter only extracts the up SQL the peer tool runs, for the native
 * client. Where our rules refuse what the peer tool accepts, the copy gets the least edit
 * that lets the run go on, and each edit is counted under the rule it works around:
 *   up-without-down  → `-- migrate:irreversible` at the top of the up file;
 *   empty-migration / empty-down (comment-only or empty file, a no-op for the peer) → `SELECT 1;`.
 * So a row tells both: whether the folder runs unchanged, and what fails after that.
 *
 * A failing step is "theirs" when the native client fails on the same SQL too, else "ours".
 *
 * Usage: node dist/bench/real-folders.js <projects.json> [--only name,…] [--db sqlite,postgres,mariadb] [--out results.json]
 * projects.json: [{ "name", "repo", "commit", "path", "layout": "golang-migrate"|"goose"|"dbmate"|"popx"|"flyway"|"atlas"|"sqlx",
 *                   "databases": { "postgres"|"mariadb"|"sqlite": "<folder>" } }]
 * Folders are absolute or relative to the JSON file. Servers are throwaway, on loopback, one
 * database at a time; every spawn has a timeout.
 */

type Db = 'postgres' | 'mariadb' | 'sqlite';
type Layout = 'golang-migrate' | 'goose' | 'dbmate' | 'popx' | 'flyway' | 'atlas' | 'sqlx';
interface Project {
  name: string;
  repo?: string;
  commit?: string;
  path?: string;
  layout: Layout;
  databases: Partial<Record<Db, string>>;
  /** Text edits on the prepared copy for what only the app provides (e.g. a SQL function it registers); counted as assists. */
  patches?: { file: string; replace: string; with: string; why: string }[];
  /** SQL run with the native client in both databases first: what the peer tool provides (e.g. its own state table that a file alters). */
  setup?: Partial<Record<Db, { sql: string; why: string }>>;
}
interface StepResult {
  step: string;
  ok: boolean;
  skipped?: string;
  exit?: number | null;
  error?: string;
  where?: string;
  ms: number;
}
interface Row {
  project: string;
  layout: Layout;
  db: Db;
  files: number;
  revisions: number;
  asIs: string;
  assists: Record<string, number>;
  steps: StepResult[];
  native: { ok: boolean; failedAt?: string; error?: string; files: number };
  schema: string;
  verdict: string;
}

const args = process.argv.slice(2);
const listFile = args.find((a) => !a.startsWith('--') && a.endsWith('.json'));
if (!listFile) {
  console.error('usage: node dist/bench/real-folders.js <projects.json> [--only a,b] [--out file.json]');
  process.exit(2);
}
const only = argValue('--only')?.split(',');
const onlyDb = argValue('--db')?.split(',');
const outFile = argValue('--out');
const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const listDir = resolve(listFile, '..');
const projects = (JSON.parse(readFileSync(listFile, 'utf8')) as Project[]).filter((p) => !only || only.includes(p.name));
const root = mkdtempSync(join(tmpdir(), 'migrate-tui-real-'));
const pgBin = findPostgresBin();
const SPAWN_TIMEOUT = 300_000;

function argValue(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function run(cmd: string, argv: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}) {
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: opts.timeout ?? SPAWN_TIMEOUT,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
  });
  const timedOut = r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  return { status: timedOut ? null : r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (timedOut ? `\n(timed out after ${(opts.timeout ?? SPAWN_TIMEOUT) / 1000} s)` : r.error ? `\n${r.error}` : '') };
}

const firstLine = (s: string) => s.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';

// ---------------------------------------------------------------------------------------
// Preparing a folder: converters for layouts our reader does not take, and the assists.

interface Pair {
  version: string;
  slug: string;
  up: string;
  down: string | null;
  source: string;
}

const DIALECT_SUFFIX: Record<Db, string[]> = { postgres: ['postgres', 'postgresql'], mariadb: ['mysql', 'mariadb'], sqlite: ['sqlite3', 'sqlite'] };

function readPairs(dir: string, layout: Layout, db: Db): Pair[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const pairs = new Map<string, Pair>();
  if (layout === 'flyway') {
    // Flyway: V<version>__<description>.sql, run as they are in Flyway's version order; U files (Teams' undo) are the downs.
    for (const f of files) {
      const m = /^([VU])([0-9]+(?:[._][0-9]+)*)__(.+)\.sql$/.exec(f);
      if (!m) continue;
      const version = flywayVersionId(m[2]!);
      const p = pairs.get(version) ?? { version, slug: m[3]!.replace(/[^A-Za-z0-9_]/g, '_'), up: '', down: null, source: f };
      if (m[1] === 'V') Object.assign(p, { up: readFileSync(join(dir, f), 'utf8'), source: f });
      else p.down = readFileSync(join(dir, f), 'utf8');
      pairs.set(version, p);
    }
    return [...pairs.values()].filter((p) => p.source.startsWith('V'));
  }
  if (layout === 'atlas') {
    // Atlas: every .sql file, whole, in byte order of the names (Go's sort); up-only.
    const names = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    // On an empty database Atlas starts at the last checkpoint file (`-- atlas:checkpoint` among the header comments, then a blank line).
    const checkpoint = /^(?:(?:--|#)[^\n]*\n)*?(?:--|#)[ \t]*atlas:checkpoint\b[^\n]*\n(?:(?:--|#)[^\n]*\n)*[ \t]*\n/;
    const last = names.map((f) => checkpoint.test(readFileSync(join(dir, f), 'utf8'))).lastIndexOf(true);
    return names.slice(Math.max(last, 0)).map((f) => {
      const base = f.slice(0, -'.sql'.length);
      const at = base.indexOf('_');
      return { version: at < 0 ? base : base.slice(0, at), slug: (at < 0 ? 'migration' : base.slice(at + 1)).replace(/[^A-Za-z0-9_]/g, '_'), up: readFileSync(join(dir, f), 'utf8'), down: null, source: f };
    });
  }
  if (layout === 'sqlx') {
    // sqlx simple migrations: every <i64>_<description>.sql, whole, up-only, in order of the number
    // (sorted by the caller); `-- no-transaction` at the very start runs it outside a transaction.
    return files
      .filter((f) => /^[0-9]+_.*\.sql$/.test(f) && !/\.(up|down)\.sql$/.test(f))
      .map((f) => {
        const at = f.indexOf('_');
        const text = readFileSync(join(dir, f), 'utf8');
        return { version: f.slice(0, at), slug: f.slice(at + 1, -'.sql'.length).replace(/[^A-Za-z0-9_]/g, '_'), up: (text.startsWith('-- no-transaction') ? '-- migrate:transaction off\n' : '') + text, down: null, source: f };
      });
  }
  const key = (v: string, s: string) => `${v}_${s}`;
  if (layout === 'popx') {
    // popx: <version>_<name>[.<dialect>][.autocommit].(up|down).sql, name without dots; the
    // dialect's own file wins over the plain one (dialect "all" or none); autocommit = no transaction.
    const chosen = new Map<string, { file: string; dialect: boolean; autocommit: boolean }>();
    for (const f of files) {
      const m = /^(\d+)_([^.]+)(?:\.([a-z0-9]+))?(\.autocommit)?\.(up|down)\.sql$/.exec(f);
      if (!m) continue;
      const [, version, slug, suffix, autocommit, direction] = m as unknown as [string, string, string, string | undefined, string | undefined, string];
      let own = suffix !== undefined && suffix !== 'all';
      let ac = Boolean(autocommit);
      if (suffix === 'autocommit') {
        own = false; // `<name>.autocommit.up.sql`: no dialect, no transaction
        ac = true;
      }
      if (own && !DIALECT_SUFFIX[db].includes(suffix!)) continue;
      const k = `${version}/${direction}`;
      const prev = chosen.get(k);
      if (prev && prev.dialect && !own) continue;
      chosen.set(k, { file: f, dialect: own, autocommit: ac });
      if (!pairs.has(version)) pairs.set(version, { version, slug: slug.replace(/[^A-Za-z0-9_]/g, '_'), up: '', down: null, source: f });
    }
    for (const [k, { file, autocommit }] of chosen) {
      const [version, direction] = k.split('/') as [string, string];
      const p = pairs.get(version)!;
      const text = readFileSync(join(dir, file), 'utf8');
      if (direction === 'up') {
        p.up = (autocommit ? '-- migrate:transaction off\n' : '') + text;
        p.source = file;
      } else p.down = text;
    }
    for (const [v] of pairs) if (!chosen.has(`${v}/up`)) pairs.delete(v); // a down alone is not a migration
    return [...pairs.values()];
  }
  for (const f of files) {
    const m = /^([0-9]+)[_-]?(.*)\.sql$/.exec(f);
    if (!m) continue;
    const [, version, rest] = m as unknown as [string, string, string];
    const slug = (rest || 'migration').replace(/[^A-Za-z0-9_]/g, '_');
    const text = readFileSync(join(dir, f), 'utf8');
    const lines = text.split('\n');
    let section: 'pre' | 'up' | 'down' = 'pre';
    const up: string[] = [];
    const down: string[] = [];
    let noTx = false;
    for (const line of lines) {
      const t = line.trim();
      if (layout === 'goose') {
        if (/^--\s*\+goose\s+Up\b/i.test(t)) { section = 'up'; up.push(''); continue; }
        if (/^--\s*\+goose\s+Down\b/i.test(t)) { section = 'down'; down.push(''); continue; }
        if (/^--\s*\+goose\s+NO\s+TRANSACTION/i.test(t)) { noTx = true; up.push(''); continue; }
        if (/^--\s*\+goose\s+(StatementBegin|StatementEnd|ENVSUB)/i.test(t)) { (section === 'down' ? down : up).push(''); continue; }
      } else {
        const d = /^--\s*migrate:(up|down)\b(.*)$/.exec(t);
        if (d) {
          section = d[1] as 'up' | 'down';
          if (/transaction:false/.test(d[2] ?? '') && section === 'up') noTx = true;
          (section === 'down' ? down : up).push('');
          continue;
        }
      }
      // keep line numbers of the up part equal to the source where possible
      if (section === 'down') down.push(line);
      else if (section === 'up') up.push(line);
      else up.push(line.startsWith('--') ? line : `-- ${line}`);
    }
    const upText = (noTx ? '-- migrate:transaction off\n' : '') + up.join('\n');
    const downText = down.join('\n');
    pairs.set(key(version, slug), { version, slug, up: upText, down: downText.trim() ? downText : null, source: f });
  }
  return [...pairs.values()];
}

function hasSql(text: string): boolean {
  const stripped = text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .split('\n')
    .map((l) => l.replace(/--.*$/, '').replace(/^\s*#.*$/, ''))
    .join('\n')
    .replace(/;/g, ' ')
    .trim();
  return stripped.length > 0;
}

/** Writes the prepared copy; returns the up files in version order and the assists used. */
function prepare(project: Project, db: Db, src: string, out: string) {
  mkdirSync(out, { recursive: true });
  const assists: Record<string, number> = {};
  if (project.layout === 'golang-migrate') return prepareGolangMigrate(src, out, assists);
  // goose, dbmate, popx and Flyway folders are read natively now: our copy is the folder as shipped.
  // The converter only extracts what the peer tool would run, for the native client.
  for (const f of readdirSync(src).filter((x) => x.endsWith('.sql') || x === 'atlas.sum')) copyFileSync(join(src, f), join(out, f));
  const pairs = readPairs(src, project.layout, db);
  const nativeDir = `${out}-native`;
  mkdirSync(nativeDir, { recursive: true });
  const irreversible: string[] = [];
  for (const p of pairs) {
    if (p.down === null || (project.layout !== 'popx' && !hasSql(p.down))) irreversible.push(p.version);
    writeFileSync(join(nativeDir, `${p.version}_${p.slug}.up.sql`), p.up);
  }
  // Atlas's order is its file names' (readPairs), which is not always the versions' numeric order.
  const ordered = project.layout === 'atlas' ? pairs : [...pairs].sort((a, b) => versionCompare(a.version, b.version));
  return { files: ordered.map((p) => join(nativeDir, `${p.version}_${p.slug}.up.sql`)), sources: ordered.map((p) => p.source), assists, irreversible: irreversible.sort(versionCompare), revisions: project.layout === 'atlas' ? readdirSync(src).filter((f) => f.endsWith('.sql')).length : pairs.length };
}

/**
 * golang-migrate folders are copied with their own names (so our reader sees exactly what
 * the project ships); the native list is what golang-migrate itself would apply: its regex
 * `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, ordered by the number.
 */
function prepareGolangMigrate(src: string, out: string, assists: Record<string, number>) {
  const names = readdirSync(src).filter((f) => f.endsWith('.sql'));
  const irreversible: string[] = [];
  const ours = new Map<string, { up?: string; down?: string }>();
  for (const f of names) {
    const m = /^([0-9A-Za-z]+)_.+\.(up|down)\.sql$/.exec(f);
    if (!m) continue;
    const e = ours.get(m[1]!) ?? {};
    e[m[2] as 'up' | 'down'] = f;
    ours.set(m[1]!, e);
  }
  // Run unchanged: an up without a down is irreversible and an empty file a no-op for our reader too.
  for (const [version, { up, down }] of ours) if (up && !down) irreversible.push(version);
  for (const f of names) writeFileSync(join(out, f), readFileSync(join(src, f), 'utf8'));
  const peer = names
    .map((f) => ({ f, m: /^([0-9]+)_(.*)\.(down|up)\.(.*)$/.exec(f) }))
    .filter((x) => x.m && x.m[3] === 'up')
    .sort((a, b) => versionCompare(a.m![1]!, b.m![1]!));
  return { files: peer.map((x) => join(out, x.f)), sources: peer.map((x) => x.f), assists, irreversible: irreversible.sort(versionCompare), revisions: ours.size };
}

function versionCompare(a: string, b: string): number {
  // Flyway's dotted ids (`1.10` after `1.9`): the engine's own order.
  if (a.includes('.') || b.includes('.')) return compareVersions(a, b);
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------
// Databases: fresh ones per run, their native clients, and their schemas.

interface Target {
  db: Db;
  url: string;
  create(): void;
  drop(): void;
  applyNative(file: string): { ok: boolean; error: string };
  schema(): string;
}

let seq = 0;
function makeTarget(db: Db, server: RunningServer | null): Target {
  const name = `rf_${process.pid}_${++seq}`;
  if (db === 'sqlite') {
    const file = join(root, `${name}.sqlite`);
    return {
      db,
      url: `sqlite://${file}`,
      // An empty file, as a new database: `check` with a database refuses a missing file (it says `upgrade` creates it).
      create: () => writeFileSync(file, ''),
      drop: () => rmSync(file, { force: true }),
      applyNative: (f) => {
        const r = run('sqlite3', ['-bail', file], { input: readFileSync(f, 'utf8'), timeout: 120_000 });
        const err = r.stderr.trim();
        return { ok: r.status === 0 && !/^(Parse error|Runtime error|Error)/m.test(err), error: firstLine(err) };
      },
      schema: () => normalizeSqlite(run('sqlite3', [file, '.schema']).stdout),
    };
  }
  const u = new URL(server!.url);
  const env = db === 'postgres' ? { PGPASSWORD: decodeURIComponent(u.password) } : { MYSQL_PWD: decodeURIComponent(u.password) };
  const conn = db === 'postgres' ? ['-h', u.hostname, '-p', u.port, '-U', decodeURIComponent(u.username)] : ['--protocol=TCP', '-h', u.hostname, '-P', u.port, '-u', decodeURIComponent(u.username)];
  const url = `${u.protocol}//${u.username}:${u.password}@${u.host}/${name}`;
  const admin = (sql: string) => (db === 'postgres' ? run('psql', [...conn, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres', '-c', sql], { env }) : run('mariadb', [...conn, '-e', sql], { env }));
  return {
    db,
    url,
    create: () => {
      const r = admin(db === 'postgres' ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
      if (r.status !== 0) throw new Error(`cannot create database ${name}: ${r.stderr}`);
    },
    drop: () => void admin(db === 'postgres' ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`),
    applyNative: (f) => {
      const r = db === 'postgres'
        ? run('psql', [...conn, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', name, '-f', f], { env, timeout: 120_000 })
        : run('mariadb', [...conn, name], { env, input: readFileSync(f, 'utf8'), timeout: 120_000 });
      const errLine = r.stderr.split('\n').find((l) => /^(psql:.*)?ERROR/.test(l.trim()));
      return { ok: r.status === 0, error: errLine?.trim() ?? firstLine(r.stderr.split('\n').filter((l) => !/^-+$/.test(l.trim())).filter((l) => !/^psql:.*NOTICE:/.test(l) && !/^(NOTICE|DETAIL|HINT|CONTEXT):/.test(l.trim())).join('\n')) };
    },
    schema: () => {
      if (db === 'postgres') {
        const dump = run(join(pgBin ?? '/usr/bin', 'pg_dump'), [...conn, '-d', name, '--schema-only', '--no-owner', '--no-privileges', '--exclude-table=migrate_tui_*'], { env });
        return normalizePg(dump.stdout || dump.stderr);
      }
      const dump = run('mariadb-dump', [...conn, '--no-data', '--skip-comments', '--skip-dump-date', '--routines', '--triggers', `--ignore-table=${name}.migrate_tui_version`, `--ignore-table=${name}.migrate_tui_log`, `--ignore-table=${name}.migrate_tui_log_text`, name], { env });
      return normalizeMaria(dump.stdout || dump.stderr);
    },
  };
}

function normalizePg(s: string): string {
  return s
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('--') && !/^SET |^SELECT pg_catalog\.set_config|^\\(un)?restrict /.test(l))
    .join('\n');
}
function normalizeMaria(s: string): string {
  return s
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('--') && !/^\/\*!\d+ SET /.test(l))
    .map((l) => l.replace(/ AUTO_INCREMENT=\d+/, '').replace(/DEFINER=`[^`]*`@`[^`]*`/, ''))
    .join('\n');
}
function normalizeSqlite(s: string): string {
  // .schema prints one object per statement; drop our state tables and sqlite_sequence.
  const statements = s.split(/;\n/).map((x) => x.trim()).filter((x) => x && !/migrate_tui_/.test(x) && !/sqlite_sequence/.test(x));
  return statements.sort().join(';\n');
}

function firstDiff(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const sx = new Set(x);
  const sy = new Set(y);
  const onlyOurs = x.filter((l) => !sy.has(l));
  const onlyNative = y.filter((l) => !sx.has(l));
  if (onlyOurs.length === 0 && onlyNative.length === 0) return x.length === y.length ? '' : `line count ${x.length} vs ${y.length}`;
  return `${onlyOurs.length} lines only ours, ${onlyNative.length} only native; e.g. ours: ${(onlyOurs[0] ?? '').slice(0, 90)} | native: ${(onlyNative[0] ?? '').slice(0, 90)}`;
}

// ---------------------------------------------------------------------------------------
// migrate-tui through the built binary.

function tui(dir: string, url: string | null, argv: string[]): StepResult & { json: unknown } {
  const start = performance.now();
  const full = ['--dir', dir, ...(url ? ['--url', url] : []), '--json', '--lock-timeout', '10', ...argv];
  const r = run(process.execPath, [cli, ...full], { timeout: SPAWN_TIMEOUT });
  const ms = performance.now() - start;
  let json: any = null;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = null;
  }
  const step = argv.filter((a) => a !== '--yes' && a !== '--no-backup' && a !== '--offline').join(' ');
  if (r.status === 0 && !(json && json.ok === false)) return { step, ok: true, exit: 0, ms, json };
  let error = '';
  let where = '';
  if (json?.error?.message) {
    error = json.error.message;
    const failed = json.steps?.find((s: any) => s.status === 'failed');
    if (failed) where = failed.revision;
    if (json.error.meta?.path) where = `${basename(json.error.meta.path)}${json.error.meta.line ? `:${json.error.meta.line}` : ''}`;
  } else if (json?.problems?.length) {
    const p = json.problems.find((x: any) => x.severity === 'error') ?? json.problems[0];
    error = `${p.code}: ${p.message}`;
    where = `${basename(p.path ?? '')}${p.line ? `:${p.line}` : ''}`;
  } else error = firstLine(r.stderr) || firstLine(r.stdout);
  return { step, ok: false, exit: r.status, error: error.replace(/\s*\n\s*/g, ' ⏎ ').trim(), where, ms, json };
}

// ---------------------------------------------------------------------------------------

const rows: Row[] = [];
const servers: Partial<Record<Db, RunningServer>> = {};

async function server(db: Db): Promise<RunningServer | null> {
  if (db === 'sqlite') return null;
  // one server at a time: stop the other before starting this one (2 shared cores)
  for (const other of ['postgres', 'mariadb'] as const) {
    if (other !== db && servers[other]) {
      await servers[other]!.stop();
      delete servers[other];
    }
  }
  if (!servers[db]) {
    const fromEnv = db === 'postgres' ? process.env.TEST_POSTGRES_URL : process.env.TEST_MARIADB_URL;
    servers[db] = fromEnv ? { name: db, url: fromEnv, version: '', stop: async () => {}, logTail: () => '' } : db === 'postgres' ? await startPostgres() : await startMariadb();
  }
  return servers[db]!;
}

async function runOne(project: Project, db: Db, folder: string): Promise<Row> {
  const src = resolve(listDir, folder);
  const files = readdirSync(src).filter((f) => f.endsWith('.sql')).length;
  // 1. the folder exactly as shipped
  const asIsRun = tui(src, null, ['check', '--offline']);
  const asIsJson = asIsRun.json as any;
  let asIs: string;
  if (asIsRun.ok && (asIsJson?.revisions ?? 0) === 0) asIs = `reads 0 revisions (${asIsJson?.problems?.length ?? 0} warnings), check says ok`;
  else if (asIsRun.ok) asIs = 'ok';
  else {
    const counts: Record<string, number> = {};
    for (const p of asIsJson?.problems ?? []) if (p.severity === 'error') counts[p.code] = (counts[p.code] ?? 0) + 1;
    asIs = Object.keys(counts).length ? `exit ${asIsRun.exit}: ${Object.entries(counts).map(([k, v]) => `${k}×${v}`).join(', ')}` : `exit ${asIsRun.exit}: ${asIsRun.error}`;
  }

  // 2. the prepared copy, through the binary
  const prepared = join(root, `${project.name}-${db}`);
  rmSync(prepared, { recursive: true, force: true });
  const prep = prepare(project, db, src, prepared);
  for (const p of project.patches ?? []) {
    const f = join(prepared, p.file);
    if (!existsSync(f)) continue;
    const text = readFileSync(f, 'utf8');
    if (!text.includes(p.replace)) continue;
    writeFileSync(f, text.split(p.replace).join(p.with));
    prep.assists[`patch: ${p.why}`] = (prep.assists[`patch: ${p.why}`] ?? 0) + 1;
  }
  const srv = await server(db);
  const ours = makeTarget(db, srv);
  ours.create();
  const native = makeTarget(db, srv);
  native.create();
  const setup = project.setup?.[db];
  if (setup) {
    const f = join(root, `${project.name}-${db}-setup.sql`);
    writeFileSync(f, setup.sql);
    for (const t of [ours, native]) {
      const r = t.applyNative(f);
      if (!r.ok) throw new Error(`setup failed: ${r.error}`);
    }
    prep.assists[`setup: ${setup.why}`] = 1;
  }
  const steps: StepResult[] = [];
  const add = (s: StepResult & { json?: unknown }) => {
    const { json: _json, ...rest } = s as StepResult & { json?: unknown };
    steps.push(rest);
    return rest.ok;
  };
  let ok = add(tui(prepared, ours.url, ['check']));
  if (ok) ok = add(tui(prepared, ours.url, ['--yes', 'upgrade', 'heads']));
  if (ok) {
    const newestIrreversible = prep.irreversible.at(-1);
    const allVersions = prep.files.map((f) => basename(f).split('_')[0]!);
    if (newestIrreversible && versionCompare(newestIrreversible, allVersions.at(-1) ?? "") === 0) steps.push({ step: 'downgrade', ok: true, skipped: 'head is irreversible', ms: 0 });
    else {
      const target = newestIrreversible ?? 'base';
      ok = add(tui(prepared, ours.url, ['--yes', 'downgrade', target, '--no-backup']));
      if (ok) ok = add(tui(prepared, ours.url, ['--yes', 'upgrade', 'heads']));
    }
  }
  // 3. the same up files through the native client
  const nat: Row['native'] = { ok: true, files: 0 };
  for (const [i, f] of prep.files.entries()) {
    const r = native.applyNative(f);
    nat.files++;
    if (!r.ok) {
      nat.ok = false;
      nat.failedAt = prep.sources[i];
      nat.error = r.error;
      break;
    }
  }
  // 4. schemas
  let schema = '-';
  if (ok && nat.ok) {
    const d = firstDiff(ours.schema(), native.schema());
    schema = d ? `DIFFERS: ${d}` : 'same';
  }
  ours.drop();
  native.drop();
  const failed = steps.find((s) => !s.ok);
  let verdict: string;
  if (!failed && schema === 'same') verdict = 'ok';
  else if (failed) verdict = nat.ok ? 'ours' : failed.step === 'check' ? 'ours (check) / theirs (native fails too)' : 'theirs (native fails too)';
  else if (!nat.ok) verdict = 'theirs? (ours ran, native failed)';
  else verdict = 'ours (schema differs)';
  return { project: project.name, layout: project.layout, db, files, revisions: prep.revisions, asIs, assists: prep.assists, steps, native: nat, schema, verdict };
}

function printTable(rs: Row[]) {
  const lines: string[] = [];
  lines.push('project | layout | db | files/revs | as shipped (check --offline) | assists on the copy | migrate-tui run | native client | schema | failure is');
  lines.push('---|---|---|---|---|---|---|---|---|---');
  for (const r of rs) {
    const failed = r.steps.find((s) => !s.ok);
    const runCol = failed
      ? `FAILED at ${failed.step} (exit ${failed.exit}${failed.where ? `, ${failed.where}` : ''}): ${(failed.error ?? '').slice(0, 260)}`
      : `ok: ${r.steps.map((s) => (s.skipped ? `${s.step} skipped (${s.skipped})` : `${s.step} ${(s.ms / 1000).toFixed(1)}s`)).join(', ')}`;
    const nativeCol = r.native.ok ? `ok (${r.native.files} files)` : `FAILED at ${r.native.failedAt} (file ${r.native.files}): ${(r.native.error ?? '').slice(0, 120)}`;
    const assists = Object.entries(r.assists).map(([k, v]) => `${k}×${v}`).join(', ') || 'none';
    lines.push([r.project, r.layout, r.db, `${r.files}/${r.revisions}`, r.asIs, assists, runCol, nativeCol, r.schema, r.verdict].join(' | '));
  }
  console.log(lines.join('\n'));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void Promise.all(Object.values(servers).map((s) => s.stop())).finally(() => {
      rmSync(root, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

try {
  const order: Db[] = ['sqlite', 'postgres', 'mariadb']; // grouped per database: one server up at a time
  for (const db of order) {
    for (const project of projects) {
      const folder = project.databases[db];
      if (!folder || (onlyDb && !onlyDb.includes(db))) continue;
      console.error(`[real-folders] ${project.name} on ${db} …`);
      try {
        rows.push(await runOne(project, db, folder));
      } catch (e) {
        rows.push({ project: project.name, layout: project.layout, db, files: 0, revisions: 0, asIs: '-', assists: {}, steps: [{ step: 'harness', ok: false, error: firstLine(String(e)), ms: 0 }], native: { ok: false, files: 0 }, schema: '-', verdict: 'harness error' });
      }
    }
  }
} finally {
  for (const s of Object.values(servers)) await s.stop();
  rmSync(root, { recursive: true, force: true });
}
const sorted = rows.sort((a, b) => projects.findIndex((p) => p.name === a.project) - projects.findIndex((p) => p.name === b.project));
printTable(sorted);
if (outFile) writeFileSync(outFile, JSON.stringify(sorted, null, 2));
void existsSync;
