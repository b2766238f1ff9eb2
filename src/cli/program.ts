import { Command, CommanderError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandPlace, ConfigFile, ConnectionTarget, Project } from '../engine/index.js';
import { engine, loadEngine } from './engine.js';
import type { CommandResult, GlobalOptions } from './command-result.js';
import { registerAuthoringCommands } from './commands/authoring.js';
import { registerCheckCommand } from './commands/check.js';
import { lockLimitsOf, registerStateCommands, stateTables, statusCommand } from './commands/database-commands.js';
import { registerWaitCommand } from './commands/wait-command.js';
import { registerGraphCommands } from './commands/graph-commands.js';
import { registerLintCommand } from './commands/lint-command.js';
import { lintStoreFor } from './commands/lint-report.js';
import { registerInitCommand } from './commands/init.js';
import { registerMigrateCommands } from './commands/migrate-commands.js';
import { registerSafetyCommands } from './commands/safety-commands.js';
import { registerSchemaCommands } from './commands/schema-commands.js';
import { schemaLockWaitMs } from './commands/schema-file.js';
import { registerVerifyCommand } from './commands/verify-command.js';
import { registerImportCommand } from './commands/import-command.js';
import { fleetCommand } from './commands/fleet-command.js';
import { openFleetTui, tuiEnvironment } from './commands/fleet-tui.js';
import { plainReporter } from './reporter.js';
import { addAlembicHelp } from './alembic-map.js';
import { checkCommandName } from './unknown-command.js';
import { placeOptionalValues } from './optional-values.js';
import { checkLintCodes } from './lint-codes.js';
import { EXIT } from './exit-codes.js';
import { DIALECT_SPELLINGS } from './dialect-spellings.js';
import type { CliIo } from './io.js';
import type { EarlyFrame } from '../tui/early-frame.js';
import { TOOL_VERSION } from './version.js';
import { reportError } from './error-report.js';
import { commaList, leaseSettings, nonNegativeInt, parallelism, placeOf, positiveInt, folderOfDirOption, resolveDir, waitDuration, withCapabilities, type DatabaseContext, type Wiring } from './wiring.js';
import { folderErrorsWarning } from './error-text.js';

