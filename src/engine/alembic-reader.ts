import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { MigrateTuiError } from './errors.js';
import { ALEMBIC_READER_PY } from './alembic-script.js';

/** Alembic's project could not be read at all (no Python, no Alembic, a module that does not import, a timeout): nothing was written. */
export class AlembicImportError extends MigrateTuiError {}

/** What Alembic rendered for one revision, one direction, one dialect. */
export interface AlembicRender {
  readonly ok: boolean;
  /** Alembic's output, one write per statement or comment ("…;\n\n"). */
  readonly chunks: readonly string[];
  /** The revision entered op.get_context().autocommit_block(). */
  readonly autocommit?: boolean;
  /** Kinds of constraint it made without a name while no naming convention was given (`unique constraint`…). */
  readonly unnamed?: readonly string[];
  /** The revision called op.get_bind() before it failed. */
  readonly bind?: boolean;
  /** `raised`: by a raise statement in the revision file itself (a downgrade that refuses on purpose). */
  readonly error?: { readonly type: string; readonly message: string; readonly file: string | null; readonly line: number | null; readonly raised?: boolean };
}

export interface AlembicRevision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly dependsOn: readonly string[];
  readonly labels: readonly string[];
  readonly message: string;
  /** The revision's Python file (absolute). */
  readonly path: string;
  /** By SQLAlchemy dialect name. */
  readonly render: Readonly<Record<string, { readonly up: AlembicRender; readonly down: AlembicRender }>>;
}

export interface AlembicProject {
  readonly alembic: string;
  readonly sqlalchemy: string;
  readonly heads: readonly string[];
  /** In Alembic's order (walk_revisions reversed: bases first). */
  readonly revisions: readonly AlembicRevision[];
  /** The version table this run's renders used (its statements are not the revisions'). */
  readonly versionTable: string;
}

export interface ReadAlembicOptions {
  readonly python: string;
  /** The project's root: Python's working directory and first on PYTHONPATH. */
  readonly root: string;
  /** alembic.ini and its section, unless `versions` is given. */
  readonly ini?: string;
  readonly section?: string;
  /** Versions folders to read instead of alembic.ini's script_location/version_locations. */
  readonly versions?: readonly string[];
  /** SQLAlchemy dialect names. */
  readonly dialects: readonly string[];
  readonly timeoutMs: number;
  /** MetaData naming_convention for constraints made without a name (what env.py's target_metadata gives Alembic). */
  readonly namingConvention?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Aborted (Ctrl-C): Python and what it started are killed, and the import stops. */
  readonly signal?: AbortSignal;
}

/**
 * Runs the user's Python on ALEMBIC_READER_PY: the graph from Alembic's ScriptDirectory and
 * every revision rendered offline. Never hangs: the process (and what it started) is killed
 * at the timeout. Throws AlembicImportError when there is no answer to work with.
 */
