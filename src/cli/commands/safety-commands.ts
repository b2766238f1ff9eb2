import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import type { DowngradePreview, BackupManifest, CommandPlace, ConnectionTarget, DatabaseIdentity, DatabaseState, Project } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import { confirm } from '../confirm.js';
import { nonNegativeInt, type DatabaseContext, type Wiring } from '../wiring.js';
import { finish, withMigrator, WRITES } from './database-commands.js';

export function registerSafetyCommands(program: Command, w: Wiring): void {
  w.add(
    program.command('backup').description('back up the database into backups/ (mode 0600, with a manifest)').option('--out <file>', 'write the backup to this file').option('--backup-dir <folder>', 'where backups go'),
    (c, g) => {
      const o = c.opts() as { out?: string; backupDir?: string };
      return backupCommand(w.database(g), w.project(g), w.backupDir(o.backupDir), o.out ? resolve(w.io.cwd, o.out) : undefined);
    },
  );
  w.add(
    program.command('backups').description("list the connected database's backups (--all: every database's, grouped)").option('--backup-dir <folder>', 'where backups are').option('--all', 'also the backups of other databases, grouped by database'),
    (c, g) => {
      const o = c.opts() as { backupDir?: string; all?: boolean };
      const dir = w.backupDir(o.backupDir);
      const connected = identityOf(w.database(g).target, engine.listBackups(dir));
      return backupsCommand(dir, connected.identity, o.all === true, connected.unsure);
    },
  );
  w.add(
    program
      .command('restore')
      .argument('<file>', 'a backup file (see `backups`)')
      .option('--into-other-database', 'restore a backup taken from another database into the connected one (refused without it, exit 2)')
      .description('restore a backup and set the version rows as they were (asks first)'),
    (c, g, file) => restoreCommand(w.database(g), w.project(g, {}), resolve(w.io.cwd, String(file)), g.json, (c.opts() as { intoOtherDatabase?: boolean }).intoOtherDatabase === true),
  );
  w.add(
    program.command('rollback').description('on-call view: the last steps and what rolling back the latest would do').addOption(new Option('--last <n>', 'how many steps to show').argParser(nonNegativeInt).default(10)),
    (c, g) => (w.interactive(g) ? w.openTui(g, 'rollback') : rollbackCommand(w.database(g), w.project(g, {}), (c.opts() as { last: number }).last)),
  );
}

export async function backupCommand(ctx: DatabaseContext, project: Project, backupDir: string, out: string | undefined): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const manifest = await m.backup({ dir: backupDir, ...(out ? { out, exact: true } : {}), reason: 'backup command' });
    return { text: `backup written: ${manifest.file} (${manifest.size} bytes, ${manifest.tool}; at ${manifest.versionRows.join(', ') || 'base'})\n`, json: { backup: manifest } };
  });
}

/**
 * The connected database as backups name it, without connecting (the list is needed when the
 * server is down). A `mysql://` URL does not say MySQL or MariaDB: the server said it to each
 * backup taken from it (the manifest's dialect is the connection's), so the newest one's is
 * used; with none, `unsure` (the text says "mysql or mariadb").
 */
export function identityOf(target: ConnectionTarget, list: readonly BackupManifest[]): { identity: DatabaseIdentity; unsure: boolean } {
  const fromUrl = { display: target.display, databaseName: target.databaseName, dialect: target.dialectHint ?? target.kind };
  if (target.dialectHint || target.kind !== 'mysql') return { identity: fromUrl, unsure: false };
  const own = list.filter((b) => engine.sameDatabase(engine.backupOrigin(b), fromUrl)).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
  return own ? { identity: { ...fromUrl, dialect: own.dialect }, unsure: false } : { identity: fromUrl, unsure: true };
}

const backupLine = (b: BackupManifest) => `  ${b.file}  ${b.createdAt}  at ${b.versionRows.join(', ') || 'base'}  ${b.size} bytes  ${b.reason}${engine.unfinishedMark(b)}`;

