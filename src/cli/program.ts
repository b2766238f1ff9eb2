import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import {
  DEFAULT_STATE_TABLES,
  findDialect,
  InvalidMigrationsError,
  isError,
  knownDialectSpellings,
  loadProject,
  MigrateTuiError,
  PlanError,
  requireTrustworthyGraph,
  TargetError,
  UsageError,
  WriteError,
  type DialectSyntax,
  type Project,
} from '../engine/index.js';
import type { CommandResult, GlobalOptions } from './command-result.js';
import { mergeCommand, revisionCommand } from './commands/authoring.js';
import { checkCommand } from './commands/check.js';
import { branchesCommand, headsCommand, historyCommand, showCommand } from './commands/graph-commands.js';
import { offlinePlanCommand } from './commands/offline-plan.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { TOOL_VERSION } from './version.js';

/** Runs one command line; returns the exit code. Never throws for a user's mistake. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  let json = argv.includes('--json');
  const emit = (result: CommandResult) => {
    io.out(json ? JSON.stringify(result.json, null, 2) + '\n' : result.text);
    exitCode = result.exitCode ?? EXIT.ok;
  };

  const program = buildProgram(io, async (action) => {
    const globals = action.globals;
    json = globals.json;
    emit(await action.run());
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof MigrateTuiError) {
      if (json) io.out(JSON.stringify({ error: error.toJSON() }, null, 2) + '\n');
      else io.err(`error: ${error.message}\n  → ${error.hint}\n`);
      return exitCodeFor(error);
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.err(`internal error in migrate-tui ${TOOL_VERSION} (please report it with this output):\n${detail}\n`);
    return EXIT.internal;
  }
  return exitCode;
}

function exitCodeFor(error: MigrateTuiError): number {
  if (error instanceof InvalidMigrationsError) return EXIT.invalidMigrations;
  if (error instanceof UsageError || error instanceof TargetError) return EXIT.usage;
  if (error instanceof PlanError || error instanceof WriteError) return EXIT.failed;
  return EXIT.failed;
}

interface Action {
  readonly globals: GlobalOptions;
  run(): CommandResult | Promise<CommandResult>;
}

function buildProgram(io: CliIo, perform: (action: Action) => Promise<void>): Command {
  const program = new Command('migrate-tui')
    .description('SQL-file migrations for PostgreSQL, MySQL/MariaDB and SQLite, with an Alembic-style revision graph')
    .version(TOOL_VERSION, '-V, --version')
    .option('--dir <folder>', 'migrations folder', 'migrations')
    .option('--json', 'print JSON (shapes in the README)', false)
    .option('-y, --yes', 'do not ask for confirmations (for scripts and CI)', false)
    .option('--dialect <name>', `SQL dialect for --sql and show: ${knownDialectSpellings()}`)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)');

  const globalsOf = (command: Command): GlobalOptions => {
    const o = command.optsWithGlobals() as Record<string, unknown>;
    return { dir: String(o.dir), json: Boolean(o.json), yes: Boolean(o.yes), ...(o.dialect ? { dialect: String(o.dialect) } : {}) };
  };
  /** Loads the folder; graph-reading commands go on past content-only problems, with a warning. */
  const project = (globals: GlobalOptions, options: { lazyDown?: boolean } = { lazyDown: true }): Project => {
    const loaded = loadProject(resolveDir(io, globals.dir), options);
    requireTrustworthyGraph(loaded);
    const errors = loaded.problems.filter(isError).length;
    if (errors > 0) io.err(`warning: ${errors} problem${errors === 1 ? '' : 's'} in ${loaded.dir}; run \`migrate-tui check\` for details\n`);
    return loaded;
  };
  const add = (command: Command, run: (command: Command, globals: GlobalOptions, ...args: unknown[]) => CommandResult | Promise<CommandResult>) => {
    command.action(async (...args: unknown[]) => {
      const self = args[args.length - 1] as Command;
      const globals = globalsOf(self);
      await perform({ globals, run: () => run(self, globals, ...args.slice(0, -2)) });
    });
    return command;
  };

  add(program.command('heads').description('list the revisions that nothing revises'), (_c, g) => headsCommand(project(g)));
  add(program.command('branches').description('list branch points and branch labels'), (_c, g) => branchesCommand(project(g)));
  add(program.command('history').description('draw the revision graph, newest first'), (_c, g) => historyCommand(project(g)));
  add(program.command('show').argument('<rev>', 'revision id, unique prefix or branch label').description('show one revision (with --dialect: its statements)'), (_c, g, rev) =>
    showCommand(project(g), String(rev), g.dialect ? dialectOption(g.dialect) : undefined),
  );
  add(
    program
      .command('check')
      .description('validate files and graph; exit 1 on problems (for CI)')
      .addOption(new Option('--max-heads <n>', 'fail when the graph has more heads than this').argParser(nonNegativeInt))
      .option('--dialects', 'print the dialect coverage matrix (revision × dialect)', false),
    (c, g) => {
      const o = c.opts() as { maxHeads?: number; dialects: boolean };
      const loaded = loadProject(resolveDir(io, g.dir));
      return checkCommand(loaded, { ...(o.maxHeads !== undefined ? { maxHeads: o.maxHeads } : {}), dialects: o.dialects });
    },
  );
  add(
    program
      .command('revision')
      .description('write a new .up.sql/.down.sql pair')
      .requiredOption('-m, --message <text>', 'what the revision does')
      .option('--revises <ids>', 'parents, comma-separated, or "base" (default: the single head)', commaList)
      .option('--branch <label>', 'start a labelled branch', commaList)
      .option('--depends-on <ids>', 'revisions that must be applied first', commaList)
      .option('--id <token>', 'version token for the file names (default: a UTC timestamp)'),
    (c, g) => {
      const { id, ...o } = c.opts() as { message: string; revises?: string[]; branch?: string[]; dependsOn?: string[]; id?: string };
      return revisionCommand(project(g), { ...o, ...(id ? { version: id } : {}) });
    },
  );
  add(
    program
      .command('merge')
      .description('write a merge revision joining heads (default: all heads)')
      .argument('[revs...]', 'revisions to join')
      .option('-m, --message <text>', 'message of the merge revision')
      .option('--id <token>', 'version token for the file names (default: a UTC timestamp)'),
    (c, g, revs) => {
      const { id, message } = c.opts() as { message?: string; id?: string };
      return mergeCommand(project(g), { revisions: (revs as string[]) ?? [], ...(message ? { message } : {}), ...(id ? { version: id } : {}) });
    },
  );
  for (const direction of ['upgrade', 'downgrade'] as const) {
    const command = program
      .command(direction)
      .description(direction === 'upgrade' ? 'apply revisions up to a target (default: heads)' : 'revert revisions down to a target (-1, base, an id…)')
      .argument(direction === 'upgrade' ? '[target]' : '<target>', 'target (see README: targets)')
      .option('--sql', 'print the SQL of the plan for --dialect instead of running it', false)
      .option('--from <revs>', 'with --sql: the state to plan from (comma-separated revisions, or base)');
    add(command, (c, g, target) => {
      const o = c.opts() as { sql: boolean; from?: string };
      const targetText = typeof target === 'string' ? target : 'heads';
      if (!o.sql) {
        throw new UsageError(
          `${direction} against a database is not available in this build yet`,
          `print the plan instead: migrate-tui ${direction} ${targetText} --sql --dialect <${knownDialectSpellings()}>`,
        );
      }
      if (!g.dialect) throw new UsageError('--sql needs --dialect when no database is given', `add --dialect with one of: ${knownDialectSpellings()}`);
      return offlinePlanCommand(project(g, {}), direction, targetText, dialectOption(g.dialect), o.from, DEFAULT_STATE_TABLES);
    });
  }

  // No command: the history until the database commands and the TUI exist.
  add(program, (_c, g) => historyCommand(project(g)));
  return program;
}

/** Paths stay as the user typed them (so messages read `migrations/…:3`) unless run elsewhere. */
function resolveDir(io: CliIo, dir: string): string {
  return isAbsolute(dir) || io.cwd === process.cwd() ? dir : resolve(io.cwd, dir);
}

function dialectOption(name: string): DialectSyntax {
  const dialect = findDialect(name);
  if (!dialect) throw new UsageError(`unknown dialect "${name}"`, `use one of: ${knownDialectSpellings()}`);
  return dialect;
}

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return Number(value);
}

function commaList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}