export async function readAlembicProject(options: ReadAlembicOptions): Promise<AlembicProject> {
  const work = mkdtempSync(join(tmpdir(), 'migrate-tui-alembic-'));
  const out = join(work, 'answer.json');
  const versionTable = `migrate_tui_import_${randomBytes(5).toString('hex')}`;
  const request = { out, ini: options.ini ?? null, section: options.section ?? 'alembic', versions: options.versions ?? [], dialects: options.dialects, table: versionTable, namingConvention: options.namingConvention ?? null };
  try {
    const run = await runPython(options, JSON.stringify(request));
    let answer: Record<string, unknown> | null = null;
    try {
      answer = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    } catch {
      answer = null;
    }
    if (answer === null || Object.keys(answer).length === 0) {
      throw new AlembicImportError(
        'python-failed',
        `${options.python} exited ${run.code === null ? `on signal ${run.signal}` : `with code ${run.code}`} without an answer${lastLines(run.stderr)}`,
        `check that \`${options.python}\` is a Python 3 with Alembic (pass another with --python)`,
        { code: run.code, stderr: run.stderr.slice(-4000) },
      );
    }
    if (typeof answer.fatal === 'string') throw fatalError(answer, options);
    return { ...(answer as unknown as Omit<AlembicProject, 'versionTable'>), versionTable };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface PythonRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stderr: string;
}

function runPython(options: ReadAlembicOptions, input: string): Promise<PythonRun> {
  const base = options.env ?? process.env;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.PYTHONPATH = [options.root, ...(base.PYTHONPATH ? [base.PYTHONPATH] : [])].join(delimiter);
  // Importing the project must not write into it (__pycache__ beside the revisions).
  env.PYTHONDONTWRITEBYTECODE = '1';
  return new Promise((resolve, reject) => {
    // Its own process group, so the timeout also ends what a migration module started.
    const child = spawn(options.python, ['-c', ALEMBIC_READER_PY], { cwd: options.root, env, stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      killGroup(child.pid);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
      if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.stdin.on('error', () => {}); // a Python that exits before reading: its exit says why
    child.stdin.end(input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(
        new AlembicImportError(
          'no-python',
          `cannot run ${options.python}: ${error.code === 'ENOENT' ? 'not found' : (error.code ?? error.message)}`,
          'install Python 3 with Alembic, or pass the interpreter of the project\'s environment with --python (e.g. --python .venv/bin/python)',
          { python: options.python },
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (aborted) {
        reject(new AlembicImportError('cancelled', 'import stopped (interrupted) while Alembic was reading the project: nothing was written', 'run it again'));
      } else if (timedOut) {
        reject(
          new AlembicImportError(
            'python-timeout',
            `Alembic did not finish within ${Math.round(options.timeoutMs / 1000)} s (stopped)${lastLines(stderr)}`,
            'a migration module may wait for something (a database, input): see its output above; or give it longer with --timeout <seconds>',
            { timeoutMs: options.timeoutMs },
          ),
        );
      } else resolve({ code, signal, stderr });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function lastLines(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').filter((l) => l.trim() !== '');
  return lines.length === 0 ? '' : `; its last output:\n    ${lines.slice(-8).join('\n    ')}`;
}

function fatalError(answer: Record<string, unknown>, options: ReadAlembicOptions): AlembicImportError {
  const error = (answer.error ?? {}) as { type?: string; message?: string; file?: string | null; line?: number | null; missing?: string; field?: string; fileOf?: { id: string; file: string } | null };
  // A revision naming an id that no file defines: the reader names the revision and the id (Alembic says KeyError).
  const what = error.missing ? (error.message ?? '') : `${error.type ?? 'Error'}: ${error.message ?? ''}`.trim();
  const at = error.file ? `${relative(options.root, error.file) || error.file}${error.line ? `:${error.line}` : ''}: ` : '';
  switch (answer.fatal) {
    case 'no-alembic':
      return new AlembicImportError(
        'no-alembic',
        `${options.python} (Python ${String(answer.python ?? '?')}) cannot import Alembic: ${what}`,
        'pass the interpreter of the project\'s environment, where Alembic is installed, with --python (e.g. --python .venv/bin/python)',
        { python: options.python },
      );
    case 'no-dialect':
      return new AlembicImportError(
        'no-dialect',
        `SQLAlchemy ${String(answer.sqlalchemy ?? '')} in ${options.python} has no dialect ${String(answer.dialect)}: ${what}`,
        answer.dialect === 'mariadb' ? 'SQLAlchemy before 1.4 renders MariaDB as MySQL: pass --dialect mysql (migrate-tui runs mysql sections on MariaDB)' : 'pass a --dialect this SQLAlchemy has',
        { dialect: answer.dialect },
      );
    case 'script-directory':
      if (error.missing) {
        const fileOf = error.fileOf ? `${error.missing} is the file name of revision ${error.fileOf.id} (${relative(options.root, error.fileOf.file) || error.fileOf.file}): a parent is named by its id (its \`revision =\`), not by its file name; ` : '';
        return new AlembicImportError('alembic-unreadable', `Alembic could not read the revisions: ${at}${what}`, `${fileOf}correct ${error.field ?? 'down_revision'} there (Alembic's own commands stop on it too: KeyError: '${error.missing}'), then import again`, { error });
      }
      return new AlembicImportError(
        'alembic-unreadable',
        `Alembic could not read the revisions: ${at}${what}`,
        `${at ? 'the file named fails when Alembic imports it: ' : ''}make \`alembic history\` work with this interpreter first (a missing package of the application: use its environment's Python with --python; a module that needs settings: set them in the environment)`,
        { error },
      );
    default:
      return new AlembicImportError('alembic-crashed', `reading Alembic's project failed: ${at}${what}`, 'this may be a bug in migrate-tui\'s reader: please report it with this output', { error, trace: answer.trace });
  }
}
