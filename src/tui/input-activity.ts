/**
 * When the user last pressed a key: background work on the screen (the history's lint marks)
 * steps aside for a moment after each key, so the key's frame is drawn first.
 */
let lastInput = Number.NEGATIVE_INFINITY;

export function noteInput(): void {
  lastInput = performance.now();
}

/** Milliseconds since the last key (Infinity before the first). */
export const sinceInput = (): number => performance.now() - lastInput;