/** Runs one command line; returns the exit code. Never throws for a user's mistake. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  let json = argv.includes('--json');
  let place: CommandPlace = { url: false };
  const emit = (result: CommandResult) => {
    if (!result.written) io.out(json ? JSON.stringify(result.json, null, 2) + '\n' : result.text);
    if (!json && result.textChunks) {
      // Written in pieces of about 64 KiB: one write per step was 50,000 writes for 50,000 steps.
      let pending = '';
      for (const chunk of result.textChunks()) {
        pending += chunk;
        if (pending.length >= 65536) {
          io.out(pending);
          pending = '';
        }
      }
      io.out(pending);
    }
    exitCode = result.exitCode ?? EXIT.ok;
  };

  const program = buildProgram(io, async (action) => {
    const globals = action.globals;
    json = globals.json;
    place = placeOf(globals);
    emit(await action.run());
  });

  try {
    const args = placeOptionalValues(program, argv, io.cwd);
    await checkCommandName(program, args);
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      // Said on stderr by commander; with --json also as every error is (`upgrade --frob --json` printed nothing on stdout).
      if (json) {
        const message = error.message.replace(/^error: /, '');
        io.out(JSON.stringify({ error: { code: 'usage', message, hint: 'nothing ran; run with --help for usage', meta: { commander: error.code } } }, null, 2) + '\n');
      }
      return EXIT.usage;
    }
    return reportError(error, io, json, place);
  }
  return exitCode;
}

export { DIALECT_SPELLINGS };

interface Action {
  readonly globals: GlobalOptions;
  run(): CommandResult | Promise<CommandResult>;
}

function buildProgram(io: CliIo, perform: (action: Action) => Promise<void>): Command {
  const program = new Command('migrate-tui')
    .description('SQL-file migrations for PostgreSQL, MySQL/MariaDB and SQLite, with an Alembic-style revision graph')
    .version(TOOL_VERSION, '-V, --version')
    .option('--dir <folder>', 'migrations folder (default: "migrations", or the config file\'s)')
    // Repeatable for `verify` (one server per dialect); other commands use the last one.
    .option('--url <url>', 'database URL (else DATABASE_URL, DB_* variables, migrate-tui.config.json, sqlite:./migrate-tui.sqlite)', (v: string, previous: string[] | undefined) => [...(previous ?? []), v])
    .addOption(new Option('--lock-timeout <seconds>', 'how long to wait for another run\'s lock').argParser(nonNegativeInt))
    .addOption(new Option('--connect-timeout <seconds>', 'how long connecting may take, handshake included (default 10)').argParser(positiveInt))
    .option('--wait', "wait for a database server that is not up yet (connection refused, starting up), as dbmate's --wait", false)
    .addOption(new Option('--wait-timeout <duration>', 'how long --wait waits: seconds, or 90s, 2m (default 60 s); implies --wait').argParser(waitDuration))
    .option('--json', 'print JSON (shapes in the README)', false)
    .option('-y, --yes', 'do not ask for confirmations (for scripts and CI)', false)
    .option('--dialect <name>', `SQL dialect for --sql and show (import alembic: several, comma-separated): ${DIALECT_SPELLINGS}`)
    .option('--read-only', 'the TUI disables every action that changes the database or files', false)
    .option('--capabilities <list>', 'set what the server can do instead of detecting it, e.g. advisoryLocks=false (flags: advisoryLocks, transactionalDdl, concurrently)')
    .option('--steal-stale-lock', 'take over a lease lock whose owner stopped renewing it (servers without advisory locks); a live lease is never taken', false)
    .option('--targets [file]', `run status, check, lint, upgrade, downgrade or stamp on every database of a fleet; with no command, the fleet view (default file: migrate-tui.targets.json)`)
    .option('--only <names>', 'with --targets: only these targets (comma-separated names, and tag:NAME for a tag)', commaList)
    .addOption(new Option('--parallel <n>', 'with --targets: at most this many targets at once per server (default 4)').argParser(parallelism))
    .option('--continue-on-error', 'with --targets: a failed or refused target does not stop the later stages', false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(nothing ran; run with --help for usage)');

  let config: ConfigFile | undefined;
  const configFile = () => (config ??= checkLintCodes(engine.readConfigFile(io.cwd)));
  const globalsOf = (command: Command): GlobalOptions => {
    const o = command.optsWithGlobals() as Record<string, unknown>;
    return {
      dir: o.dir ? folderOfDirOption(String(o.dir)) : (configFile().migrations ?? 'migrations'),
      json: Boolean(o.json),
      yes: Boolean(o.yes),
      ...(o.dialect ? { dialect: String(o.dialect) } : {}),
      ...(Array.isArray(o.url) && o.url.length > 0 ? { url: String(o.url[o.url.length - 1]), urls: (o.url as unknown[]).map(String) } : {}),
      ...(o.lockTimeout !== undefined ? { lockTimeout: Number(o.lockTimeout) } : {}),
      ...(o.connectTimeout !== undefined ? { connectTimeout: Number(o.connectTimeout) } : {}),
      ...(o.wait || o.waitTimeout !== undefined ? { waitSeconds: o.waitTimeout === undefined ? 60 : Number(o.waitTimeout) } : {}),
      readOnly: Boolean(o.readOnly),
      ...(o.capabilities !== undefined ? { capabilities: String(o.capabilities) } : {}),
      ...(o.stealStaleLock ? { stealStaleLock: true } : {}),
      ...(o.targets !== undefined ? { targets: o.targets === true ? (true as const) : String(o.targets) } : {}),
      ...(Array.isArray(o.only) ? { only: (o.only as unknown[]).map(String) } : {}),
      ...(o.parallel !== undefined ? { parallel: Number(o.parallel) } : {}),
      ...(o.continueOnError ? { continueOnError: true } : {}),
    };
  };
  /** A fleet target's connection with the settings one database gets (connect timeout, SQLite foreign keys, capabilities). */
  const targetConnection = (target: ConnectionTarget, g: GlobalOptions): ConnectionTarget => {
    const cfg = configFile();
    return withCapabilities({ ...target, ...(target.kind === 'sqlite' ? { sqliteForeignKeys: cfg.sqlite?.foreignKeys ?? false } : { connectTimeoutMs: (g.connectTimeout ?? cfg.connectTimeout ?? 10) * 1000, ...waitOf(g) }) }, g.capabilities, cfg);
  };
  const database = (g: GlobalOptions): DatabaseContext => {
    const cfg = configFile();
    const slot = g.fleetTarget;
    // A fleet target: its own connection, output and cancel handling; the fleet asked once.
    const locking = { lockTimeoutMs: (g.lockTimeout ?? cfg.lockTimeout ?? 60) * 1000, lease: leaseSettings(cfg, io.env), stealStaleLock: g.stealStaleLock ?? false };
    if (slot) return { io: slot.io, target: targetConnection(slot.target, g), config: cfg, yes: true, ...locking, onEvent: slot.onEvent, guard: slot.guard, fleet: true };
    return {
      io,
      target: withCapabilities({ ...engine.resolveConnection({ url: g.url, cwd: io.cwd, env: io.env, config: cfg, connectTimeout: g.connectTimeout }), ...waitOf(g) }, g.capabilities, cfg),
      config: cfg,
      yes: g.yes,
      ...locking,
      onEvent: plainReporter(io),
    };
  };
  const loadedOnce = new Map<string, Project>();
  let early: EarlyFrame | null = null;
  const project = (globals: GlobalOptions, options: { lazyDown?: boolean; refusesOnErrors?: boolean } = { lazyDown: true }): Project => {
    // A fleet run reads the folder once for all its targets.
    const key = JSON.stringify([globals.dir, options]);
    if (globals.fleetTarget && loadedOnce.has(key)) return loadedOnce.get(key)!;
    const dialects = configFile().dialects;
    const { refusesOnErrors, ...read } = options;
    const loaded = engine.loadProject(resolveDir(io, globals.dir), { ...read, ...(dialects ? { dialects } : {}) });
    engine.requireTrustworthyGraph(loaded);
    const errors = loaded.problems.filter(engine.isError).length;
    // A command that refuses on errors lists them itself: the problems are printed once.
    if (errors > 0 && !refusesOnErrors) io.err(folderErrorsWarning(errors, loaded.dir));
    if (globals.fleetTarget) loadedOnce.set(key, loaded);
    return loaded;
  };
  const backupDir = (option?: string, g?: GlobalOptions) => resolve(io.cwd, option ?? configFile().backups ?? engine.DEFAULT_BACKUP_DIR, g?.fleetTarget?.name ?? '');
  const wiring: Wiring = {
    io,
    configFile,
    database,
    project,
    backupDir,
    hasDatabase: (g) => {
      const ctx = database(g);
      return ctx.target.source !== engine.EMBEDDED_DEFAULT || existsSync(ctx.target.file!);
    },
    add: (command, run, fleet = 'each') => {
      command.action(async (...args: unknown[]) => {
        const self = args[args.length - 1] as Command;
        // The TUI's first frame comes before the engine loads (see tui/early-frame.ts).
        const raw = self.optsWithGlobals() as Record<string, unknown>;
        if ((self === program || (self.name() === 'rollback' && raw.targets === undefined)) && io.stdinIsTTY && io.stdoutIsTTY && !raw.json) {
          const { drawEarlyFrame } = await import('../tui/early-frame.js');
          early = drawEarlyFrame(io.out, process.stdout);
        }
        try {
          await loadEngine();
          await action(self, args);
        } finally {
          early?.leave();
          early = null;
        }
      });
      return command;
      async function action(self: Command, args: unknown[]): Promise<void> {
        const globals = globalsOf(self);
        const rest = args.slice(0, -2);
        if (globals.targets === undefined) {
          if (globals.only || globals.parallel !== undefined || globals.continueOnError) throw new engine.UsageError('--only, --parallel and --continue-on-error go with --targets', `add --targets (default file: migrate-tui.targets.json)`);
          await perform({ globals, run: () => run(self, globals, ...rest) });
        } else {
          if (globals.url) throw new engine.UsageError('give either --url or --targets', '--targets runs on the databases its file lists');
          if (fleet === 'own') await perform({ globals, run: () => run(self, globals, ...rest) });
          else await perform({ globals, run: () => fleetCommand(wiring, self, globals, (g) => run(self, g, ...rest), rest[0]) });
        }
      }
    },
    interactive: (g) => io.stdinIsTTY && io.stdoutIsTTY && !g.json,
    openTui: async (g, variant) => {
      const ctx = database(g);
      // The first frame, drawn before the engine loaded (`add`), then each phase on it.
      if (!early) early = (await import('../tui/early-frame.js')).drawEarlyFrame(io.out, process.stdout);
      early.database(ctx.target.display, g.readOnly ?? false);
      let warning = '';
      try {
        early.phase(`indexing ${resolveDir(io, g.dir)}…`);
        // Read once, down files lazily (a screen or plan reads them), and handed to the TUI.
        // Its problems are counted after the screen closes (written now, they would be lost with the alternate screen).
        const loaded = project(g, { lazyDown: true, refusesOnErrors: true });
        const errors = loaded.problems.filter(engine.isError).length;
        if (errors > 0) warning = folderErrorsWarning(errors, loaded.dir);
        const indexed = `${String(loaded.graph.size).replace(/\B(?=(\d{3})+$)/g, ',')} revision${loaded.graph.size === 1 ? '' : 's'} indexed`; // not toLocaleString: ICU's first load, ~17 ms
        tuiEnvironment();
        // The session first (no Ink in it): Ink loads once the history is drawn (run-tui.tsx).
        const { runTui } = await import('../tui/run-tui.js');
        early.phase(`${indexed}; reading the database…`);
        const code = await runTui({
          dir: loaded.dir,
          target: ctx.target,
          tables: stateTables(ctx.config),
          toolVersion: TOOL_VERSION,
          lockTimeoutMs: ctx.lockTimeoutMs,
          lockLimits: lockLimitsOf(ctx.config),
          lease: ctx.lease,
          stealStaleLock: ctx.stealStaleLock,
          backupDir: backupDir(),
          readOnly: g.readOnly ?? false,
          project: loaded,
          lintStore: lintStoreFor(io.env, g.readOnly ?? false),
          waiting: { waiting: (reason, waitMs) => early?.phase(`${indexed}; waiting for the server (${reason}), up to ${waitMs / 1000} s (--wait)…`), up: () => early?.phase(`${indexed}; reading the database…`) },
          ...(ctx.config.schemaFile !== undefined ? { schemaFile: { path: resolve(io.cwd, ctx.config.schemaFile), shown: ctx.config.schemaFile, lockWaitMs: schemaLockWaitMs(ctx.config) } } : {}),
          variant,
          early,
        });
        io.err(warning);
        return { text: '', json: null, exitCode: code };
      } finally {
        early.leave();
      }
    },
  };

  registerGraphCommands(program, wiring);
  registerCheckCommand(program, wiring);
  registerLintCommand(program, wiring);
  registerAuthoringCommands(program, wiring);
  registerMigrateCommands(program, wiring);
  registerSafetyCommands(program, wiring);
  registerSchemaCommands(program, wiring);
  registerInitCommand(program, wiring);
  registerStateCommands(program, wiring);
  registerWaitCommand(program, wiring);
  registerVerifyCommand(program, wiring);
  registerImportCommand(program, wiring);
  addAlembicHelp(program);
  // No command: the TUI on a terminal, else the status.
  // The embedded default that does not exist yet is shown as empty, as the TUI shows it.
  // With --targets: the fleet view on a terminal, else the fleet's status.
  wiring.add(
    program,
    (_c, g) => {
      if (g.targets !== undefined) {
        if (wiring.interactive(g)) return openFleetTui(wiring, g, targetConnection, early);
        const status = program.commands.find((c) => c.name() === 'status')!;
        return fleetCommand(wiring, status, g, (one) => statusCommand(database(one), project(one, {})), undefined);
      }
      if (wiring.interactive(g)) return wiring.openTui(g, 'main');
      const ctx = database(g);
      return statusCommand(ctx, project(g, {}), ctx.target.source === engine.EMBEDDED_DEFAULT);
    },
    'own',
  );
  return program;
}

/** --wait's time on a connection target (a server's; SQLite has nothing to wait for). */
const waitOf = (g: GlobalOptions): { waitMs?: number } => (g.waitSeconds ? { waitMs: g.waitSeconds * 1000 } : {});
