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
function openRegular(path: string): number {
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
  // O_NOFOLLOW|O_NONBLOCK already refuse a swapped-in link and never block; the listing's type spares a syscall.
  if (listedAsRegular(path)) return fd;
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    const kind = stat.isFIFO() ? 'a FIFO' : stat.isDirectory() ? 'a directory' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a regular file';
    throw new UnsafePath(`it is ${kind}, not a regular file`);
  }
  if (stat.size > MAX_FILE_BYTES) {
    closeSync(fd);
    throw new UnsafePath(tooLarge(stat.size));
  }
  return fd;
}

function tooLarge(size: number): string {
  return `it is ${Math.round(size / 2 ** 20)} MiB, more than the ${Math.floor(MAX_FILE_BYTES / 2 ** 20)} MiB a file can have to be read as text`;
}

function readBytes(path: string): Buffer {
  const fd = openRegular(path);
  try {
    const n = readSync(fd, shared, 0, shared.length, 0);
    if (n < shared.length) return shared.subarray(0, n);
    const size = fstatSync(fd).size;
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

/** Reads a file as strict UTF-8; a bad byte or a NUL is reported with its line; only regular files inside the folder. */
export function readText(path: string, problems: FileProblem[]): string | null {
  let bytes: Buffer;
  try {
    bytes = readBytes(path);
  } catch (error) {
    if (error instanceof UnsafePath) {
      problems.push(problem('unsafe-path', path, 0, `not read: ${error.message}`, 'migration and seed files must be regular files inside their folder: replace it with the file itself'));
      return null;
    }
    problems.push(problem('unreadable-file', path, 0, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'check its permissions'));
    return null;
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    let line = 1;
    for (let k = 0; k < nul; k++) if (bytes[k] === 0x0a) line++;
    problems.push(problem('nul-byte', path, line, 'the file contains a NUL byte: it is not a SQL text file', 'remove the NUL byte, or move the file out of the folder'));
    return null;
  }
  if (!isUtf8(bytes)) {
    problems.push(
      problem(
        'not-utf8',
        path,
        firstBadUtf8Line(bytes),
        'the file is not valid UTF-8',
        'save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`); SQL files are read as UTF-8 only',
      ),
    );
    return null;
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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
