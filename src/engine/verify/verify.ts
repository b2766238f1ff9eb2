import type { ConnectionTarget } from '../connection.js';
import { UsageError } from '../errors.js';
import type { RevisionGraph } from '../graph/graph.js';
import { resolveRevisionRef } from '../graph/targets.js';
import type { GraphSource } from '../run/runner.js';
import type { DialectName } from '../dialects/dialect.js';
import type { StateTableNames } from '../state-tables.js';
import { runDialect, VerifyControl } from './dialect-worker.js';
import { isFailure, type VerifyEvent, type VerifyReport } from './report.js';

/** Which revisions a verify checks, and which it only applies first (below a range). */
export interface VerifyPlan {
  readonly setup: readonly string[];
  readonly revisions: readonly string[];
}

/**
 * `--revisions`: none → every revision; `r` → that one (its ancestors applied first);
 * `a:b` → from a to b, both included (an empty side: from the roots, up to every head).
 * Always in plan order: parents and depends-on first, branches and merges included.
 */
export function verifyPlan(graph: RevisionGraph, range: string | null): VerifyPlan {
  const all = new Set(graph.ids());
  let chosen: Set<string>;
  if (!range) chosen = all;
  else if (!range.includes(':')) chosen = new Set([resolveRevisionRef(graph, range.trim())]);
  else {
    const [from, to, ...rest] = range.split(':').map((s) => s.trim());
    if (rest.length > 0) throw new UsageError(`--revisions "${range}" has more than one colon`, 'write a:b, a:, :b, or one revision');
    const below = to ? graph.ancestors([resolveRevisionRef(graph, to)]) : all;
    const above = from ? graph.descendants([resolveRevisionRef(graph, from)]) : all;
    chosen = new Set([...below].filter((id) => above.has(id)));
    if (chosen.size === 0) throw new UsageError(`--revisions "${range}" selects no revision: ${to} is not built on ${from}`, 'give the older revision first (a:b checks a, b and what lies between)');
  }
  const needed = graph.ancestors(chosen);
  return { setup: graph.upgradeOrder(new Set([...needed].filter((id) => !chosen.has(id)))), revisions: graph.upgradeOrder(chosen) };
}

/** One column of the matrix: a dialect and where its scratch databases are made. */
export interface VerifyTarget {
  readonly dialect: DialectName;
  /** SQLite: any sqlite target (its foreign-key setting is kept); servers: an admin URL. */
  readonly admin: ConnectionTarget;
}

export interface VerifyOptions {
  /** The project (its graph); the caller validates its SQL for each dialect first (requireValid). */
  readonly project: GraphSource;
  readonly targets: readonly VerifyTarget[];
  readonly range?: string | null;
  readonly tables: StateTableNames;
  readonly toolVersion: string;
  readonly seedDir?: string | null;
  readonly control?: VerifyControl;
  readonly onEvent?: (event: VerifyEvent) => void;
}

/**
 * Checks that every revision round-trips on every dialect, each dialect in parallel on its
 * own scratch databases (never the databases the URLs name). Returns the whole matrix; a
 * failure on one dialect never stops the others.
 */
export async function verify(o: VerifyOptions): Promise<VerifyReport> {
  const plan = verifyPlan(o.project.graph, o.range ?? null);
  const control = o.control ?? new VerifyControl();
  const emit = o.onEvent ?? (() => undefined);
  const results = await Promise.all(
    o.targets.map((t) =>
      runDialect({
        project: o.project,
        dialect: t.dialect,
        admin: t.admin,
        setup: plan.setup,
        revisions: plan.revisions,
        tables: o.tables,
        toolVersion: o.toolVersion,
        seedDir: o.seedDir ?? null,
        control,
        emit,
      }),
    ),
  );
  const cells: VerifyReport['cells'] = {};
  for (const id of plan.revisions) cells[id] = Object.fromEntries(results.map((r) => [r.column.dialect, r.cells[id]!]));
  const seeds = o.seedDir ? Object.fromEntries(results.map((r) => [r.column.dialect, r.seeds!])) : null;
  const everyCell = [...Object.values(cells).flatMap((row) => Object.values(row)), ...Object.values(seeds ?? {})];
  return {
    columns: results.map((r) => r.column),
    revisions: plan.revisions.map((id) => ({ id, message: o.project.graph.get(id).message })),
    cells,
    seeds,
    cancelled: control.cancelled,
    ok: !control.cancelled && results.every((r) => r.column.error === null) && !everyCell.some(isFailure),
  };
}
