import type { Command } from 'commander';
import type { DialectName } from '../../engine/index.js';
import { engine } from '../engine.js';
import { DIALECT_SPELLINGS } from '../dialect-spellings.js';
import type { CommandResult, GlobalOptions } from '../command-result.js';
import { commaList, dialectOption, type Wiring } from '../wiring.js';
import { initTablesCommand } from './database-commands.js';

/** `init`: scaffolds a project; `init --tables-only`: the state tables (also made on first use). */
export function registerInitCommand(program: Command, w: Wiring): void {
  w.add(
    program
      .command('init')
      .description('scaffold a project: migrations and seeds folders, migrate-tui.config.json, .gitignore lines (skips what exists)')
      .option('--dialects <names>', `the databases the project targets, comma-separated (default: the URL's, else all): ${DIALECT_SPELLINGS}`, commaList)
      .option('--tables-only', 'only create the state tables in the database (also done on first use)', false),
    (c, g) => {
      const o = c.opts() as { dialects?: string[]; tablesOnly?: boolean };
      if (o.tablesOnly) return initTablesCommand(w.database(g), w.project(g));
      return initCommand(w, g, o.dialects?.map((d) => dialectOption(d).name));
    },
  );}

/** `init`: the project's folders, config file and .gitignore lines; connects to nothing. */
export function initCommand(w: Wiring, g: GlobalOptions, dialects?: DialectName[]): CommandResult {
  const config = w.configFile();
  const result = engine.scaffoldProject({
    root: w.io.cwd,
    migrations: g.dir,
    seeds: config.seeds ?? 'seeds',
    backups: config.backups ?? engine.DEFAULT_BACKUP_DIR,
    target: w.database(g).target,
    ...(dialects ? { dialects } : {}),
  });
  const made = result.entries.some((e) => e.action !== 'skipped');
  const lines = result.entries.map((e) => `${e.action.padEnd(8)} ${e.path}: ${e.detail}`);
  lines.push(
    made ? 'next: migrate-tui revision -m "first change", write its .up.sql and .down.sql, then migrate-tui upgrade (it creates the state tables)' : 'nothing to do: the project is already set up',
  );
  return { text: lines.join('\n') + '\n', json: { entries: result.entries, config: result.config } };
}

