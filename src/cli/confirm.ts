import { engine } from './engine.js';
import type { CliIo } from './io.js';

/**
 * Asks before a destructive step: `--yes` confirms; without a terminal it refuses (it never
 * waits for input that cannot come); on a terminal the default answer is No.
 */
export async function confirm(io: CliIo, what: string, yes: boolean, question = `${what}? [y/N] `, review?: string): Promise<void> {
  if (yes) return;
  if (!io.stdinIsTTY) throw new engine.ConfirmationRefusedError(what, review);
  let answer: string;
  try {
    answer = (await io.ask(question)).trim().toLowerCase();
  } catch (error) {
    // Ctrl-C at the question (readline's AbortError) was exit 70 with a stack trace: it is a cancel, before anything ran.
    if ((error as Error | null)?.name === 'AbortError') throw new engine.MigrateTuiError('cancelled', `${what}: cancelled at the question (Ctrl-C); nothing was changed`, 'run it again and answer y to proceed (--yes in scripts)', {});
    throw error;
  }
  if (answer !== 'y' && answer !== 'yes') throw new engine.DeclinedError(what);
}
