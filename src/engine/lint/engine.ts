import type { DialectName } from '../dialects/dialect.js';
import { dialectSyntax } from '../dialects/registry.js';
import { migrationRun } from '../files/migration-sql.js';
import type { TransactionMode } from '../files/transaction-mode.js';
import type { Migration } from '../files/migration-folder.js';
import type { SqlSource } from '../files/sql-source.js';
import type { RevisionGraph } from '../graph/graph.js';
import { analyseStatement, readAhead, readsAhead } from './statement-memo.js';
import { RULES } from './rules/index.js';
import type { FileContext, Rule, StatementContext } from './rules/rule.js';
import { SchemaState } from './schema.js';
import { noteCreated, rebuildsAcross, rebuiltTables } from './replay.js';
import { TableRows } from './rows-written.js';
import { drain } from './drain.js';
import { replayedOnly, unread } from './replay-only.js';
import { readingGroups } from './reading-groups.js';
import { merge, toRaw, type Raw } from './merge-findings.js';
import { applySuppressions, type LintConfig } from './apply-config.js';
import { readIgnores, type Ignore } from './suppress.js';
import { lintKeysInSteps, type KeyOptions, type LintStore } from './lint-store.js';
import { postgresParserLoaded } from './pg-parse.js';
import type { AnalysedStatement, Finding } from './types.js';

export { analyseStatement, forgetAnalyses } from './statement-memo.js';

/**
 * Lints a history: for each dialect, the whole graph replayed in upgrade order (so each
 * rule knows what existed before a migration), every rule run on each statement of the
 * revisions asked for, then suppressions and the config applied and equal findings of
 * several dialects merged. Pure: files in, findings out; no database.
 */
export interface LintOptions extends KeyOptions {
  readonly dialects: readonly DialectName[];
  readonly config?: LintConfig;
  /**
   * Where each dialect's results are kept between processes, keyed by everything they depend
   * on (see lint-store.ts); a plan has keys of its own.
   */
  readonly store?: LintStore;
  /**
   * PostgreSQL statements per parser call when read ahead (default 400, fastest in total). A
   * screen computing marks between keys passes a few: 400 held a key 40–150 ms (load ~7).
   */
  readonly parseBatch?: number;
}

/** A statement lint could not tell the meaning of: where it is, as a finding says it. */
export type NotAnalysed = Pick<Finding, 'dialects' | 'revision' | 'direction' | 'path' | 'line'>;

export interface LintReport {
  readonly findings: readonly Finding[];
  /** Findings silenced by a `-- migrate:lint-ignore` with a reason or by the config. */
  readonly suppressed: readonly Finding[];
  /** Statements whose meaning lint could not tell (no rule judged them). */
  readonly notAnalysed: readonly NotAnalysed[];
  readonly statements: number;
  readonly revisions: number;
}

export type { Raw };

const wants = (rule: Rule, dialect: DialectName, direction: 'up' | 'down') => rule.dialects.includes(dialect) && (!rule.directions || rule.directions.includes(direction));

/** The rules of one dialect and direction, by the hook they use (filtered once, not per statement). */
function rulesFor(dialect: DialectName, direction: 'up' | 'down') {
  const all = RULES.filter((r) => wants(r, dialect, direction));
  return { statement: all.filter((r) => r.statement), action: all.filter((r) => r.action), file: all.filter((r) => r.file) };
}

export function lintHistory(graph: RevisionGraph, options: LintOptions): LintReport {
  return drain(lintHistorySteps(graph, options));
}

/** Files between the pauses of lintHistorySteps. */
const SLICE = 10;

/**
 * lintHistory a slice at a time: it pauses (yields) every SLICE files, so a screen can stay
 * responsive while it runs (the TUI's history marks, computed after the first frame).
 */
export function* lintHistorySteps(graph: RevisionGraph, options: LintOptions): Generator<void, LintReport> {
  const order = graph.upgradeOrder(new Set(graph.ids()));
  const perDialect: Array<DialectLint | undefined> = [];
  const keys = options.store ? drain(lintKeysInSteps(graph, options.dialects, options, order)) : null;
  const todo: number[] = [];
  options.dialects.forEach((dialect, i) => {
    const key = keys?.get(dialect) ?? null;
    const known = key ? readLint(options.store!, key) : null;
    if (known) perDialect[i] = known;
    else todo.push(i);
  });
  const directions = options.directions ?? ['up', 'down'];
  const downs = (id: string) => (reported(options, id) && directions.includes('down') && graph.get(id).downPath ? downOf(graph.get(id), options) : null);
  for (const group of readingGroups(graph, order, options.dialects, todo, downs, options.light === true)) {
    const computed = yield* lintDialects(graph, order, group.map((i) => options.dialects[i]!), options);
    group.forEach((i, k) => {
      const dialect = options.dialects[i]!;
      perDialect[i] = computed[k]!;
      const key = keys?.get(dialect) ?? null;
      if (key && (dialect !== 'postgres' || postgresParserLoaded())) options.store!.write(key, computed[k]!);
    });
  }
  return yield* report(graph, order, options, perDialect as DialectLint[]);
}

