// Installs the peer tools bench/apply.ts compares with that npm can fetch (dbmate's binary) into
// .bench-tools/ (ignored by git; never a dependency). An install step, run by .ci/run and by hand
// (`npm run bench:tools`): the benchmarks themselves reach loopback only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DBMATE_VERSION = '2.36.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '.bench-tools');
const pkg = `@dbmate/${process.platform}-${process.arch}@${DBMATE_VERSION}`;
const binary = join(root, 'node_modules', '@dbmate', `${process.platform}-${process.arch}`, 'bin', 'dbmate');
if (existsSync(binary)) console.log(`bench-tools: dbmate already in ${binary}`);
else {
  const r = spawnSync('npm', ['install', '--prefix', root, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', pkg], { encoding: 'utf8', timeout: 120_000 });
  // Not fatal: bench/apply.ts then prints the dbmate row as not measured, saying why.
  console.log(existsSync(binary) ? `bench-tools: installed ${pkg}` : `bench-tools: npm install ${pkg} failed (exit ${r.status}): the dbmate row will be skipped\n${r.stderr.slice(-500)}`);
}
