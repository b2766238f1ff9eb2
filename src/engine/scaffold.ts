import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { CONFIG_FILE, EMBEDDED_DEFAULT, type ConnectionTarget } from './connection.js';
import type { DialectName } from './dialects/dialect.js';
import { DIALECT_NAMES } from './dialects/registry.js';
import { WriteError } from './errors.js';
import { makeFolder } from './files/make-folder.js';

/** What `init` did to each path: made it, added to it, or left it as it was (and why). */
export interface ScaffoldEntry {
  readonly path: string;
  readonly action: 'created' | 'updated' | 'skipped';
  readonly detail: string;
}

export interface ScaffoldOptions {
  /** The project's root (the working directory): the config file and .gitignore go here. */
  readonly root: string;
  readonly migrations: string;
  readonly seeds: string;
  readonly backups: string;
  /** Where the database URL comes from now (resolveConnection's answer). */
  readonly target: ConnectionTarget;
  /** `--dialects`; default: the URL's databases when one is set, else all. */
  readonly dialects?: readonly DialectName[];
}

export interface ScaffoldResult {
  readonly entries: readonly ScaffoldEntry[];
  readonly config: Record<string, unknown> | null;
}

/** The dialects a URL's database speaks (a mysql:// URL may reach MySQL or MariaDB). */
function dialectsOf(target: ConnectionTarget): DialectName[] {
  if (target.kind === 'sqlite') return ['sqlite'];
  if (target.kind === 'postgres') return ['postgres'];
  return target.dialectHint === 'mariadb' ? ['mariadb'] : ['mysql', 'mariadb'];
}

/** A URL may go into a file that is committed only when it holds no password. */
function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

/**
 * Scaffolds a project for `migrate-tui init`: the migrations and seeds folders, the config
 * file, and .gitignore lines for backups (and a SQLite file inside the project). Never
 * overwrites: what exists is skipped and said so. Connects to nothing; the state tables are
 * made on first use.
 */
export function scaffoldProject(o: ScaffoldOptions): ScaffoldResult {
  const entries: ScaffoldEntry[] = [];
  const shown = (path: string) => {
    const rel = relative(o.root, path);
    return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  for (const [dir, what] of [
    [o.migrations, 'migrations folder'],
    [o.seeds, 'seeds folder (`migrate-tui seed` runs its *.sql in name order)'],
  ] as const) {
    const path = resolve(o.root, dir);
    if (existsSync(path)) entries.push({ path: `${shown(path)}/`, action: 'skipped', detail: 'exists' });
    else {
      makeFolder(path, what.split(' (')[0]!, 'check the path (--dir, or "migrations"/"seeds" in migrate-tui.config.json) and that its parent folder is writable');
      entries.push({ path: `${shown(path)}/`, action: 'created', detail: what });
    }
  }

  const configPath = resolve(o.root, CONFIG_FILE);
  let config: Record<string, unknown> | null = null;
  if (existsSync(configPath)) entries.push({ path: CONFIG_FILE, action: 'skipped', detail: 'exists, left as it is' });
  else {
    const fromUrl = o.target.source !== EMBEDDED_DEFAULT;
    const dialects = o.dialects ?? (fromUrl ? dialectsOf(o.target) : DIALECT_NAMES);
    // Only a URL typed on this command line, without a password, is written down; one from the
    // environment stays there (it differs per machine), and passwords stay out of files.
    const writeUrl = o.target.source === '--url' && !hasPassword(o.target.url);
    config = {
      ...(writeUrl ? { url: o.target.url } : {}),
      migrations: o.migrations,
      seeds: o.seeds,
      backups: o.backups,
      dialects: [...dialects],
    };
    onFile(configPath, 'write', () => writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n'));
    const urlNote = writeUrl
      ? `url ${o.target.display}`
      : o.target.source === '--url'
        ? 'no url: the --url holds a password, so set DATABASE_URL instead (or the DB_* variables)'
        : fromUrl
          ? `no url: it comes from ${o.target.source}`
          : `no url: the embedded default ${o.target.display} is used until DATABASE_URL or "url" is set`;
    entries.push({ path: CONFIG_FILE, action: 'created', detail: `dialects ${dialects.join(', ')}; ${urlNote}` });
  }

  const ignore = [`${o.backups.replace(/\/*$/, '')}/`];
  if (o.target.kind === 'sqlite' && o.target.file && o.target.file !== ':memory:') {
    const rel = relative(o.root, resolve(o.root, o.target.file));
    if (!rel.startsWith('..') && !isAbsolute(rel)) ignore.push(rel.split(sep).join('/'), `${rel.split(sep).join('/')}-journal`);
  }
  const gitignore = resolve(o.root, '.gitignore');
  const before = existsSync(gitignore) ? onFile(gitignore, 'read', () => readFileSync(gitignore, 'utf8')) : null;
  const present = new Set((before ?? '').split(/\r?\n/).map((l) => l.trim()));
  const missing = ignore.filter((line) => !present.has(line) && !present.has(`/${line}`));
  if (missing.length === 0) entries.push({ path: '.gitignore', action: 'skipped', detail: `already ignores ${ignore.join(', ')}` });
  else {
    const text = `${before !== null && before !== '' && !before.endsWith('\n') ? '\n' : ''}# migrate-tui: backups taken before downgrades${ignore.length > 1 ? ', the local SQLite database' : ''}\n${missing.join('\n')}\n`;
    onFile(gitignore, 'write', () => (before === null ? writeFileSync(gitignore, text) : appendFileSync(gitignore, text)));
    entries.push({ path: '.gitignore', action: before === null ? 'created' : 'updated', detail: `ignores ${missing.join(', ')}` });
  }
  return { entries, config };
}

/** A file init reads or writes, whose failure (a folder by that name, no permission) names it: never a raw error (exit 70). */
function onFile<T>(path: string, verb: 'read' | 'write', op: () => T): T {
  try {
    return op();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new WriteError('init-file-failed', `cannot ${verb} ${path}: ${code === 'EISDIR' ? 'EISDIR: it is a folder' : code}`, 'make it a regular file the project may write, or remove it; what init already did stays (run it again: it skips what exists)', { path, code });
  }
}
