import { classifyStatement, riskLines, type DialectSyntax, type DowngradePreview, type Risk, type RunStep } from '../../engine/index.js';
import type { ConfirmNotice } from '../flows/confirm.js';

/**
 * What a confirmation leads with, in order: data at risk, then (the slot for lint's findings)
 * then the steps that run without a transaction.
 */

function describe(r: Risk): string {
  return r.kind === 'drop-table' ? `drops table ${r.table}` : r.kind === 'drop-column' ? `drops column ${r.table}.${r.column}` : r.kind === 'truncate' ? `empties table ${r.table}` : `deletes every row of ${r.table}`;
}

/** An upgrade's destructive statements and its steps without a transaction. */
export function upgradeNotices(steps: readonly RunStep[], dialect: DialectSyntax): ConfirmNotice[] {
  const destructive = steps.flatMap((s) => s.statements.flatMap((st) => classifyStatement(st.sql, dialect).map((r) => `  ${describe(r)} — ${s.revision}${s.path ? `, ${s.path}:${st.line}` : ''}`)));
  return [{ title: 'DESTRUCTIVE STATEMENTS', lines: destructive, tone: 'danger' }, withoutTransaction(steps)];
}

/** A downgrade's data at risk, biggest first (row counts read now), and its steps without a transaction. */
export function downgradeNotices(preview: DowngradePreview, steps: readonly RunStep[] = []): ConfirmNotice[] {
  const biggest = [...preview.dataAtRisk].sort((a, b) => (b.rows ?? -1) - (a.rows ?? -1));
  const lines = preview.dataAtRisk.length > 0 ? riskLines({ ...preview, dataAtRisk: biggest }).slice(1) : [];
  return [{ title: 'DATA AT RISK', lines, tone: 'danger' }, withoutTransaction(steps)];
}

function withoutTransaction(steps: readonly RunStep[]): ConfirmNotice {
  return {
    title: 'RUNS WITHOUT A TRANSACTION',
    lines: steps.filter((s) => !s.transactional && s.statements.length > 0).map((s) => `  ${s.revision} ${s.message}: a failure part-way leaves the database dirty`),
    tone: 'warning',
  };
}
