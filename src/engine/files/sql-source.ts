import type { DialectName } from '../dialects/dialect.js';
import { findDialect, knownDialectSpellings } from '../dialects/registry.js';
import { problem, type FileProblem } from '../problems.js';

/**
 * One `.up.sql`, `.down.sql` or seed file, read into lines with every line classified:
 * a directive, text for every dialect, or text of one section of a dialect block.
 * Resolving for a dialect blanks the lines it does not run, so line numbers stay exact.
 */

export type SectionName = DialectName | 'default';

/** A `-- migrate:<name> <value>` header line of an up file. */
export interface HeaderDirective {
  readonly name: HeaderName;
  readonly value: string;
  readonly line: number;
}

export const HEADER_NAMES = ['revises', 'depends-on', 'branch', 'message', 'transaction', 'irreversible'] as const;
export type HeaderName = (typeof HEADER_NAMES)[number];

export type SourceKind = 'up' | 'down' | 'seed';

interface Section {
  readonly names: readonly SectionName[];
  /** The `-- migrate:dialect` line; the body is the lines after it up to the next directive of the block. */
  readonly line: number;
  endLine: number;
}

interface Block {
  readonly line: number;
  readonly sections: Section[];
}

export interface SqlSource {
  readonly path: string;
  readonly kind: SourceKind;
  readonly text: string;
  readonly headers: readonly HeaderDirective[];
  readonly problems: readonly FileProblem[];
  /** True when some line outside directives is neither blank nor a `--` comment. */
  readonly hasContent: boolean;
  /** For every block: the section name that a dialect runs (its own, a fallback, `default`), or null. */
  sectionChoice(dialect: DialectName): Array<{ blockLine: number; section: SectionName | null }>;
  /** The file's lines with everything this dialect does not run blanked out. */
  resolvedLines(dialect: DialectName): string[];
  /** Only the lines this dialect runs (no directives), for checksums. */
  selectedLines(dialect: DialectName): string[];
}

/**
 * Reads `migrate:<name> <value>` after a line's `--` (at `from`, up to `stop`); null when
 * the comment is not a directive. By hand, not a regex: it runs on every comment line.
 */
