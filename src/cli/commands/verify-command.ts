import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { ConnectionTarget, DialectName, VerifyControl, VerifyEvent, VerifyReport, VerifyTarget } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult, GlobalOptions } from '../command-result.js';
import { EXIT } from '../exit-codes.js';
import { onSignals } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { TOOL_VERSION } from '../version.js';
import { commaList, type Wiring } from '../wiring.js';
import { stateTables } from './database-commands.js';
import { existingSeedFolder } from '../seed-folder.js';

export function registerVerifyCommand(program: Command, w: Wiring): void {
  w.add(
    program
      .command('verify')
      .description('check that every revision round-trips (up, down, up) on every dialect, on scratch databases; exit 1 on any ✗')
      .option('--dialects <list>', 'dialects to check, comma-separated (default: sqlite and one per --url)', commaList)
      .option('--revisions <range>', 'a:b (both included; a: or :b open-ended) or one revision (its ancestors are applied first)')
      .option('--seeds [folder]', 'also run the seeds twice at the end (default folder: "seeds", or the config file\'s)')
      .addHelpText('after', '\n--url (repeatable) names a server per dialect, e.g. --url postgres://admin@localhost/postgres --url mysql://root@localhost/mysql.\nverify creates a scratch database there (the role needs CREATE DATABASE), drops it afterwards, and never touches the database the URL names.'),
    async (c, g) => {
      const o = c.opts() as { dialects?: string[]; revisions?: string; seeds?: string | boolean };
      const config = w.configFile();
      const project = w.project(g, {});
      const seedDir = o.seeds === undefined || o.seeds === false ? null : existingSeedFolder(resolve(w.io.cwd, typeof o.seeds === 'string' ? o.seeds : (config.seeds ?? 'seeds')), typeof o.seeds === 'string');
      const targets = verifyTargets(g, o.dialects, w.io.cwd, config.sqlite?.foreignKeys ?? false, g.connectTimeout ?? config.connectTimeout ?? 10);
      for (const t of targets) engine.requireValid(project, t.dialect);
      const control = new engine.VerifyControl();
      const report = await withSignals(w.io, control, () =>
        engine.verify({ project, targets, range: o.revisions ?? null, tables: stateTables(config), toolVersion: TOOL_VERSION, seedDir, control, onEvent: progress(w.io) }),
      );
      return { text: matrixText(report), json: report, exitCode: report.cancelled ? EXIT.interrupted : report.ok ? EXIT.ok : EXIT.failed };
    },
  );
}

/** Which dialects, each with its server: sqlite needs none; postgres and mysql/mariadb need a --url of their kind. */
export function verifyTargets(g: GlobalOptions, dialects: readonly string[] | undefined, cwd: string, sqliteForeignKeys: boolean, connectTimeout: number): VerifyTarget[] {
  const servers = new Map<'postgres' | 'mysql', ConnectionTarget>();
  for (const url of g.urls ?? []) {
    const target = engine.parseDatabaseUrl(url, '--url', cwd);
    if (target.kind === 'sqlite') throw new engine.UsageError(`verify takes server URLs only; ${target.display} is SQLite`, 'SQLite is checked on a temp file: leave its --url out (add sqlite to --dialects)');
    if (servers.has(target.kind)) throw new engine.UsageError(`two --url for ${target.kind}: ${servers.get(target.kind)!.display} and ${target.display}`, 'give one server per dialect');
    // Only --url counts for verify: a connection error's hint named DATABASE_URL and the config file too.
    servers.set(target.kind, { ...target, source: "verify's --url", connectTimeoutMs: connectTimeout * 1000 });
  }
  const names: DialectName[] = dialects
    ? dialects.map((d) => {
        const found = engine.findDialect(d);
        if (!found) throw new engine.UsageError(`unknown dialect "${d}" in --dialects`, `use: ${engine.knownDialectSpellings()}`);
        return found.name;
      })
    : ['sqlite', ...[...servers.values()].map((t) => (t.kind === 'postgres' ? 'postgres' : (t.dialectHint ?? 'mysql')))];
  return [...new Set(names)].map((dialect) => {
    if (dialect === 'sqlite') return { dialect, admin: { kind: 'sqlite', url: 'sqlite:', display: 'sqlite', databaseName: '', source: 'verify', sqliteForeignKeys } };
    const kind = dialect === 'postgres' ? 'postgres' : 'mysql';
    const admin = servers.get(kind);
    if (!admin) {
      const example = kind === 'postgres' ? 'postgres://user:pass@localhost:5432/postgres' : 'mysql://user:pass@localhost:3306/mysql';
      throw new engine.UsageError(`--dialects ${dialect} needs a server: no --url for ${kind} was given`, `add --url ${example} (a role that may CREATE DATABASE; verify works in a scratch database it drops afterwards)`);
    }
    return { dialect, admin };
  });
}

