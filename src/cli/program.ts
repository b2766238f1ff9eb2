import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import {
  DEFAULT_BACKUP_DIR,
  riskLines,
  findDialect,
  readConfigFile,
  resolveConnection,
  InvalidMigrationsError,
  isError,
  knownDialectSpellings,
  loadProject,
  MigrateTuiError,
  PlanError,
  requireTrustworthyGraph,
  requireValid,
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
import {
  backupCommand,
  backupsCommand,
  restoreCommand,
  rollbackCommand,
  currentCommand,
  databaseCheck,
  downgradeCommand,
  exitCodeForError,
  initCommand,
  resolveCommand,
  seedCommand,
  stampCommand,
  stateTables,
  statusCommand,
  upgradeCommand,
  withMigrator,
  type DatabaseContext,
} from './commands/database-commands.js';
import { plainReporter } from './reporter.js';
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
    // A database's own error outside a migration (permissions, a dropped connection…): the user's to fix.
    if (isDriverError(error)) {
      const message = (error as Error).message;
      if (json) io.out(JSON.stringify({ error: { code: 'database-error', message, hint: 'see the database message', meta: {} } }, null, 2) + '\n');
      else io.err(`error: the database said: ${message}\n  → check the connection, permissions and the database's state\n`);
      return EXIT.failed;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.err(`internal error in migrate-tui ${TOOL_VERSION} (please report it with this output):\n${detail}\n`);
    return EXIT.internal;
  }
  return exitCode;
}

function isDriverError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return ['PostgresError', 'SqliteError'].includes(error.name) || 'sqlMessage' in error || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED'].includes((error as { code?: string }).code ?? '');
}

function exitCodeFor(error: MigrateTuiError): number {
  if (error instanceof InvalidMigrationsError) return EXIT.invalidMigrations;
  if (error instanceof UsageError || error instanceof TargetError) return EXIT.usage;
  if (error instanceof PlanError || error instanceof WriteError) return EXIT.failed;
  return exitCodeForError(error);
}

interface Action {
  readonly globals: GlobalOptions;
  run(): CommandResult | Promise<CommandResult>;
}

