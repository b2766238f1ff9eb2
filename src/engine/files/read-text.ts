import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { constants as bufferConstants, isUtf8 } from 'node:buffer';
import { dirname, sep } from 'node:path';
import { problem, type FileProblem } from '../problems.js';

/** One buffer reused for every small file: no allocation per read. */
const shared = Buffer.allocUnsafe(1 << 16);

/** The largest file that can become one string (V8's limit), as bytes of UTF-8. */
export const MAX_FILE_BYTES = bufferConstants.MAX_STRING_LENGTH;

/** Per folder, the names its listing said are regular files: those skip the fstat check (10,000s of files). */
const regularByFolder = new Map<string, Set<string>>();

/** Lists a folder, sorted, remembering which entries are regular files (the type comes with the listing). */
export function listFolder(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  regularByFolder.set(dir, new Set(entries.filter((e) => e.isFile()).map((e) => e.name)));
  return entries.map((e) => e.name).sort();
}

function listedAsRegular(path: string): boolean {
  const slash = path.lastIndexOf(sep);
  return regularByFolder.get(path.slice(0, slash))?.has(path.slice(slash + 1)) ?? false;
}

/** Why a path is not read: it is not a regular file inside its folder. */
class UnsafePath extends Error {}

/**
 * Opens without following a link and without blocking (a FIFO named `*.sql` would hang every
 * command), then checks what was opened: only a regular file is read. A link is followed
 * only when its target stays inside the file's own folder.
 */
function openRegular(path: string, whole = true): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    const target = realpathSync(path);
    const folder = realpathSync(dirname(path));
    if (!target.startsWith(folder + sep)) throw new UnsafePath(`it is a link to ${target}, outside the folder ${folder}`);
    fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK);
  }
  // O_NOFOLLOW|O_NONBLOCK already refuse a swapped-in link and never block; the listing's type
  // spares a syscall (and a Stats object with its four Dates: 10,000 up files allocated 40,000).
  // A file read whole has its size checked by readBytes once it fills the shared buffer.
  if (listedAsRegular(path)) return fd;
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    const kind = stat.isFIFO() ? 'a FIFO' : stat.isDirectory() ? 'a directory' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a regular file';
    throw new UnsafePath(`it is ${kind}, not a regular file`);
  }
  if (whole && stat.size > MAX_FILE_BYTES) {
    closeSync(fd);
    throw new UnsafePath(tooLarge(stat.size));
  }
  return fd;
}

function tooLarge(size: number): string {
  return `it is ${Math.round(size / 2 ** 20)} MiB, more than the ${Math.floor(MAX_FILE_BYTES / 2 ** 20)} MiB a file can have to be read as text`;
}

/** A file too large to read whole: it is streamed (see readLineChunks). */
export interface LargeFile {
  readonly size: number;
}

