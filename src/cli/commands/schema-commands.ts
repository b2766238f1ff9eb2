import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Project } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import type { DatabaseContext, Wiring } from '../wiring.js';
import { withMigrator, WRITES } from './database-commands.js';
import { readDump, rowsText, schemaLockWaitMs } from './schema-file.js';
import { confirm } from '../confirm.js';
import { EXIT } from '../exit-codes.js';
import { onSignals } from '../interrupt.js';
import { otherToolLines } from './status-lines.js';

/** `dump [--out <file>]`: the schema as dbmate writes it, with the version rows (only reads); `load [--file <path>]`: dbmate's load. */
export function registerSchemaCommands(program: Command, w: Wiring): void {
  w.add(
    program
      .command('dump')
      .description('write the schema as `dbmate dump` does, with the version rows (to --out, else "schemaFile" in the config, else stdout)')
      .option('--out <file>', 'write it to this file'),
    (c, g) => {
      const out = (c.opts() as { out?: string }).out ?? w.configFile().schemaFile;
      return dumpCommand(w.database(g), w.project(g, {}), out === undefined ? undefined : resolve(w.io.cwd, out), g.json);
    },
  );
  w.add(
    program
      .command('load')
      .description('load a schema file as `dbmate load` does, with the database\'s own client (--file, else "schemaFile" in the config); asks first when the database already holds tables')
      .option('--file <path>', 'the schema file to load'),
    (c, g) => {
      const file = (c.opts() as { file?: string }).file ?? w.configFile().schemaFile;
      if (file === undefined) {
        // dbmate's default is ./db/schema.sql: named when it is there, not taken unasked.
        const dbmates = existsSync(resolve(w.io.cwd, 'db/schema.sql'));
        const hint = dbmates ? 'db/schema.sql is here (dbmate\'s default): `migrate-tui load --file db/schema.sql`, or "schemaFile": "db/schema.sql" in the config' : 'e.g. `migrate-tui load --file db/schema.sql` (`migrate-tui dump --out <file>` writes one from a database)';
        throw new engine.UsageError('load needs a schema file: give it with --file <path>, or set "schemaFile" in migrate-tui.config.json', hint);
      }
      const path = resolve(w.io.cwd, file);
      // Before the folder is read and the database opened (a missing SQLite database is created only for a file that can be loaded).
      engine.checkSchemaFile(path, shownPath(w.io.cwd, path));
      return loadCommand(w.database(g), w.project(g, {}), path, g.json);
    },
  );
}

/** A path as the user gave it where it is under the working folder, else absolute. */
const shownPath = (cwd: string, file: string) => (isAbsolute(relative(cwd, file)) || relative(cwd, file).startsWith('..') ? file : relative(cwd, file));
const shown = (ctx: DatabaseContext, file: string) => shownPath(ctx.io.cwd, file);

export async function dumpCommand(ctx: DatabaseContext, project: Project, file: string | undefined, json: boolean): Promise<CommandResult> {
  // Opened as every read-only command is: a missing SQLite file is refused, never created.
  return withMigrator(ctx, project, async (m) => {
    const { dump, versionRows } = await readDump(ctx, m);
    const table = m.store.tables.version;
    const facts = { tool: dump.tool, versionRows, stateTables: versionRows !== null };
    if (file === undefined) {
      // Said once the reader has taken it all: `dump | head -1` said "wrote the schema" and exited 0.
      const result = { ...facts, file: null, schema: dump.text };
      ctx.io.out(json ? JSON.stringify(result, null, 2) + '\n' : dump.text);
      if (!(await (ctx.io.outDelivered?.() ?? true))) {
        const message = `the schema of ${m.db.display} was NOT fully written to stdout: its reader closed the pipe before the end`;
        // With --json the error goes to stdout, which nobody reads now: said on stderr too.
        if (json) ctx.io.err(`error: ${message}\n`);
        throw new engine.WriteError('stdout-closed', message, 'give stdout a reader that takes all of it, or write it to a file with `migrate-tui dump --out <file>`');
      }
      ctx.io.err(`wrote the schema of ${m.db.display} to stdout (${dump.tool}; ${rowsText(versionRows, table)})\n`);
      return { text: '', json: result, written: true };
    }
    engine.writeSchemaFile(file, dump.text);
    return { text: `wrote the schema of ${m.db.display} to ${shown(ctx, file)} (${dump.tool}; ${rowsText(versionRows, table)})\n`, json: { ...facts, file } };
  });
}

/**
 * `load`: the schema file (checked by the caller) into the database with its own client
 * (engine.prepareSchemaLoad), then the version rows read back. The client is checked before asking; a database that
 * already holds tables or views is loaded only with a confirmation (--yes, or y on a terminal).
 */
export async function loadCommand(ctx: DatabaseContext, project: Project, file: string, json: boolean): Promise<CommandResult> {
  const label = shown(ctx, file);
  // Its own signal handling: the first Ctrl-C or SIGTERM ends the client, and the error says what the database holds then.
  const guarded: DatabaseContext = { ...ctx, guard: (_m, work) => work() };
  return withMigrator(guarded, project, async (m) => {
    const plan = await engine.prepareSchemaLoad(m.db, ctx.target, file, { label, lockWaitMs: schemaLockWaitMs(ctx.config) });
    if (plan.occupied.length > 0) {
      const n = plan.occupied.length;
      const names = plan.occupied.slice(0, 10).join(', ') + (n > 10 ? `, and ${n - 10} more` : '');
      const fails = plan.oneTransaction ? 'the load then fails and is rolled back whole' : 'the load then stops there, and the statements before it stay applied (each statement commits)';
      ctx.io.err(`${m.db.display} already holds ${n} table${n === 1 ? '' : 's'} or view${n === 1 ? '' : 's'}: ${names}\n  a statement of ${label} that creates one of them again fails: ${fails}\n`);
      const what = `loading ${label} into ${m.db.databaseName} (it already holds ${n} table${n === 1 ? '' : 's'} or view${n === 1 ? '' : 's'})`;
      await confirm(ctx.io, what, ctx.yes, `load ${label} into ${m.db.databaseName} anyway? [y/N] `, 'the lines above list them');
    }
    const controller = new AbortController();
    const result = await onSignals((signal) => {
      const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
      if (controller.signal.aborted) {
        ctx.io.err(`\n${name} again: exiting without waiting for the client; what it loaded is not known: look at the database before loading again\n`);
        process.exit(EXIT.interrupted);
      }
      ctx.io.err(`\n${name}: stopping the load… (again: exit at once)\n`);
      controller.abort();
    }, () => plan.load(controller.signal));
    const client = result.tool.split(' ')[0]!;
    for (const warning of result.warnings) ctx.io.err(warning.startsWith(`${client}:`) ? `${warning}\n` : `${client}: ${warning}\n`);
    const state = await m.readState();
    const stateTables = await m.store.exists();
    const rows = stateTables ? `the version rows now: ${state.versionRows.join(', ') || 'none (base)'}` : `no version rows: ${label} made no migrate-tui state tables (${m.store.tables.version})`;
    const other = otherToolLines(state.otherTools, engine.commandPlaceOf(ctx.target));
    return {
      text: `loaded ${label} into ${m.db.display} (${result.tool}; ${rows})\n${other.map((l) => `${l}\n`).join('')}`,
      json: { database: m.db.display, file, tool: result.tool, versionRows: stateTables ? [...state.versionRows] : null, stateTables },
    };
  }, WRITES);
}
