/**
 * A problem found in a migration or seed file. Problems are collected, not thrown,
 * so one run reports everything wrong with a folder (like a compiler).
 */
export type ProblemSeverity = 'error' | 'warning';

export type ProblemCode =
  | 'up-without-down'
  | 'down-without-up'
  | 'duplicate-version'
  | 'bad-file-name'
  | 'bad-version-token'
  | 'slug-mismatch'
  | 'not-utf8'
  | 'unreadable-file'
  | 'unknown-header'
  | 'misplaced-header'
  | 'duplicate-header'
  | 'bad-header-value'
  | 'header-outside-up-file'
  | 'unknown-dialect'
  | 'duplicate-dialect-in-block'
  | 'unterminated-block'
  | 'end-without-block'
  | 'empty-migration'
  | 'empty-down'
  | 'irreversible-with-down'
  | 'unterminated-quote'
  | 'unknown-revision'
  | 'self-reference'
  | 'cycle'
  | 'duplicate-branch-label'
  | 'missing-folder'
  | 'transaction-control'
  | 'revision-id-too-long'
  | 'unsafe-path'
  | 'nul-byte'
  | 'bad-section-marker'
  | 'odd-file-name'
  | 'skipped-files'
  | 'no-migrations-read'
  | 'foreign-dialect-files'
  | 'flyway-repeatable'
  | 'flyway-baseline'
  | 'goose-go-migration'
  | 'flyway-placeholder'
  | 'flyway-script-config'
  | 'flyway-subfolder'
  | 'atlas-directive'
  | 'atlas-delimiter'
  | 'atlas-checkpoint'
  | 'atlas-sum'
  | 'atlas-up-only'
  | 'sqlx-up-only';

export interface FileProblem {
  readonly code: ProblemCode;
  readonly severity: ProblemSeverity;
  /** Path as given to the reader (relative to the working directory when the folder was). */
  readonly path: string;
  /** 1-based; 0 when the problem concerns the file as a whole. */
  readonly line: number;
  /** What is wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
}

export function problem(
  code: ProblemCode,
  path: string,
  line: number,
  message: string,
  hint: string,
  severity: ProblemSeverity = 'error',
): FileProblem {
  return { code, severity, path, line, message, hint };
}

/** `path:line: error: message (hint)` — the shape editors and CI logs link from. */
export function formatProblem(p: FileProblem): string {
  const where = p.line > 0 ? `${p.path}:${p.line}` : p.path;
  return `${where}: ${p.severity}: ${p.message}\n  → ${p.hint}`;
}

export function isError(p: FileProblem): boolean {
  return p.severity === 'error';
}

export function sortProblems(problems: FileProblem[]): FileProblem[] {
  return [...problems].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}