/** The connected database's backups; with `all`, every database's, grouped by database. */
export function backupsCommand(backupDir: string, connected: DatabaseIdentity, all: boolean, unsure = false): CommandResult {
  const groups = engine.groupBackups(engine.listBackups(backupDir), connected, true);
  const others = groups.slice(1);
  const shown = all ? groups : groups.slice(0, 1);
  const lines: string[] = [];
  for (const g of shown) {
    const named = g.current && unsure ? engine.describeDatabase({ ...g.database, dialect: 'mysql or mariadb: the URL does not say which' }) : engine.describeDatabase(g.database);
    lines.push(`${g.current ? 'this database' : 'other database'}: ${named} — ${g.backups.length} backup${g.backups.length === 1 ? '' : 's'} in ${backupDir}`);
    lines.push(...g.backups.map(backupLine));
  }
  const hidden = others.reduce((n, g) => n + g.backups.length, 0);
  if (!all && hidden > 0) lines.push(`(${hidden} backup${hidden === 1 ? '' : 's'} of ${others.length} other database${others.length === 1 ? '' : 's'} not shown: \`backups --all\` lists them)`);
  const backups = shown.flatMap((g) => g.backups);
  return { text: lines.join('\n') + '\n', json: { database: connected, backups, groups: shown, otherBackups: hidden } };
}

export async function restoreCommand(ctx: DatabaseContext, project: Project, file: string, json: boolean, intoOtherDatabase: boolean): Promise<CommandResult> {
  const manifest = engine.readManifest(file);
  // A SQLite database is named by its URL alone: a backup it refuses is refused before its file is created.
  if (ctx.target.kind === 'sqlite') engine.checkRestoreFits(manifest, { display: ctx.target.display, databaseName: ctx.target.databaseName, dialect: 'sqlite' }, intoOtherDatabase);
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    const connected = { display: m.db.display, databaseName: m.db.databaseName, dialect: m.db.syntax.name };
    // Refused before anything is asked (the engine checks again when it runs).
    engine.checkRestoreTarget(manifest, connected, intoOtherDatabase);
    const other = !engine.sameDatabase(engine.backupOrigin(manifest), connected);
    ctx.io.err(
      `restore ${m.db.display} from ${manifest.file}\n  taken ${manifest.createdAt} from ${engine.describeDatabase(engine.backupOrigin(manifest))} by ${manifest.tool} (${manifest.reason})\n` +
        (other ? `  ANOTHER DATABASE: the backup was taken from ${engine.describeDatabase(engine.backupOrigin(manifest))}; restoring it replaces the data of ${engine.describeDatabase(connected)}\n` : '') +
        `  version rows then: ${manifest.versionRows.join(', ') || 'base'}; now: ${state.versionRows.join(', ') || 'base'}\n` +
        (manifest.includesStateTables ? '' : '  tables created after the backup are left in place\n') +
        (manifest.dirty ? `  taken while the ${manifest.dirty.direction} of ${manifest.dirty.revision} was unfinished (${engine.unfinishedProgress(manifest.dirty)}): the restored data has what they did, so ${manifest.dirty.revision} is marked unfinished again\n` : ''),
    );
    await confirm(ctx.io, `restore ${m.db.databaseName} from ${manifest.file}${other ? ` (taken from ${manifest.databaseName} on ${manifest.database})` : ''}`, ctx.yes, undefined, 'the lines above say what it would replace');
    const result = await m.restore(manifest, { intoOtherDatabase });
    const finished = finish(ctx, result, 'restored', json);
    // Read again only for a backup taken during an unfinished step (what the state says now).
    const dirty = manifest.dirty ? (await m.readState()).dirty : null;
    // The data was replaced even when no revision needed recording again: "nothing to do" would be untrue.
    if (result.error || result.steps.some((s) => s.status === 'done')) return withDirtyNote(finished, manifest, dirty, engine.commandPlaceOf(ctx.target));
    const heads = result.headsAfter.join(', ') || 'base';
    // "already" only when they were so before: a backup with the state tables (SQLite) brings its version rows with it.
    const already = state.versionRows.join(', ') === manifest.versionRows.join(', ');
    const why = already ? `the version rows were already the backup's (${heads})` : `the version rows came back with the backup's state tables (${heads}; they were ${state.versionRows.join(', ') || 'base'})`;
    return withDirtyNote({ ...finished, text: `restored ${manifest.file}: ${why}, so no revision was recorded again\nheads now: ${heads}\n` }, manifest, dirty, engine.commandPlaceOf(ctx.target));
  }, WRITES);
}

/** After restoring a backup taken during an unfinished step: what the state says now (read, not assumed). */
function withDirtyNote(finished: CommandResult, manifest: BackupManifest, dirty: DatabaseState['dirty'], place: CommandPlace): CommandResult {
  if (!manifest.dirty) return finished;
  const note = dirty
    ? `DIRTY, as when the backup was taken: the ${dirty.direction} of ${dirty.revision} stopped after ${dirty.statementsDone} of ${dirty.statementsTotal} statements (${engine.hintAt('`migrate-tui status`', place)} says how to resolve it)\n`
    : `the backup was taken while the ${manifest.dirty.direction} of ${manifest.dirty.revision} was unfinished, but its log row is gone, so it could not be marked unfinished again: the restored data may hold part of ${manifest.dirty.revision}; check its tables before upgrading\n`;
  return { ...finished, text: `${finished.text ?? ''}${note}` };
}

