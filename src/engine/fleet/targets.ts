import { UsageError } from '../errors.js';
import { parseDatabaseUrl, type ConnectionTarget } from '../connection.js';
import { checkCapabilityObject } from '../dialects/capabilities.js';

/** The default targets file, looked up in the working directory. */
export const TARGETS_FILE = 'migrate-tui.targets.json';
/** The stage of a target that names none. */
export const DEFAULT_STAGE = 'default';

/** One database of a fleet: its name, stage and tags, and where it is (password never shown). */
export interface FleetTarget {
  readonly name: string;
  readonly stage: string;
  readonly tags: readonly string[];
  readonly connection: ConnectionTarget;
}

/** A fleet: its targets, and the stages in the order they run. */
export interface Fleet {
  readonly origin: string;
  readonly stages: readonly string[];
  readonly targets: readonly FleetTarget[];
}

/** The targets file (or its command's output) is wrong: names the file and the entry, never a password. */
export class TargetsFileError extends UsageError {
  constructor(origin: string, message: string, hint: string, meta: Record<string, unknown> = {}) {
    super(`${origin}: ${message}`, hint, { origin, ...meta });
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ENTRY_KEYS = ['name', 'url', 'stage', 'tags', 'capabilities'];

/**
 * Validates a parsed targets list: `[{name, url, stage?, tags?}]`, or `{targets: [...],
 * stages?: [...]}`. `${VAR}` in a URL is read from `env`. Pure: no file, no process.
 */
export function validateTargets(value: unknown, origin: string, env: Readonly<Record<string, string | undefined>>, cwd: string): Fleet {
  let list: unknown = value;
  let stageOrder: string[] | null = null;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => k !== 'targets' && k !== 'stages' && k !== 'command' && k !== 'timeout');
    if (unknown.length > 0) throw new TargetsFileError(origin, `unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}`, 'a targets file is a list of {"name", "url", "stage"?, "tags"?}, or {"targets": [...], "stages"?: [...]}, or {"command": "..."}');
    list = o.targets;
    if (o.stages !== undefined) {
      if (!Array.isArray(o.stages) || o.stages.some((s) => typeof s !== 'string' || !NAME.test(s))) throw new TargetsFileError(origin, '"stages" must be a list of stage names', 'e.g. "stages": ["canary", "eu", "us"]');
      stageOrder = o.stages as string[];
    }
  }
  if (!Array.isArray(list)) throw new TargetsFileError(origin, 'expected a list of targets', 'write [{"name": "eu-1", "url": "postgres://app:${EU1_PASSWORD}@db-eu-1/app", "stage": "canary", "tags": ["eu"]}]');
  if (list.length === 0) throw new TargetsFileError(origin, 'the list of targets is empty', 'add at least one {"name", "url"} entry');
  const seen = new Map<string, number>();
  const targets = list.map((entry, index) => {
    const target = validateEntry(entry, index, origin, env, cwd);
    const first = seen.get(target.name);
    if (first !== undefined) throw new TargetsFileError(origin, `target ${index + 1} has the name "${target.name}" of target ${first + 1}`, 'give every target its own name', { entry: index + 1, name: target.name });
    seen.set(target.name, index);
    if (stageOrder && !stageOrder.includes(target.stage)) throw new TargetsFileError(origin, `target "${target.name}" is in stage "${target.stage}", which "stages" does not list`, `add it to "stages" (${stageOrder.join(', ')}), or fix the target's stage`, { entry: index + 1, name: target.name });
    return target;
  });
  const stages = stageOrder ?? [...new Set(targets.map((t) => t.stage))];
  return { origin, stages, targets };
}

