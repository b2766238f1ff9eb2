import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * `migrate-tui --targets status`: commander would read `status` as --targets' file. An option
 * whose value is optional (`--targets [file]`) followed by a command name that is not a file
 * here is given no value: it moves after the command, where nothing follows it.
 */
export function placeOptionalValues(program: Command, argv: readonly string[], cwd: string): string[] {
  const optional = new Set(program.options.filter((o) => o.optional).flatMap((o) => [o.long, o.short].filter((n): n is string => Boolean(n))));
  const commands = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  const args = [...argv];
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  for (let k = 0; k < end - 1; k++) {
    const next = args[k + 1]!;
    if (optional.has(args[k]!) && commands.has(next) && !existsSync(resolve(cwd, next))) {
      const [flag] = args.splice(k, 1);
      args.splice(end - 1, 0, flag!);
      return args;
    }
  }
  return args;
}
