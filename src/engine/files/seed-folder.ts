import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FileProblem } from '../problems.js';
import { readTextOrLarge } from './read-text.js';
import { readStreamedSource, STREAM_ABOVE_BYTES } from './streamed-source.js';
import { parseSqlSource, type SourceKind, type SqlSource } from './sql-source.js';

/** A seed file: dialect blocks only, run in name order by `seed`. */
export interface SeedFile {
  readonly name: string;
  readonly path: string;
  readonly source: SqlSource;
}

export function readSeedFolder(dir: string): { seeds: SeedFile[]; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.sql')).sort();
  } catch {
    return { seeds: [], problems };
  }
  const seeds: SeedFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const text = readTextOrLarge(path, problems, STREAM_ABOVE_BYTES);
    if (text === null) continue;
    const source = typeof text === 'string' ? parseSqlSource(path, text, 'seed' satisfies SourceKind) : readStreamedSource(path, 'seed', text.size, problems);
    if (!source) continue;
    if (typeof text === 'string') problems.push(...source.problems);
    seeds.push({ name, path, source });
  }
  return { seeds, problems };
}
