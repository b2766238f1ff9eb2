import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Throwaway database servers for the test run, started from the installed binaries on
 * loopback and free ports in a temp dir, and stopped by the pid they wrote — never by name.
 */
export interface RunningServer {
  readonly name: 'postgres' | 'mariadb';
  readonly url: string;
  readonly version: string;
  stop(): Promise<void>;
  /** The last lines of the server's own log (printed when a test run fails: what the server saw). */
  logTail(lines?: number): string;
  /** PostgreSQL: stops the server at once (pg_ctl -m immediate), keeping its data, and starts it again (bench/fleet.ts). */
  halt?(): void;
  restart?(): void;
}

const isRoot = process.getuid?.() === 0;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The test machine is shared and loaded (load 12 on 2 cores seen): a client that is slow to
 * answer the greeting must not be dropped after MariaDB's default 10 s (seen as `write
 * ECONNRESET` on connect), and tests that kill clients mid-handshake must not get 127.0.0.1
 * blocked by max_connect_errors.
 */
const LOADED_MACHINE_MARIADB = ['--connect-timeout=120', '--max-connect-errors=1000000'];

function run(command: string, args: string[], asUser?: string): { ok: boolean; output: string } {
  const [cmd, argv] = isRoot && asUser ? ['runuser', ['-u', asUser, '--', command, ...args]] : [command, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function ownedDir(prefix: string, user: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (isRoot) {
    const id = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    if (id.status === 0) chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  return dir;
}

export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, 'bin') : null;
}

/**
 * Tests run the servers without flushing to disk (fsync=off, innodb_flush_log_at_trx_commit=0):
 * they throw the data away. Benchmarks pass `durable: true` to measure the servers' default
 * durability, as users run them; `preload` adds shared_preload_libraries (pg_stat_statements).
 */
export interface ServerOptions {
  readonly durable?: boolean;
  readonly preload?: readonly string[];
}

export async function startPostgres(options: ServerOptions = {}): Promise<RunningServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): apt-get install postgresql');
  const dir = ownedDir('migrate-tui-pg-', 'postgres');
  const data = join(dir, 'data');
  const password = 'pg-test-secret';
  writeFileSync(join(dir, 'pw'), password);
  if (isRoot) run('chown', ['postgres', join(dir, 'pw')]);
  const init = run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${join(dir, 'pw')}`], 'postgres');
  if (!init.ok) throw new Error(`initdb failed:\n${init.output}`);
  let port = 0;
  let settings = '';
  // A port found free can be taken before the server binds it (a client's ephemeral port): another one then.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    // 300 connections: a loaded CI machine overlaps more tests (each with its pool, cancel and lock-check sessions) than this one.
    settings = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir}${options.durable ? '' : ' -c fsync=off'} -c max_connections=300${options.preload?.length ? ` -c shared_preload_libraries=${options.preload.join(',')}` : ''}`;
    const start = run(join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'], 'postgres');
    if (start.ok) break;
    const log = safeRead(join(dir, 'server.log'));
    if (attempt < 3 && /could not bind|Address already in use/i.test(log)) continue;
    throw new Error(`pg_ctl start failed:\n${start.output}\n${log}`);
  }
  const version = run(join(bin, 'postgres'), ['--version']).output.trim();
  return {
    name: 'postgres',
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    version,
    logTail: (lines = 40) => safeRead(join(dir, 'server.log')).split('\n').slice(-lines).join('\n'),
    halt: () => void run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], 'postgres'),
    restart: () => {
      const again = run(join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'], 'postgres');
      if (!again.ok) throw new Error(`pg_ctl start failed:\n${again.output}`);
    },
    stop: async () => {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], 'postgres');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function which(name: string): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

export async function startMariadb(options: ServerOptions = {}): Promise<RunningServer> {
  const server = which('mariadbd');
  const installDb = which('mariadb-install-db');
  const client = which('mariadb');
  if (!server || !installDb || !client) throw new Error('MariaDB server binaries not found (mariadbd, mariadb-install-db, mariadb): apt-get install mariadb-server');
  const dir = ownedDir('migrate-tui-maria-', 'mysql');
  const data = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const pidFile = join(dir, 'mysqld.pid');
  const user = isRoot ? ['--user=mysql'] : [];
  const install = run(installDb, ['--no-defaults', ...user, `--datadir=${data}`, '--auth-root-authentication-method=socket', '--skip-test-db']);
  if (!install.ok) throw new Error(`mariadb-install-db failed:\n${install.output}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMariadbOn(await freePort(), { server, client, dir, data, socket, pidFile, user }, options);
    } catch (error) {
      // A port found free can be taken before the server binds it (a client's ephemeral port): another one then.
      if (attempt < 3 && /Bind on TCP\/IP port|Address already in use/i.test(safeRead(join(dir, 'error.log')))) continue;
      throw error;
    }
  }
}

interface MariadbPaths {
  readonly server: string;
  readonly client: string;
  readonly dir: string;
  readonly data: string;
  readonly socket: string;
  readonly pidFile: string;
  readonly user: readonly string[];
}

async function startMariadbOn(port: number, { server, client, dir, data, socket, pidFile, user }: MariadbPaths, options: ServerOptions): Promise<RunningServer> {
  const child: ChildProcess = spawn(
    server,
    ['--no-defaults', ...user, `--datadir=${data}`, `--socket=${socket}`, `--pid-file=${pidFile}`, `--port=${port}`, '--bind-address=127.0.0.1', '--skip-name-resolve', ...LOADED_MACHINE_MARIADB, ...(options.durable ? [] : ['--innodb-flush-log-at-trx-commit=0']), `--log-error=${join(dir, 'error.log')}`],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  const password = 'maria-test-secret';
  const setup = `CREATE USER IF NOT EXISTS 'test'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT ALL ON *.* TO 'test'@'127.0.0.1' WITH GRANT OPTION;`;
  const deadline = Date.now() + 60_000;
  let ready = false;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (run(client, [`--socket=${socket}`, '-u', 'root', '-e', setup]).ok && run(client, ['-h', '127.0.0.1', '-P', String(port), '-u', 'test', `-p${password}`, '-e', 'SELECT 1']).ok) {
      ready = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 200)); // polling a starting server, not synchronising tests
  }
  if (!ready) {
    if (child.pid) process.kill(child.pid, 'SIGKILL');
    throw new Error(`mariadbd did not start:\n${safeRead(join(dir, 'error.log'))}`);
  }
  const version = run(client, ['-h', '127.0.0.1', '-P', String(port), '-u', 'test', `-p${password}`, '-N', '-e', 'SELECT VERSION()']).output.trim();
  return {
    name: 'mariadb',
    url: `mysql://test:${password}@127.0.0.1:${port}/mysql`,
    version: `MariaDB ${version}`,
    logTail: (lines = 40) => safeRead(join(dir, 'error.log')).split('\n').slice(-lines).join('\n'),
    stop: async () => {
      const pid = Number(safeRead(pidFile).trim()) || child.pid;
      if (pid) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
        const until = Date.now() + 30_000;
        while (Date.now() < until && alive(pid)) await new Promise((r) => setTimeout(r, 100));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