/**
 * The report from the lint results stored for each dialect, or null when one is not stored
 * (then lintHistory computes it): lint without reading a statement or loading a parser.
 */
export function lintFromStore(graph: RevisionGraph, options: LintOptions & { readonly store: LintStore }): LintReport | null {
  return drain(lintFromStoreSteps(graph, options));
}

/** lintFromStore pausing every SLICE revisions while it reads the files' ignores (a screen stays responsive). */
export function* lintFromStoreSteps(graph: RevisionGraph, options: LintOptions & { readonly store: LintStore }): Generator<void, LintReport | null> {
  const order = graph.upgradeOrder(new Set(graph.ids()));
  const perDialect: DialectLint[] = [];
  const keys = drain(lintKeysInSteps(graph, options.dialects, options, order));
  for (const dialect of options.dialects) {
    const key = keys?.get(dialect);
    const known = key ? readLint(options.store, key) : null;
    if (!known) return null;
    perDialect.push(known);
  }
  return yield* report(graph, order, options, perDialect);
}

/** One dialect's results before suppressions and the config: what the store keeps. */
interface DialectLint {
  readonly raw: Raw[];
  readonly unknown: Array<NotAnalysed & { dialect: DialectName }>;
  readonly statements: number;
}

function readLint(store: LintStore, key: string): DialectLint | null {
  const value = store.read(key) as Partial<DialectLint> | null;
  return value && Array.isArray(value.raw) && Array.isArray(value.unknown) && typeof value.statements === 'number' ? (value as DialectLint) : null;
}

const reported = (options: LintOptions, id: string) => !options.revisions || options.revisions.has(id);

/** Suppressions and the config applied, dialects merged; pauses every SLICE revisions while it reads the files' ignores. */
function* report(graph: RevisionGraph, order: readonly string[], options: LintOptions, perDialect: readonly DialectLint[]): Generator<void, LintReport> {
  const directions = options.directions ?? ['up', 'down'];
  // The lint-ignore comments of the files findings can be in, as lintDialect reports them.
  const ignores = new Map<string, { kind: 'up' | 'down'; ignores: readonly Ignore[] }>();
  const note = (source: SqlSource, dialect: DialectName) => {
    const path = source.pathFor(dialect);
    if (ignores.has(path)) return;
    const found = readIgnores(source.text);
    if (found.length > 0) ignores.set(path, { kind: source.kind === 'down' ? 'down' : 'up', ignores: found });
  };
  let read = 0;
  for (const id of order) {
    if (!reported(options, id)) continue;
    if (++read % SLICE === 0) yield;
    const m = graph.get(id);
    const down = directions.includes('down') && m.downPath ? downOf(m, options) : null;
    for (const dialect of options.dialects) {
      if (directions.includes('up')) note(m.up, dialect);
      if (down) note(down, dialect);
    }
  }
  const revisions = order.filter((id) => reported(options, id)).length;
  const raw = perDialect.flatMap((d) => d.raw);
  const unknown = perDialect.flatMap((d) => d.unknown);
  const statements = perDialect.reduce((sum, d) => sum + d.statements, 0);
  const { findings, suppressed } = applySuppressions(raw, ignores, options.dialects, options.config ?? {});
  return { findings: merge(findings), suppressed: merge(suppressed), notAnalysed: merge(unknown.map(({ dialects: _d, ...u }) => ({ ...u, code: '', severity: 'notice' as const, message: '' }))).map((u) => ({ dialects: u.dialects, revision: u.revision, direction: u.direction, path: u.path, line: u.line })), statements, revisions: options.dialects.length > 0 ? revisions : 0 };
}

/** The down file: with `light`, read for this use only when the migration has not kept it. */
const downOf = (m: Migration, options: LintOptions) => (options.light && m.downOnce ? m.downOnce() : m.down);

/**
 * The whole history replayed for one dialect, the rules run on the revisions reported; or for
 * several that read it alike (reading-groups.ts): read and replayed as the first, each one's rules run.
 */
