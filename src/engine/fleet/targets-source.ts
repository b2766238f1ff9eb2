import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { jsonErrorOffset, lineAt } from '../json-position.js';
import { TargetsFileError, TARGETS_FILE, validateTargets, type Fleet } from './targets.js';

/** How long a `"command"` source may take to print its list (seconds), unless the file says `"timeout"`. */
export const DEFAULT_COMMAND_TIMEOUT = 30;

/**
 * Reads a targets file (default `migrate-tui.targets.json` in `cwd`). `{"command": "...",
 * "timeout"?: seconds}` runs the command (in a shell, in the file's folder, with a timeout)
 * and reads its standard output as the list.
 */
export function readTargets(file: string | undefined, cwd: string, env: Readonly<Record<string, string | undefined>>): Fleet {
  const path = resolve(cwd, file ?? TARGETS_FILE);
  const shown = file ?? TARGETS_FILE;
  if (!existsSync(path)) throw new TargetsFileError(shown, 'no such file', file ? 'check the path given to --targets' : `create ${TARGETS_FILE} (a list of {"name", "url", "stage"?, "tags"?}), or pass --targets <file>`, { path });
  const parsed = parseJson(readFileSync(path, 'utf8'), shown, 'fix the JSON');
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'command' in parsed) {
    const source = parsed as { command?: unknown; timeout?: unknown; targets?: unknown };
    if (typeof source.command !== 'string' || source.command.trim() === '') throw new TargetsFileError(shown, '"command" must be a shell command that prints the targets as JSON', 'e.g. {"command": "./list-tenants.sh", "timeout": 30}');
    if (source.targets !== undefined) throw new TargetsFileError(shown, 'give either "command" or "targets", not both', 'drop one of them');
    const timeout = source.timeout ?? DEFAULT_COMMAND_TIMEOUT;
    if (typeof timeout !== 'number' || !(timeout > 0)) throw new TargetsFileError(shown, '"timeout" must be a number of seconds above 0', 'e.g. "timeout": 30');
    return validateTargets(runSource(source.command, timeout, resolve(path, '..'), env, shown), `${shown} (command "${source.command}")`, env, cwd);
  }
  return validateTargets(parsed, shown, env, cwd);
}

function runSource(command: string, timeoutSeconds: number, cwd: string, env: Readonly<Record<string, string | undefined>>, shown: string): unknown {
  const what = `the targets command "${command}"`;
  const r = spawnSync(command, { shell: true, cwd, env: { ...env } as NodeJS.ProcessEnv, encoding: 'utf8', timeout: timeoutSeconds * 1000, input: '', maxBuffer: 64 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') throw new TargetsFileError(shown, `${what} did not finish within ${timeoutSeconds} s (stopped)`, 'make it faster, or raise "timeout" in the targets file');
  if (r.error) throw new TargetsFileError(shown, `${what} could not run: ${r.error.message}`, 'check the command');
  if (r.signal) throw new TargetsFileError(shown, `${what} was killed by ${r.signal}`, 'check the command');
  if (r.status !== 0) {
    const stderr = (r.stderr ?? '').trim().split('\n').slice(-3).join('\n');
    throw new TargetsFileError(shown, `${what} exited with code ${r.status}${stderr ? `:\n${stderr}` : ''}`, 'run the command by hand to see why');
  }
  return parseJson(r.stdout ?? '', `${shown} (output of "${command}")`, 'the command must print the list of targets as JSON on standard output', true);
}

/** `output`: the text is a command's output (no file): its line is said, not written as origin:line. */
function parseJson(text: string, origin: string, hint: string, output = false): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the text (and so a password): say only where. Node 20's
    // message has no position for most errors (an unexpected token, an early end): find it.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const offset = text.trim() === '' ? null : (jsonErrorOffset(text) ?? (position === undefined ? null : Number(position)));
    const line = offset === null ? null : lineAt(text, offset);
    throw new TargetsFileError(line === null || output ? origin : `${origin}:${line}`, `not valid JSON${line === null ? (text.trim() === '' ? ' (empty)' : '') : ` (line ${line}${output ? ' of its output' : ''})`}`, hint);
  }
}