/**
 * Headless on-call view: the applied history as it is now (steps reverted later are marked,
 * not shown as applied), then the way out: on a dirty database the resolve commands; with
 * several heads one `downgrade <head>@-1` per head; else the preview of `downgrade -1`.
 */
export async function rollbackCommand(ctx: DatabaseContext, project: Project, last: number): Promise<CommandResult> {
  return withMigrator(ctx, project, async (m) => {
    const state = await m.readState();
    const history = engine.appliedHistory(state.log).slice(0, last);
    const { dirty } = state;
    const lines: string[] = [];
    const place = engine.commandPlaceOf(ctx.target);
    if (dirty) {
      lines.push(`DIRTY: the ${dirty.direction} of ${dirty.revision} did not finish (${dirty.uncertain ? `the log records ${dirty.statementsDone} of ${dirty.statementsTotal} statements as done` : `${dirty.statementsDone} of ${dirty.statementsTotal} statements ran`})${dirty.error ? `: ${dirty.error}` : ''}`);
      // What ran, so the runbook's "check what ran (it is listed)" is true here too.
      dirty.ranStatements.forEach((sql, i) => lines.push(`  ${i + 1}. ${sql.split('\n')[0]}`));
      if (dirty.uncertain) lines.push(`  no outcome was recorded (killed, still running, the connection was lost, or its log could not be written): statement ${dirty.uncertain.statement}${dirty.uncertain.sql ? ` (${dirty.uncertain.sql.split('\n')[0]})` : ''} may or may not have completed — check before resuming`);
      lines.push(`  nothing else runs until it is resolved: ${engine.commandAt(`resolve ${dirty.revision} ${engine.resolveModes(dirty.revision)}`, place)}`, '');
    }
    const message = (id: string) => (project.graph.has(id) ? project.graph.get(id).message : '(files missing)');
    lines.push(`applied steps on ${m.db.display}, newest first (last ${history.length}):`);
    for (const { row: r, standing, revertedBy } of history) {
      const fate = standing ? '' : revertedBy ? `  [REVERTED ${revertedBy.startedAt} by ${revertedBy.kind === 'migrate' ? 'downgrade' : revertedBy.kind}]` : '  [applied again later]';
      lines.push(`  ${standing ? '●' : '○'} ${r.revision} ${message(r.revision)} — ${r.kind}, ${engine.whoAndWhen(r)}${fate}`);
    }
    for (const d of state.drift) lines.push(`DRIFT: ${d.revision} changed since it was applied`);
    let preview: DowngradePreview | null = null;
    let problem: string | null = null;
    const heads = state.versionRows;
    lines.push('');
    if (dirty) {
      problem = `the database is dirty: resolve ${dirty.revision} first`;
      lines.push(`rolling back is refused until the dirty step is resolved (see above)`);
    } else if (heads.length > 1) {
      problem = `there are ${heads.length} current heads: ${heads.join(', ')}`;
      lines.push(`${heads.length} current heads: undo one step of one of them (each reverts that head alone):`);
      for (const h of heads) lines.push(`  ${engine.commandAt(`downgrade ${engine.undoHeadTarget(h)}`, place)}   (${h} ${message(h)}; --dry-run previews it)`);
    } else {
      try {
        preview = await m.downgradePreview('-1');
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      if (preview && preview.steps.length > 0) lines.push('rolling back the latest step (downgrade -1) would do this:', engine.hintAt(engine.previewText(preview).trimEnd(), place), '', `to do it: ${engine.commandAt('downgrade -1', place)}   (a backup is taken first; --yes in scripts)`);
      else lines.push(`rolling back with -1 is not possible: ${problem ?? 'nothing is applied'}`);
    }
    const steps = history.filter((h) => h.standing).map((h) => h.row);
    const reverted = history.filter((h) => !h.standing).map((h) => ({ ...h.row, revertedBy: h.revertedBy }));
    return { text: lines.join('\n') + '\n', json: { steps, reverted, dirty, heads, drift: state.drift.map((d) => d.revision), preview, problem } };
  });
}
