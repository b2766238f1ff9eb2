import { DIALECT_NAMES } from '../dialects/registry.js';
import { problem, type FileProblem } from '../problems.js';
import type { HeaderDirective, SqlSource } from './sql-source.js';
import { REVISION_ID } from './version-order.js';

const BRANCH_LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** No parents, dependencies or labels: one list shared by every revision without them (10,000s of them). */
const NO_IDS: readonly string[] = [];

/** One revision as its files declare it. */
export interface Migration {
  readonly id: string;
  readonly slug: string;
  readonly message: string;
  readonly upPath: string;
  readonly downPath: string | null;
  /** Parents: from `-- migrate:revises`, else the migration before it in version order. */
  readonly parents: readonly string[];
  readonly parentsExplicit: boolean;
  readonly dependsOn: readonly string[];
  readonly branchLabels: readonly string[];
  readonly transaction: boolean;
  readonly irreversible: boolean;
  /** Header lines by name, so graph errors can point at them. */
  readonly headerLines: Readonly<Partial<Record<HeaderDirective['name'], number>>>;
  readonly up: SqlSource;
  readonly down: SqlSource | null;
  /**
   * The down file for one use: the one already read, else read now and not kept on the
   * migration (a long-lived project, like the TUI's, linting every revision once).
   */
  readonly downOnce?: () => SqlSource | null;
  /** What a revision without a down lacks, in its layout's words, when the file name does not say it (Atlas files). */
  readonly missingDown?: string;
  /** An Atlas checkpoint recorded without running (the files before it ran): Atlas never records it on a database it migrated from the start. */
  readonly atlasCheckpoint?: boolean;
}

