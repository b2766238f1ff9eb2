import type { RunEvent } from '../engine/index.js';
import type { CliIo } from './io.js';

/** Progress for people, on stderr so stdout stays pipeable: one line per step. */
export function plainReporter(io: CliIo): (event: RunEvent) => void {
  let statements = 0;
  // A dot per 20 statements, but never more than about 60 for a step (a large file has millions).
  let every = 20;
  return (event) => {
    switch (event.type) {
      case 'lock-wait':
        io.err(`waiting for the migration lock${event.holder ? ` (${event.holder})` : ''}…\n`);
        break;
      case 'lock-notice':
        io.err(`lock: ${event.message}\n`);
        break;
      case 'step-start':
        statements = event.statements;
        every = Math.max(20, Math.ceil(statements / 60));
        // A seed's step is keyed `seed:<file>` and its message is the file: name it once.
        io.err(`${event.direction === 'up' ? '↑' : '↓'} [${event.index + 1}/${event.total}] ${event.revision === `seed:${event.message}`.slice(0, event.revision.length) && event.revision.startsWith('seed:') ? `seed ${event.message}` : `${event.revision} ${event.message}`} (${statementsRun(event.statements, event.from ?? 1)})`);
        break;
      case 'step-end':
        io.err(event.status === 'done' ? ` done in ${event.durationMs} ms\n` : ` FAILED after ${event.durationMs} ms\n`);
        break;
      case 'warning':
        io.err(`\n  warning (${event.revision}): ${event.message}\n`);
        break;
      case 'statement-end':
        if (statements > 20 && (event.index + 1) % every === 0) io.err('.');
        break;
      default:
        break;
    }
  };
}

/** "4 statements", or for a resume what it runs: "statement 4 of 4", "statements 2–4 of 4". */
function statementsRun(total: number, from: number): string {
  if (from <= 1) return `${total} statement${total === 1 ? '' : 's'}`;
  if (from > total) return `none left of ${total}`;
  return from >= total ? `statement ${total} of ${total}` : `statements ${from}–${total} of ${total}`;
}
