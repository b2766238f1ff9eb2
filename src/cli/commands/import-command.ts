import type { Command } from 'commander';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { AlembicImportResult, DialectName } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult, GlobalOptions } from '../command-result.js';
import { EXIT } from '../exit-codes.js';
import { onSignals } from '../interrupt.js';
import { commaList, dialectOption, positiveInt, resolveDir, type Wiring } from '../wiring.js';

/** `import alembic`: an Alembic project as a migrate-tui folder (see README, "Switching from Alembic"). */
export function registerImportCommand(program: Command, w: Wiring): void {
  const group = program.command('import').description("turn another tool's project into a migrate-tui folder: import alembic");
  // `import` alone, or of another tool: a usage error naming what it imports (commander would print its help and exit 0).
  w.add(group.argument('[tool]'), (_c, _g, tool) => {
    throw new engine.UsageError(tool ? `import knows alembic, not "${String(tool)}"` : 'import needs what to import: import alembic', 'see `migrate-tui import alembic --help`');
  }, 'own');
  w.add(
    group
      .command('alembic')
      .description("write an Alembic project's revisions as .up.sql/.down.sql pairs into --dir (new or empty), with Alembic's ids and graph, the SQL rendered by Alembic offline for --dialect")
      .argument('[project]', "the Alembic project's root, where Python runs (default: the working directory)")
      .option('--config <file>', 'its alembic.ini (default: <project>/alembic.ini)')
      .option('--name <section>', 'the alembic.ini section, as alembic -n (default: alembic)')
      .option('--versions <folders>', "the revision files' folders, comma-separated, instead of what alembic.ini names", commaList)
      .option('--naming-convention <json>', "the naming convention of env.py's target_metadata, as JSON (e.g. '{\"uq\": \"uq_%(table_name)s_%(column_0_name)s\"}'), for constraints made without a name")
      .option('--python <path>', "the Python with Alembic and the application's packages (default: python3)")
      .option('--timeout <seconds>', 'stop Python after this long (default 300)', positiveInt),
    (c, g, project) => {
      const o = c.opts() as { config?: string; name?: string; versions?: string[]; python?: string; timeout?: number; namingConvention?: string };
      return importAlembicCommand(w, g, (project as string | undefined) ?? '.', o);
    },
    'own',
  );
}

export async function importAlembicCommand(
  w: Wiring,
  g: GlobalOptions,
  project: string,
  o: { config?: string; name?: string; versions?: string[]; python?: string; timeout?: number; namingConvention?: string },
): Promise<CommandResult> {
  if (g.targets !== undefined) throw new engine.UsageError('import writes files and runs on no database: --targets does not go with it', 'leave out --targets');
  const cwd = w.io.cwd;
  const root = resolve(cwd, project);
  const dialects = importDialects(w, g);
  const dir = resolveDir(w.io, g.dir);
  // Ctrl-C or SIGTERM while Python reads the project: it is stopped (it runs in a process group of its own), and nothing is written.
  const stop = new AbortController();
  const result = await onSignals(() => stop.abort(), () => engine.importAlembic({
    root,
    ini: o.config ? resolve(cwd, o.config) : join(root, 'alembic.ini'),
    ...(o.name ? { section: o.name } : {}),
    ...(o.versions ? { versions: o.versions.map((v) => resolve(cwd, v)) } : {}),
    dir,
    dialects,
    // A path (.venv/bin/python) is the user's, from where they are; a bare name is looked up on PATH.
    python: o.python === undefined ? 'python3' : o.python.includes('/') ? resolve(cwd, o.python) : o.python,
    timeoutMs: (o.timeout ?? 300) * 1000,
    ...(o.namingConvention !== undefined ? { namingConvention: namingConvention(o.namingConvention) } : {}),
    env: w.io.env,
    signal: stop.signal,
  }));
  const failed = result.problems.length > 0 || result.check.differences.length > 0 || result.check.errors.length > 0;
  return { text: importText(result, cwd, g.dir), json: importJson(result), exitCode: failed ? EXIT.failed : EXIT.ok };
}

