import { setFlagsFromString } from 'node:v8';

/**
 * V8's heap for the TUI when `MIGRATE_TUI_HEAP=small`, set when the TUI starts (before the
 * folder loads); the commands, and the TUI by default, keep V8's defaults. Each frame Ink
 * draws allocates ~7 MB of short-lived objects (a 120×40 screen: a cell object and three Sets
 * per cell), so with the defaults the young generation grows to 32 MB and the old one to about
 * twice the live heap before a full collection: peak RSS ~190–250 MB on 10,000 revisions
 * against ~56 MB live (README, Development, "Memory").
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial size (1 MB a
 *   semi-space) instead of growing to 16 MB;
 * - `--heap-growing-percent=30`: a full collection once the old generation has grown 30% over
 *   what the last one left, not up to ~100%.
 * Measured in tmux on 10,000 revisions: ~35 MB less at the peak, but ~15–30% more CPU a key
 * and keys after the marks ~70 ms median instead of ~48 ms at load ~8 — so not the default.
 * V8 reads both at each collection, so setting them at run time takes effect; the semi-space's
 * maximum (read once, when the heap is set up) cannot be set here.
 */
export const SMALL_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=30'] as const;

let applied = false;
export function tuiHeap(env: Readonly<Record<string, string | undefined>>): boolean {
  if (applied || env.MIGRATE_TUI_HEAP !== 'small') return applied;
  applied = true;
  for (const flag of SMALL_HEAP_FLAGS) setFlagsFromString(flag);
  return true;
}
