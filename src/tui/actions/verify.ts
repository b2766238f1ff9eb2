import type { TuiContext } from '../context.js';
import { errorResult } from '../flows/result.js';
import type { Flow } from '../flows/index.js';
import { reduceVerify, verifyFailed, verifyFinished, verifyFlow, type VerifyFlow } from '../flows/verify.js';
import { startVerify } from '../session-verify.js';

/**
 * `V` (every revision) and `v` (the revision under the cursor): opens the verify view and
 * fills the matrix in as the engine reports each cell.
 */
export function openVerify(ctx: TuiContext, range: string | null): void {
  let run: ReturnType<typeof startVerify>;
  // Only the verify view is updated: if it was closed meanwhile, the event changes nothing.
  const update = (f: Flow | null, next: (s: VerifyFlow) => VerifyFlow): Flow | null => (f?.kind === 'verify' ? next(f) : f);
  try {
    run = startVerify(ctx.session, range, (event) => ctx.setFlow((f) => update(f, (s) => reduceVerify(s, event))));
  } catch (error) {
    return ctx.setFlow(errorResult('verify', error, ctx.session.commandPlace));
  }
  const title = range ? `verify ${range}: up, down, up again on scratch databases` : `verify: every revision, up, down, up again on scratch databases`;
  ctx.setFlow(verifyFlow({ title, where: run.where, columns: run.columns, revisions: run.revisions, onCancel: () => void run.control.cancel() }));
  run.done.then(
    (report) => ctx.setFlow((f) => update(f, (s) => verifyFinished(s, report))),
    (error: unknown) => ctx.setFlow((f) => update(f, (s) => verifyFailed(s, error instanceof Error ? error.message : String(error)))),
  );
}