function readBytes(path: string, streamAbove: number): Buffer | LargeFile {
  const fd = openRegular(path, streamAbove === Infinity);
  try {
    const n = readSync(fd, shared, 0, shared.length, 0);
    if (n < shared.length) return shared.subarray(0, n);
    const size = fstatSync(fd).size;
    if (size > streamAbove) return { size };
    if (size > MAX_FILE_BYTES) throw new UnsafePath(tooLarge(size));
    const all = Buffer.allocUnsafe(Math.max(size, n));
    shared.copy(all, 0, 0, n);
    let at = n;
    for (let got = 1; got > 0 && at < all.length; at += got) got = readSync(fd, all, at, all.length - at, at);
    return all.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** Why a file could not be read, as the problem to report. */
function openProblem(path: string, error: unknown): FileProblem {
  if (error instanceof UnsafePath) return problem('unsafe-path', path, 0, `not read: ${error.message}`, 'migration and seed files must be regular files inside their folder: replace it with the file itself');
  const code = (error as NodeJS.ErrnoException).code;
  // Listed but gone: a symbolic link to nothing (the folder names it, the file is not there), or deleted meanwhile.
  if (code === 'ENOENT') return problem('unreadable-file', path, 0, 'cannot read the file (ENOENT): the name is listed but the file is not there (a symbolic link to a missing file, or deleted while reading)', 'restore the file it points to, or remove the name from the folder');
  return problem('unreadable-file', path, 0, `cannot read the file (${code ?? String(error)})`, code === 'EACCES' || code === 'EPERM' ? 'check its permissions' : 'check the file and the disk it is on');
}

function nulProblem(path: string, line: number): FileProblem {
  return problem('nul-byte', path, line, 'the file contains a NUL byte: it is not a SQL text file', 'remove the NUL byte, or move the file out of the folder');
}

function utf8Problem(path: string, line: number): FileProblem {
  return problem('not-utf8', path, line, 'the file is not valid UTF-8', 'save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`); SQL files are read as UTF-8 only');
}

function linesBefore(bytes: Uint8Array, end: number): number {
  let lines = 0;
  for (let k = bytes.indexOf(0x0a); k >= 0 && k < end; k = bytes.indexOf(0x0a, k + 1)) lines++;
  return lines;
}

/** Reads a file as strict UTF-8; a bad byte or a NUL is reported with its line; only regular files inside the folder. */
export function readText(path: string, problems: FileProblem[]): string | null {
  const text = readTextOrLarge(path, problems, Infinity);
  return typeof text === 'string' ? text : null;
}

/** Like readText, except that a file over `streamAbove` bytes is not read: its size is returned, to be streamed. */
export function readTextOrLarge(path: string, problems: FileProblem[], streamAbove: number): string | LargeFile | null {
  let bytes: Buffer | LargeFile;
  try {
    bytes = readBytes(path, streamAbove);
  } catch (error) {
    problems.push(openProblem(path, error));
    return null;
  }
  if (!Buffer.isBuffer(bytes)) return bytes;
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    problems.push(nulProblem(path, 1 + linesBefore(bytes, nul)));
    return null;
  }
  if (!isUtf8(bytes)) {
    problems.push(utf8Problem(path, firstBadUtf8Line(bytes)));
    return null;
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A file's bytes as they are on disk (a copy), with the same checks on what is opened as readText; null (the problem noted) when it cannot be read. */
export function readFileBytes(path: string, problems: FileProblem[]): Buffer | null {
  try {
    const bytes = readBytes(path, Infinity);
    return Buffer.isBuffer(bytes) ? Buffer.from(bytes) : null;
  } catch (error) {
    problems.push(openProblem(path, error));
    return null;
  }
}

/** A read of a streamed file failed: the problem says where and why. */
export class FileReadProblem extends Error {
  constructor(readonly problem: FileProblem) {
    super(problem.message);
  }
}

/** A piece of a file: whole lines joined by LF (CRLF made LF, as splitLines reads them), without the last line's ending. */
export interface TextChunk {
  readonly text: string;
  /** How many lines it holds (its newlines plus one). */
  readonly lines: number;
}

/**
 * Reads a file a piece at a time, as whole lines, checked like readText: a NUL byte or bad
 * UTF-8 throws FileReadProblem with its line. Memory stays at about `chunkBytes` whatever
 * the file's size (a longer line is held whole).
 */
export function* readTextChunks(path: string, chunkBytes = 1 << 20): Generator<TextChunk> {
  let fd: number;
  try {
    fd = openRegular(path, false);
  } catch (error) {
    throw new FileReadProblem(openProblem(path, error));
  }
  const buffer = Buffer.allocUnsafe(chunkBytes + 4);
  let carry = '';
  let lineNo = 0;
  let held = 0; // bytes of a character cut by the previous read, moved to the buffer's start
  // `cutAtNewline`: the LF after the chunk was cut off, so a CR before it ends a line ending too.
  const chunk = (raw: string, cutAtNewline: boolean): TextChunk => {
    let text = raw;
    if (text.includes('\r')) {
      text = text.replace(/\r\n/g, '\n');
      if (cutAtNewline && text.endsWith('\r')) text = text.slice(0, -1);
    }
    const lines = 1 + newlines(text);
    lineNo += lines;
    return { text, lines };
  };
  try {
    for (let position = 0, first = true; ; first = false) {
      const n = readSync(fd, buffer, held, chunkBytes, position);
      position += n;
      const end = held + n;
      if (n === 0 && held === 0) break;
      // `carry` is the start of a line (no newline in it): lines so far are complete ones.
      const nul = buffer.subarray(held, end).indexOf(0);
      if (nul >= 0) throw new FileReadProblem(nulProblem(path, lineNo + 1 + linesBefore(buffer.subarray(0, end), held + nul)));
      const cut = n === 0 ? end : completeUtf8(buffer, end);
      const bytes = buffer.subarray(0, cut);
      if (!isUtf8(bytes)) throw new FileReadProblem(utf8Problem(path, lineNo + 1 + linesBefore(bytes, firstBadUtf8Offset(bytes))));
      const text = carry + bytes.toString('utf8', first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
      held = end - cut;
      buffer.copy(buffer, 0, cut, end);
      if (n === 0) {
        carry = text;
        break;
      }
      // A CR before the last LF stays with its line: cut after the LF.
      const last = text.lastIndexOf('\n');
      if (last < 0) {
        carry = text;
        continue;
      }
      carry = text.slice(last + 1);
      yield chunk(text.slice(0, last), true);
    }
    if (carry !== '') yield chunk(carry, false);
  } finally {
    closeSync(fd);
  }
}

function newlines(text: string): number {
  let count = 0;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) count++;
  return count;
}

/** The length of `buffer[0, end)` without a UTF-8 sequence cut at its end (kept for the next read). */
function completeUtf8(buffer: Buffer, end: number): number {
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = buffer[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? end - back : end;
  }
  return end;
}

/** Offset of the first byte that makes the buffer invalid UTF-8 (a sequence cut at the end is fine). */
function firstBadUtf8Offset(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // Largest prefix that decodes in stream mode: binary search on prefixes.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function firstBadUtf8Line(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (let k = 0; k <= bytes.length; k++) {
    if (k === bytes.length || bytes[k] === 0x0a) {
      try {
        utf8.decode(bytes.subarray(start, k));
      } catch {
        return line;
      }
      line++;
      start = k + 1;
    }
  }
  return 1;
}
