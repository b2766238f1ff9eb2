import { spawn } from 'node:child_process';
import { BackupToolError, findExecutable, toolVersion } from '../dialects/dump-tools.js';

/** A schema dump tool found on PATH, with its version as it prints it. */
export interface DumpTool {
  readonly path: string;
  readonly name: string;
  readonly version: string;
  readonly major: number;
  readonly minor: number;
}

/**
 * The first of `names` on PATH, checked against the server's major version (`serverMajor`, 0:
 * unchecked; `pattern`: its version in `--version`'s text, major first). Missing, or older than the server, is the BackupToolError (exit 8) that names
 * what to install; `install` is that hint.
 */
export function schemaDumpTool(names: readonly string[], serverMajor: number, install: string, pattern: RegExp, product: RegExp | null = null): DumpTool {
  const path = findExecutable(...names);
  if (!path) throw new BackupToolError(`${names.join(' or ')} is not installed (not on PATH), so the schema cannot be dumped`, install, { tools: names });
  const name = path.split('/').pop()!;
  const found = toolVersion(path, pattern);
  const minor = Number(/\d+\.(\d+)/.exec(found?.text ?? '')?.[1] ?? 0);
  // A MySQL tool against MariaDB (or the reverse) numbers its versions otherwise: not compared.
  const comparable = !product || (found !== null && product.test(found.text));
  if (found && comparable && serverMajor > 0 && found.major < serverMajor) {
    throw new BackupToolError(`${name} ${found.text} is older than the server (major version ${serverMajor}) and cannot dump its schema`, install, { tool: name, serverMajor, toolVersion: found.text });
  }
  return { path, name, version: found?.text ?? 'unknown version', major: found?.major ?? 0, minor };
}

/**
 * Runs a dump tool and returns what it printed. Secrets go in `env`, never in arguments. A
 * failure is a BackupToolError with the tool's last lines of stderr.
 */
export function runDumpTool(tool: DumpTool, args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(tool.path, args as string[], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d) => (stderr += String(d)));
    child.on('error', (e) => reject(new BackupToolError(`cannot run ${tool.path}: ${e.message}`, 'check the tool is installed')));
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const why = stderr.trim().split('\n').slice(-3).join(' ') || 'no message';
      reject(new BackupToolError(`${tool.name} failed (exit ${code}): ${why}`, "see the dump tool's message above", { tool: tool.name, exitCode: code }));
    });
  });
}

/**
 * dbmate's TrimLeadingSQLComments: drops the comment and blank lines before the first statement
 * (they name the host and the tool's version) and the spaces at the end of every line.
 */
export function trimLeadingComments(text: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let start = 0;
  while (start < lines.length && (lines[start] === '' || lines[start]!.startsWith('--'))) start++;
  return lines.slice(start).map((l) => l.replace(/\s+$/, '') + '\n').join('');
}
