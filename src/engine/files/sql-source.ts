import type { DialectName } from '../dialects/dialect.js';
import { problem, type FileProblem } from '../problems.js';
import { HEADER_NAMES, PASSIVE_DIRECTIVES, parseSectionNames, readDirective, unknownDirective, type HeaderName, type SectionName } from './directives.js';
import { chooseSection, type HeaderDirective, type LineRange, type SourceKind, type SourceShape, type SqlSource } from './source-types.js';

export { HEADER_NAMES, type HeaderName, type SectionName } from './directives.js';
export * from './source-types.js';

/**
 * One `.up.sql`, `.down.sql` or seed file, read into lines with every line classified:
 * a directive, text for every dialect, or text of one section of a dialect block.
 * Resolving for a dialect blanks the lines it does not run, so line numbers stay exact.
 */

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

/**
 * One pass over the text that keeps only directives and block ranges: indexing 10,000
 * files must stay cheap. Line arrays are made when a dialect's SQL is asked for.
 */
export function parseSqlSource(path: string, text: string, kind: SourceKind, shape: SourceShape = {}): SqlSource {
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

    if (!PASSIVE_DIRECTIVES.includes(name)) problems.push(unknownDirective(name, path, lineNo));
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

  return new ParsedSource(path, kind, text, headers, problems, hasContent, blocks, directiveLines, lineCount, shape);
}

/** Section choice and line resolution, computed on demand from the block ranges. */
class ParsedSource implements SqlSource {
  private lineCache: string[] | undefined;
  readonly text: string;

  constructor(
    readonly path: string,
    readonly kind: SourceKind,
    private readonly runText: string,
    readonly headers: readonly HeaderDirective[],
    readonly problems: readonly FileProblem[],
    readonly hasContent: boolean,
    private readonly blocks: readonly Block[],
    private readonly directiveLines: readonly number[],
    private readonly lineCount: number,
    private readonly shape: SourceShape,
  ) {
    this.text = shape.display ?? runText;
  }

  private chosen(dialect: DialectName): Array<{ index: number; name: SectionName | null }> {
    return this.blocks.map((block) => chooseSection(dialect, block.sections.map((s) => s.names)));
  }

  delimitedRanges(): readonly LineRange[] {
    return this.shape.delimited ?? [];
  }

  transactionOff(): string | null {
    return this.shape.transactionOff ?? null;
  }

  pathFor(): string {
    return this.path;
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
    return (this.lineCache ??= splitLines(this.runText));
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

/** Splits on LF or CRLF (as the scan above counts lines); a final newline makes no extra line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