/** --dialect (comma-separated), else the config's dialects; SQL is rendered for each. */
function importDialects(w: Wiring, g: GlobalOptions): DialectName[] {
  const named = g.dialect?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const names = named && named.length > 0 ? named.map((d) => dialectOption(d).name) : w.configFile().dialects;
  if (!names || names.length === 0) {
    throw new engine.UsageError('import alembic needs the database the SQL is for', `pass --dialect postgres (or mysql, mariadb, sqlite; several comma-separated write per-dialect blocks where the SQL differs)`);
  }
  return [...new Set(names)];
}

/** --naming-convention: a JSON object of strings, as SQLAlchemy's MetaData(naming_convention=…) takes. */
function namingConvention(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new engine.UsageError(`--naming-convention is not a JSON object of strings: ${text}`, 'copy the naming_convention of the MetaData that env.py gives as target_metadata, e.g. \'{"uq": "uq_%(table_name)s_%(column_0_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}\'');
  }
  return value as Record<string, string>;
}

function importText(r: AlembicImportResult, cwd: string, dirOption: string): string {
  // Relative to the working directory when inside it, else as is.
  const show = (p: string) => (isAbsolute(p) && !relative(cwd, p).startsWith('..') ? relative(cwd, p) || p : p);
  const lines = [`imported ${r.revisions} Alembic revision${r.revisions === 1 ? '' : 's'} (Alembic ${r.alembic}, SQLAlchemy ${r.sqlalchemy}) into ${show(r.dir)}, SQL for ${r.dialects.join(', ')}; wrote ${r.written.length} files:`];
  for (const path of r.written) lines.push(`  ${show(path)}`);
  lines.push(`heads: ${r.heads.join(', ')}`);
  if (r.renamed.length > 0) {
    const shown = r.renamed.slice(0, 3).map((x) => `${x.alembic} is ${x.version}`).join(', ');
    lines.push(`ids: ${r.renamed.length} Alembic id${r.renamed.length === 1 ? ' is' : 's are'} not a migrate-tui version as written (${shown}${r.renamed.length > 3 ? ', …' : ''}); \`status\` maps alembic_version's rows to them (by the file name, which is the whole id, or, where two ids share a number, by the id without its underscores)`);
  }
  const c = r.check;
  if (c.differences.length === 0) {
    lines.push(`read back: migrate-tui reads the same graph as Alembic (revisions, parents, depends-on, branch labels, heads) and the same statements; ${c.errors.length} error${c.errors.length === 1 ? '' : 's'}, ${c.warnings} warning${c.warnings === 1 ? '' : 's'} (\`migrate-tui --dir ${dirOption} check\` lists them)`);
  } else {
    lines.push(`read back: migrate-tui does NOT read what Alembic has (${c.differences.length}):`, ...c.differences.map((d) => `  ${d}`));
  }
  for (const e of c.errors) lines.push(`  error: ${e.path}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  if (r.problems.length > 0) {
    lines.push(`NOT IMPORTED (${r.problems.length}): a direction that was not rendered stands in its file as a statement that stops a run there; write its SQL, then delete that statement:`);
    for (const p of r.problems) lines.push(`  ${p.source}${p.line ? `:${p.line}` : ''}: ${p.revision}: ${p.message}`);
  }
  if (r.notes.length > 0) {
    lines.push(`notes (${r.notes.length}):`);
    for (const n of r.notes) lines.push(`  ${n.source}: ${n.revision}: ${n.message}`);
  }
  lines.push(
    `next: read the SQL, then \`migrate-tui --dir ${dirOption} check\`; on a database Alembic migrated, \`migrate-tui --dir ${dirOption} status\` names the \`stamp\` that takes it over (alembic_version stays as it is: stop running Alembic there)`,
  );
  return lines.join('\n') + '\n';
}

function importJson(r: AlembicImportResult): unknown {
  return {
    alembic: r.alembic,
    sqlalchemy: r.sqlalchemy,
    dir: r.dir,
    dialects: r.dialects,
    revisions: r.revisions,
    heads: r.heads,
    renamed: r.renamed,
    written: r.written,
    problems: r.problems,
    notes: r.notes,
    check: { differences: r.check.differences, errors: r.check.errors, warnings: r.check.warnings },
  };
}
