import { createHash } from 'node:crypto';
import type { DialectName, DialectSyntax } from '../dialects/dialect.js';
import { problem, type FileProblem } from '../problems.js';
import { CHECKSUM_ALGORITHM } from './checksum.js';
import { FileReadProblem, readTextChunks } from './read-text.js';
import { SourceScanner, skippedRanges, type Block } from './source-scanner.js';
import { chooseSection, type HeaderDirective, type LineRange, type SourceKind, type SqlSource, type StatementScan, type StreamedFile, type TextOfStatements } from './source-types.js';
import { splitText, type SplitRest, type Statement } from './sql-splitter.js';
import { StatementSummaryBuilder } from './transaction-mode.js';

/**
 * Longer than 300 lines because indexing, checking, checksumming and running a streamed file
 * share one chunk loop and its carried state; split, each part would repeat it.
 *
 * A file too large to hold: read a chunk at a time (about 1 MiB of lines) whenever it is
 * needed — to index it, to check it, to checksum it, to run it — so memory stays flat
 * whatever its size. Only an excerpt (the first 64 KiB) is kept, for previews.
 */

/**
 * Files over this size are streamed (MIGRATE_TUI_STREAM_ABOVE, in bytes, changes it: tests use
 * small files). 4 MiB: a file read whole costs ~25 times its size in memory (statement objects,
 * lint and data-risk tokens), so an 8 MB file already took 230 MB; a schema change is far smaller.
 */
export const STREAM_ABOVE_BYTES = Number(process.env.MIGRATE_TUI_STREAM_ABOVE) > 0 ? Number(process.env.MIGRATE_TUI_STREAM_ABOVE) : 4 * 2 ** 20;
const EXCERPT_BYTES = 64 * 1024;
const CHUNK_BYTES = 1 << 20;

/** Reads a large file once to index it (headers, dialect blocks, problems). Null when it cannot be read. */
export function readStreamedSource(path: string, kind: SourceKind, bytes: number, problems: FileProblem[], transactionOff: string | null = null, chunkBytes = CHUNK_BYTES): SqlSource | null {
  const scan = new SourceScanner(path, kind);
  let excerpt = '';
  try {
    for (const chunk of readTextChunks(path, chunkBytes)) {
      const before = scan.lineCount;
      scan.text(chunk.text);
      // text() sees no line after a final newline: count the chunk's last (empty) line too.
      scan.lineCount = before + chunk.lines;
      if (excerpt.length < EXCERPT_BYTES) excerpt += (before > 0 ? '\n' : '') + chunk.text.slice(0, EXCERPT_BYTES);
    }
  } catch (error) {
    if (!(error instanceof FileReadProblem)) throw error;
    problems.push(error.problem);
    return null;
  }
  scan.finish();
  problems.push(...scan.problems);
  // Whole lines only, at most EXCERPT_BYTES of them.
  const lines = excerpt.slice(0, EXCERPT_BYTES).split('\n');
  if (excerpt.length > EXCERPT_BYTES) lines.pop();
  return new StreamedSource(path, kind, bytes, scan, lines, transactionOff, chunkBytes);
}

class StreamedSource implements SqlSource {
  readonly text: string;
  readonly headers: readonly HeaderDirective[];
  readonly problems: readonly FileProblem[];
  readonly hasContent: boolean;
  readonly streamed: StreamedFile;
  private readonly blocks: readonly Block[];
  private readonly directiveLines: readonly number[];
  private readonly lineCount: number;
  private readonly checksums = new Map<DialectName, string>();
  private readonly scans = new Map<DialectName, StatementScan>();

  constructor(
    readonly path: string,
    readonly kind: SourceKind,
    bytes: number,
    scan: SourceScanner,
    private readonly excerpt: readonly string[],
    private readonly off: string | null,
    private readonly chunkBytes: number,
  ) {
    this.headers = scan.headers;
    this.problems = scan.problems;
    this.hasContent = scan.hasContent;
    this.blocks = scan.blocks;
    this.directiveLines = scan.directiveLines;
    this.lineCount = scan.lineCount;
    const mib = (bytes / 2 ** 20).toFixed(1);
    this.text = `${excerpt.join('\n')}\n-- … migrate-tui shows the first ${excerpt.length} of ${this.lineCount} lines (${mib} MiB): the file is read a piece at a time when it runs`;
    this.streamed = {
      bytes,
      lines: this.lineCount,
      excerptLines: excerpt.length,
      checksum: (dialect) => this.checksum(dialect),
      scan: (dialect) => this.scan(dialect),
      batches: (dialect, from, to) => this.batches(dialect, from, to),
      textBatches: (dialect) => this.textBatches(dialect),
    };
  }

