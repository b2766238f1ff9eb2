import { twoFilesPatch } from '../files/text-diff.js';
import { CHECKSUM_ALGORITHM } from '../files/checksum.js';
import type { DialectSyntax } from '../dialects/dialect.js';
import type { RevisionGraph } from '../graph/graph.js';
import { migrationChecksum, migrationStatements } from '../files/migration-sql.js';
import { versionRows as versionRowsOf } from '../plan/planner.js';
import { joinStatements } from '../plan/step-sql.js';

export { joinStatements };
import type { DirtyStep } from './runtime-errors.js';
import { splitStatements, type Statement } from '../files/sql-splitter.js';
import type { LogRow } from './state-store.js';
import type { OtherToolRecord } from './other-tools.js';

/**
 * What the database holds, read against the files: which revisions are applied (from the
 * log: the latest completed step of each revision decides), gaps, applied revisions whose
 * files are gone, an unfinished non-transactional step, and files changed since applied.
 */
export interface DatabaseState {
  readonly versionRows: readonly string[];
  readonly log: readonly LogRow[];
  /** Applied revisions that the files know. */
  readonly applied: ReadonlySet<string>;
  /** Applied revisions whose files are missing, newest first, with the down SQL stored when applied. */
  readonly missing: ReadonlyArray<{ revision: string; downSql: string | null; appliedAt: string }>;
  readonly gaps: ReadonlyArray<{ revision: string; appliedDescendants: string[] }>;
  readonly dirty: (DirtyStep & { logId: number; sqlText: string | null; downSql: string | null; checksum: string | null }) | null;
  readonly drift: readonly Drift[];
  /** Revisions an upgrade to all heads would apply (gaps included). */
  readonly pending: readonly string[];
  /** Other migration tools' records, read only when migrate-tui has none (first-contact.ts); absent otherwise. */
  readonly otherTools?: readonly OtherToolRecord[];
}

export interface Drift {
  readonly revision: string;
  readonly appliedChecksum: string;
  readonly fileChecksum: string;
  /** Only white space or comments differ. */
  readonly cosmetic: boolean;
  /** Unified diff of the applied SQL against the file's SQL now. */
  readonly diff: string;
}

export function readDatabaseState(graph: RevisionGraph, dialect: DialectSyntax, versionRows: readonly string[], log: readonly LogRow[]): DatabaseState {
  const effect = new Map<string, LogRow>();
  for (const row of log) {
    if (row.status === 'done' && row.kind !== 'seed') effect.set(row.revision, row);
  }
  let appliedAll: Set<string>;
  if (effect.size === 0) {
    // No history in the log (rows stamped by hand, or from another tool): trust the version rows.
    const known = versionRows.filter((r) => graph.has(r));
    appliedAll = new Set([...graph.ancestors(known), ...versionRows]);
  } else {
    appliedAll = new Set([...effect].filter(([, row]) => row.direction === 'up').map(([id]) => id));
  }
  const applied = new Set([...appliedAll].filter((id) => graph.has(id)));
  const missing = [...appliedAll]
    .filter((id) => !graph.has(id))
    .map((revision) => {
      const row = effect.get(revision);
      return { revision, downSql: row?.downSql ?? null, appliedAt: row?.finishedAt ?? row?.startedAt ?? '', logId: row?.id ?? 0 };
    })
    .sort((a, b) => b.logId - a.logId)
    .map(({ logId: _logId, ...rest }) => rest);

  // One pass, children before parents: does anything built on this revision stand applied?
  // (Descendants are listed only for the gaps found: 10,000 unapplied revisions stay linear.)
  const appliedAbove = new Set<string>();
  for (const id of graph.downgradeOrder(new Set(graph.ids()))) {
    if ([...graph.children(id), ...graph.dependents(id)].some((c) => applied.has(c) || appliedAbove.has(c))) appliedAbove.add(id);
  }
  const gaps: Array<{ revision: string; appliedDescendants: string[] }> = [];
  for (const id of graph.ids()) {
    if (applied.has(id) || !appliedAbove.has(id)) continue;
    const above = [...graph.descendants([id])].filter((d) => d !== id && applied.has(d));
    gaps.push({ revision: id, appliedDescendants: above.sort((a, b) => graph.rankOf(a) - graph.rankOf(b)) });
  }

  const unfinished = [...log].reverse().find((r) => r.status === 'started' || r.status === 'dirty');
  const dirty = unfinished
    ? {
        logId: unfinished.id,
        revision: unfinished.revision,
        direction: unfinished.direction,
        statementsDone: unfinished.statementsDone,
        statementsTotal: unfinished.statementsTotal,
        startedAt: unfinished.startedAt,
        ranStatements: storedStatements(unfinished.sqlText, dialect)
          .slice(0, unfinished.statementsDone)
          .map((s) => s.sql),
        error: unfinished.error,
        // No outcome was recorded (the run was killed, or is still running): the statement
        // after the last recorded one may have completed without its bookkeeping.
        uncertain:
          unfinished.status === 'started' && unfinished.statementsDone < unfinished.statementsTotal
            ? { statement: unfinished.statementsDone + 1, sql: storedStatements(unfinished.sqlText, dialect)[unfinished.statementsDone]?.sql ?? null }
            : null,
        sqlText: unfinished.sqlText,
        downSql: unfinished.downSql,
        checksum: unfinished.checksum,
      }
    : null;

  const drift: Drift[] = [];
  for (const id of applied) {
    const row = effect.get(id);
    if (!row || row.kind !== 'migrate' || !row.checksum || !row.checksum.startsWith(`${CHECKSUM_ALGORITHM}:`)) continue;
    const migration = graph.get(id);
    const fileChecksum = migrationChecksum(migration, dialect);
    if (fileChecksum === row.checksum) continue;
    const now = joinStatements(migrationStatements(migration, 'up', dialect));
    const before = row.sqlText ?? '';
    drift.push({
      revision: id,
      appliedChecksum: row.checksum,
      fileChecksum,
      cosmetic: canonicalSql(before, dialect) === canonicalSql(now, dialect),
      diff: twoFilesPatch(`${id} (applied ${row.finishedAt ?? row.startedAt})`, `${migration.upPath} (now)`, ensureNewline(before), ensureNewline(now)),
    });
  }
  drift.sort((a, b) => graph.rankOf(a.revision) - graph.rankOf(b.revision));

  const pending = graph.upgradeOrder(new Set([...graph.ancestors(graph.heads())].filter((id) => !applied.has(id))));
  return { versionRows, log, applied, missing, gaps, dirty, drift, pending };
}

export function storedStatements(text: string | null, dialect: DialectSyntax): Statement[] {
  return text ? splitStatements(text.split('\n'), dialect.splitter).statements : [];
}

/** The SQL without comments and with white space collapsed: equal means a cosmetic change. */
function canonicalSql(text: string, dialect: DialectSyntax): string {
  return storedStatements(text, dialect)
    .map((s) => stripComments(s.sql).replace(/\s+/g, ' ').trim())
    .join(';');
}

function stripComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}

/** The version rows an applied set stands for, keeping rows of revisions whose files are missing. */
export function versionRowsFor(graph: RevisionGraph, applied: ReadonlySet<string>, missing: readonly string[]): string[] {
  return [...versionRowsOf(graph, applied), ...missing].sort();
}
