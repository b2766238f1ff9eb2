import { createRequire } from 'node:module';
import type { SqlLanguage } from 'sql-formatter';
import type { DatabaseAdapter, ReadOnlyProbe } from '../dialects/adapter.js';
import type { DialectName, DialectSyntax } from '../dialects/dialect.js';
import { classifyStatement, type Risk } from './data-risk.js';
import type { RunStep } from '../run/steps.js';
import { qualifiedName } from '../state-tables.js';

/**
 * sql-formatter is loaded on first use (it takes ~100 ms to load, and most commands never
 * format); its CommonJS build lets formatting stay synchronous.
 */
let formatterModule: typeof import('sql-formatter') | null = null;
function sqlFormatter(): typeof import('sql-formatter') {
  formatterModule ??= createRequire(import.meta.url)('sql-formatter') as typeof import('sql-formatter');
  return formatterModule;
}

/** What a downgrade will do, shown before anyone confirms it. */
export interface DowngradePreview {
  readonly database: string;
  readonly databaseName: string;
  readonly dialect: DialectName;
  readonly target: string;
  readonly steps: ReadonlyArray<{
    readonly revision: string;
    readonly message: string;
    readonly path: string | null;
    readonly statements: ReadonlyArray<{ readonly line: number; readonly sql: string; readonly formatted: string }>;
  }>;
  readonly dataAtRisk: readonly DataAtRisk[];
  /** The version rows left after the downgrade: what stays applied (with what it is built on), other branches included. */
  readonly staysApplied: readonly string[];
  /** Revisions those are built on that are not applied (a gap: a file merged late), so "with what they are built on" is not all of it. */
  readonly unappliedBelow: readonly string[];
  /** Some statement drops, truncates or deletes data: the TUI asks for the database name. */
  readonly destructive: boolean;
}

export interface DataAtRisk extends Risk {
  readonly revision: string;
  readonly path: string | null;
  readonly line: number;
  /** Rows in the table now; null when it does not exist (yet) or cannot be counted. */
  readonly rows: number | null;
  /** For a dropped column: rows where it is not NULL. */
  readonly nonNull?: number | null;
  /** Why `rows` is null when the table may well be there: another session's lock, or the count's time limit. */
  readonly notCounted?: 'lock' | 'statement';
}

/**
 * On a server the rows are counted on a second, read-only connection (readOnlyProbe) whose
 * statements stop after this long and whose lock waits after a fraction of it (PostgreSQL
 * 1 s, MySQL/MariaDB lock_wait_timeout 1 s): a preview never waits behind another session's
 * LOCK TABLE or ALTER (it waited until that session ended, the TUI on `preparing…`), and
 * never queues the application behind its own count.
 */
export const RISK_COUNT_LIMIT_MS = 10_000;

const LANGUAGE: Record<DialectName, SqlLanguage> = { postgres: 'postgresql', mysql: 'mysql', mariadb: 'mariadb', sqlite: 'sqlite' };

/** sql-formatter in the dialect's language; the statement as written when it cannot parse it. */
export function formatSql(sql: string, dialect: DialectName): string {
  try {
    // Case is preserved: upper-casing keywords also upper-cased column names like `action`.
    return sqlFormatter().format(sql, { language: LANGUAGE[dialect], keywordCase: 'preserve', tabWidth: 2 });
  } catch {
    return sql;
  }
}

/**
 * What the statements of `steps` destroy, with the rows counted now: a downgrade's preview and
 * a resolve's (its reverse or resume runs SQL that may drop tables too).
 */
export function dataAtRiskOf(db: DatabaseAdapter, steps: ReadonlyArray<Pick<RunStep, 'revision' | 'path' | 'statements'>>): Promise<DataAtRisk[]> {
  return countingDataAtRisk(db, steps).result;
}

/**
 * dataAtRiskOf, in two halves: the statements are classified and every count query is asked
 * for now (the server counts while the caller goes on: a downgrade checks its files and lints
 * its plan meanwhile), and `result` gives the counts when they are all in. The caller sends
 * nothing else on the connection until then: a run starts after its preview is printed.
 */
export function countingDataAtRisk(db: DatabaseAdapter, steps: ReadonlyArray<Pick<RunStep, 'revision' | 'path' | 'statements'>>): { readonly result: Promise<DataAtRisk[]> } {
  const risks: Array<Omit<DataAtRisk, 'rows' | 'nonNull'>> = [];
  for (const step of steps) {
    for (const statement of step.statements) {
      for (const risk of classifyStatement(statement.sql, db.syntax)) risks.push({ ...risk, revision: step.revision, path: step.path, line: statement.line });
    }
  }
  const counts = risks.length > 0 && db.readOnlyProbe && db.timeoutOf ? countOnProbe(db, risks) : countAtRisk(db, db, risks);
  return { result: counts.then((c) => risks.map((r, i) => ({ ...r, ...c[i]! }))) };
}