function validateEntry(entry: unknown, index: number, origin: string, env: Readonly<Record<string, string | undefined>>, cwd: string): FleetTarget {
  const at = `target ${index + 1}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new TargetsFileError(origin, `${at} is not an object`, 'each target is {"name": "...", "url": "...", "stage"?: "...", "tags"?: ["..."]}', { entry: index + 1 });
  const o = entry as Record<string, unknown>;
  const name = o.name;
  if (typeof name !== 'string' || !NAME.test(name)) throw new TargetsFileError(origin, `${at} needs a "name" of letters, digits, _ . or -`, 'e.g. "name": "eu-1"', { entry: index + 1 });
  const named = `target "${name}" (${at})`;
  const unknown = Object.keys(o).filter((k) => !ENTRY_KEYS.includes(k));
  if (unknown.length > 0) throw new TargetsFileError(origin, `${named} has unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}`, `a target's keys are: ${ENTRY_KEYS.join(', ')}`, { entry: index + 1, name });
  if (typeof o.url !== 'string' || o.url === '') throw new TargetsFileError(origin, `${named} needs a "url"`, 'e.g. "url": "postgres://app:${APP_PASSWORD}@db-host/app" (the password from the environment)', { entry: index + 1, name });
  if (o.stage !== undefined && (typeof o.stage !== 'string' || !NAME.test(o.stage))) throw new TargetsFileError(origin, `${named}: "stage" must be a name of letters, digits, _ . or -`, 'e.g. "stage": "canary"', { entry: index + 1, name });
  if (o.tags !== undefined && (!Array.isArray(o.tags) || o.tags.some((t) => typeof t !== 'string' || !NAME.test(t)))) throw new TargetsFileError(origin, `${named}: "tags" must be a list of names`, 'e.g. "tags": ["eu", "big"]', { entry: index + 1, name });
  const url = expandVariables(o.url, env, (variable) => new TargetsFileError(origin, `${named}: the environment variable ${variable} used in its URL is not set`, `set ${variable} (e.g. export ${variable}=...), or remove \${${variable}} from the URL`, { entry: index + 1, name, variable }));
  let connection: ConnectionTarget;
  try {
    connection = parseDatabaseUrl(url, `target "${name}"`, cwd);
  } catch (error) {
    // parseDatabaseUrl's messages name the part that is wrong and never the URL's text.
    const e = error as UsageError;
    throw new TargetsFileError(origin, `${named}: ${e.message}`, e.hint, { entry: index + 1, name });
  }
  // Capabilities set for this target (e.g. {"advisoryLocks": false} for CockroachDB); --capabilities overrides them.
  if (o.capabilities !== undefined) connection = { ...connection, capabilities: checkCapabilityObject(o.capabilities, `${origin}: ${named}`), capabilitiesFrom: `target "${name}" of ${origin}` };
  return { name, stage: (o.stage as string | undefined) ?? DEFAULT_STAGE, tags: (o.tags as string[] | undefined) ?? [], connection };
}

/**
 * Replaces `${VAR}` by the variable's value; a variable that is not set is an error (never an
 * empty password). In the `user:password@` part the value is percent-encoded, so a password
 * holding `@ # / ? %` or `:` stays the password; elsewhere (host, database) it goes in as it is.
 */
export function expandVariables(text: string, env: Readonly<Record<string, string | undefined>>, missing: (variable: string) => Error): string {
  const authority = text.indexOf('://') + 3;
  const end = authority < 3 ? -1 : text.slice(authority).search(/[/?#]/);
  const at = authority < 3 ? -1 : text.lastIndexOf('@', end < 0 ? text.length : authority + end);
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_whole, variable: string, offset: number) => {
    const value = env[variable];
    if (value === undefined) throw missing(variable);
    return at >= authority && offset >= authority && offset < at ? encodeURIComponent(value) : value;
  });
}

/** `--only eu-1,tag:eu`: targets named, or carrying a tag; a name or tag that matches nothing is an error. */
export function selectTargets(fleet: Fleet, only: readonly string[]): Fleet {
  if (only.length === 0) return fleet;
  for (const item of only) {
    const tag = item.startsWith('tag:') ? item.slice(4) : null;
    const matches = fleet.targets.some((t) => (tag === null ? t.name === item : t.tags.includes(tag)));
    if (!matches) throw new UsageError(`--only ${item}: ${tag === null ? 'no target has that name' : 'no target has that tag'} in ${fleet.origin}`, `targets: ${fleet.targets.map((t) => t.name).slice(0, 10).join(', ')}${fleet.targets.length > 10 ? ', …' : ''}; a tag is written tag:NAME`, { only: item });
  }
  const targets = fleet.targets.filter((t) => only.some((item) => (item.startsWith('tag:') ? t.tags.includes(item.slice(4)) : t.name === item)));
  return { ...fleet, targets, stages: fleet.stages.filter((s) => targets.some((t) => t.stage === s)) };
}

/** The server a target's connections go to: at most `--parallel` at once per server (all SQLite files count as one). */
export function serverKey(target: FleetTarget): string {
  const c = target.connection;
  if (c.kind === 'sqlite') return 'sqlite';
  const url = new URL(c.url);
  return `${c.kind}://${url.hostname}:${url.port || (c.kind === 'postgres' ? '5432' : '3306')}`;
}
