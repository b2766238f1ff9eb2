import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '../dialects/dialect.js';
import { makeFolder } from '../files/make-folder.js';
import type { SqlSource } from '../files/sql-source.js';
import type { RevisionGraph } from '../graph/graph.js';

/**
 * Lint results kept between processes, one entry per dialect and history, in the user's cache
 * folder (`$XDG_CACHE_HOME/migrate-tui/lint`, else `~/.cache/migrate-tui/lint`; never the
 * project's folder). A dialect's results depend on every file before each revision (the
 * replayed schema) and after it (a rebuild spans up to three revisions), so the key is a hash
 * of the whole history as lint reads it — every revision in upgrade order with its files'
 * texts, paths, the sections and transaction settings the dialect gets — plus the dialect, the revisions and
 * directions asked for, whether it is an upgrade or downgrade plan (its revisions' tables count
 * as new: other findings than a lint of the same revisions), and the build (the version, the engine's files and the PostgreSQL parser's version). Any change to any
 * file is a new key: that dialect is linted again from nothing. Suppressions and the config
 * are applied after the store, so they need no key. A history with a streamed file (lint
 * reads its excerpt, the run the whole file) is never stored.
 */

export interface LintStore {
  read(key: string): unknown;
  write(key: string, value: unknown): void;
}

const FORMAT = 'migrate-tui lint store 1';
/** Entries kept; the oldest go first. */
const KEEP = 32;

/**
 * The store's folder for this environment, or null: `MIGRATE_TUI_LINT_CACHE=off`, or neither
 * XDG_CACHE_HOME nor HOME set (an environment without a home keeps nothing).
 */
export function lintStoreDir(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env.MIGRATE_TUI_LINT_CACHE === 'off') return null;
  // The XDG spec: a relative XDG_CACHE_HOME is invalid and ignored.
  const xdg = env.XDG_CACHE_HOME;
  const home = env.HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : home && isAbsolute(home) ? join(home, '.cache') : null;
  return base ? join(base, 'migrate-tui', 'lint') : null;
}

/** A folder of entries; `write: false` (`--read-only`) reads and never writes. Failures are misses, never errors. */
export function diskLintStore(dir: string, options: { readonly write: boolean }): LintStore {
  const file = (key: string) => join(dir, `${key}.json`);
  return {
    read(key) {
      try {
        const entry = JSON.parse(readFileSync(file(key), 'utf8')) as { key?: string; value?: unknown };
        return entry.key === key ? entry.value : null;
      } catch {
        return null;
      }
    },
    write(key, value) {
      if (!options.write) return;
      try {
        // One level at a time: Node's recursive mkdir spins for ever under /proc (make-folder.ts).
        makeFolder(dir, 'lint cache folder', 'set XDG_CACHE_HOME to a writable folder', 0o700);
        const temp = join(dir, `${key}.${process.pid}.tmp`);
        writeFileSync(temp, JSON.stringify({ key, value }));
        renameSync(temp, file(key));
        prune(dir);
      } catch {
        // Not kept: the next lint computes it again.
      }
    },
  };
}

function prune(dir: string): void {
  const entries = readdirSync(dir).map((name) => {
    try {
      return { name, at: statSync(join(dir, name)).mtimeMs };
    } catch {
      return { name, at: 0 };
    }
  });
  if (entries.length <= KEEP) return;
  entries.sort((a, b) => b.at - a.at);
  for (const old of entries.slice(KEEP)) rmSync(join(dir, old.name), { force: true });
}

let build: string | null = null;
/** The version, the parser's version and every engine file's size and time: a rebuilt engine is a new key. */
function buildStamp(): string {
  if (build) return build;
  const hash = createHash('sha256');
  const self = fileURLToPath(import.meta.url);
  // Bundled, the engine is one file (dist/bin/engine.js); unbundled, the folder dist/src/engine.
  const bundled = basename(dirname(self)) === 'bin';
  const stamp = (path: string) => {
    const s = statSync(path);
    hash.update(`${path}\0${s.size}\0${s.mtimeMs}\0`);
  };
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) stamp(path);
    }
  };
  const version = (path: string | null) => {
    try {
      return path ? ((JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? '?') : '?';
    } catch {
      return '?';
    }
  };
  try {
    if (bundled) stamp(self);
    else walk(dirname(dirname(self)));
  } catch {
    hash.update(String(Math.random()));
  }
  hash.update(version(ownPackage(dirname(self))));
  // The parser decides what each PostgreSQL statement is: a new one alone is a new build.
  let parser: string | null = null;
  try {
    parser = createRequire(self).resolve('libpg-query/package.json');
  } catch {
    parser = null;
  }
  hash.update(version(parser));
  return (build = hash.digest('hex'));
}

