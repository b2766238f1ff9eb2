/**
 * Where JSON text stops being valid JSON (a 0-based offset), or null when it is valid.
 * Node 20's JSON.parse gives a position only for some errors ("Unexpected token '}', "…" is
 * not valid JSON" has none, and quotes the text, which may hold a password), so a targets
 * file's error could not name its line. A scan by JSON's grammar finds the place instead; text
 * that ends early is placed at its last character.
 */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const fail = (at: number): never => {
    throw new JsonStop(Math.min(at, Math.max(0, text.trimEnd().length - 1)));
  };
  const space = () => {
    while (i < text.length && /[ \t\n\r]/.test(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) if (text[i++] !== ch) fail(i - 1);
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail(i);
      const ch = text[i]!;
      if (ch === '"') return void i++;
      if (ch < ' ') fail(i);
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i);
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else fail(i);
      } else i++;
    }
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') return container('}', true);
    if (ch === '[') return container(']', false);
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (!number || number[0] === '' || number[0] === '-') fail(i);
    i += number![0].length;
  };
  const container = (close: string, object: boolean) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      if (object) {
        space();
        if (text[i] !== '"') fail(i);
        string();
        space();
        if (text[i] !== ':') fail(i);
        i++;
      }
      value();
      space();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) return void i++;
      fail(i);
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail(i);
    return null;
  } catch (error) {
    if (error instanceof JsonStop) return error.offset;
    // Nested deeper than this scan's stack (JSON.parse takes more): the place is not known.
    if (error instanceof RangeError) return null;
    throw error;
  }
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class JsonStop {
  constructor(readonly offset: number) {}
}

/** The 1-based line of an offset in a text. */
export function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}
