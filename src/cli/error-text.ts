import type { CommandPlace, MigrateTuiError } from '../engine/index.js';
import { engine } from './engine.js';

/** The engine's error as the CLI says it: the message, then the hint, whose commands act where this one did (`--url <url>`). */
export function errorLines(error: MigrateTuiError, place: CommandPlace): string {
  return `error: ${error.message}\n  → ${engine.hintAt(error.hint, place)}\n`;
}

export function errorJson(error: MigrateTuiError, place: CommandPlace): object {
  return { ...error.toJSON(), hint: engine.hintAt(error.hint, place) };
}
