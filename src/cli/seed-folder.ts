import { statSync } from 'node:fs';
import { engine } from './engine.js';

/**
 * The seeds folder of `seed` and `verify --seeds`, which must exist: a mistyped --seeds (or a
 * project without seeds/) ran nothing and said `ran 0 seed files`, exit 0, as if it had worked.
 * `given`: the path came from --seeds (else from the config file or the default).
 */
export function existingSeedFolder(path: string, given: boolean): string {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new engine.UsageError(
      `${path}: the seeds folder does not exist`,
      given ? 'check the path given to --seeds' : '`migrate-tui init` creates it; or point at the right one with --seeds <folder> or "seeds" in migrate-tui.config.json',
      { path },
    );
  }
  if (!isFolder) throw new engine.UsageError(`${path}: the seeds folder is not a folder`, 'point --seeds (or "seeds" in migrate-tui.config.json) at the folder of seed files', { path });
  return path;
}
