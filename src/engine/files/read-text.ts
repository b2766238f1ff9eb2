import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { problem, type FileProblem } from '../problems.js';

/** One buffer reused for every small file: no fstat and no allocation per read. */
const shared = Buffer.allocUnsafe(1 << 16);

function readBytes(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, shared, 0, shared.length, 0);
    if (n < shared.length) return shared.subarray(0, n);
  } finally {
    closeSync(fd);
  }
  return readFileSync(path);
}

/** Reads a file as strict UTF-8; a bad byte is reported with its line. */
export function readText(path: string, problems: FileProblem[]): string | null {
  let bytes: Buffer;
  try {
    bytes = readBytes(path);
  } catch (error) {
    problems.push(problem('unreadable-file', path, 0, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'check its permissions'));
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
