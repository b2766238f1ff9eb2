import stringWidth from 'string-width';

/**
 * Text measured in terminal columns, not characters: a CJK character or an emoji takes two.
 * Cut by length, a message in Chinese overflowed its pane, Ink wrapped the rows, and the
 * screen grew taller than the terminal (its title scrolled off).
 */

/**
 * Printable ASCII and Latin-1 but ©, the soft hyphen and ® (string-width counts them 2, 0 and 2:
 * © and ® are emoji): one column a character, so such a text is as wide as it is long (the
 * common case, measured without a table). Not all of U+0000–U+10FF: combining marks there
 * (U+0300…) take no column of their own.
 */
const NARROW = /^[\u0020-\u007e\u00a0-\u00a8\u00aa-\u00ac\u00af-\u00ff]*$/;

export const columnsOf = (text: string): number => (NARROW.test(text) ? text.length : stringWidth(text));

/** The longest start of `text` in at most `columns` columns, and the rest (a character is never split). */
export function splitAtColumns(text: string, columns: number): [string, string] {
  if (NARROW.test(text)) return [text.slice(0, Math.max(0, columns)), text.slice(Math.max(0, columns))];
  let used = 0;
  let at = 0;
  for (const character of text) {
    const wide = stringWidth(character);
    if (used + wide > columns) break;
    used += wide;
    at += character.length;
  }
  return [text.slice(0, at), text.slice(at)];
}

/**
 * Like splitAtColumns, but at the last space that fits (the space dropped), so a word is not
 * cut in two ("migra" / "ted"); a word wider than `columns`, or a line with no space after its
 * indent, is still cut at the column.
 */
export function splitAtWord(text: string, columns: number): [string, string] {
  const [head, tail] = splitAtColumns(text, columns);
  if (tail === '') return [head, tail];
  if (tail.startsWith(' ') && head.trim() !== '') return [head.trimEnd(), tail.trimStart()];
  const space = head.lastIndexOf(' ');
  if (space <= 0 || head.slice(0, space).trim() === '') return [head, tail];
  return [head.slice(0, space).trimEnd(), head.slice(space + 1) + tail];
}

/** `text` in at most `columns` columns, ending in `…` when cut. */
export function cutToColumns(text: string, columns: number): string {
  if (columnsOf(text) <= columns) return text;
  return `${splitAtColumns(text, Math.max(0, columns - 1))[0]}…`;
}

/** `text` cut to `columns` and padded with spaces to exactly that many. */
export function fitColumns(text: string, columns: number): string {
  const cut = cutToColumns(text, columns);
  return cut + ' '.repeat(Math.max(0, columns - columnsOf(cut)));
}

/** `text` in at most `columns` columns, its end kept (a path): `…` and as much of the end as fits. */
export function cutStartToColumns(text: string, columns: number): string {
  if (columnsOf(text) <= columns) return text;
  const characters = [...text];
  let used = 0;
  let from = characters.length;
  while (from > 0 && used + columnsOf(characters[from - 1]!) <= columns - 1) used += columnsOf(characters[--from]!);
  return `…${characters.slice(from).join('')}`;
}
