import type { TuiContext } from '../context.js';
import { backupsFlow } from '../flows/backups.js';
import { confirmFlow } from '../flows/confirm.js';
import { execute } from './run.js';

/** The backups list; enter on one asks (typed name) to restore it. */
export function openBackups(ctx: TuiContext): void {
  const { session } = ctx;
  ctx.setFlow(
    backupsFlow(session.backups(), (backup) => {
      if (ctx.guard('restore')) return;
      ctx.setFlow(
        confirmFlow({
          title: `Restore ${session.db.databaseName} from this backup?`,
          body: [backup.file, `taken ${backup.createdAt} (${backup.reason}) with ${backup.tool}`, `version rows then: ${backup.versionRows.join(', ') || 'base'}`, `now: ${session.state.versionRows.join(', ') || 'base'}`, '', "the data is replaced by the backup's"],
          phrase: session.db.databaseName,
          danger: true,
          onConfirm: () => void execute(ctx, 'restore', session.restore(backup.file)),
        }),
      );
    }),
  );
}
