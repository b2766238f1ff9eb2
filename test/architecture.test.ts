import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layout is a rule, checked on every `npm test`: the engine never imports a face
 * (TUI, CLI); no file imports itself through a cycle; and the pipeline's stages import
 * only earlier ones (files → graph → plan → run → safety → facade, over a base of
 * dialects and shared errors/config).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const files = sources(src);
const known = new Set(files);
/** Each file's relative imports (type-only imports too: they are still a dependency). */
const imports = new Map<string, string[]>(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:from\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => resolve(dirname(file), m[1]!));
    const targets = specs.map((spec) => [spec.replace(/\.js$/, '.ts'), spec.replace(/\.js$/, '.tsx')].find((p) => known.has(p)) ?? spec);
    return [file, targets];
  }),
);
const rel = (file: string) => relative(root, file);

test('every relative import names a file that exists', (t) => {
  const dangling = [...imports].flatMap(([file, targets]) => targets.filter((p) => !known.has(p)).map((p) => `${rel(file)} → ${rel(p)}`));
  t.deepEqual(dangling, []);
});

test('the engine imports neither the TUI nor the CLI', (t) => {
  const faces = [join(src, 'tui'), join(src, 'cli')];
  const wrong = [...imports]
    .filter(([file]) => file.startsWith(join(src, 'engine')))
    .flatMap(([file, targets]) => targets.filter((p) => faces.some((f) => p.startsWith(f))).map((p) => `${rel(file)} → ${rel(p)}`));
  t.deepEqual(wrong, []);
});

test('no import cycles in src/', (t) => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].map(rel).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of imports.get(file) ?? []) if (known.has(next)) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  t.deepEqual(cycles, []);
});

/** The stage a file of src/engine belongs to; a file imports only its own stage or earlier ones. */
const STAGES = ['base', 'files', 'graph', 'plan', 'run', 'safety', 'lint', 'verify', 'fleet', 'facade'] as const;
const TOP_LEVEL_BASE = new Set(['errors.ts', 'problems.ts', 'connection.ts', 'url-redaction.ts', 'unread-settings.ts', 'url-settings.ts', 'state-tables.ts', 'json-position.ts']);
function stageOf(file: string): number {
  const parts = relative(join(src, 'engine'), file).split('/');
  if (parts.length === 1) return STAGES.indexOf(TOP_LEVEL_BASE.has(parts[0]!) ? 'base' : 'facade');
  if (parts[0] === 'dialects') return STAGES.indexOf('base');
  const index = STAGES.indexOf(parts[0] as (typeof STAGES)[number]);
  if (index < 0) throw new Error(`src/engine/${parts[0]} is not a known stage: add it to STAGES in ${rel(fileURLToPath(import.meta.url))}`);
  return index;
}

test('engine stages import only earlier stages (files → graph → plan → run → safety)', (t) => {
  const engine = join(src, 'engine');
  const wrong = [...imports]
    .filter(([file]) => file.startsWith(engine))
    .flatMap(([file, targets]) =>
      targets.filter((p) => p.startsWith(engine) && known.has(p) && stageOf(p) > stageOf(file)).map((p) => `${rel(file)} (${STAGES[stageOf(file)]}) → ${rel(p)} (${STAGES[stageOf(p)]})`),
    );
  t.deepEqual(wrong, []);
});

test('no source file over 300 lines without a reason stated at its top', (t) => {
  const long = files.filter((file) => {
    const text = readFileSync(file, 'utf8');
    return text.split('\n').length > 300 && !/^(?:\/\/|\/\*\*?|\s\*).*Longer than 300 lines because/m.test(text.split('\n').slice(0, 12).join('\n'));
  });
  t.deepEqual(long.map(rel), []);
});

/**
 * The TUI names keys from the registry (keymap.ts: keyOf): a literal `press R` in a line
 * drifts from the binding the day the key changes (the rollback console's did).
 */
test('TUI lines say "press <key>" through the key registry, not a literal key', (t) => {
  const literal = files
    .filter((file) => file.startsWith(join(src, 'tui')))
    .flatMap((file) => readFileSync(file, 'utf8').split('\n').map((line, k) => ({ file, k, line })))
    .filter(({ line }) => /press [A-Za-z?@/](?![A-Za-z])/.test(line))
    .map(({ file, k, line }) => `${rel(file)}:${k + 1}: ${line.trim()}`);
  t.deepEqual(literal, []);
});