function readDirective(text: string, from: number, stop: number): { name: string; value: string } | null {
  let k = from;
  while (k < stop && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  if (!text.startsWith('migrate:', k) || k + 8 > stop) return null;
  k += 8;
  while (k < stop && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  const nameStart = k;
  while (k < stop && isNameChar(text.charCodeAt(k), k === nameStart)) k++;
  if (k === nameStart) return null;
  const name = text.slice(nameStart, k).toLowerCase();
  // The name must end at white space or the end of the line (`migrate:foo.bar` is prose).
  if (k < stop && text.charCodeAt(k) !== 32 && text.charCodeAt(k) !== 9) return null;
  return { name, value: text.slice(k, stop).trim() };
}

function isNameChar(c: number, first: boolean): boolean {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return first ? letter : letter || c === 45;
}

/** Known names, to suggest the right spelling of a typo. */
const ALL_DIRECTIVES = [...HEADER_NAMES, 'dialect', 'end'];

/**
 * One pass over the text that keeps only directives and block ranges: indexing 10,000
 * files must stay cheap. Line arrays are made when a dialect's SQL is asked for.
 */
export function parseSqlSource(path: string, text: string, kind: SourceKind): SqlSource {
  const blocks: Block[] = [];
  const directiveLines: number[] = [];
  const headers: HeaderDirective[] = [];
  const problems: FileProblem[] = [];
  let openBlock: Block | null = null;
  let sawSql = false;
  let hasContent = false;
  let lineCount = 0;

  const closeSection = (lineNo: number) => {
    const section = openBlock?.sections[openBlock.sections.length - 1];
    if (section) section.endLine = lineNo - 1;
  };

  for (let start = 0, lineNo = 1; start < text.length; lineNo++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const next = end + 1;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    lineCount = lineNo;
    // Skip leading white space to see what the line is.
    let k = start;
    while (k < stop && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    const isComment = k + 1 < stop && text.charCodeAt(k) === 45 && text.charCodeAt(k + 1) === 45;
    if (!isComment) {
      if (k < stop) {
        sawSql = true;
        hasContent = true;
      }
      start = next;
      continue;
    }
    const directive = readDirective(text, k + 2, stop);
    start = next;
    if (!directive) continue;
    directiveLines.push(lineNo);
    const { name, value } = directive;

    if (name === 'dialect') {
      const names = parseSectionNames(value, path, lineNo, problems);
      if (!openBlock) {
        openBlock = { line: lineNo, sections: [] };
        blocks.push(openBlock);
      } else closeSection(lineNo);
      for (const n of names) {
        const earlier = openBlock.sections.find((s) => s.names.includes(n));
        if (earlier) {
          problems.push(
            problem(
              'duplicate-dialect-in-block',
              path,
              lineNo,
              `dialect "${n}" is named twice in the block that starts at line ${openBlock.line} (first at line ${earlier.line})`,
              `give each dialect one section per block; merge the two sections or end the block with \`-- migrate:end\` before starting another`,
            ),
          );
        }
      }
      openBlock.sections.push({ names, line: lineNo, endLine: Number.MAX_SAFE_INTEGER });
      continue;
    }

    if (name === 'end') {
      if (!openBlock) {
        problems.push(
          problem(
            'end-without-block',
            path,
            lineNo,
            '`-- migrate:end` without a `-- migrate:dialect` block to end',
            'remove this line, or start the block with `-- migrate:dialect <name>` above it',
          ),
        );
      } else closeSection(lineNo);
      openBlock = null;
      continue;
    }

    if ((HEADER_NAMES as readonly string[]).includes(name)) {
      const header = name as HeaderName;
      if (kind !== 'up') {
        problems.push(
          problem(
            'header-outside-up-file',
            path,
            lineNo,
            `\`-- migrate:${header}\` is a header and only means something in an .up.sql file`,
            kind === 'down' ? 'move it to the top of the matching .up.sql' : 'remove it; seed files take only dialect blocks',
          ),
        );
      } else if (sawSql || openBlock) {
        problems.push(
          problem(
            'misplaced-header',
            path,
            lineNo,
            `\`-- migrate:${header}\` comes after SQL; headers must be at the top of the file`,
            'move this line above the first SQL statement',
          ),
        );
      } else if (headers.some((h) => h.name === header)) {
        const first = headers.find((h) => h.name === header)!;
        problems.push(
          problem(
            'duplicate-header',
            path,
            lineNo,
            `\`-- migrate:${header}\` appears twice (first at line ${first.line})`,
            header === 'revises' || header === 'depends-on' || header === 'branch'
              ? `list every value on one line, separated by commas: \`-- migrate:${header} a, b\``
              : 'keep one of the two lines',
          ),
        );
      } else {
        headers.push({ name: header, value, line: lineNo });
      }
      continue;
    }

    problems.push(unknownDirective(name, path, lineNo));
  }

  if (openBlock) {
    problems.push(
      problem(
        'unterminated-block',
        path,
        openBlock.line,
        'this `-- migrate:dialect` block is never closed',
        'add a `-- migrate:end` line after the last section of the block',
      ),
    );
  }

  return new ParsedSource(path, kind, text, headers, problems, hasContent, blocks, directiveLines, lineCount);
}

/** Section choice and line resolution, computed on demand from the block ranges. */
class ParsedSource implements SqlSource {
  private lineCache: string[] | undefined;

  constructor(
    readonly path: string,
    readonly kind: SourceKind,
    readonly text: string,
    readonly headers: readonly HeaderDirective[],
    readonly problems: readonly FileProblem[],
    readonly hasContent: boolean,
    private readonly blocks: readonly Block[],
    private readonly directiveLines: readonly number[],
    private readonly lineCount: number,
  ) {}

  private chosen(dialect: DialectName): Array<{ index: number; name: SectionName | null }> {
    const preference: SectionName[] = [...findDialect(dialect)!.sectionPreference, 'default'];
    return this.blocks.map((block) => {
      for (const wanted of preference) {
        const index = block.sections.findIndex((s) => s.names.includes(wanted));
        if (index >= 0) return { index, name: wanted };
      }
      return { index: -1, name: null };
    });
  }

  sectionChoice(dialect: DialectName) {
    const choice = this.chosen(dialect);
    return this.blocks.map((block, b) => ({ blockLine: block.line, section: choice[b]!.name }));
  }

  /** Whether each line (index = line - 1) runs for this dialect. */
  private runs(dialect: DialectName): Uint8Array {
    const runs = new Uint8Array(this.lineCount).fill(1);
    for (const line of this.directiveLines) runs[line - 1] = 0;
    const choice = this.chosen(dialect);
    this.blocks.forEach((block, b) => {
      block.sections.forEach((section, s) => {
        if (s === choice[b]!.index) return;
        const last = Math.min(section.endLine, this.lineCount);
        for (let line = section.line + 1; line <= last; line++) runs[line - 1] = 0;
      });
    });
    return runs;
  }

  private get lines(): string[] {
    return (this.lineCache ??= splitLines(this.text));
  }

  resolvedLines(dialect: DialectName): string[] {
    const runs = this.runs(dialect);
    return this.lines.map((line, i) => (runs[i] ? line : ''));
  }

  selectedLines(dialect: DialectName): string[] {
    const runs = this.runs(dialect);
    return this.lines.filter((_, i) => runs[i]);
  }
}

function parseSectionNames(value: string, path: string, line: number, problems: FileProblem[]): SectionName[] {
  const names: SectionName[] = [];
  const parts = value.split(',').map((s) => s.trim());
  if (value === '' || parts.some((p) => p === '')) {
    problems.push(
      problem(
        'unknown-dialect',
        path,
        line,
        '`-- migrate:dialect` needs one or more dialect names',
        `write e.g. \`-- migrate:dialect postgres\` or \`-- migrate:dialect mysql, sqlite\`; names: ${knownDialectSpellings()}, default`,
      ),
    );
  }
  for (const part of parts) {
    if (part === '') continue;
    if (part.toLowerCase() === 'default') {
      names.push('default');
      continue;
    }
    const dialect = findDialect(part);
    if (!dialect) {
      problems.push(
        problem(
          'unknown-dialect',
          path,
          line,
          `unknown dialect "${part}"`,
          `use one of: ${knownDialectSpellings()}, default`,
        ),
      );
      continue;
    }
    names.push(dialect.name);
  }
  return names;
}

function unknownDirective(name: string, path: string, line: number): FileProblem {
  let hint: string;
  if (name === 'up' || name === 'down') {
    hint =
      'this looks like a dbmate file with both directions in one file; migrate-tui reads paired files: put the up SQL in <version>_<slug>.up.sql and the down SQL in <version>_<slug>.down.sql';
  } else {
    const near = closest(name, ALL_DIRECTIVES);
    hint = near
      ? `did you mean \`-- migrate:${near}\`? If this is a plain comment, drop the colon after "migrate"`
      : `known directives: ${ALL_DIRECTIVES.join(', ')}; for a plain comment, drop the colon after "migrate"`;
  }
  return problem('unknown-header', path, line, `unknown directive \`-- migrate:${name}\``, hint);
}

/** Closest known word by edit distance, if it is close enough to be a typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Splits on LF or CRLF (as the scan above counts lines); a final newline makes no extra line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
