import type { tokenize } from '../safety/data-risk.js';

/** A cursor over one statement's tokens (words upper-cased, quoted names unquoted). */

export type Token = ReturnType<typeof tokenize>[number];

export class Reader {
  p = 0;
  constructor(readonly t: Token[]) {}
  word(w: string): boolean {
    return this.t[this.p]?.type === 'word' && this.t[this.p]!.text === w;
  }
  accept(...words: string[]): boolean {
    const save = this.p;
    for (const w of words) {
      if (!this.word(w)) {
        this.p = save;
        return false;
      }
      this.p++;
    }
    return true;
  }
  punct(c: string): boolean {
    if (this.t[this.p]?.type === 'punct' && this.t[this.p]!.text === c) {
      this.p++;
      return true;
    }
    return false;
  }
  get done(): boolean {
    return this.p >= this.t.length;
  }
  /** name ( . name )*: the last part, unquoted, case as written. */
  name(): string | null {
    let last: string | null = null;
    for (;;) {
      const tok = this.t[this.p];
      if (!tok || (tok.type !== 'word' && tok.type !== 'ident')) return last;
      last = tok.type === 'ident' ? tok.text : (tok.raw ?? tok.text);
      this.p++;
      if (!this.punct('.')) return last;
    }
  }
  names(): string[] {
    const out: string[] = [];
    for (let n = this.name(); n; n = this.punct(',') ? this.name() : null) out.push(n);
    return out;
  }
  /** `( a, b(10), c DESC )` → [a, b, c]; [] when no parenthesis follows. */
  parenNames(): string[] {
    if (!this.punct('(')) return [];
    const out: string[] = [];
    let depth = 1;
    let expectName = true;
    while (!this.done && depth > 0) {
      const tok = this.t[this.p++]!;
      if (tok.type === 'punct' && tok.text === '(') depth++;
      else if (tok.type === 'punct' && tok.text === ')') depth--;
      else if (depth === 1 && tok.type === 'punct' && tok.text === ',') expectName = true;
      else if (depth === 1 && expectName && (tok.type === 'word' || tok.type === 'ident')) {
        out.push(tok.type === 'ident' ? tok.text : (tok.raw ?? tok.text));
        expectName = false;
      }
    }
    return out;
  }
  /** Skips to the end of the current comma-separated part (at parenthesis depth 0). */
  skipPart(): void {
    let depth = 0;
    while (!this.done) {
      const tok = this.t[this.p]!;
      if (tok.type === 'punct' && tok.text === '(') depth++;
      if (tok.type === 'punct' && tok.text === ')') {
        if (depth === 0) return;
        depth--;
      }
      if (depth === 0 && tok.type === 'punct' && tok.text === ',') return;
      this.p++;
    }
  }
  /** The tokens of the current part, as text (for types and defaults). */
  textUntil(stop: (tok: Token) => boolean): string {
    let out = '';
    // Whether the text so far ends in a number's punctuation (the tokenizer gives `255` digit by digit) or in `(`/`,`.
    let number = false;
    let tight = true;
    let depth = 0;
    while (!this.done) {
      const tok = this.t[this.p]!;
      if (depth === 0 && (stop(tok) || (tok.type === 'punct' && (tok.text === ',' || tok.text === ')')))) break;
      if (tok.type === 'punct' && tok.text === '(') depth++;
      if (tok.type === 'punct' && tok.text === ')') depth--;
      // Words are upper-cased already; a string keeps its case and its quotes doubled (an upper-cased DEFAULT 'x' is another value).
      const text = tok.type === 'string' ? `'${tok.text.replace(/'/g, "''")}'` : tok.text;
      const digit = tok.type === 'punct' && /^[0-9.]$/.test(text);
      const paren = tok.type === 'punct' && /^[(),]$/.test(text);
      // `::` (PostgreSQL's cast) comes as two colons too.
      const cast = text === ':' && out.endsWith(':') && this.t[this.p - 1]?.type === 'punct';
      out += tight || paren || cast || (digit && number) ? text : ` ${text}`;
      number = digit;
      tight = paren && text !== ')';
      this.p++;
    }
    return out;
  }
}

