import { readFileSync } from 'node:fs';

/** Set by the bundler (scripts/bundle.mjs) to package.json's version; absent in the `tsc` build. */
declare const MIGRATE_TUI_VERSION: string | undefined;

/** The package version, recorded in logs and printed by --version. */
export const TOOL_VERSION: string =
  typeof MIGRATE_TUI_VERSION === 'string'
    ? MIGRATE_TUI_VERSION
    : (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
