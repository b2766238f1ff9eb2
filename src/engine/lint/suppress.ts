import type { Rule } from './rules/rule.js';
import { ALL } from './rules/rule.js';

/**
 * `-- migrate:lint-ignore CODE[, CODE…] "reason"` on the line before a statement silences
 * those codes for that statement; at the top of the file, before any SQL and followed by a
 * blank line, for the whole file. An ignore without a reason silences nothing and is itself
 * a finding (LI901); one that applies to nothing is LI902.
 */

export interface Ignore {
  readonly line: number;
  readonly codes: readonly string[];
  readonly reason: string | null;
  /** The statement line it applies to, or 0 for the whole file, or -1 for nothing. */
  readonly target: number;
}

const IGNORE = /^\s*--\s*migrate:lint-ignore(?:\s+(.*))?$/;

export function readIgnores(text: string): Ignore[] {
  if (!text.includes('migrate:lint-ignore')) return [];
  const lines = text.split('\n');
  const out: Ignore[] = [];
  let sawSql = false;
  for (let k = 0; k < lines.length; k++) {
    const m = IGNORE.exec(lines[k]!);
    if (!m) {
      const s = lines[k]!.trim();
      if (s !== '' && !s.startsWith('--')) sawSql = true;
      continue;
    }
    const body = (m[1] ?? '').trim();
    const quoted = /"((?:[^"\\]|\\.)*)"\s*$/.exec(body);
    const codes = (quoted ? body.slice(0, quoted.index) : body).split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase());
    const reason = quoted && quoted[1]!.trim() !== '' ? quoted[1]!.trim() : null;
    // The statement it applies to: the next line that is not a comment, if no blank line comes first.
    let j = k + 1;
    while (j < lines.length && lines[j]!.trim().startsWith('--')) j++;
    const next = j < lines.length ? lines[j]!.trim() : '';
    const target = next !== '' ? j + 1 : sawSql ? -1 : 0;
    out.push({ line: k + 1, codes, reason, target });
  }
  return out;
}

export const SUPPRESSION_RULES: readonly Rule[] = [
  {
    code: 'LI901',
    dialects: ALL,
    severity: 'warning',
    what: '`-- migrate:lint-ignore` without a reason',
    why: 'An ignore must say why the danger does not apply, for the reviewer and for the engineer reading it at 3 a.m.; without one it silences nothing.',
    doInstead: '`-- migrate:lint-ignore PG101 "table is empty at this point"`',
  },
  {
    code: 'LI902',
    dialects: ALL,
    severity: 'warning',
    what: '`-- migrate:lint-ignore` that applies to nothing, or names no known code',
    why: 'It must sit on the line just before the statement (or at the top of the file, before any SQL, followed by a blank line) and name rule codes from the catalogue.',
    doInstead: 'Move it to the line above the statement, and name codes such as `PG101`.',
  },
];
