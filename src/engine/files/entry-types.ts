import type { SectionName } from './directives.js';
import type { SingleFileLayout } from './single-file.js';

/** One file of a version: its name, slug and what its name says. */
export interface NamedFile {
  readonly name: string;
  readonly slug: string;
  readonly autocommit: boolean;
}

/** Everything one version has in the folder: file pairs per popx dialect part (`all` for none), one goose/dbmate file, or Flyway's V and U files. */
export interface VersionEntry {
  readonly version: string;
  readonly parts: Map<SectionName | 'all', { up?: NamedFile; down?: NamedFile }>;
  /** goose or dbmate by its markers; `atlas`: a plain `.sql` file in a folder with an `atlas.sum`; `sqlx`: one of a folder of plain `<number>_<name>.sql` files only. */
  single?: NamedFile & { readonly text: string; readonly layout: SingleFileLayout | 'atlas' | 'sqlx' };
  flyway?: { up?: NamedFile; down?: NamedFile };
}
