import { setFlagsFromString } from 'node:v8';

/**
 * V8's heap as the TUI wants it, set when the TUI is chosen (before the folder loads): the
 * commands keep V8's defaults. Each frame Ink draws allocates ~5–7 MB of short-lived objects
 * (a 120×40 screen: a cell object and three Sets per cell), so with the defaults the young
 * generation grows to 32 MB and the old one to twice the live heap before a full collection:
 * peak RSS 190–270 MB on 10,000 revisions against ~55 MB of live heap (README, issue 15).
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial size (1 MB a
 *   semi-space) instead of growing to 16 MB;
 * - `--heap-growing-percent=30`: a full collection when the old generation has grown 30%
 *   over what the last one left, not up to 100%.
 * Measured in tmux on 10,000 revisions (README's budget table). Both are read by V8 at each
 * collection, so setting them at run time takes effect; the semi-space's maximum (read once
 * at start) could not be set here.
 */
export const TUI_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=30'] as const;

let applied = false;
export function tuiHeap(): void {
  if (applied) return;
  applied = true;
  for (const flag of TUI_HEAP_FLAGS) setFlagsFromString(flag);
}
