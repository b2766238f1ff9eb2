import { createRequire } from 'node:module';
import type { SqlLanguage } from 'sql-formatter';
import type { DatabaseAdapter } from '../dialects/adapter.js';
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
}

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

export async function buildDowngradePreview(db: DatabaseAdapter, target: string, steps: readonly RunStep[], staysApplied: readonly string[] = []): Promise<DowngradePreview> {
  const dataAtRisk: DataAtRisk[] = [];
  for (const step of steps) {
    for (const statement of step.statements) {
      for (const risk of classifyStatement(statement.sql, db.syntax)) {
        dataAtRisk.push({ ...risk, revision: step.revision, path: step.path, line: statement.line, ...(await countAtRisk(db, risk)) });
      }
    }
  }
  return {
    database: db.display,
    databaseName: db.databaseName,
    dialect: db.syntax.name,
    target,
    steps: steps.map((s) => ({
      revision: s.revision,
      message: s.message,
      path: s.path,
      statements: s.statements.map((st) => ({ line: st.line, sql: st.sql, formatted: formatSql(st.sql, db.syntax.name) })),
    })),
    dataAtRisk,
    staysApplied,
    destructive: dataAtRisk.length > 0,
  };
}

async function countAtRisk(db: DatabaseAdapter, risk: Risk): Promise<{ rows: number | null; nonNull?: number | null }> {
  const table = qualify(risk.table, db.syntax);
  try {
    if (risk.kind === 'drop-column' && risk.column) {
      const [row] = await db.query<{ n: unknown; nn: unknown }>(`SELECT COUNT(*) AS n, COUNT(${db.syntax.quoteIdentifier(risk.column)}) AS nn FROM ${table}`);
      return { rows: Number(row!.n), nonNull: Number(row!.nn) };
    }
    const [row] = await db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
    return { rows: Number(row!.n) };
  } catch {
    return risk.kind === 'drop-column' ? { rows: null, nonNull: null } : { rows: null };
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
  lines.push('', `stays applied: ${preview.staysApplied.length > 0 ? `${preview.staysApplied.join(', ')} (with what they are built on), other branches untouched` : 'nothing (base)'}`);
  lines.push('', ...riskLines(preview));
  return lines.join('\n') + '\n';
}

export function riskLines(preview: DowngradePreview): string[] {
  if (preview.dataAtRisk.length === 0) return ['data at risk: none found (no DROP TABLE, DROP COLUMN, TRUNCATE or DELETE without WHERE)'];
  const lines = ['DATA AT RISK:'];
  for (const r of preview.dataAtRisk) {
    const rows = r.rows === null ? 'table not found now' : `${r.rows} row${r.rows === 1 ? '' : 's'}`;
    const what =
      r.kind === 'drop-table'
        ? `drops table ${r.table} (${rows})`
        : r.kind === 'drop-column'
          ? `drops column ${r.table}.${r.column} (${r.nonNull === null || r.nonNull === undefined ? rows : `${r.nonNull} non-null of ${rows}`})`
          : r.kind === 'truncate'
            ? `empties table ${r.table} (${rows})`
            : `deletes every row of ${r.table} (${rows})`;
    lines.push(`  ${what} — ${r.revision}${r.path ? `, ${r.path}:${r.line}` : ''}`);
  }
  return lines;
}
