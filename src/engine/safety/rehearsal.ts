import type { DatabaseAdapter, RehearsalLimits, SchemaSnapshot } from '../dialects/adapter.js';

/**
 * Schema rehearsals: a migration's SQL tried only to read the schema before and after it,
 * never kept and never queued behind the application. Each database says how (capabilities
 * of its adapter, not its name):
 * - a copy (`rehearsalCopy`: SQLite, in memory): the real file is not written or locked;
 * - a transaction that is always rolled back, with short lock and statement timeouts
 *   (`limitRehearsal`: PostgreSQL), so a busy table is reported, not waited for;
 * - none where DDL commits at once (MySQL/MariaDB): refused with the reason.
 */

export const REHEARSAL_LIMITS: RehearsalLimits = { lockTimeoutMs: 1000, statementTimeoutMs: 5000 };

/** How a database rehearses: `lines` say it on screen (short lines: the detail pane is narrow). */
export interface RehearsalMethod {
  readonly kind: 'copy' | 'rolled-back-transaction' | 'none';
  readonly lines: readonly string[];
}

/** How `db` would rehearse. */
export function rehearsalMethod(db: DatabaseAdapter, limits: RehearsalLimits = REHEARSAL_LIMITS): RehearsalMethod {
  if (db.rehearsalCopy) return { kind: 'copy', lines: ['it runs on an in-memory copy of the database:', 'the database file is never written or locked.'] };
  if (db.syntax.transactionalDdl && db.limitRehearsal) {
    return {
      kind: 'rolled-back-transaction',
      lines: [
        'it runs in a transaction that is always rolled back,',
        `with lock_timeout ${limits.lockTimeoutMs} ms, statement_timeout ${limits.statementTimeoutMs} ms:`,
        'a table in use is reported, not waited for; its DDL',
        'holds its locks only while the rehearsal runs.',
      ],
    };
  }
  return { kind: 'none', lines: [`not available on ${db.syntax.name}: it commits every`, 'DDL statement at once, so a trial run could not', 'be rolled back.'] };
}

export type RehearsalOutcome = { readonly ok: true; readonly before: SchemaSnapshot; readonly after: SchemaSnapshot } | { readonly ok: false; readonly reason: string };

/** Runs `statements` as a rehearsal (see above) and reads the schema before and after. */
export async function rehearseSchema(db: DatabaseAdapter, statements: readonly string[], exclude: readonly string[], limits: RehearsalLimits = REHEARSAL_LIMITS): Promise<RehearsalOutcome> {
  const method = rehearsalMethod(db, limits);
  if (method.kind === 'none') return { ok: false, reason: method.lines.join(' ') };
  const target = method.kind === 'copy' ? await db.rehearsalCopy!() : db;
  try {
    const before = await target.schema(exclude);
    await target.beginStep();
    try {
      if (method.kind === 'rolled-back-transaction') await target.limitRehearsal!(limits);
      for (const sql of statements) await target.execute(sql);
      return { ok: true, before, after: await target.schema(exclude) };
    } catch (error) {
      const timeout = target.timeoutOf?.(error) ?? null;
      const message = error instanceof Error ? error.message : String(error);
      if (timeout === 'lock') return { ok: false, reason: `could not get the lock in ${limits.lockTimeoutMs} ms: another session is using the table. Nothing waited longer; nothing was changed. (${message})` };
      if (timeout === 'statement') return { ok: false, reason: `a statement ran longer than ${limits.statementTimeoutMs} ms and was stopped; rolled back, nothing was changed. (${message})` };
      return { ok: false, reason: `the rehearsal failed (rolled back): ${message}` };
    } finally {
      await target.rollbackStep().catch(() => undefined);
    }
  } finally {
    if (target !== db) await target.close();
  }
}
