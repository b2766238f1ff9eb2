import { backupOrigin, describeDatabase, sameDatabase, unfinishedProgress, type BackupManifest } from '../../engine/index.js';
import type { TuiContext } from '../context.js';
import { backupsFlow } from '../flows/backups.js';
import { confirmFlow } from '../flows/confirm.js';
import { execute } from './run.js';
import { errorResult } from '../flows/result.js';

/**
 * The backups list (the connected database's; `a` all of them); enter on one asks (typed
 * name) to restore it. A backup of another database asks a second time, naming both.
 */
export function openBackups(ctx: TuiContext): void {
  const { session } = ctx;
  let list: BackupManifest[];
  try {
    list = session.backups();
  } catch (error) {
    // The folder cannot be read (a file, not a folder): said on screen; the TUI goes on.
    return ctx.setFlow(errorResult('backups', error, ctx.session.commandPlace));
  }
  ctx.setFlow(
    backupsFlow(list, session.identity(), (backup) => {
      if (ctx.guard('restore')) return;
      const other = !sameDatabase(backupOrigin(backup), session.identity());
      ctx.setFlow(
        confirmFlow({
          title: `Restore ${session.db.databaseName} from this backup?`,
          body: [
            backup.file,
            `taken ${backup.createdAt} from ${describeDatabase(backupOrigin(backup))} (${backup.reason}) with ${backup.tool}`,
            ...(other ? [`ANOTHER DATABASE: this backup was not taken from ${describeDatabase(session.identity())}`] : []),
            `version rows then: ${backup.versionRows.join(', ') || 'base'}`,
            `now: ${session.state.versionRows.join(', ') || 'base'}`,
            '',
            "the data is replaced by the backup's",
            ...keptTables(backup),
            ...unfinishedAgain(backup),
          ],
          phrase: session.db.databaseName,
          danger: true,
          onConfirm: () => (other ? confirmOtherDatabase(ctx, backup) : void execute(ctx, 'restore', session.restore(backup.file, false), undefined, true)),
        }),
      );
    }),
  );
}

/** A dump without the state tables (PostgreSQL, MySQL/MariaDB) is restored over what is there: tables made since stay, as the CLI says. */
const keptTables = (backup: BackupManifest): string[] => (backup.includesStateTables ? [] : ['tables created after the backup are left in place']);

/** A backup taken during an unfinished step: the restore marks that step unfinished again (the database reads dirty), as the CLI says. */
const unfinishedAgain = ({ dirty }: BackupManifest): string[] =>
  dirty ? [`taken while the ${dirty.direction} of ${dirty.revision} was unfinished (${unfinishedProgress(dirty)}): the restored data has what they did, so ${dirty.revision} is marked unfinished again`] : [];

/** The second confirmation: the phrase names both databases. */
function confirmOtherDatabase(ctx: TuiContext, backup: BackupManifest): void {
  const { session } = ctx;
  const connected = session.identity();
  ctx.setFlow(
    confirmFlow({
      title: `Restore a backup of ANOTHER database into ${connected.databaseName}?`,
      body: [
        `the backup was taken from:  ${describeDatabase(backupOrigin(backup))}`,
        `it would be restored into:  ${describeDatabase(connected)}`,
        '',
        `the data of ${connected.databaseName} is replaced by the data of ${backup.databaseName} as it was at ${backup.createdAt}`,
        ...keptTables(backup),
        ...unfinishedAgain(backup),
        '(the CLI refuses this without --into-other-database)',
      ],
      phrase: `${backup.databaseName} into ${connected.databaseName}`,
      phraseLabel: 'both names',
      danger: true,
      onConfirm: () => void execute(ctx, 'restore into another database', session.restore(backup.file, true), undefined, true),
    }),
  );
}
