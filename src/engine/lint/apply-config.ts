import type { DialectName } from '../dialects/dialect.js';
import { findRule } from './rules/index.js';
import type { Ignore } from './suppress.js';
import type { Finding, Severity } from './types.js';

/** The project's lint settings (`lint` in migrate-tui.config.json). */
export interface LintConfig {
  /** Codes never reported. */
  readonly disable?: readonly string[];
  /** A severity per code (`off` = disabled). */
  readonly severity?: Readonly<Record<string, Severity | 'off'>>;
}

type Raw = Omit<Finding, 'dialects'> & { dialect: DialectName };

/**
 * Applies the files' `-- migrate:lint-ignore` comments and the config: silenced findings move
 * to `suppressed` with their reason; an ignore without a reason (LI901) or that applies to
 * nothing or names unknown codes (LI902) becomes a finding itself. `ignores`: each linted
 * file's ignore comments (readIgnores), by path; files without any may be left out.
 */
export function applySuppressions(raw: readonly Raw[], ignoresIn: ReadonlyMap<string, { readonly kind: 'up' | 'down'; readonly ignores: readonly Ignore[] }>, dialects: readonly DialectName[], config: LintConfig): { findings: Raw[]; suppressed: Raw[] } {
  const findings: Raw[] = [];
  const suppressed: Raw[] = [];
  const ignoresByPath = new Map<string, readonly Ignore[]>();
  const own: Raw[] = [];
  for (const [path, { kind, ignores }] of ignoresIn) {
    if (ignores.length === 0) continue;
    ignoresByPath.set(path, ignores);
    for (const ig of ignores) {
      const base = { severity: 'warning' as const, revision: '', direction: kind, path, line: ig.line };
      const unknown = ig.codes.filter((c) => !findRule(c));
      for (const dialect of dialects) {
        if (ig.reason === null) own.push({ ...base, dialect, code: 'LI901', message: `lint-ignore ${ig.codes.join(', ') || '(no code)'} gives no reason in double quotes: it silences nothing` });
        if (ig.target < 0) own.push({ ...base, dialect, code: 'LI902', message: 'lint-ignore applies to nothing: put it on the line just above the statement, or at the top of the file followed by a blank line' });
        else if (ig.codes.length === 0 || unknown.length > 0) own.push({ ...base, dialect, code: 'LI902', message: ig.codes.length === 0 ? 'lint-ignore names no rule code' : `lint-ignore names unknown code${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}` });
      }
    }
  }
  const disabled = new Set((config.disable ?? []).map((c) => c.toUpperCase()));
  for (const f of [...raw, ...own]) {
    const level = config.severity?.[f.code];
    if (disabled.has(f.code) || level === 'off') {
      suppressed.push({ ...f, suppressed: 'disabled in migrate-tui.config.json (lint)' });
      continue;
    }
    const finding = level ? { ...f, severity: level } : f;
    const ignore = ignoresByPath.get(f.path)?.find((ig) => ig.reason !== null && ig.codes.includes(f.code) && (ig.target === 0 || ig.target === f.line));
    if (ignore && f.code !== 'LI901' && f.code !== 'LI902') suppressed.push({ ...finding, suppressed: ignore.reason! });
    else findings.push(finding);
  }
  return { findings, suppressed };
}