/** Progress on stderr, one line per cell as it finishes; stdout keeps the matrix (or JSON). */
function progress(io: CliIo): (event: VerifyEvent) => void {
  const announced = new Set<string>();
  return (event) => {
    if (event.type === 'column' && event.column.server && !announced.has(event.column.dialect)) {
      announced.add(event.column.dialect);
      io.err(`verify ${event.column.dialect}: ${event.column.server}, scratch ${event.column.scratch}\n`);
    } else if (event.type === 'column' && event.column.error && !announced.has(`${event.column.dialect}!`)) {
      announced.add(`${event.column.dialect}!`);
      io.err(`verify ${event.column.dialect}: ${event.column.error}\n`);
    } else if (event.type === 'cell') {
      io.err(`  ${event.dialect.padEnd(8)} ${engine.cellSymbol(event.cell)} ${event.revision} (${event.cell.ms} ms)\n`);
    } else if (event.type === 'seeds') {
      io.err(`  ${event.dialect.padEnd(8)} ${engine.cellSymbol(event.cell)} seeds (${event.cell.ms} ms)\n`);
    }
  };
}

/**
 * The first Ctrl-C or SIGTERM stops every dialect before its next step (a running statement
 * is cancelled where the server can), then the scratch databases are dropped and the matrix
 * printed; a second one exits at once, naming what may be left behind.
 */
async function withSignals<T>(io: CliIo, control: VerifyControl, work: () => Promise<T>): Promise<T> {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (++signals > 1) {
      io.err(`\n${name} again: exiting now; scratch databases named ${engine.SCRATCH_PREFIX}${process.pid}_… may be left on the servers: drop them by hand\n`);
      process.exit(EXIT.interrupted);
    }
    io.err(`\n${name}: stopping verify; the scratch databases are dropped before it exits (${name} again exits at once)\n`);
    void control.cancel();
  };
  return onSignals(onSignal, work);
}

/** The matrix, then every problem in words, then what happened to the scratch databases. */
export function matrixText(report: VerifyReport): string {
  const dialects = report.columns.map((c) => c.dialect);
  const cellText = (cell: VerifyReport['cells'][string][string] | undefined) => (cell ? `${engine.cellSymbol(cell)}${cell.status === 'not-run' || cell.status === 'no-sql' ? '' : ` ${cell.ms} ms`}` : '');
  const widths = dialects.map((d) => Math.max(d.length, ...Object.values(report.cells).map((row) => cellText(row[d]).length), report.seeds ? cellText(report.seeds[d]).length : 0));
  const idWidth = Math.max(8, ...report.revisions.map((r) => r.id.length));
  const row = (first: string, cells: string[], last: string) => [first.padEnd(idWidth), ...cells.map((c, i) => c.padEnd(widths[i]!)), last].join('  ').trimEnd();
  const lines = [`verify: ${report.revisions.length} revision${report.revisions.length === 1 ? '' : 's'} × ${dialects.length} dialect${dialects.length === 1 ? '' : 's'}`, ''];
  lines.push(row('revision', dialects, ''));
  for (const r of report.revisions) lines.push(row(r.id, dialects.map((d) => cellText(report.cells[r.id]?.[d])), r.message));
  if (report.seeds) lines.push(row('seeds', dialects.map((d) => cellText(report.seeds![d])), 'run twice'));
  lines.push('', '✓ round-trips (up, down = before, up again = after) · ✗ differs or fails · – no SQL for this dialect · irreversible: applied once, not checked');
  const problems = report.revisions.flatMap((r) => dialects.flatMap((d) => (report.cells[r.id]?.[d] ? engine.cellProblems(r.id, d, report.cells[r.id]![d]!) : [])));
  if (report.seeds) for (const d of dialects) if (report.seeds[d]) problems.push(...engine.cellProblems('the seeds', d, report.seeds[d]!));
  for (const c of report.columns) if (c.error) problems.push(`${c.dialect}: ${c.error}`);
  if (problems.length > 0) lines.push('', `✗ ${problems.length} problem${problems.length === 1 ? '' : 's'}:`, ...problems.map((p) => `  ${p}`));
  lines.push('');
  for (const c of report.columns) {
    if (c.scratch || c.leftover) lines.push(`${c.dialect}: ${c.server ?? ''}${c.server ? ', ' : ''}${c.leftover ? `NOT CLEANED UP: ${c.leftover}` : 'scratch databases dropped'} (${c.ms} ms)`);
  }
  if (report.cancelled) lines.push('cancelled: the cells marked "not run" were not checked');
  const left = report.columns.filter((c) => c.leftover).length;
  const notDropped = left > 0 ? `; scratch databases NOT all dropped (${left === 1 ? 'one dialect' : `${left} dialects`}, above)` : '';
  lines.push((report.ok ? 'verify: every checked revision round-trips' : report.cancelled ? 'verify: cancelled' : 'verify: FAILED') + notDropped);
  return lines.join('\n') + '\n';
}
