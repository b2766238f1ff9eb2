import { engine } from './engine.js';
import type { CliIo } from './io.js';

/**
 * Asks before a destructive step: `--yes` confirms; without a terminal it refuses (it never
 * waits for input that cannot come); on a terminal the default answer is No.
 */
export async function confirm(io: CliIo, what: string, yes: boolean, question = `${what}? [y/N] `, review?: string): Promise<void> {
  if (yes) return;
  if (!io.stdinIsTTY) throw new engine.ConfirmationRefusedError(what, review);
  const answer = (await io.ask(question)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new engine.DeclinedError(what);
}
