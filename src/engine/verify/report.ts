/**
 * What `verify` found: a matrix of revisions × dialects. Each cell says whether the revision
 * round-trips on that dialect (up, down back to the schema before, up again to the schema
 * after), and if not, what differs or which statement failed.
 */
export type CellStatus =
  /** up, down and up again left the expected schemas. */
  | 'ok'
  /** A schema differed: `differences` say which objects. */
  | 'differs'
  /** A statement failed: `error` names the file and line. */
  | 'failed'
  /** The revision has no SQL for this dialect (its dialect section is missing). */
  | 'no-sql'
  /** Irreversible: its up was applied once, not round-trip checked. */
  | 'irreversible'
  /** Not checked: an earlier revision failed on this dialect, or the run was cancelled. */
  | 'not-run';

export interface CellError {
  readonly path: string;
  readonly line: number;
  /** up, down or up again; seeds: first or second run. */
  readonly phase: string;
  readonly message: string;
}

export interface VerifyCell {
  readonly status: CellStatus;
  /** Wall time of the whole check of this revision on this dialect (snapshots included). */
  readonly ms: number;
  /** Sentences naming the revision, the dialect and each object that differs. */
  readonly differences: readonly string[];
  readonly error?: CellError;
  /** A unified diff of the expected and found schemas (the first difference's check). */
  readonly diff?: string;
  /** A failure after the first one (e.g. the second up failing because the down left an index behind). */
  readonly note?: string;
}

export interface VerifyColumn {
  /** The dialect asked for: sqlite, postgres, mysql (a MySQL URL may reach MariaDB). */
  readonly dialect: string;
  /** The server product and version, once connected. */
  readonly server: string | null;
  /** Where the scratch database was (dropped afterwards). */
  readonly scratch: string | null;
  /** It could not start: no scratch database, no connection. */
  readonly error: string | null;
  /** Cleaning up failed (the scratch database could not be dropped): what is left. */
  readonly leftover: string | null;
  readonly ms: number;
}

export interface VerifyRevisionRow {
  readonly id: string;
  readonly message: string;
}

export interface VerifyReport {
  readonly columns: readonly VerifyColumn[];
  readonly revisions: readonly VerifyRevisionRow[];
  /** cells[revision][dialect] */
  readonly cells: Record<string, Record<string, VerifyCell>>;
  /** With --seeds: the seeds run twice per dialect. */
  readonly seeds: Record<string, VerifyCell> | null;
  readonly cancelled: boolean;
  /** No cell differs or failed, and every dialect ran. */
  readonly ok: boolean;
}

/** A cell is a failure when it differs or failed; the other statuses are information. */
export function isFailure(cell: VerifyCell): boolean {
  return cell.status === 'differs' || cell.status === 'failed';
}

/** Progress as it happens (the CLI prints it on stderr, the TUI fills the matrix). */
export type VerifyEvent =
  | { readonly type: 'column'; readonly column: VerifyColumn }
  | { readonly type: 'cell-start'; readonly dialect: string; readonly revision: string; readonly phase: string }
  | { readonly type: 'cell'; readonly dialect: string; readonly revision: string; readonly cell: VerifyCell }
  | { readonly type: 'seeds'; readonly dialect: string; readonly cell: VerifyCell };

/** A cell in a few characters, the same in the CLI's matrix and the TUI's: meaning without colour. */
export function cellSymbol(cell: VerifyCell | undefined): string {
  switch (cell?.status) {
    case 'ok':
      return '✓';
    case 'differs':
      return '✗ differs';
    case 'failed':
      return '✗ fails';
    case 'no-sql':
      return '–';
    case 'irreversible':
      return 'irreversible';
    case 'not-run':
      return 'not run';
    default:
      return '…';
  }
}

/** What a failing cell says, one sentence a line: the differences, or where and why it failed. */
export function cellProblems(revision: string, dialect: string, cell: VerifyCell): string[] {
  const lines = [...cell.differences];
  if (cell.error) lines.push(`${cell.error.phase} of ${revision} (${dialect}) failed at ${cell.error.path}:${cell.error.line}: ${cell.error.message}`);
  if (cell.note) lines.push(`${revision} (${dialect}): ${cell.note}`);
  return lines;
}
