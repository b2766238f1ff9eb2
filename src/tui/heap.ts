import { setFlagsFromString } from 'node:v8';

/**
 * V8's heap for the TUI, set when the TUI starts (before the folder loads), unless
 * `MIGRATE_TUI_HEAP=default`; the commands keep V8's defaults. Each frame Ink
 * draws allocates ~7 MB of short-lived objects (a 120×40 screen: a cell object and three Sets
 * per cell), so with the defaults the young generation grows to 32 MB and the old one to about
 * twice the live heap before a full collection: peak RSS ~190–250 MB on 10,000 revisions
 * against ~56 MB live (README, Development, "Memory").
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial size (1 MB a
 *   semi-space) instead of growing to 16 MB;
 * - `--heap-growing-percent=30`: a full collection once the old generation has grown 30% over
 *   what the last one left, not up to ~100%.
 * Measured in tmux on 10,000 revisions (bench/tui-terminal.ts): at load ~1–3, peak RSS
 * 167–168 MB against 235–286 MB with V8's defaults, key medians 22–34 ms against 21–29 ms
 * (both within 50 ms); at load ~8 keys were ~70 ms median against ~48 ms. The memory budget
 * is met only this way on a cold start, so it is the default.
 * V8 reads both at each collection, so setting them at run time takes effect; the semi-space's
 * maximum (read once, when the heap is set up) cannot be set here.
 * The growth factor is set when the TUI starts (a young generation grown while the folder is
 * indexed stays grown: peak RSS 185 MB against 142 MB); the 30% once the first screen is drawn
 * (`tuiHeapAfterFirstFrame`): until then nearly everything allocated stays live (the folder
 * indexed, Ink loaded), so the 2–3 full collections it caused before the history showed (on
 * 10,000 revisions) freed little and only delayed it, by ~25–40 ms. Peak RSS is the same.
 */
export const SMALL_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=30'] as const;

let applied = false;
let growing = false;
/** When the TUI starts: the young generation is kept small (unless MIGRATE_TUI_HEAP=default). */
export function tuiHeap(env: Readonly<Record<string, string | undefined>>): boolean {
  if (applied || env.MIGRATE_TUI_HEAP === 'default') return applied;
  applied = true;
  setFlagsFromString(SMALL_HEAP_FLAGS[0]);
  return true;
}

/** Once the first screen is drawn: a full collection comes sooner (when tuiHeap applied the small heap). Whether it did now. */
export function tuiHeapAfterFirstFrame(): boolean {
  if (!applied || growing) return growing;
  growing = true;
  setFlagsFromString(SMALL_HEAP_FLAGS[1]);
  return true;
}
