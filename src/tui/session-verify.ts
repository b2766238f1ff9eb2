import { requireValid, verify, verifyPlan, VerifyControl, type VerifyEvent, type VerifyReport, type VerifyTarget } from '../engine/index.js';
import type { TuiSession } from './session.js';

/**
 * `verify` from the TUI: on SQLite always (a temp file), and on the connected server's kind
 * when it is PostgreSQL or MySQL/MariaDB, in a scratch database created there and dropped
 * afterwards — never in the connected database. --read-only keeps to SQLite: creating a
 * database on the server is a change to it.
 */
export function verifyTargets(session: TuiSession): { targets: VerifyTarget[]; where: string[] } {
  const target = session.options.target;
  const sqlite: VerifyTarget = { dialect: 'sqlite', admin: { kind: 'sqlite', url: 'sqlite:', display: 'sqlite', databaseName: '', source: 'verify', sqliteForeignKeys: target.sqliteForeignKeys ?? false } };
  const where = ['scratch databases only; the connected database is never touched.', 'sqlite: a temp file'];
  if (target.kind === 'sqlite') return { targets: [sqlite], where };
  const server = target.display.replace(/\/[^/?#]*(?=[?#]|$)/, '');
  if (session.options.readOnly) return { targets: [sqlite], where: [...where, `${session.db.syntax.name}: not checked (--read-only: verify would create a scratch database on ${server})`] };
  return { targets: [sqlite, { dialect: session.db.syntax.name, admin: target }], where: [...where, `${session.db.syntax.name}: a new database on ${server}, dropped afterwards`] };
}

/** A verify run of the session: `range` as `--revisions` (one id: verify this revision). */
export function startVerify(session: TuiSession, range: string | null, onEvent: (event: VerifyEvent) => void): { control: VerifyControl; done: Promise<VerifyReport>; revisions: Array<{ id: string; message: string }>; columns: string[]; where: string[] } {
  const { targets, where } = verifyTargets(session);
  const project = session.project;
  for (const t of targets) requireValid(project, t.dialect);
  const plan = verifyPlan(project.graph, range);
  const control = new VerifyControl();
  const done = verify({ project, targets, range, tables: session.options.tables, toolVersion: session.options.toolVersion, control, onEvent });
  session.track(control, done);
  return { control, done, revisions: plan.revisions.map((id) => ({ id, message: project.graph.get(id).message })), columns: targets.map((t) => t.dialect), where };
}
