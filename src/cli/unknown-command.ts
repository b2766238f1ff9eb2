import type { Command, Option } from 'commander';
import { loadEngine } from './engine.js';
import { otherToolEquivalent, otherToolOption } from './other-tool-commands.js';

/**
 * An unknown command says so and suggests the nearest one (`upgarde` → `upgrade`), instead
 * of commander's "too many arguments" from the default (no command) action.
 */
export async function checkCommandName(program: Command, argv: readonly string[]): Promise<void> {
  // Global options that take a value (read from the program, so a new one is never missed): their value is not a command name.
  const flags = (o: Option) => [o.long, o.short].filter((n): n is string => Boolean(n));
  const valueOptions = new Set(program.options.filter((o) => o.required).flatMap(flags));
  // An optional value (`--targets [file]`) is taken, as commander takes it, only when the next word is not an option.
  const optionalValues = new Set(program.options.filter((o) => o.optional).flatMap(flags));
  // Another tool's option spelling (`-path`, `--migrations-dir`), anywhere before `--`, where no command of ours has it.
  const known = new Set([program, ...program.commands].flatMap((c) => c.options.flatMap(flags)));
  for (const arg of argv) {
    if (arg === '--') break;
    const name = arg.split('=')[0]!;
    const theirs = arg.startsWith('-') && !known.has(name) ? otherToolOption(arg) : null;
    if (!theirs) continue;
    const { UsageError } = await loadEngine();
    throw new UsageError(`unknown option '${name}': ${theirs}`, 'see `migrate-tui --help` for the options; nothing ran', { option: name, equivalent: theirs });
  }
  let word: string | undefined;
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (arg === '--') return;
    if (arg.startsWith('-')) {
      // An option none of ours has (`--database <url>`): commander names it; the word after it is its value, not a command.
      if (!known.has(arg.split('=')[0]!)) return;
      if (valueOptions.has(arg) || (optionalValues.has(arg) && argv[k + 1] !== undefined && !argv[k + 1]!.startsWith('-'))) k++;
      continue;
    }
    word = arg;
    break;
  }
  if (word === undefined) return;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]).filter((n) => n !== 'help');
  if (names.includes(word) || word === 'help') return;
  const nearest = names.map((n) => ({ n, d: distance(word!, n) })).sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))[0];
  // Another tool's word (`up`, `goto`, `force`…) is said as ours, not answered with the nearest name (`up` → 'dump').
  const equivalent = otherToolEquivalent(word);
  const close = !equivalent && nearest && nearest.d <= Math.max(2, Math.floor(word.length / 3));
  // The engine (for its error type) is loaded only on this error path: a right name costs nothing.
  const { UsageError } = await loadEngine();
  throw new UsageError(
    `unknown command '${word}'${equivalent ? `: ${equivalent}` : close ? ` — did you mean '${nearest.n}'?` : ''}`,
    `the commands are: ${[...names].sort().join(', ')} (see \`migrate-tui --help\`)`,
    { command: word, ...(close ? { suggestion: nearest.n } : {}), ...(equivalent ? { equivalent } : {}) },
  );
}

/** Edit distance with adjacent transpositions (so `upgarde` is one step from `upgrade`). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
