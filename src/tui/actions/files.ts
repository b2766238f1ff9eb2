import type { TuiContext } from '../context.js';
import { confirmFlow } from '../flows/confirm.js';
import { promptFlow } from '../flows/prompt.js';
import { writeFiles } from './run.js';

/** The actions that write revision files: merge the heads, a new revision. No SQL runs. */

export function startMerge(ctx: TuiContext): void {
  const { graph } = ctx.session.project;
  const heads = graph.heads();
  if (heads.length < 2) return ctx.notice(`nothing to merge: there is ${heads.length === 1 ? 'one head' : 'no head'}`);
  ctx.setFlow(
    confirmFlow({
      title: `Merge ${heads.length} heads?`,
      body: ['writes a merge revision (a new .up.sql/.down.sql pair) that revises:', ...heads.map((h) => `  ${h} ${graph.get(h).message}`), '', 'no SQL runs; upgrade afterwards to record it'],
      onConfirm: () =>
        writeFiles(ctx, {
          label: 'merge',
          title: (id) => `merge revision ${id} written`,
          write: () => ctx.session.merge(),
          body: (written) => ctx.session.project.graph.get(written.id).up.text.split('\n'),
        }),
    }),
  );
}

export function startNewRevision(ctx: TuiContext): void {
  ctx.setFlow(
    promptFlow('New revision', ['message', 'branch label (optional)'], ([message, branch]) =>
      writeFiles(ctx, {
        label: 'new revision',
        title: (id) => `revision ${id} written`,
        write: () => ctx.session.newRevision(message!, branch!.trim()),
        body: (written) => [`revises ${written.revises.join(', ') || 'base'}`],
      }),
    ),
  );
}
