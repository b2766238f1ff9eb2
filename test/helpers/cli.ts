import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/program.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output; `cwd` resolves relative --dir. */
export async function cli(args: string[], options: { cwd?: string; env?: Record<string, string>; tty?: boolean; answers?: string[] } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    // A fresh working directory: backups/ and the default database land there, not in the repo.
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'migrate-tui-cwd-')),
    env: options.env ?? {},
    stdinIsTTY: options.tty ?? false,
    stdoutIsTTY: options.tty ?? false,
    out: (s) => void (stdout += s),
    err: (s) => void (stderr += s),
    ask: async (question) => {
      stderr += question;
      const answer = options.answers?.shift();
      if (answer === undefined) throw new Error(`unexpected question: ${question}`);
      return answer;
    },
  });
  return { code, stdout, stderr };
}

/** The shipped binary: the bundle package.json's `bin` names (scripts/bundle.mjs). */
export const BIN = fileURLToPath(new URL('../../bin/main.js', import.meta.url));

/** Runs the built binary as a user would. */
export function binary(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The built binary, awaited without blocking: binary()'s spawnSync stops every other test of
 * the worker meanwhile, with whatever connections and locks they hold.
 */
export async function binaryAsync(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Starts the built binary without waiting for it. */
export function start(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  child.stdout.on('data', (d) => (stdout += String(d)));
  const exit = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : 0))));
  return { child, exit, stderr: () => stderr, stdout: () => stdout };
}
