import type { DialectName } from '../dialects/dialect.js';
import type { SqlSource } from '../files/sql-source.js';
import type { RevisionGraph } from '../graph/graph.js';
import { shortcutsOn } from '../safety/prefilter.js';

/**
 * Dialects lint can read a history for in one pass: MySQL and MariaDB share a syntax (the
 * splitter, the transaction rules, the tokenizer's reading) and differ only in the sections,
 * files and settings a file gives each. When every file of the history gives both the same —
 * its path, sections, delimited ranges and transaction setting, which decide the statements
 * each runs (the same things the lint store's key hashes per dialect) — they get the same
 * statements and the same replayed schema: lint splits and replays once, and runs each
 * dialect's rules on it. Each group is a list of indexes into `dialects`; the reading is the
 * first one's. `downOf`: the down file lint reads for a revision, if any. With the readers' short cuts off (the long way), every dialect is its own group.
 */
export function readingGroups(graph: RevisionGraph, order: readonly string[], dialects: readonly DialectName[], todo: readonly number[], downOf: (id: string) => SqlSource | null, light: boolean): number[][] {
  const mysql = todo.find((i) => dialects[i] === 'mysql');
  const mariadb = todo.find((i) => dialects[i] === 'mariadb');
  // A light lint reads a down file anew each time it asks: it would read them all twice.
  if (mysql === undefined || mariadb === undefined || light || !shortcutsOn() || !readAlike(graph, order, downOf)) return todo.map((i) => [i]);
  return todo.filter((i) => i !== mariadb).map((i) => (i === mysql ? [mysql, mariadb] : [i]));
}

function readAlike(graph: RevisionGraph, order: readonly string[], downOf: (id: string) => SqlSource | null): boolean {
  for (const id of order) {
    if (!alike(graph.get(id).up)) return false;
    const down = downOf(id);
    if (down && !alike(down)) return false;
  }
  return true;
}

const alike = (s: SqlSource): boolean =>
  !s.streamed &&
  s.pathFor('mysql') === s.pathFor('mariadb') &&
  s.transactionOff('mysql') === s.transactionOff('mariadb') &&
  JSON.stringify(s.delimitedRanges('mysql')) === JSON.stringify(s.delimitedRanges('mariadb')) &&
  JSON.stringify(s.sectionChoice('mysql')) === JSON.stringify(s.sectionChoice('mariadb'));
