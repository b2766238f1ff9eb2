import { hintAt, otherToolRefusal, previewText, riskLines, takeOverLines } from '../../engine/index.js';
import type { TuiContext } from '../context.js';
import { busyFlow } from '../flows/busy.js';
import { confirmFlow } from '../flows/confirm.js';
import { actionError } from '../flows/result.js';
import { downgradeNotices, upgradeNotices } from './notices.js';
import { backupFirst, execute, takeReconnected } from './run.js';
import { withLiveFigures } from './live-figures.js';
import { confirmLint, planLint } from '../lint-view.js';

/**
 * Upgrade, downgrade and stamp: each previewed and confirmed before it runs. Each reads the
 * database first: the screen may be stale (another session ran something since), and a plan
 * drawn from it is a state the TUI has not read (the run plans again under the lock).
 */

/** Reads the database (and redraws the history marks and status bar), then `then`. */
export function withFreshState(ctx: TuiContext, what: string, then: () => void): void {
  ctx.setFlow(busyFlow(`reading the database before the ${what}…`));
  ctx.session
    .reload(ctx.session.project)
    .then(() => {
      ctx.refresh();
      ctx.setFlow(null);
      const again = takeReconnected(ctx.session);
      if (again) ctx.notice(again);
      then();
    })
    .catch((error) => ctx.setFlow(actionError(what, error, ctx.session.commandPlace)));
}

export function startUpgrade(ctx: TuiContext, target: string): void {
  withFreshState(ctx, `upgrade to ${target}`, () => upgradeConfirm(ctx, target));
}

function upgradeConfirm(ctx: TuiContext, target: string): void {
  const { session } = ctx;
  try {
    // First contact with a database another tool migrated: refused before the confirmation (the run would refuse too).
    const refusal = otherToolRefusal(session.state.otherTools, session.db, session.project.graph, 'upgrade');
    if (refusal) throw refusal;
    const steps = session.planUpgrade(target);
    if (steps.length === 0) return ctx.notice(`nothing to upgrade: ${target} is already applied`);
    // The plan's lint findings come before the SQL, errors first.
    const lint = confirmLint(planLint(session.project, session.db.syntax.name, steps.map((s) => s.revision), 'up'), !session.notCreated);
    const body = [`upgrade ${session.db.display} to ${target}: ${steps.length} revision${steps.length === 1 ? '' : 's'}, in this order`];
    if (session.notCreated) body.push('the database file does not exist yet: this creates it');
    for (const [i, s] of steps.entries()) {
      body.push('', `[${i + 1}/${steps.length}] ↑ ${s.revision} ${s.message}${s.path ? ` (${s.path})` : ''}`);
      for (const st of s.statements) body.push(...st.sql.split('\n').map((l) => `  ${l}`));
    }
    const notices = upgradeNotices(steps, session.db.syntax);
    ctx.setFlow(
      confirmFlow({
        title: `Upgrade to ${target}?`,
        notices,
        body,
        danger: notices[0]!.lines.length > 0,
        lint,
        onConfirm: () => void execute(ctx, `upgrade to ${target}`, session.upgrade(target)),
      }),
    );
    withLiveFigures(ctx, lint);
  } catch (error) {
    ctx.setFlow(actionError(`upgrade to ${target}`, error, ctx.session.commandPlace));
  }
}

export function startDowngrade(ctx: TuiContext, target: string): void {
  withFreshState(ctx, `downgrade to ${target}`, () => downgradeConfirm(ctx, target));
}

function downgradeConfirm(ctx: TuiContext, target: string): void {
  const { session } = ctx;
  ctx.setFlow(busyFlow(`preparing the downgrade to ${target}…`));
  session
    .downgradePreview(target)
    .then((preview) => {
      if (preview.steps.length === 0) {
        ctx.setFlow(null);
        return ctx.notice(`nothing to downgrade: the database is already at ${target}`);
      }
      // What it destroys comes first: it must be seen without scrolling.
      const risks = riskLines(preview);
      const text = hintAt(previewText(preview), session.commandPlace).trimEnd().split('\n');
      const lint = confirmLint(planLint(session.project, session.db.syntax.name, preview.steps.map((s) => s.revision), 'down'), !session.notCreated);
      ctx.setFlow(
        confirmFlow({
          title: `Downgrade ${session.db.databaseName} to ${target}?`,
          notices: downgradeNotices(preview),
          // The risks lead as a notice (in full in the body only when summarised); "none found" stays said.
          body: [...(preview.dataAtRisk.length === 0 ? [...risks, ''] : []), ...text.slice(0, text.length - risks.length)],
          lint,
          phrase: preview.destructive ? session.db.databaseName : null,
          backup: true,
          danger: preview.destructive,
          onConfirm: (backup) => void execute(ctx, `downgrade to ${target}`, session.downgrade(target), () => backupFirst(ctx, backup, `before downgrade to ${target}`)),
        }),
      );
      withLiveFigures(ctx, lint);
    })
    .catch((error) => ctx.setFlow(actionError(`downgrade to ${target}`, error, ctx.session.commandPlace)));
}

export function startStamp(ctx: TuiContext, target: string): void {
  withFreshState(ctx, `stamp ${target}`, () => stampConfirm(ctx, target));
}

function stampConfirm(ctx: TuiContext, target: string): void {
  const { session } = ctx;
  try {
    const { removed, added } = session.stampChanges(target);
    if (removed.length === 0 && added.length === 0) return ctx.notice(`nothing to stamp: the database is already at ${target}`);
    // On first contact, what the CLI's stamp says too: the other tool's table stays, and that tool must stop.
    const takeOver = takeOverLines(session.state.otherTools, target).map((line) => hintAt(line, session.commandPlace));
    const body = ['STAMP RUNS NO SQL: it only records what is applied.', '', ...added.map((id) => `  + mark ${id} as applied`), ...removed.map((id) => `  - mark ${id} as NOT applied`), ...(takeOver.length > 0 ? ['', ...takeOver] : [])];
    ctx.setFlow(
      confirmFlow({
        title: `Stamp ${session.db.databaseName} to ${target}?`,
        body,
        phrase: removed.length > 0 ? session.db.databaseName : null,
        danger: removed.length > 0,
        onConfirm: () => void execute(ctx, `stamp ${target}`, session.stamp(target)),
      }),
    );
  } catch (error) {
    ctx.setFlow(actionError(`stamp ${target}`, error, ctx.session.commandPlace));
  }
}
