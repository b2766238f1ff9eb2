import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The TUI's young generation is not grown (see src/tui/heap.ts); MIGRATE_TUI_HEAP=default keeps V8's defaults. */
const heap = fileURLToPath(new URL('../src/tui/heap.js', import.meta.url));

/** The young generation's size (MB) in a fresh node after tuiHeap(env) and ~200 MB of short-lived garbage with some survivors. */
function youngAfterGarbage(env: Record<string, string>): { applied: boolean; young: number } {
  const script = `
    const { tuiHeap } = await import(${JSON.stringify(heap)});
    const v8 = await import('node:v8');
    const applied = tuiHeap(${JSON.stringify(env)});
    let keep = [];
    for (let i = 0; i < 200000; i++) { const o = new Array(100).fill(i); if (i % 10 === 0) keep.push(o); if (keep.length > 2000) keep = []; }
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    console.log(JSON.stringify({ applied, young }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { applied: boolean; young: number };
}

test('the TUI keeps the young generation at its initial size; with MIGRATE_TUI_HEAP=default V8 grows it', (t) => {
  const small = youngAfterGarbage({});
  const normal = youngAfterGarbage({ MIGRATE_TUI_HEAP: 'default' });
  t.true(small.applied);
  t.false(normal.applied);
  t.true(small.young <= 2, `small: ${small.young} MB`);
  t.true(normal.young > small.young, `default: ${normal.young} MB, small: ${small.young} MB`);
});

test('the 30% growing limit comes after the first frame, and only with the small heap', (t) => {
  const run = (env: Record<string, string>) => {
    const script = `
      const { tuiHeap, tuiHeapAfterFirstFrame } = await import(${JSON.stringify(heap)});
      const before = tuiHeapAfterFirstFrame();
      tuiHeap(${JSON.stringify(env)});
      console.log(JSON.stringify({ before, after: tuiHeapAfterFirstFrame() }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as { before: boolean; after: boolean };
  };
  t.deepEqual(run({}), { before: false, after: true });
  t.deepEqual(run({ MIGRATE_TUI_HEAP: 'default' }), { before: false, after: false });
});
