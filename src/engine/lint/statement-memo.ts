import type { DialectName } from '../dialects/dialect.js';
import { dialectSyntax } from '../dialects/registry.js';
import { analysePostgresMany } from './pg-batch.js';
import { analysePostgres, postgresParserLoaded } from './pg-parse.js';
import { insertShape } from './pg-shape.js';
import { shortcutsOn } from '../safety/prefilter.js';
import { analyseWithTokens } from './token-parse.js';
import type { AnalysedStatement } from './types.js';

/** What each statement does, read once per process and remembered (lint's readings). */

type Analysis = Omit<AnalysedStatement, 'sql' | 'line'>;
/**
 * What a statement does depends only on its text and how it is read: memoised per reader
 * (PostgreSQL's parser; the tokenizer per splitter rules, which MySQL and MariaDB share), so
 * a statement is parsed once per process — by every dialect that reads it alike, and by the
 * TUI each time it lints again. Bounded: cleared past MEMO_LIMIT entries.
 */
const memo = new Map<unknown, Map<string, Analysis>>();
const MEMO_LIMIT = 200_000;
let memoSize = 0;

export function analyseStatement(sql: string, line: number, dialect: DialectName): AnalysedStatement {
  const syntax = dialectSyntax(dialect);
  const reader = dialect === 'postgres' ? analysePostgres : syntax.splitter;
  let byText = memo.get(reader);
  if (!byText) memo.set(reader, (byText = new Map()));
  const known = byText.get(sql);
  if (known) return { ...known, sql, line };
  const shape = dialect === 'postgres' && postgresParserLoaded() && shortcutsOn() ? insertShape(sql) : null;
  const alike = shape === null ? undefined : shapes.get(shape);
  if (alike) return { ...alike, sql, line };
  const analysed = dialect === 'postgres' ? analysePostgres(sql, line) : analyseWithTokens(sql, line, syntax);
  if (shape !== null && sharesShape(analysed)) shapes.set(shape, { actions: analysed.actions, analysed: analysed.analysed, ddl: analysed.ddl });
  if (postgresReady(dialect)) {
    if (++memoSize > MEMO_LIMIT) {
      memo.clear();
      shapes.clear();
      memo.set(reader, (byText = new Map()));
      memoSize = 1;
    }
    const { sql: _s, line: _l, ...analysis } = analysed;
    byText.set(sql, analysis);
  }
  return analysed;
}

/**
 * Reads the statements a lint will ask for ahead, many per call where the reader gains by it
 * (PostgreSQL's parser: a call costs more than a short statement), into the memo.
 */
export const readsAhead = (dialect: DialectName) => dialect === 'postgres' && postgresParserLoaded();

/** Statements per parser call when reading ahead (a call costs more than a short statement). */
const READ_AHEAD = 400;

export function* readAhead(dialect: DialectName, sqls: readonly string[], batch = READ_AHEAD): Generator<void> {
  if (!readsAhead(dialect)) return;
  const byText = memo.get(analysePostgres) ?? new Map<string, Analysis>();
  memo.set(analysePostgres, byText);
  const todo = [...new Set(sqls)].filter((sql) => !byText.has(sql));
  // INSERTs of one shape: one of them is parsed (see pg-shape.ts); the others only if it does not parse alone.
  const members = new Map<string, string[]>();
  const first: string[] = [];
  // Each text's shape, worked out once (the parse's callback below needs it again).
  const shapeOf = new Map<string, string>();
  for (const sql of todo) {
    const shape = shortcutsOn() ? insertShape(sql) : null;
    if (shape !== null) shapeOf.set(sql, shape);
    const known = shape === null ? undefined : shapes.get(shape);
    if (known) {
      byText.set(sql, known);
      memoSize++;
    }
    else if (shape === null) first.push(sql);
    else {
      const group = members.get(shape);
      if (group) group.push(sql);
      else {
        members.set(shape, []);
        first.push(sql);
      }
    }
  }
  const rest: string[] = [];
  yield* parseAhead(first, byText, batch, (sql, read) => {
    const shape = shapeOf.get(sql);
    const group = shape === undefined ? undefined : members.get(shape);
    if (!group) return;
    if (sharesShape(read)) {
      shapes.set(shape!, read);
      for (const other of group) byText.set(other, read);
      memoSize += group.length + 1;
    } else rest.push(...group);
  });
  yield* parseAhead(rest, byText, batch);
}

function* parseAhead(todo: readonly string[], byText: Map<string, Analysis>, batch: number, then?: (sql: string, read: Analysis) => void): Generator<void> {
  for (let k = 0; k < todo.length; k += batch) {
    const chunk = todo.slice(k, k + batch);
    const read = analysePostgresMany(chunk) ?? [];
    chunk.forEach((sql, j) => {
      if (!read[j]) return;
      byText.set(sql, read[j]!);
      then?.(sql, read[j]!);
    });
    memoSize += chunk.length;
    yield;
  }
}

/** What one INSERT of a shape tells of all of them: it parsed, and changes no schema. */
const sharesShape = (a: Analysis) => a.analysed && !a.parseError && a.actions.length === 0;
/** Shape of an INSERT → the analysis every INSERT of that shape has (pre-filled, bounded with the memo). */
const shapes = new Map<string, Analysis>();

/** Forgets every statement read (for benchmarks measuring a first lint). */
export function forgetAnalyses(): void {
  memo.clear();
  shapes.clear();
  memoSize = 0;
}

/** A PostgreSQL statement read before the parser loaded is "not analysed": not worth keeping. */
const postgresReady = (dialect: DialectName) => dialect !== 'postgres' || postgresParserLoaded();

