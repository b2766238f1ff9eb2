import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { DEFAULT_STATE_TABLES, loadProject, validateTargets, type LeaseSettings } from '../../src/engine/index.js';
import { FleetApp } from '../../src/tui/fleet/fleet-app.js';
import type { FleetHandle } from '../../src/tui/fleet/fleet-context.js';
import { drive } from './screen.js';

/**
 * The fleet view under test: the real FleetApp on real targets (SQLite files, databases on
 * the test servers), in a fake terminal 100 columns wide.
 */
export function openFleetScreen(options: { migrations: string; targets: unknown; readOnly?: boolean; height?: number; connectTimeoutMs?: number; continueOnError?: boolean; parallel?: number; lease?: LeaseSettings; stealStaleLock?: boolean }) {
  const work = mkdtempSync(join(tmpdir(), 'migrate-tui-fleet-screen-'));
  const fleet = validateTargets(options.targets, 'test targets', {}, work);
  const withTimeout = { ...fleet, targets: fleet.targets.map((t) => ({ ...t, connection: { ...t.connection, connectTimeoutMs: options.connectTimeoutMs ?? 10_000 } })) };
  const handle: FleetHandle = { session: null, ctx: null };
  let quitSummary: string | null = null;
  const screen = render(
    createElement(FleetApp, {
      options: {
        fleet: withTimeout,
        project: loadProject(options.migrations, { lazyDown: true }),
        tables: DEFAULT_STATE_TABLES,
        toolVersion: 'test',
        lockTimeoutMs: 5000,
        backupRoot: join(work, 'backups'),
        readOnly: options.readOnly ?? false,
        parallel: options.parallel ?? 4,
        continueOnError: options.continueOnError ?? false,
        ...(options.lease ? { lease: options.lease } : {}),
        stealStaleLock: options.stealStaleLock ?? false,
      },
      width: 100,
      height: options.height ?? 30,
      onQuit: (s: string) => (quitSummary = s),
      handle,
    }),
  );
  const close = async () => {
    screen.unmount();
    await handle.ctx?.runs.done?.catch(() => undefined);
    await handle.session?.close();
  };
  return { ...drive(screen), screen, handle, work, close, quitSummary: () => quitSummary };
}