/** The counts on a read-only probe with time limits; on the connection itself when a second one cannot be opened. */
async function countOnProbe(db: DatabaseAdapter, risks: readonly Risk[]): Promise<Count[]> {
  const probe = await db.readOnlyProbe!(RISK_COUNT_LIMIT_MS).catch(() => null);
  if (!probe) return countAtRisk(db, db, risks);
  try {
    return await countAtRisk(db, probe, risks);
  } finally {
    await probe.close().catch(() => undefined);
  }
}

export async function buildDowngradePreview(db: DatabaseAdapter, target: string, steps: readonly RunStep[], staysApplied: readonly string[] = [], unappliedBelow: readonly string[] = [], counting: Promise<DataAtRisk[]> = dataAtRiskOf(db, steps)): Promise<DowngradePreview> {
  const dataAtRisk = await counting;
  return {
    database: db.display,
    databaseName: db.databaseName,
    dialect: db.syntax.name,
    target,
    steps: steps.map((s) => ({
      revision: s.revision,
      message: s.message,
      path: s.path,
      statements: s.statements.map((st) => lazilyFormatted(st.line, st.sql, db.syntax.name)),
    })),
    dataAtRisk,
    staysApplied,
    unappliedBelow,
    destructive: dataAtRisk.length > 0,
  };
}

/**
 * A statement whose `formatted` text is made when first read (the full preview, the TUI,
 * JSON), not for a `--yes` run that prints only the summary: formatting 1,000 statements
 * with sql-formatter was most of a headless revert's own cost.
 */
function lazilyFormatted(line: number, sql: string, dialect: DialectName): { readonly line: number; readonly sql: string; readonly formatted: string } {
  let formatted: string | undefined;
  return Object.defineProperty({ line, sql }, 'formatted', { enumerable: true, get: () => (formatted ??= formatSql(sql, dialect)) }) as { line: number; sql: string; formatted: string };
}

type Count = { rows: number | null; nonNull?: number | null; notCounted?: 'lock' | 'statement' };
type Reader = Pick<ReadOnlyProbe, 'query'>;

/**
 * Rows in each table the plan drops, empties or thins, counted now: in batches of one
 * SELECT of scalar subqueries (one round trip per 100 tables instead of one per table), all
 * sent at once (the server answers them in order, without waiting for the client between
 * them); a batch that fails (a table that does not exist yet) is counted one by one.
 */
function countAtRisk(db: DatabaseAdapter, reader: Reader, risks: readonly Risk[]): Promise<Count[]> {
  const batches: Array<Promise<Count[]>> = [];
  for (let start = 0; start < risks.length; start += 100) batches.push(countBatch(db, reader, risks.slice(start, start + 100)));
  return Promise.all(batches).then((counted) => counted.flat());
}

/** One batch: its query is sent before the first await, so every batch goes out before any answer is read. */
async function countBatch(db: DatabaseAdapter, reader: Reader, batch: readonly Risk[]): Promise<Count[]> {
  const columns = batch.map((risk, i) => {
    const table = qualify(risk.table, db.syntax);
    const nn = risk.kind === 'drop-column' && risk.column ? `, (SELECT COUNT(${db.syntax.quoteIdentifier(risk.column)}) FROM ${table}) AS nn${i}` : '';
    return `(SELECT COUNT(*) FROM ${table}) AS n${i}${nn}`;
  });
  try {
    const [row] = await reader.query<Record<string, unknown>>(`SELECT ${columns.join(', ')}`);
    return batch.map((risk, i) => (risk.kind === 'drop-column' && risk.column ? { rows: Number(row![`n${i}`]), nonNull: Number(row![`nn${i}`]) } : { rows: Number(row![`n${i}`]) }));
  } catch {
    // Each table alone, in order (after the batches already sent).
    const out: Count[] = [];
    for (const risk of batch) out.push(await countOne(db, reader, risk));
    return out;
  }
}

