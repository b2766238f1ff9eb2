import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `npm run bench` runs every benchmark; `npm run bench -- --quick` the small mode CI uses. */
const args = process.argv.slice(2);
let failed = false;
for (const name of ['startup.js', 'index.js', 'scale.js', 'lint.js', 'apply.js', 'tui.js', 'tui-terminal.js', 'verify.js', 'crash-loop.js', 'large-file.js', 'log-texts.js', 'fleet.js', 'fleet-view.js']) {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(name, import.meta.url)), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
