import test from 'ava';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTargets } from '../src/engine/index.js';
import { jsonErrorOffset } from '../src/engine/json-position.js';
import { cli } from './helpers/cli.js';

/**
 * "A JSON error gives the line, not the text" (README, Fleets) was untrue on Node 20: its
 * JSON.parse names a position only for some errors, and a misplaced `}` or a file that ends
 * early said only `broken.json: not valid JSON`. The line is found by a scan of JSON's grammar.
 */
function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-targets-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const CASES: Array<[string, string, number]> = [
  ['a stray } where a value belongs', '[\n{"name": "a", "url": "sqlite:./a.sqlite"},\n}\n]\n', 3],
  ['a file that ends early', '[\n{"name": "a",\n "url": "postgres://u:hunter2@h/db"\n\n', 3],
  ['a missing comma', '[\n{"name": "a", "url": "sqlite:./a.sqlite"}\n{"name": "b", "url": "sqlite:./b.sqlite"}\n]\n', 3],
  ['a bare word as a value', '{"targets": [\n  {"name": "a",\n   "url": postgres://u:hunter2@h/db}\n]}\n', 3],
  ['text after the list', '[{"name": "a", "url": "sqlite:./a.sqlite"}]\n\nmore\n', 3],
  ['a single-quoted string', "[\n{'name': 'a'}\n]", 2],
];

for (const [what, text, line] of CASES) {
  test(`a targets file with ${what}: the error names line ${line}, and never the text`, async (t) => {
    const dir = folderWith({ 'broken.json': text });
    const error = t.throws(() => readTargets('broken.json', dir, {}));
    t.is(error!.message, `broken.json:${line}: not valid JSON (line ${line})`);
    const r = await cli(['--targets', 'broken.json', 'status'], { cwd: dir });
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, new RegExp(`^error: broken\\.json:${line}: not valid JSON \\(line ${line}\\)\\n`));
    t.false(r.stderr.includes('hunter2'));
  });
}

test('an empty targets file says so, with no line', (t) => {
  const dir = folderWith({ 'empty.json': '\n' });
  t.is(t.throws(() => readTargets('empty.json', dir, {}))!.message, 'empty.json: not valid JSON (empty)');
});

test('the scan agrees with JSON.parse on what is valid JSON, on valid JSON and on JSON with a character changed, added or removed', (t) => {
  const mutated = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '{', '[', ' ', 'x', '0', '-', '\\', '\n'), fc.boolean()).map(([json, at, ch, remove]) => {
    const i = json.length === 0 ? 0 : at % json.length;
    return json.slice(0, i) + ch + json.slice(i + (remove ? 1 : 0));
  });
  fc.assert(
    fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      const offset = jsonErrorOffset(text);
      return valid ? offset === null : offset !== null && offset >= 0 && offset <= text.length;
    }),
    { numRuns: 5000 },
  );
  t.pass();
});

/**
 * The config file's JSON error quoted the parser's message, which holds the text around the
 * error (`Unexpected token 'p', ..."  "url": postgres:/"...`: a URL with its password) and a
 * position, not a line. It names the line now, and no text.
 */
test('migrate-tui.config.json that is not valid JSON: the error names the line and never the text around it', async (t) => {
  const dir = folderWith({ 'migrate-tui.config.json': '{\n  "migrations": "db",\n  "url": postgres://app:hunter2@db/app\n}\n' });
  const r = await cli(['status'], { cwd: dir });
  t.is(r.code, 2, r.stderr);
  t.is(r.stderr, `error: migrate-tui.config.json:3: not valid JSON (line 3)\n  → fix ${join(dir, 'migrate-tui.config.json')}, or remove it\n`);
  const missingComma = folderWith({ 'migrate-tui.config.json': '{\n  "url": "postgres://app:hunter2@db/app"\n  "migrations": "db"\n}\n' });
  const m = await cli(['status'], { cwd: missingComma });
  t.is(m.code, 2, m.stderr);
  t.regex(m.stderr, /^error: migrate-tui\.config\.json:3: not valid JSON \(line 3\)\n/);
  t.false((r.stderr + m.stderr).includes('hunter2') || (r.stderr + m.stderr).includes('postgres:'));
});

test('JSON nested deeper than the scan can follow: still "not valid JSON", never a crash', (t) => {
  const deep = '['.repeat(200_000);
  t.is(jsonErrorOffset(deep) === null || typeof jsonErrorOffset(deep) === 'number', true);
  const dir = folderWith({ 'deep.json': deep });
  t.regex(t.throws(() => readTargets('deep.json', dir, {}))!.message, /^deep\.json(:\d+)?: not valid JSON/);
});
