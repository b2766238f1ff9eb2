import { createHash } from 'node:crypto';

/**
 * Atlas's `atlas.sum`, as ariga.io/atlas sql/migrate/dir.go writes and checks it:
 *   h1:<base64 sha256 of every entry's name and hash, in order>
 *   <file> h1:<base64 of a sha256 that runs over the whole folder so far>
 * One sha256 runs over the `.sql` files in byte order of their names: each file's name, then
 * its bytes, and the file's entry is the digest at that point (so an entry covers its file and
 * every file before it). A file whose first line is `-- atlas:sum ignore` adds its name only,
 * and has no entry.
 */
export interface AtlasSumEntry {
  readonly name: string;
  readonly hash: string;
}

export interface AtlasFileBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Atlas's directive pattern (dir.go reDirective), matched at the start of a text: `[prefix]atlas:<name>[ <args>]`. */
const DIRECTIVE = /^([ -~]*)atlas:(\w+)(?: +([^\n]+))*/;

/** Atlas's `directive(content, name)`: the arguments of the directive on the text's first line, or null. */
export function atlasDirective(content: string, name: string, prefix?: string): string | null {
  const m = DIRECTIVE.exec(content);
  if (!m || m[2] !== name || (prefix !== undefined && m[1] !== prefix)) return null;
  return m[3] ?? '';
}

/** Go's string order (bytes), which Atlas sorts file names by. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The entries Atlas computes for files (sorted here by name, as Atlas lists them). */
export function atlasSumEntries(files: readonly AtlasFileBytes[]): AtlasSumEntry[] {
  const hash = createHash('sha256');
  const entries: AtlasSumEntry[] = [];
  for (const file of [...files].sort((a, b) => compareBytes(a.name, b.name))) {
    hash.update(file.name, 'utf8');
    // Only the first line is looked at: `[ -~]*` stops at a newline.
    if (atlasDirective(Buffer.from(file.bytes.subarray(0, 256)).toString('latin1'), 'sum') === 'ignore') continue;
    hash.update(file.bytes);
    entries.push({ name: file.name, hash: hash.copy().digest('base64') });
  }
  return entries;
}

/** The first line's sum: sha256 over each entry's name and hash. */
export function atlasSumOf(entries: readonly AtlasSumEntry[]): string {
  const hash = createHash('sha256');
  for (const e of entries) hash.update(e.name, 'utf8').update(e.hash, 'utf8');
  return hash.digest('base64');
}

/** The text of an atlas.sum for these entries, byte for byte what `atlas migrate hash` writes. */
export function formatAtlasSum(entries: readonly AtlasSumEntry[]): string {
  return `h1:${atlasSumOf(entries)}\n${entries.map((e) => `${e.name} h1:${e.hash}\n`).join('')}`;
}

export type AtlasSumParse =
  | { readonly ok: true; readonly entries: AtlasSumEntry[] }
  | { readonly ok: false; readonly reason: 'format'; readonly line: number }
  | { readonly ok: false; readonly reason: 'sum' };

/** Reads an atlas.sum as Atlas's HashFile.UnmarshalText does (lines as Go's bufio.ScanLines splits them). */
export function parseAtlasSum(text: string): AtlasSumParse {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (text.endsWith('\n')) lines.pop();
  const sum = (lines[0] ?? '').replace(/^h1:/, '');
  const entries: AtlasSumEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    const at = lines[i]!.indexOf('h1:');
    if (at < 0) return { ok: false, reason: 'format', line: i + 1 };
    entries.push({ name: lines[i]!.slice(0, at).trim(), hash: lines[i]!.slice(at + 3) });
  }
  if (sum !== atlasSumOf(entries)) return { ok: false, reason: 'sum' };
  return { ok: true, entries };
}

/** The first difference between atlas.sum and the folder, as Atlas's Validate finds it; null when they agree. */
export interface AtlasSumMismatch {
  readonly reason: 'edited' | 'added' | 'removed';
  readonly file: string;
  /** The line of atlas.sum where the difference is (its first line is the total). */
  readonly line: number;
}

export function atlasSumMismatch(recorded: readonly AtlasSumEntry[], computed: readonly AtlasSumEntry[]): AtlasSumMismatch | null {
  if (atlasSumOf(recorded) === atlasSumOf(computed)) return null;
  for (let i = 0; i < recorded.length; i++) {
    const h = recorded[i]!;
    const c = computed[i];
    if (c && c.name === h.name && c.hash === h.hash) continue;
    const idx = computed.findIndex((e) => e.name === h.name);
    if (idx < 0) return { reason: 'removed', file: h.name, line: i + 2 };
    if (idx === i) return { reason: 'edited', file: h.name, line: i + 2 };
    return { reason: 'added', file: computed[i]!.name, line: i + 2 };
  }
  return { reason: 'added', file: computed[recorded.length]!.name, line: recorded.length + 2 };
}
