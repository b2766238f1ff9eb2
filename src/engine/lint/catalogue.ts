import { RULES } from './rules/index.js';
import type { Finding, Severity } from './types.js';
import { severityRank } from './types.js';
import type { LintReport } from './engine.js';

/** The README's rule catalogue, generated from the rule definitions (test/readme.test.ts keeps them equal). */
export function ruleCatalogueMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = RULES.map((r) => `| ${r.code} | ${r.dialects.length === 4 ? 'all' : r.dialects.join(', ')} | ${r.severity} | ${cell(r.what)} | ${cell(r.why)} | ${cell(r.doInstead)} |`);
  return ['| code | dialects | severity | what | why | do instead |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** Errors first, then by file and line. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.path.localeCompare(b.path) || a.line - b.line || a.code.localeCompare(b.code));
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** `path:line: severity CODE [dialects]: message`, the why and the do-instead, and the fix when there is one. */
export function formatFinding(f: Finding, options: { why?: boolean } = {}): string {
  const rule = RULES.find((r) => r.code === f.code);
  const lines = [`${f.path}:${f.line}: ${f.severity} ${f.code} [${f.dialects.join(', ')}]: ${f.message}`];
  if (f.data) lines.push(`  now: ${f.data}`);
  if (options.why !== false && rule) lines.push(`  why: ${rule.why}`, `  → ${rule.doInstead}`);
  if (f.fix) lines.push('  fix:', ...f.fix.split('\n').map((l) => `    ${l}`));
  return lines.join('\n');
}

/** One line: counts by severity, statements, and what was not analysed. */
export function lintSummary(report: LintReport): string {
  const c = countBySeverity(report.findings);
  return (
    `${report.revisions} revision${report.revisions === 1 ? '' : 's'}, ${report.statements} statement${report.statements === 1 ? '' : 's'}: ${c.error} error${c.error === 1 ? '' : 's'}, ${c.warning} warning${c.warning === 1 ? '' : 's'}, ${c.notice} notice${c.notice === 1 ? '' : 's'}` +
    (report.suppressed.length ? `; ${report.suppressed.length} suppressed` : '') +
    (report.notAnalysed.length ? `; ${report.notAnalysed.length} statement${report.notAnalysed.length === 1 ? '' : 's'} not analysed (lint could not tell what ${report.notAnalysed.length === 1 ? 'it does' : 'they do'}; no rule judged ${report.notAnalysed.length === 1 ? 'it' : 'them'})` : '')
  );
}