/** Builds one revision from its files: headers read, defaults applied, file-level problems noted. */
export function buildMigration(
  id: string,
  slug: string,
  upPath: string,
  up: SqlSource,
  downPath: string | null,
  down: SqlSource | null | (() => SqlSource | null),
  previous: string | null,
  problems: FileProblem[],
  /** What to say when there is no down (single-file layouts word it their way); null: the layout has no downs, said once for the folder (Atlas), with these words in refusals. */
  noDown?: { message: string; hint: string } | { silent: string },
): Migration {
  const headerLines: Partial<Record<HeaderDirective['name'], number>> = {};
  let parents: readonly string[] = previous ? [previous] : NO_IDS;
  let parentsExplicit = false;
  let dependsOn: readonly string[] = NO_IDS;
  let branchLabels: readonly string[] = NO_IDS;
  let message = slug.replace(/_/g, ' ').trim() || id;
  // Off when the file's own layout says so for every dialect (goose NO TRANSACTION, dbmate
  // transaction:false, popx .autocommit on every file), or the header says so.
  let transaction = DIALECT_NAMES.some((d) => up.transactionOff(d) === null);
  let irreversible = false;

  const bad = (h: HeaderDirective, what: string, hint: string) =>
    problems.push(problem('bad-header-value', upPath, h.line, `\`-- migrate:${h.name}\` ${what}`, hint));

  for (const h of up.headers) {
    headerLines[h.name] = h.line;
    switch (h.name) {
      case 'revises': {
        parentsExplicit = true;
        if (h.value.toLowerCase() === 'base') {
          parents = NO_IDS;
          break;
        }
        const ids = idList(h.value);
        if (ids.length === 0 || ids.some((x) => !REVISION_ID.test(x))) {
          bad(h, `needs revision ids (letters and digits, or a Flyway version like 1.1) or "base", got "${h.value}"`, 'write e.g. `-- migrate:revises 20261121093000` or `-- migrate:revises a1, b2` for a merge');
          parents = NO_IDS;
        } else parents = dedupe(ids);
        break;
      }
      case 'depends-on': {
        const ids = idList(h.value);
        if (ids.length === 0 || ids.some((x) => !REVISION_ID.test(x))) {
          bad(h, `needs revision ids (letters and digits, or a Flyway version like 1.1), got "${h.value}"`, 'write e.g. `-- migrate:depends-on 20261121093000`');
        } else dependsOn = dedupe(ids);
        break;
      }
      case 'branch': {
        const labels = idList(h.value);
        if (labels.length === 0 || labels.some((x) => !BRANCH_LABEL.test(x))) {
          bad(h, `needs labels made of letters, digits and "_" (not starting with a digit), got "${h.value}"`, 'write e.g. `-- migrate:branch billing`');
        } else branchLabels = dedupe(labels);
        break;
      }
      case 'message':
        if (h.value === '') bad(h, 'is empty', 'write the message after the colon, or remove the line to use the file name');
        else message = h.value;
        break;
      case 'transaction': {
        const v = h.value.toLowerCase();
        if (v === 'off' || v === 'false' || v === 'no') transaction = false;
        else if (v === 'on' || v === 'true' || v === 'yes') transaction &&= true;
        else bad(h, `must be "on" or "off", got "${h.value}"`, 'write `-- migrate:transaction off` to run without a wrapping transaction');
        break;
      }
      case 'irreversible':
        if (h.value !== '') bad(h, 'takes no value', 'write just `-- migrate:irreversible`');
        irreversible = true;
        break;
    }
  }

  // Empty and comment-only files are valid no-op migrations, as in golang-migrate, dbmate,
  // goose and popx: they run (nothing), are recorded, and `check` says so as a warning.
  const isMerge = parents.length > 1;
  if (!up.hasContent && !isMerge) {
    problems.push(
      problem(
        'empty-migration',
        upPath,
        0,
        'this migration has no SQL for any dialect: it will be recorded as applied without running anything',
        'write the SQL of the change, or keep it as a deliberate no-op (`check --strict` fails on warnings)',
        'warning',
      ),
    );
  }
  // An up without a down is valid in golang-migrate: the revision is irreversible.
  if (!downPath && !irreversible && noDown && 'silent' in noDown) irreversible = true;
  if (!downPath && !irreversible) {
    irreversible = true;
    const said = noDown && 'message' in noDown ? noDown : undefined;
    problems.push(
      problem(
        'up-without-down',
        upPath,
        0,
        said?.message ?? 'no matching .down.sql: the revision is irreversible (downgrades past it are refused)',
        said?.hint ?? `add ${id}_${slug}.down.sql with the SQL that undoes this one, or put \`-- migrate:irreversible\` at the top of this file to say so`,
        'warning',
      ),
    );
  }
  if (downPath && irreversible) {
    problems.push(
      problem(
        'irreversible-with-down',
        upPath,
        headerLines.irreversible ?? 0,
        'marked irreversible but it has a .down.sql, which will never run',
        `remove \`-- migrate:irreversible\`, or delete ${downPath}`,
        'warning',
      ),
    );
  } else if (down && typeof down !== 'function' && !down.hasContent && up.hasContent) {
    problems.push(
      problem(
        'empty-down',
        down.path,
        0,
        'the .down.sql has no SQL, so a downgrade records the revision as undone without undoing anything',
        'write the SQL that undoes the up file, or delete this file and mark the up file `-- migrate:irreversible`',
        'warning',
      ),
    );
  }

  const migration = new IndexedMigration(id, slug, message, upPath, downPath, parents, parentsExplicit, dependsOn, branchLabels, transaction, irreversible, headerLines, up, down);
  if (noDown && 'silent' in noDown) migration.missingDown = noDown.silent;
  return migration;
}

/** A migration whose down file may be read on first use (see ReadOptions.lazyDown). */
class IndexedMigration implements Migration {
  private downSource: SqlSource | null | undefined;
  missingDown?: string;
  atlasCheckpoint?: boolean;
  constructor(
    readonly id: string,
    readonly slug: string,
    readonly message: string,
    readonly upPath: string,
    readonly downPath: string | null,
    readonly parents: readonly string[],
    readonly parentsExplicit: boolean,
    readonly dependsOn: readonly string[],
    readonly branchLabels: readonly string[],
    readonly transaction: boolean,
    readonly irreversible: boolean,
    readonly headerLines: Readonly<Partial<Record<HeaderDirective['name'], number>>>,
    readonly up: SqlSource,
    private readonly readDown: SqlSource | null | (() => SqlSource | null),
  ) {
    if (typeof readDown !== 'function') this.downSource = readDown;
  }

  get down(): SqlSource | null {
    if (this.downSource === undefined) this.downSource = (this.readDown as () => SqlSource | null)();
    return this.downSource;
  }

  downOnce(): SqlSource | null {
    return this.downSource !== undefined ? this.downSource : (this.readDown as () => SqlSource | null)();
  }
}

function idList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}
