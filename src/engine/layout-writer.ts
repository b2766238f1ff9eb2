/**
 * What `revision -m` gives a writer of another tool's layout (Flyway, Atlas, sqlx, dbmate/goose
 * single files): each writes that tool's file, or returns null when the parent is not its layout.
 */
export interface LayoutWriterOptions {
  readonly branch?: readonly string[];
  readonly dependsOn?: readonly string[];
  /** Version token; default: the tool's own choice (a timestamp, the next number). */
  readonly version?: string;
  readonly now?: Date;
}