/** migrate-tui's own package.json, the nearest one above `dir` that names it (never the user's project's). */
export function ownPackage(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    const path = join(d, 'package.json');
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name === 'migrate-tui') return path;
    } catch {
      // not here
    }
    if (dirname(d) === d) return null;
  }
}

/** What a lint is asked beyond its dialects: each decides its results, so the key has it (LintOptions has these too). */
export interface KeyOptions {
  /** Report only these revisions (the whole history is still replayed). Default: all. */
  readonly revisions?: ReadonlySet<string>;
  /** Default: both. */
  readonly directions?: ReadonlyArray<'up' | 'down'>;
  /**
   * A plan: tables created by any of `revisions` count as new (created in this run, so empty),
   * not only those created by the migration itself.
   */
  readonly plan?: boolean;
  /**
   * Leave nothing behind on the project: down files read for this lint only and splits not
   * remembered (the TUI lints the whole history once and keeps only the report; a command
   * that then runs the files keeps them, so they are read and split once). The key reads
   * the down files the same way.
   */
  readonly light?: boolean;
}

/** Revisions hashed between the pauses of lintKeysInSteps. */
const KEY_SLICE = 100;

/**
 * The key of each dialect's results for this history, or null when they are not to be stored.
 * The texts are hashed once for all dialects; each dialect adds what it reads differently.
 * A slice of revisions at a time (the TUI: hashing 10,000 files, the down files read from
 * disk, would hold the screen): it pauses every KEY_SLICE revisions; `drain` runs it at once.
 * A graph's files are read once and never change: once done, a lint on this graph asking the
 * same (lintFromStore, then lintHistory) finds the keys computed. `order`: the graph's upgrade
 * order, when the caller has it (else computed, only if the keys are not known yet).
 */
export function* lintKeysInSteps(graph: RevisionGraph, dialects: readonly DialectName[], options: KeyOptions, order?: readonly string[]): Generator<void, Map<DialectName, string> | null> {
  const question = questionOf(options);
  const asked = `${dialects.join(',')}|${question}`;
  const known = lastKeys.get(graph);
  if (known?.asked === asked) return known.keys;
  const keys = yield* keySteps(graph, order ?? graph.upgradeOrder(new Set(graph.ids())), dialects, question, options);
  lastKeys.set(graph, { asked, keys });
  return keys;
}

/** What was asked of every dialect, as the key sees it: directions, revisions, and whether a plan (it reads the same files but counts its revisions' tables as new). */
const questionOf = (options: KeyOptions) => `${[...(options.directions ?? ['up', 'down'])].sort().join(',')}|${options.revisions ? [...options.revisions].sort().join(',') : '*'}|${options.plan === true ? 'plan' : 'history'}`;

const lastKeys = new WeakMap<RevisionGraph, { asked: string; keys: Map<DialectName, string> | null }>();

function* keySteps(graph: RevisionGraph, order: readonly string[], dialects: readonly DialectName[], question: string, options: KeyOptions): Generator<void, Map<DialectName, string> | null> {
  const directions = options.directions ?? ['up', 'down'];
  const parts: string[] = [FORMAT, buildStamp(), question];
  const sources: SqlSource[] = [];
  // A file's text and path decide the lines each dialect runs (its sections, its layout).
  const source = (s: SqlSource): boolean => {
    if (s.streamed) return false;
    sources.push(s);
    parts.push(s.kind, s.path, s.text);
    return true;
  };
  let done = 0;
  for (const id of order) {
    if (++done % KEY_SLICE === 0) yield;
    const m = graph.get(id);
    parts.push(id, `${m.transaction}:${m.downPath !== null}`);
    if (!source(m.up)) return null;
    if ((!options.revisions || options.revisions.has(id)) && directions.includes('down') && m.downPath) {
      const down = options.light && m.downOnce ? m.downOnce() : m.down;
      if (!down) parts.push('no down');
      else if (!source(down)) return null;
    }
  }
  const base = digest(parts);
  const keys = new Map<DialectName, string>();
  for (const dialect of dialects) {
    // What the dialect gets of each file: its path (popx), sections, statements ranges, transaction setting.
    const mine = [base, dialect];
    for (const s of sources) {
      const ranges = s.delimitedRanges(dialect);
      const choice = s.sectionChoice(dialect);
      mine.push(`${s.pathFor(dialect)}\0${s.transactionOff(dialect) ?? ''}\0${ranges.length ? JSON.stringify(ranges) : ''}\0${choice.length ? JSON.stringify(choice) : ''}`);
    }
    keys.set(dialect, digest(mine));
  }
  return keys;
}

/** One hash of many strings, each length-prefixed (no two lists hash alike by moving a boundary). */
function digest(parts: readonly string[]): string {
  return createHash('sha256')
    .update(parts.map((p) => `${p.length}:${p}`).join(''))
    .digest('hex');
}
