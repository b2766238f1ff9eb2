import type { LintStore } from '../../src/engine/index.js';

/** A lint store in memory, counting reads that found something. */
export function memoryStore(): LintStore & { hits: number; map: Map<string, string> } {
  const map = new Map<string, string>();
  const store = {
    hits: 0,
    map,
    read: (key: string) => {
      const v = map.get(key);
      if (v !== undefined) store.hits++;
      return v === undefined ? null : JSON.parse(v);
    },
    write: (key: string, value: unknown) => void map.set(key, JSON.stringify(value)),
  };
  return store;
}