async function countOne(db: DatabaseAdapter, reader: Reader, risk: Risk): Promise<Count> {
  const table = qualify(risk.table, db.syntax);
  // A lock or time limit that ran out says nothing of the table: not counted, and why (not "not found").
  const uncounted = (error: unknown): Count => {
    const limit = db.timeoutOf?.(error);
    return limit ? { rows: null, notCounted: limit } : { rows: null };
  };
  const rows = async (): Promise<Count> => ({ rows: Number((await reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n) });
  if (risk.kind !== 'drop-column' || !risk.column) return rows().catch(uncounted);
  try {
    const [row] = await reader.query<{ n: unknown; nn: unknown }>(`SELECT COUNT(*) AS n, COUNT(${db.syntax.quoteIdentifier(risk.column)}) AS nn FROM ${table}`);
    return { rows: Number(row!.n), nonNull: Number(row!.nn) };
  } catch (error) {
    if (db.timeoutOf?.(error)) return { ...uncounted(error), nonNull: null };
    // The column may be what is missing (a reverse after an up that stopped before adding it): the
    // table's rows are still counted, so the preview does not say the table is gone.
    return { ...(await rows().catch(uncounted)), nonNull: null };
  }
}

function qualify(name: string, syntax: DialectSyntax): string {
  return qualifiedName(name, syntax.quoteIdentifier);
}

/** The preview as text: plan, formatted SQL, then what it destroys. */
export function previewText(preview: DowngradePreview): string {
  const lines = [`downgrade ${preview.database} to ${preview.target}: ${preview.steps.length} revision${preview.steps.length === 1 ? '' : 's'}, in this order`];
  for (const [i, step] of preview.steps.entries()) {
    lines.push('', `[${i + 1}/${preview.steps.length}] ↓ ${step.revision} ${step.message}${step.path ? ` (${step.path})` : ''}`);
    if (step.statements.length === 0) lines.push('  (no statements)');
    step.statements.forEach((st, k) => lines.push(...(k > 0 ? [''] : []), ...st.formatted.split('\n').map((l) => `  ${l}`)));
  }
  lines.push('', staysText(preview));
  lines.push('', ...riskLines(preview));
  return lines.join('\n') + '\n';
}

/**
 * The preview for a run that does not ask (`--yes`): the plan in one line (first and last
 * revision), what stays applied, and everything it destroys. `--verbose` prints it all.
 */
export function previewSummary(preview: DowngradePreview): string {
  const n = preview.steps.length;
  const ids = n <= 3 ? preview.steps.map((s) => s.revision).join(', ') : `${preview.steps[0]!.revision}, ${preview.steps[1]!.revision} … ${preview.steps[n - 1]!.revision}`;
  const statements = preview.steps.reduce((k, s) => k + s.statements.length, 0);
  return [
    `downgrade ${preview.database} to ${preview.target}: ${n} revision${n === 1 ? '' : 's'} (${ids}), ${statements} statement${statements === 1 ? '' : 's'}; --verbose prints each with its SQL`,
    staysText(preview),
    ...riskLines(preview),
  ].join('\n') + '\n';
}

/** What stays applied; a gap below it (built on but never applied) is named, not covered by "with what they are built on". */
function staysText(preview: DowngradePreview): string {
  if (preview.staysApplied.length === 0) return 'stays applied: nothing (base)';
  const gap = preview.unappliedBelow;
  const below = gap.length === 0 ? 'with what they are built on' : `with what they are built on, except ${gap.join(', ')}: not applied (a gap; see \`migrate-tui status\`)`;
  return `stays applied: ${preview.staysApplied.join(', ')} (${below}), other branches untouched`;
}

/** A count the probe's limits stopped: said as such, never as a table that is not there. */
const notCountedText = (limit: 'lock' | 'statement'): string =>
  limit === 'lock' ? 'rows not counted: the table is locked by another session' : `rows not counted in ${RISK_COUNT_LIMIT_MS / 1000} s (a large table)`;

export function riskLines(preview: Pick<DowngradePreview, 'dataAtRisk'>): string[] {
  if (preview.dataAtRisk.length === 0) return ['data at risk: none found (no DROP TABLE, DROP COLUMN, TRUNCATE or DELETE without WHERE)'];
  const lines = ['DATA AT RISK:'];
  for (const r of preview.dataAtRisk) {
    const rows = r.rows !== null ? `${r.rows} row${r.rows === 1 ? '' : 's'}` : r.notCounted ? notCountedText(r.notCounted) : 'table not found now';
    const what =
      r.kind === 'drop-table'
        ? `drops table ${r.table} (${rows})`
        : r.kind === 'drop-column'
          ? `drops column ${r.table}.${r.column} (${r.rows !== null && r.nonNull === null ? `column not found now; the table has ${rows}` : r.nonNull === null || r.nonNull === undefined ? rows : `${r.nonNull} non-null of ${rows}`})`
          : r.kind === 'truncate'
            ? `empties table ${r.table} (${rows})`
            : `deletes every row of ${r.table} (${rows})`;
    lines.push(`  ${what} — ${r.revision}${r.path ? `, ${r.path}:${r.line}` : ''}`);
  }
  return lines;
}
