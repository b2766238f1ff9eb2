import type { Command } from 'commander';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Project } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import type { DatabaseContext, Wiring } from '../wiring.js';
import { withMigrator } from './database-commands.js';
import { readDump, rowsText } from './schema-file.js';

/** `dump [--out <file>]`: the schema as dbmate writes it, with the version rows (only reads). */
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
}

/** A path as the user gave it where it is under the working folder, else absolute. */
const shown = (ctx: DatabaseContext, file: string) => (isAbsolute(relative(ctx.io.cwd, file)) || relative(ctx.io.cwd, file).startsWith('..') ? file : relative(ctx.io.cwd, file));

export async function dumpCommand(ctx: DatabaseContext, project: Project, file: string | undefined, json: boolean): Promise<CommandResult> {
  // Opened as every read-only command is: a missing SQLite file is refused, never created.
  return withMigrator(ctx, project, async (m) => {
    const { dump, versionRows } = await readDump(ctx, m);
    const table = m.store.tables.version;
    const facts = { tool: dump.tool, versionRows, stateTables: versionRows !== null };
    if (file === undefined) {
      ctx.io.err(`wrote the schema of ${m.db.display} to stdout (${dump.tool}; ${rowsText(versionRows, table)})\n`);
      return { text: dump.text, json: { ...facts, file: null, schema: dump.text } };
    }
    engine.writeSchemaFile(file, dump.text);
    return { text: `wrote the schema of ${m.db.display} to ${shown(ctx, file)} (${dump.tool}; ${rowsText(versionRows, table)})\n`, json: { ...facts, file } };
  });
}