  sectionChoice(dialect: DialectName) {
    return this.blocks.map((block) => ({ blockLine: block.line, section: chooseSection(dialect, block.sections.map((s) => s.names)).name }));
  }

  delimitedRanges(): readonly LineRange[] {
    return [];
  }

  transactionOff(): string | null {
    return this.off;
  }

  pathFor(): string {
    return this.path;
  }

  /** The excerpt's lines, resolved (previews; the run streams the whole file). */
  resolvedLines(dialect: DialectName): string[] {
    const lines = [...this.excerpt];
    for (const [from, to] of skippedRanges(this.blocks, this.directiveLines, this.lineCount, dialect)) {
      for (let l = from; l <= Math.min(to, lines.length); l++) lines[l - 1] = '';
    }
    return lines;
  }

  selectedLines(dialect: DialectName): string[] {
    return this.resolvedLines(dialect);
  }

  /**
   * The whole file a chunk at a time, with the lines this dialect does not run blanked
   * (`text`), and only the lines it runs (`selected`, for the checksum). A chunk that no
   * dialect block or directive touches is passed on as read: no line strings are made.
   */
  private *resolvedChunks(dialect: DialectName): Generator<{ text: string; firstLine: number; lines: number; selected: string | null }> {
    const skipped = skippedRanges(this.blocks, this.directiveLines, this.lineCount, dialect);
    let next = 0;
    let lineNo = 0;
    for (const chunk of readTextChunks(this.path, this.chunkBytes)) {
      const firstLine = lineNo + 1;
      const last = lineNo + chunk.lines;
      lineNo = last;
      // Ranges are sorted by start; one may span several chunks.
      while (next < skipped.length && skipped[next]![1] < firstLine) next++;
      if (next >= skipped.length || skipped[next]![0] > last) {
        yield { text: chunk.text, firstLine, lines: chunk.lines, selected: chunk.text };
        continue;
      }
      const lines = chunk.text.split('\n');
      const runs = new Uint8Array(lines.length).fill(1);
      for (let r = next; r < skipped.length && skipped[r]![0] <= last; r++) {
        const [from, to] = skipped[r]!;
        runs.fill(0, Math.max(from, firstLine) - firstLine, Math.min(to, last) - firstLine + 1);
      }
      const kept = lines.filter((_, k) => runs[k]);
      for (let k = 0; k < lines.length; k++) if (!runs[k]) lines[k] = '';
      yield { text: lines.join('\n'), firstLine, lines: chunk.lines, selected: kept.length > 0 ? kept.join('\n') : null };
    }
  }

  /** Statements in file order, a chunk's worth at a time; problems (unterminated quotes…) are added to `problems`. */
  private *statementChunks(
    dialect: DialectSyntax,
    problems: Array<{ line: number; message: string }>,
    onChunk?: (selected: string | null) => void,
    onClosed?: (line: number, delimiter: string) => void,
  ): Generator<Statement[]> {
    let rest: SplitRest | null = null;
    // The delimiter in force where the pending text starts (MySQL's DELIMITER changes it).
    let delimiter = ';';
    let pending: string[] = [];
    let pendingLength = 0;
    let pendingFirst = 1;
    const flush = (more: boolean): Statement[] => {
      const text = (rest ? rest.text + (pending.length > 0 ? '\n' : '') : '') + pending.join('\n');
      const lineOffset = (rest ? rest.line : pendingFirst) - 1;
      const result = splitText(text, dialect.splitter, { lineOffset, delimiter: rest?.delimiter ?? delimiter, more });
      problems.push(...result.problems);
      rest = result.rest;
      delimiter = result.delimiter;
      pending = [];
      pendingLength = 0;
      return result.statements;
    };
    for (const chunk of this.resolvedChunks(dialect.name)) {
      onChunk?.(chunk.selected);
      const lastLine = chunk.firstLine + chunk.lines - 1;
      if (pending.length === 0) pendingFirst = chunk.firstLine;
      pending.push(chunk.text);
      pendingLength += chunk.text.length;
      // A statement longer than a chunk is carried whole: wait for as much new text as it holds,
      // so re-reading it costs at most twice its length (linear, not quadratic).
      if (rest && (rest as SplitRest).text.length > pendingLength) continue;
      const statements = flush(true);
      if (statements.length > 0) yield statements;
      // No statement open past this chunk: the file can be cut here (said after the consumer
      // has taken this chunk's statements, so its count includes them).
      if (!rest) onClosed?.(lastLine, delimiter);
    }
    const statements = flush(false);
    if (statements.length > 0) yield statements;
  }

