import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * A reader that goes away (`migrate-tui upgrade --help | head -1`): the pipe's read end is
 * closed before the binary writes, so its first write fails with EPIPE. It was an unhandled
 * 'error' event — a stack trace and exit 1. Now writing stops and the command finishes.
 */
function withStdoutClosed(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

test('help with its reader gone: exit 0, no stack trace', async (t) => {
  for (const args of [['upgrade', '--help'], ['--help'], ['verify', '--help']]) {
    const r = await withStdoutClosed(args);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    t.notRegex(r.stderr, /EPIPE|Unhandled|at /);
  }
});

test('an upgrade whose reader is gone still runs to its end and records it', async (t) => {
  const dir = makeFolder({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n', '2_b.up.sql': 'CREATE TABLE b (id int);\n', '2_b.down.sql': 'DROP TABLE b;\n' });
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'migrate-tui-epipe-')), 'db.sqlite')}`;
  const r = await withStdoutClosed(['--url', url, '--dir', dir, '--yes', 'upgrade']);
  t.is(r.code, 0, r.stderr);
  t.notRegex(r.stderr, /EPIPE|Unhandled/);
  t.deepEqual(JSON.parse((await cli(['--url', url, '--dir', dir, '--json', 'status'])).stdout).current, ['2']);
});
