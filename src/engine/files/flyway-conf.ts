import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A Flyway project's configured folder: the config file that names it, the location as written, the folder. */
export interface FlywayLocation {
  readonly file: string;
  readonly location: string;
  readonly folder: string;
  /** How many filesystem locations the file names (migrate-tui reads one folder). */
  readonly count: number;
}

/**
 * The `filesystem:` location a Flyway config file in `root` names and that is a folder there:
 * `flyway.conf`'s `flyway.locations=filesystem:sql` (Flyway up to 9, and 10's legacy file) or
 * `flyway.toml`'s `locations = ["filesystem:sql"]` (Flyway 10). A project switching from Flyway
 * runs migrate-tui where it ran Flyway, and its migrations are there, not in migrations/.
 * Null when there is no such file, or none of its locations is a folder.
 */
export function flywayConfLocation(root: string): FlywayLocation | null {
  for (const file of ['flyway.conf', 'flyway.toml', 'conf/flyway.conf']) {
    const path = join(root, file);
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const listed = file.endsWith('.toml') ? /^\s*locations\s*=\s*\[([^\]]*)\]/m.exec(text)?.[1]?.replace(/["']/g, '') : /^\s*flyway\.locations\s*[=:]\s*(.*)$/m.exec(text)?.[1];
    const locations = (listed ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter((l) => /^filesystem:./.test(l));
    for (const location of locations) {
      const folder = location.slice('filesystem:'.length);
      const there = join(root, folder);
      if (existsSync(there) && statSync(there).isDirectory()) return { file, location, folder, count: locations.length };
    }
  }
  return null;
}