  private checksum(dialect: DialectName): string {
    const known = this.checksums.get(dialect);
    if (known) return known;
    const hash = new ChecksumStream();
    for (const chunk of this.resolvedChunks(dialect)) hash.add(chunk.selected);
    const sum = hash.digest();
    this.checksums.set(dialect, sum);
    return sum;
  }

  /** One pass per dialect: statement count, transaction summary, splitting problems and the checksum. */
  private scan(dialect: DialectSyntax): StatementScan {
    const known = this.scans.get(dialect.name);
    if (known) return known;
    const split: Array<{ line: number; message: string }> = [];
    const summary = new StatementSummaryBuilder(dialect);
    const hash = new ChecksumStream();
    const checkpoints: Array<{ line: number; statements: number; delimiter: string }> = [];
    let count = 0;
    let excerpt: Statement[] | null = null;
    const closed = (line: number, delimiter: string) => checkpoints.push({ line, statements: count, delimiter });
    for (const statements of this.statementChunks(dialect, split, (selected) => hash.add(selected), closed)) {
      for (const statement of statements) summary.add(statement);
      count += statements.length;
      excerpt ??= statements.slice(0, 200).filter((s) => s.endLine <= this.excerpt.length);
    }
    const problems = split.map((p) => problem('unterminated-quote', this.path, p.line, `${p.message} in the ${dialect.name} SQL`, 'close it; everything after it would be sent as one statement'));
    const result: StatementScan = { summary: summary.result(), problems, excerpt: excerpt ?? [], checkpoints };
    this.checksums.set(dialect.name, hash.digest());
    this.scans.set(dialect.name, result);
    return result;
  }

  /** Statements `from` (inclusive) to `to` (exclusive), in file order, a chunk at a time. */
  private *batches(dialect: DialectSyntax, from: number, to: number): Generator<readonly Statement[]> {
    let index = 0;
    for (const statements of this.statementChunks(dialect, [])) {
      const start = index;
      index += statements.length;
      if (index <= from) continue;
      const batch = statements.slice(Math.max(0, from - start), Math.max(0, to - start));
      if (batch.length > 0) yield batch;
      if (index >= to) return;
    }
  }

  /** The file cut at the scan's checkpoints, each piece one text of statements (no second split). */
  private *textBatches(dialect: DialectSyntax): Generator<TextOfStatements> {
    const { checkpoints, summary } = this.scan(dialect);
    let next = 0;
    let pending: string[] = [];
    let firstLine = 1;
    let first = 0;
    let delimiter = ';';
    for (const chunk of this.resolvedChunks(dialect.name)) {
      if (pending.length === 0) firstLine = chunk.firstLine;
      pending.push(chunk.text);
      const point = checkpoints[next];
      if (!point || point.line !== chunk.firstLine + chunk.lines - 1) continue;
      next++;
      if (point.statements > first) yield { text: pending.join('\n'), lineOffset: firstLine - 1, first, count: point.statements - first, delimiter };
      first = point.statements;
      delimiter = point.delimiter;
      pending = [];
    }
    if (summary.count > first) yield { text: pending.join('\n'), lineOffset: firstLine - 1, first, count: summary.count - first, delimiter };
  }
}

/**
 * The checksum of checksum.ts (the selected lines with trailing white space trimmed, joined
 * by LF, newlines at both ends dropped), fed a chunk of selected lines at a time.
 */
class ChecksumStream {
  private readonly hash = createHash('sha256');
  private started = false;
  /** Newlines at the end of what was fed: written only if more text follows. */
  private held = '';

  add(selected: string | null): void {
    if (selected === null) return;
    let piece = (this.started ? '\n' : '') + (endsWithSpace(selected) ? selected.replace(/[^\S\n]+$/gm, '') : selected);
    if (!this.started) {
      piece = piece.replace(/^\n+/, '');
      if (piece === '') return;
      this.started = true;
    }
    let end = piece.length;
    while (end > 0 && piece.charCodeAt(end - 1) === 10) end--;
    const body = piece.slice(0, end);
    const trailing = piece.slice(end);
    if (body === '') {
      this.held += trailing;
      return;
    }
    this.hash.update(this.held + body);
    this.held = trailing;
  }

  digest(): string {
    return `${CHECKSUM_ALGORITHM}:${this.hash.digest('hex')}`;
  }
}

/** Whether a line of the text ends in white space (checked at each newline: far cheaper than the trimming regex). */
function endsWithSpace(text: string): boolean {
  const white = (k: number) => k >= 0 && /\s/.test(text[k]!) && text.charCodeAt(k) !== 10;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) if (white(k - 1)) return true;
  return white(text.length - 1);
}