function* lintDialects(graph: RevisionGraph, order: readonly string[], dialects: readonly DialectName[], options: LintOptions): Generator<void, DialectLint[]> {
  const dialect = dialects[0]!;
  const lanes = dialects.map((d) => ({ dialect: d, raw: [] as Raw[], unknown: [] as Array<NotAnalysed & { dialect: DialectName }>, byDirection: { up: rulesFor(d, 'up'), down: rulesFor(d, 'down') } }));
  const directions = options.directions ?? ['up', 'down'];
  let statements = 0;
  const syntax = dialectSyntax(dialect);
  const schema = new SchemaState();
  const keep = !options.light;
  // Up files first, all of them: a rebuild can span consecutive revisions (popx/fizz writes one statement per file).
  const upModes: Array<readonly [string, TransactionMode]> = [];
  for (const id of order) if (upModes.push([id, migrationRun(graph.get(id), 'up', syntax, { keep })]) % SLICE === 0) yield;
  // An up file whose statements no rule sees (see replay-only.ts).
  const replayOnly = (id: string, sql: string) => !(reported(options, id) && directions.includes('up')) && replayedOnly(sql, syntax);
  if (readsAhead(dialect)) {
    const texts = upModes.flatMap(([id, mode]) => mode.statements.filter((st) => !replayOnly(id, st.sql)).map((st) => st.sql));
    let k = 0;
    for (const id of directions.includes('down') ? order : []) {
      const m = graph.get(id);
      if (reported(options, id) && m.downPath) texts.push(...migrationRun(m, 'down', syntax, { source: downOf(m, options), keep }).statements.map((st) => st.sql));
      if (++k % SLICE === 0) yield;
    }
    yield* readAhead(dialect, texts, options.parseBatch);
  }
  const ups = new Map<string, { mode: TransactionMode; analysed: AnalysedStatement[] }>();
  for (const [id, mode] of upModes) if (ups.set(id, { mode, analysed: mode.statements.map((st) => (replayOnly(id, st.sql) ? unread(st.sql, st.line) : analyseStatement(st.sql, st.line, dialect))) }).size % SLICE === 0) yield;
  upModes.length = 0;
  const rebuiltIn = rebuildsAcross(order, (id) => ups.get(id)!.analysed);
  // Tables the replayed ups may have put rows in (rows-written.ts); a down starts its own.
  const filled = new TableRows();
  let done = 0;
  for (const id of order) {
    if (++done % SLICE === 0) yield;
    const m = graph.get(id);
    const report = reported(options, id);
    const created = new Map<string, { what: string; line: number }>();
    const isNew = (revision: string) => revision === id || (options.plan === true && !!options.revisions?.has(revision));
    const run = (direction: 'up' | 'down', source: SqlSource, apply: boolean) => {
      const cached = direction === 'up' ? ups.get(id)! : null;
      const mode = cached?.mode ?? migrationRun(m, direction, syntax, { source, keep });
      const path = source.pathFor(dialect);
      const emit = report && directions.includes(direction);
      const analysed = cached?.analysed ?? mode.statements.map((s) => analyseStatement(s.sql, s.line, dialect));
      const rebuilt = direction === 'up' ? (rebuiltIn.get(id) ?? new Set<string>()) : rebuiltTables(analysed.flatMap((st) => st.actions));
      let inOwn = false;
      const createdHere = new Set<string>();
      const rows = apply ? filled.forUp(options.plan === true, emit) : new TableRows();
      const empty = (t: string) => !rebuilt.has(t.toLowerCase()) && !rows.has(t) && (apply ? !schema.existing(t, isNew) : createdHere.has(t.toLowerCase()));
      for (const st of analysed) {
        if (emit) {
          statements++;
          for (const lane of lanes) {
            const where = { dialect: lane.dialect, revision: id, direction, path, line: st.line };
            if (!st.analysed && !st.parseError) lane.unknown.push({ dialect: lane.dialect, dialects: [lane.dialect], revision: id, direction, path, line: st.line });
            const ctx: StatementContext = {
              dialect: lane.dialect,
              revision: id,
              direction,
              statement: st,
              schema,
              inOwnTransaction: inOwn,
              existing: (t) => schema.existing(t, isNew) && !createdHere.has(t.toLowerCase()),
              existingColumn: (t, c) => schema.existingColumn(t, c, isNew) && !createdHere.has(t.toLowerCase()),
              rebuilt: (t) => rebuilt.has(t.toLowerCase()),
              empty,
            };
            const rules = lane.byDirection[direction];
            for (const rule of rules.statement) {
              const hit = rule.statement!(ctx);
              if (hit) lane.raw.push(toRaw(rule, hit, where));
            }
            if (st.actions.length > 0) {
              for (const rule of rules.action) {
                for (const a of st.actions) {
                  const hit = rule.action!(a, ctx);
                  if (hit) lane.raw.push(toRaw(rule, hit, where));
                }
              }
            }
          }
        }
        for (const a of st.actions) {
          if (a.kind === 'transaction') inOwn = a.what === 'begin';
          if (apply) {
            noteCreated(created, a, st.line, schema, id);
            schema.apply(a, id);
          } else if (a.kind === 'create-table') createdHere.add(a.table.toLowerCase());
        }
        rows.note(st, syntax);
      }
      if (!emit) return;
      for (const lane of lanes) {
        const fctx: FileContext = { dialect: lane.dialect, revision: id, direction, statements: analysed, transactional: mode.transactional, schema, ...(direction === 'down' ? { createdByUp: created } : {}) };
        for (const rule of lane.byDirection[direction].file) for (const hit of rule.file!(fctx)) lane.raw.push(toRaw(rule, hit, { dialect: lane.dialect, revision: id, direction, path, line: hit.line ?? analysed[0]?.line ?? 1 }));
      }
    };
    run('up', m.up, true);
    ups.delete(id);
    if (report && directions.includes('down') && m.downPath) {
      const down = downOf(m, options);
      if (down) run('down', down, false);
    }
  }
  return lanes.map((lane) => ({ raw: lane.raw, unknown: lane.unknown, statements }));
}

export type { Migration };
