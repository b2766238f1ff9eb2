/** The text the parser read; node locations are byte offsets into it. */
export class ParsedText {
  private bytes: Buffer | undefined;
  /** `end`: the byte where this statement's text ends (several are parsed as one text). */
  constructor(
    readonly sql: string,
    private readonly end = Infinity,
    private readonly shared?: ParsedText,
  ) {}
  /** The statement's text from byte `at` on (a default's text, for messages: at most 2,000 bytes). */
  from(at: number): string {
    const bytes = this.shared ? this.shared.buffer() : this.buffer();
    return bytes.subarray(at, Math.min(at + 2000, this.end)).toString('utf8');
  }
  private buffer(): Buffer {
    return (this.bytes ??= Buffer.from(this.sql, 'utf8'));
  }
  /** The same text, bounded to one statement ending at byte `end`. */
  upTo(end: number): ParsedText {
    return new ParsedText(this.sql, end, this);
  }
}

