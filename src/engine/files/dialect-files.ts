import type { DialectName } from '../dialects/dialect.js';
import type { FileProblem } from '../problems.js';
import type { SectionName } from './directives.js';
import { chooseSection, type HeaderDirective, type LineRange, type SourceKind, type SqlSource } from './source-types.js';

/** One file of a popx revision: the dialects it serves (`default` for a file without a dialect part). */
export interface DialectFile {
  readonly names: readonly SectionName[];
  readonly source: SqlSource;
}

/**
 * One direction of a popx revision kept in one file per dialect
 * (`<version>_<name>.<dialect>.up.sql`): each file is a section of one virtual dialect
 * block, chosen as `-- migrate:dialect` sections are (the dialect's own file, `mysql` for
 * MariaDB, else the file without a dialect part, else nothing). Lines, paths and
 * problems stay those of the chosen file.
 */
export class DialectFilesSource implements SqlSource {
  readonly path: string;
  readonly text: string;
  readonly problems: readonly FileProblem[];
  readonly hasContent: boolean;
  readonly headers: readonly HeaderDirective[] = [];

  constructor(
    readonly kind: SourceKind,
    private readonly files: readonly DialectFile[],
  ) {
    this.path = (files.find((f) => f.names.includes('default')) ?? files[0]!).source.path;
    this.text = files.map((f) => `-- ${f.source.path} (${f.names.join(', ')})\n${f.source.text}`).join('\n');
    this.problems = files.flatMap((f) => f.source.problems);
    this.hasContent = files.some((f) => f.source.hasContent);
  }

  private chosen(dialect: DialectName): SqlSource | null {
    const { index } = chooseSection(dialect, this.files.map((f) => f.names));
    return index < 0 ? null : this.files[index]!.source;
  }

  sectionChoice(dialect: DialectName) {
    const { name } = chooseSection(dialect, this.files.map((f) => f.names));
    return [{ blockLine: 0, section: name }, ...(this.chosen(dialect)?.sectionChoice(dialect) ?? [])];
  }

  resolvedLines(dialect: DialectName): string[] {
    return this.chosen(dialect)?.resolvedLines(dialect) ?? [];
  }

  selectedLines(dialect: DialectName): string[] {
    return this.chosen(dialect)?.selectedLines(dialect) ?? [];
  }

  delimitedRanges(dialect: DialectName): readonly LineRange[] {
    return this.chosen(dialect)?.delimitedRanges(dialect) ?? [];
  }

  transactionOff(dialect: DialectName): string | null {
    return this.chosen(dialect)?.transactionOff(dialect) ?? null;
  }

  pathFor(dialect: DialectName): string {
    return this.chosen(dialect)?.path ?? this.path;
  }
}
