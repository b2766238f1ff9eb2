import type { DialectName } from '../dialects/dialect.js';
import { problem, type FileProblem } from '../problems.js';
import { HEADER_NAMES, PASSIVE_DIRECTIVES, parseSectionNames, readDirective, unknownDirective, type HeaderName, type SectionName } from './directives.js';
import { chooseSection, type HeaderDirective, type SourceKind } from './source-types.js';

/**
 * Classifies a file's lines one at a time: directives, headers, dialect blocks. Whole files
 * and streamed ones (read a chunk at a time) go through the same scanner, so a large file
 * is understood exactly like a small one.
 */

export interface Section {
  readonly names: readonly SectionName[];
  /** The `-- migrate:dialect` line; the body is the lines after it up to the next directive of the block. */
  readonly line: number;
  endLine: number;
}

export interface Block {
  readonly line: number;
  readonly sections: Section[];
}

export class SourceScanner {
  readonly blocks: Block[] = [];
  readonly directiveLines: number[] = [];
  readonly headers: HeaderDirective[] = [];
  readonly problems: FileProblem[] = [];
  hasContent = false;
  lineCount = 0;
  private openBlock: Block | null = null;
  private sawSql = false;

  constructor(
    private readonly path: string,
    private readonly kind: SourceKind,
  ) {}

  private closeSection(lineNo: number): void {
    const section = this.openBlock?.sections[this.openBlock.sections.length - 1];
    if (section) section.endLine = lineNo - 1;
  }

  /** Line `lineNo` is `text[start, stop)` (without its line ending). */
  line(text: string, start: number, stop: number, lineNo: number): void {
    const { path, problems } = this;
    this.lineCount = lineNo;
    // Skip leading white space to see what the line is.
    let k = start;
    while (k < stop && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    const isComment = k + 1 < stop && text.charCodeAt(k) === 45 && text.charCodeAt(k + 1) === 45;
    if (!isComment) {
      if (k < stop) {
        this.sawSql = true;
        this.hasContent = true;
      }
      return;
    }
    const directive = readDirective(text, k + 2, stop);
    if (!directive) return;
    this.directiveLines.push(lineNo);
    const { name, value } = directive;

    if (name === 'dialect') {
      const names = parseSectionNames(value, path, lineNo, problems);
      if (!this.openBlock) {
        this.openBlock = { line: lineNo, sections: [] };
        this.blocks.push(this.openBlock);
      } else this.closeSection(lineNo);
      const block = this.openBlock;
      for (const n of names) {
        const earlier = block.sections.find((s) => s.names.includes(n));
        if (earlier) {
          problems.push(
            problem(
              'duplicate-dialect-in-block',
              path,
              lineNo,
              `dialect "${n}" is named twice in the block that starts at line ${block.line} (first at line ${earlier.line})`,
              `give each dialect one section per block; merge the two sections or end the block with \`-- migrate:end\` before starting another`,
            ),
          );
        }
      }
      block.sections.push({ names, line: lineNo, endLine: Number.MAX_SAFE_INTEGER });
      return;
    }

    if (name === 'end') {
      if (!this.openBlock) {
        problems.push(problem('end-without-block', path, lineNo, '`-- migrate:end` without a `-- migrate:dialect` block to end', 'remove this line, or start the block with `-- migrate:dialect <name>` above it'));
      } else this.closeSection(lineNo);
      this.openBlock = null;
      return;
    }

    if ((HEADER_NAMES as readonly string[]).includes(name)) {
      this.header(name as HeaderName, value, lineNo);
      return;
    }

    if (!PASSIVE_DIRECTIVES.includes(name)) problems.push(unknownDirective(name, path, lineNo));
  }

  private header(header: HeaderName, value: string, lineNo: number): void {
    const { path, problems, headers } = this;
    if (this.kind !== 'up') {
      problems.push(
        problem(
          'header-outside-up-file',
          path,
          lineNo,
          `\`-- migrate:${header}\` is a header and only means something in an .up.sql file`,
          this.kind === 'down' ? 'move it to the top of the matching .up.sql' : 'remove it; seed files take only dialect blocks',
        ),
      );
    } else if (this.sawSql || this.openBlock) {
      problems.push(problem('misplaced-header', path, lineNo, `\`-- migrate:${header}\` comes after SQL; headers must be at the top of the file`, 'move this line above the first SQL statement'));
    } else if (headers.some((h) => h.name === header)) {
      const first = headers.find((h) => h.name === header)!;
      problems.push(
        problem(
          'duplicate-header',
          path,
          lineNo,
          `\`-- migrate:${header}\` appears twice (first at line ${first.line})`,
          header === 'revises' || header === 'depends-on' || header === 'branch' ? `list every value on one line, separated by commas: \`-- migrate:${header} a, b\`` : 'keep one of the two lines',
        ),
      );
    } else {
      headers.push({ name: header, value, line: lineNo });
    }
  }

  /** Scans every line of a whole text (LF or CRLF). */
  text(text: string): this {
    for (let start = 0, lineNo = this.lineCount + 1; start < text.length; lineNo++) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let stop = end;
      if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
      this.line(text, start, stop, lineNo);
      start = end + 1;
    }
    return this;
  }

  /** After the last line: a block left open is a problem. */
  finish(): this {
    if (this.openBlock) {
      this.problems.push(problem('unterminated-block', this.path, this.openBlock.line, 'this `-- migrate:dialect` block is never closed', 'add a `-- migrate:end` line after the last section of the block'));
    }
    return this;
  }
}

/** The line ranges (1-based, inclusive) a dialect does not run: directive lines and the sections it did not choose. */
export function skippedRanges(blocks: readonly Block[], directiveLines: readonly number[], lineCount: number, dialect: DialectName): Array<[number, number]> {
  const ranges: Array<[number, number]> = directiveLines.map((l) => [l, l]);
  for (const block of blocks) {
    const chosen = chooseSection(dialect, block.sections.map((s) => s.names)).index;
    block.sections.forEach((section, s) => {
      if (s !== chosen) ranges.push([section.line + 1, Math.min(section.endLine, lineCount)]);
    });
  }
  return ranges.filter(([from, to]) => from <= to).sort((a, b) => a[0] - b[0]);
}