function buildProgram(io: CliIo, perform: (action: Action) => Promise<void>): Command {
  const program = new Command('migrate-tui')
    .description('SQL-file migrations for PostgreSQL, MySQL/MariaDB and SQLite, with an Alembic-style revision graph')
    .version(TOOL_VERSION, '-V, --version')
    .option('--dir <folder>', 'migrations folder (default: "migrations", or the config file\'s)')
    .option('--url <url>', 'database URL (else DATABASE_URL, DB_* variables, migrate-tui.config.json, sqlite:./migrate-tui.sqlite)')
    .addOption(new Option('--lock-timeout <seconds>', 'how long to wait for another run\'s lock').argParser(nonNegativeInt))
    .option('--json', 'print JSON (shapes in the README)', false)
    .option('-y, --yes', 'do not ask for confirmations (for scripts and CI)', false)
    .option('--dialect <name>', `SQL dialect for --sql and show: ${knownDialectSpellings()}`)
    .option('--read-only', 'the TUI disables every action that changes the database or files', false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)');

  let config: ReturnType<typeof readConfigFile> | undefined;
  const configFile = () => (config ??= readConfigFile(io.cwd));
  const globalsOf = (command: Command): GlobalOptions => {
    const o = command.optsWithGlobals() as Record<string, unknown>;
    return {
      dir: o.dir ? String(o.dir) : (configFile().migrations ?? 'migrations'),
      json: Boolean(o.json),
      yes: Boolean(o.yes),
      ...(o.dialect ? { dialect: String(o.dialect) } : {}),
      ...(o.url ? { url: String(o.url) } : {}),
      ...(o.lockTimeout !== undefined ? { lockTimeout: Number(o.lockTimeout) } : {}),
      readOnly: Boolean(o.readOnly),
    };
  };
  const database = (g: GlobalOptions): DatabaseContext => {
    const cfg = configFile();
    return {
      io,
      target: resolveConnection({ url: g.url, cwd: io.cwd, env: io.env, config: cfg }),
      config: cfg,
      yes: g.yes,
      lockTimeoutMs: (g.lockTimeout ?? cfg.lockTimeout ?? 60) * 1000,
      onEvent: plainReporter(io),
    };
  };
  /** A database is configured (not only the embedded default), or the default file exists. */
  const hasDatabase = (g: GlobalOptions): boolean => {
    const ctx = database(g);
    return ctx.target.source !== 'the embedded default' || existsSync(ctx.target.file!);
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
      .option('--dialects', 'print the dialect coverage matrix (revision × dialect)', false)
      .option('--offline', 'check only the files, even when a database is configured', false),
    async (c, g) => {
      const o = c.opts() as { maxHeads?: number; dialects: boolean; offline: boolean };
      const loaded = loadProject(resolveDir(io, g.dir));
      const files = checkCommand(loaded, { ...(o.maxHeads !== undefined ? { maxHeads: o.maxHeads } : {}), dialects: o.dialects });
      if (o.offline || !hasDatabase(g)) return files;
      requireTrustworthyGraph(loaded);
      const db = await databaseCheck(database(g), loaded);
      return {
        text: files.text + db.lines.join('\n') + `\ndatabase: ${db.errors} error${db.errors === 1 ? '' : 's'}\n`,
        json: { ...(files.json as object), ok: (files.json as { ok: boolean }).ok && db.errors === 0, database: db.json },
        exitCode: files.exitCode === EXIT.ok && db.errors === 0 ? EXIT.ok : EXIT.failed,
      };
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
      .description(direction === 'upgrade' ? 'apply revisions up to a target (default: heads)' : 'revert revisions down to a target (-1, base, an id…); asks first')
      .argument(direction === 'upgrade' ? '[target]' : '<target>', 'target (see README: targets)')
      .option('--sql', 'print the SQL of the plan instead of running it (never writes)', false)
      .option('--from <revs>', 'with --sql: the state to plan from (comma-separated revisions, or base)');
    if (direction === 'upgrade') command.option('--out-of-order', 'also apply revisions below applied ones (merged late)', false);
    if (direction === 'downgrade') {
      command
        .option('--dry-run', 'print the preview (plan, formatted SQL, data at risk) and stop', false)
        .option('--no-backup', 'do not take a backup first')
        .option('--backup-dir <folder>', 'where backups go (default: "backups", or the config file\'s)');
    }
    add(command, async (c, g, target) => {
      const o = c.opts() as { sql: boolean; from?: string; outOfOrder?: boolean; dryRun?: boolean; backup?: boolean; backupDir?: string };
      const targetText = typeof target === 'string' ? target : 'heads';
      const loaded = project(g, {});
      if (o.sql) {
        // With a database and no --from, plan from what the database holds.
        if (!o.from && (g.url || hasDatabase(g)) && !g.dialect) {
          return withMigrator(database(g), loaded, async (m) => {
            const state = await m.readState();
            const from = [...state.applied].join(',') || 'base';
            const plan = offlinePlanCommand(loaded, direction, targetText, m.db.syntax, from, stateTables(configFile()), new Set(state.applied));
            if (direction === 'upgrade') return plan;
            // A downgrade's SQL starts with what it destroys, counted now.
            const preview = await m.downgradePreview(targetText);
            return { ...plan, text: riskLines(preview).map((l) => `-- ${l}`).join('\n') + '\n' + plan.text, json: { ...(plan.json as object), dataAtRisk: preview.dataAtRisk } };
          });
        }
        if (!g.dialect) throw new UsageError('--sql needs --dialect when no database is given', `add --dialect with one of: ${knownDialectSpellings()}`);
        return offlinePlanCommand(loaded, direction, targetText, dialectOption(g.dialect), o.from, stateTables(configFile()));
      }
      requireValid(loaded);
      return direction === 'upgrade'
        ? upgradeCommand(database(g), loaded, targetText, Boolean(o.outOfOrder), g.json)
        : downgradeCommand(database(g), loaded, targetText, g.json, { dryRun: Boolean(o.dryRun), backup: o.backup !== false, backupDir: backupDir(o.backupDir) });
    });
  }

  const backupDir = (option?: string) => resolve(io.cwd, option ?? configFile().backups ?? DEFAULT_BACKUP_DIR);
  add(
    program.command('backup').description('back up the database into backups/ (mode 0600, with a manifest)').option('--out <file>', 'write the backup to this file').option('--backup-dir <folder>', 'where backups go'),
    (c, g) => {
      const o = c.opts() as { out?: string; backupDir?: string };
      return backupCommand(database(g), project(g), backupDir(o.backupDir), o.out ? resolve(io.cwd, o.out) : undefined);
    },
  );
  add(program.command('backups').description('list the backups').option('--backup-dir <folder>', 'where backups are'), (c) => backupsCommand(backupDir((c.opts() as { backupDir?: string }).backupDir)));
  add(
    program.command('restore').argument('<file>', 'a backup file (see `backups`)').description('restore a backup and set the version rows as they were (asks first)'),
    (_c, g, file) => restoreCommand(database(g), project(g, {}), resolve(io.cwd, String(file)), g.json),
  );
  add(
    program.command('rollback').description('on-call view: the last steps and what rolling back the latest would do').addOption(new Option('--last <n>', 'how many steps to show').argParser(nonNegativeInt).default(10)),
    (c, g) => (interactive(g) ? openTui(g, 'rollback') : rollbackCommand(database(g), project(g, {}), (c.opts() as { last: number }).last)),
  );
  add(program.command('init').description('create the state tables (also done on first use)'), (_c, g) => initCommand(database(g), project(g)));
  add(program.command('status').description('current heads, pending, dirty, gaps, missing files, drift'), (_c, g) => statusCommand(database(g), project(g, {})));
  add(program.command('current').description('the version rows: what the database is at'), (_c, g) => currentCommand(database(g), project(g)));
  add(program.command('stamp').argument('<target>', 'target').description('set the version rows to a target without running SQL (asks first when going back)'), (_c, g, target) => {
    const loaded = project(g, {});
    return stampCommand(database(g), loaded, String(target), g.json);
  });
  add(
    program
      .command('resolve')
      .argument('<rev>', 'the revision of the unfinished step')
      .description('clear a dirty database: --resume runs the rest; --reverse undoes the step; --applied/--reverted only record')
      .addOption(new Option('--resume', 'run the statements that did not run').conflicts(['reverse', 'applied', 'reverted']))
      .addOption(new Option('--reverse', 'run the other direction (the down of an unfinished up) as a new step').conflicts(['applied', 'reverted']))
      .addOption(new Option('--applied', 'record the revision as applied (you finished it by hand)').conflicts(['reverted']))
      .addOption(new Option('--reverted', 'record the revision as not applied (you undid it by hand)')),
    (c, g, rev) => {
      const o = c.opts() as { resume?: boolean; reverse?: boolean; applied?: boolean; reverted?: boolean };
      const mode = o.resume ? 'resume' : o.reverse ? 'reverse' : o.applied ? 'applied' : o.reverted ? 'reverted' : null;
      if (!mode) throw new UsageError('resolve needs one of --resume, --reverse, --applied or --reverted', 'see `migrate-tui status` for what ran, then choose');
      return resolveCommand(database(g), project(g, {}), String(rev), mode, g.json);
    },
  );
  add(
    program.command('seed').description('run seeds/*.sql in name order; unchanged seeds are skipped').option('--seeds <folder>', 'seeds folder (default: "seeds", or the config file\'s)'),
    (c, g) => {
      const o = c.opts() as { seeds?: string };
      return seedCommand(database(g), project(g), resolve(io.cwd, o.seeds ?? configFile().seeds ?? 'seeds'), g.json);
    },
  );

  /** On a terminal (and not --json): the TUI; else the headless form. */
  const openTui = async (g: GlobalOptions, variant: 'main' | 'rollback'): Promise<CommandResult> => {
    const loaded = project(g, {});
    requireTrustworthyGraph(loaded);
    const ctx = database(g);
    // Ink draws only the last frame when CI is set (is-in-ci, read when Ink loads). The TUI
    // opens only on a real terminal, so a CI variable inherited from a shell must not blank it.
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    const { runTui } = await import('../tui/run-tui.js');
    const code = await runTui({
      dir: loaded.dir,
      target: ctx.target,
      tables: stateTables(ctx.config),
      toolVersion: TOOL_VERSION,
      lockTimeoutMs: ctx.lockTimeoutMs,
      backupDir: backupDir(),
      readOnly: g.readOnly ?? false,
      variant,
    });
    return { text: '', json: null, exitCode: code };
  };
  const interactive = (g: GlobalOptions) => io.stdinIsTTY && io.stdoutIsTTY && !g.json;

  // No command: the TUI on a terminal, else the status.
  add(program, (_c, g) => (interactive(g) ? openTui(g, 'main') : statusCommand(database(g), project(g, {}))));
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
