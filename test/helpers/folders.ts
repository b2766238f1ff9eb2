import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject, type Project } from '../../src/engine/index.js';

/** A fresh temp folder holding the given files (name → text or bytes). */
export function makeFolder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-test-'));
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

export function projectOf(files: Record<string, string | Uint8Array>): Project {
  return loadProject(makeFolder(files));
}

/** A reversible pair whose SQL creates and drops a table named after the version. */
export function pair(version: string, headers: string[] = [], slug = `step_${version}`): Record<string, string> {
  return {
    [`${version}_${slug}.up.sql`]: [...headers, `CREATE TABLE t_${version} (id INTEGER);`, ''].join('\n'),
    [`${version}_${slug}.down.sql`]: `DROP TABLE t_${version};\n`,
  };
}

/** A folder from a list of [version, headers] pairs. */
export function graphProject(spec: Array<[string, string[]?]>): Project {
  return projectOf(Object.assign({}, ...spec.map(([v, h]) => pair(v, h ?? []))));
}

/** The example app's migrations plus `extra` files, in a fresh folder. */
export function exampleWith(extra: Record<string, string>): string {
  const example = fileURLToPath(new URL('../../../migrations', import.meta.url));
  const files: Record<string, string> = {};
  for (const name of readdirSync(example)) files[name] = readFileSync(join(example, name), 'utf8');
  return makeFolder({ ...files, ...extra });
}
