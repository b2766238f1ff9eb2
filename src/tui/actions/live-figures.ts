import { withProbedCounts } from '../../engine/index.js';
import type { TuiContext } from '../context.js';
import type { ConfirmLint } from '../lint-view.js';

/**
 * Live figures next to a confirmation's findings ("users: 1,204 rows; 0 NULLs in email"),
 * read on a second, read-only connection with its statements and lock waits limited (2 s),
 * after the screen is up; they fill in if the same confirmation is still open.
 */
export const LIVE_FIGURES_TIMEOUT_MS = 2000;

export function withLiveFigures(ctx: TuiContext, lint: ConfirmLint | null): void {
  if (!lint || !lint.counting) return;
  const settle = (findings: ConfirmLint['findings']) => {
    const open = ctx.flow();
    // The same confirmation (its findings are the ones asked for), whatever was scrolled or focused since.
    if (open?.kind === 'confirm' && open.lint?.findings === lint.findings) ctx.setFlow({ ...open, lint: { ...open.lint, findings, counting: false } });
  };
  withProbedCounts(ctx.session.db, lint.findings, LIVE_FIGURES_TIMEOUT_MS)
    .then(settle)
    .catch((error: Error) => settle(lint.findings.map((f) => (f.table ? { ...f, data: `not counted (${error.message.split('\n')[0]})` } : f))));
}
