import type { DialectName } from '../dialects/dialect.js';
import type { FileProblem } from '../problems.js';
import type { SectionName } from './directives.js';
import { SourceScanner, skippedRanges, type Block } from './source-scanner.js';
import { chooseSection, type HeaderDirective, type LineRange, type SourceKind, type SourceShape, type SqlSource } from './source-types.js';

export { HEADER_NAMES, type HeaderName, type SectionName } from './directives.js';
export * from './source-types.js';

/**
 * One `.up.sql`, `.down.sql` or seed file, read into lines with every line classified:
 * a directive, text for every dialect, or text of one section of a dialect block.
 * Resolving for a dialect blanks the lines it does not run, so line numbers stay exact.
 */

/**
 * One pass over the text that keeps only directives and block ranges: indexing 10,000
 * files must stay cheap. Line arrays are made when a dialect's SQL is asked for.
 */
export function parseSqlSource(path: string, text: string, kind: SourceKind, shape: SourceShape = NO_SHAPE): SqlSource {
  const scan = new SourceScanner(path, kind).text(text).finish();
  // Most files have no headers, problems, blocks or directives: their lists are not kept, one shared empty list stands for them.
  return new ParsedSource(path, kind, text, kept(scan.headers), kept(scan.problems), scan.hasContent, kept(scan.blocks), kept(scan.directiveLines), scan.lineCount, shape);
}

const NONE: readonly never[] = [];
const NO_SHAPE: SourceShape = {};
const kept = <T,>(list: readonly T[]): readonly T[] => (list.length === 0 ? NONE : list);

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
    for (const [from, to] of skippedRanges(this.blocks, this.directiveLines, this.lineCount, dialect)) runs.fill(0, from - 1, to);
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
