/** Commands that run over a fleet with --targets (`--only` then picks one target). */
const FLEET_COMMANDS = new Set(['upgrade', 'downgrade', 'stamp', 'status', 'check', 'lint']);

/**
 * A one-database hint said on a fleet target: each command it gives (`migrate-tui downgrade -1`)
 * would act on the default database if copied as it is. It names the target instead: a fleet
 * command through the targets file (`migrate-tui --targets --only eu-1 downgrade -1`), any other
 * command with that target's URL, which is not printed (it may hold a password).
 * `targetsFile`: the file given to --targets, or null for the default file.
 */
export function hintOnTarget(hint: string, name: string, targetsFile: string | null): string {
  const file = targetsFile === null ? '' : ` ${shellWord(targetsFile)}`;
  return hint.replace(/`migrate-tui ([a-z][a-z-]*)/g, (_whole, command: string) =>
    FLEET_COMMANDS.has(command) ? `\`migrate-tui --targets${file} --only ${name} ${command}` : `\`migrate-tui --url <${name}'s url> ${command}`,
  );
}

function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
