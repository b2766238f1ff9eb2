import { useInput } from 'ink';
import { noteInput } from './input-activity.js';
import { chunkKeys, keyName } from './keymap.js';

export type KeyHandler = (name: string, input: string, key: { ctrl?: boolean; meta?: boolean }) => void;

/**
 * One input subscription for a screen and its flows: each key by name (`keyName`), and a
 * chunk of input (a paste, fast typing, tmux send-keys) split into keys, or kept as one
 * piece of text while `typing()` says a text field has the focus.
 */
export function useKeys(typing: () => boolean, handle: KeyHandler, isActive = true): void {
  useInput(
    (input, key) => {
      noteInput();
      if (input.length > 1 && !key.ctrl && !key.meta && !input.includes('\x1b')) return chunkKeys(input, typing, (k) => handle(k.name, k.input, {}));
      handle(keyName(input, key), input, key);
    },
    { isActive },
  );
}

/** A screen's key handling, handed to a parent that keeps the one subscription (the fleet view hosting a target's view). */
export interface KeyRoute {
  typing(): boolean;
  readonly handle: KeyHandler;
}
