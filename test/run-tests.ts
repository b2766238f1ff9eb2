import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMariadb, startPostgres, type RunningServer } from './servers.js';

/**
 * `npm test`: starts throwaway PostgreSQL and MariaDB servers, runs ava with their URLs in
 * TEST_POSTGRES_URL / TEST_MARIADB_URL, and stops exactly what it started. A server whose
 * binaries are missing is announced loudly; in CI (CI=true) that fails the run.
 */
const ci = process.env.CI === 'true';
const servers: RunningServer[] = [];
const env: Record<string, string> = { ...(process.env as Record<string, string>) };
let failed = false;

const stopAll = async () => {
  for (const s of servers.splice(0)) await s.stop().catch((e) => console.error(`could not stop ${s.name}: ${String(e)}`));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll().then(() => process.exit(130)));

let status = 1;
try {
  for (const [name, start, key] of [
    ['PostgreSQL', startPostgres, 'TEST_POSTGRES_URL'],
    ['MariaDB', startMariadb, 'TEST_MARIADB_URL'],
  ] as const) {
    if (process.env[key]) {
      console.log(`test: using ${name} from ${key}`);
      continue;
    }
    const t0 = Date.now();
    try {
      const server = await start();
      servers.push(server);
      env[key] = server.url;
      console.log(`test: started ${server.version} for this run in ${Date.now() - t0} ms`);
    } catch (error) {
      const banner = `\n${'!'.repeat(78)}\n!! ${name} IS NOT AVAILABLE: its suites will ${ci ? 'FAIL (CI=true)' : 'be reported as NOT RUN'}\n!! ${String((error as Error).message).split('\n').join('\n!! ')}\n${'!'.repeat(78)}\n`;
      console.error(banner);
      if (ci) failed = true;
    }
  }
  const ava = fileURLToPath(new URL('../../node_modules/ava/entrypoints/cli.mjs', import.meta.url));
  const output: string[] = [];
  status = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [ava, ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'pipe'], env });
    child.stdout.on('data', (chunk: Buffer) => (process.stdout.write(chunk), output.push(chunk.toString())));
    child.stderr.on('data', (chunk: Buffer) => (process.stderr.write(chunk), output.push(chunk.toString())));
    child.on('close', (code) => resolve(code ?? 1));
  });
  if (status !== 0) {
    // A failed run shows what each server saw (stalled handshakes, aborted connections…), then
    // the failing tests again: CI logs are often read from their end, where the servers' lines
    // would otherwise bury ava's report.
    for (const s of servers) console.error(`\n--- the last lines of ${s.name}'s own log ---\n${s.logTail(20)}`);
    console.error(`\n--- ava's failures, again ---\n${failureReport(output.join(''))}`);
  }
} finally {
  await stopAll();
}
process.exit(failed ? 1 : status);

/** The lines that name failing tests (and ava's closing counts), then the end of ava's output. */
function failureReport(text: string): string {
  const lines = text.split('\n');
  // ava's own lines only: a passing test's title may say "failed" too.
  const named = lines.filter((line) => /^\s*(✘|\d+ (tests?|known failures?|uncaught exceptions?|unhandled rejections?)\b|Timed out)/.test(line)).slice(0, 40);
  return [...lines.slice(-60), '--- failing tests ---', ...named].join('\n');
}
