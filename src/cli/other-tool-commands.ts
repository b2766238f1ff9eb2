/**
 * What a command word of the tools our users leave (dbmate, golang-migrate, goose, Flyway,
 * Atlas, sqlx) is here: typed out of habit, `up` was answered "did you mean 'dump'?".
 * Said with the unknown-command error; nothing runs.
 */
const GOOSE_DRIVER =
  "goose's driver and connection string (`goose postgres \"<dsn>\" up`) are one `--url <url>` (postgres://user:pass@host/db, mysql://…, sqlite:./file.db; a key=value DSN is written as a URL), then the command: `migrate-tui --url <url> upgrade`";

const EQUIVALENTS: Readonly<Record<string, string>> = {
  up: "dbmate's, golang-migrate's and goose's `up` is `migrate-tui upgrade` (`upgrade +N` for N steps, as `migrate up N`)",
  'up-by-one': "goose's `up-by-one` is `migrate-tui upgrade +1`",
  'up-to': "goose's `up-to V` is `migrate-tui upgrade V`",
  down: "dbmate's and goose's `down` is `migrate-tui downgrade -1` (`downgrade -N` for N steps, as `migrate down N`); golang-migrate's `down` without N, which reverts everything, is `migrate-tui reset`",
  'down-to': "goose's `down-to V` is `migrate-tui downgrade V`",
  redo: "goose's `redo` is `migrate-tui downgrade -1`, then `migrate-tui upgrade +1`",
  goto: "golang-migrate's `goto V` is `migrate-tui upgrade V` when V is ahead of the database, `migrate-tui downgrade V` when it is behind",
  force: "golang-migrate's `force V` (set the version, clear dirty, run nothing) is `migrate-tui stamp V`; a step left dirty is cleared with `migrate-tui resolve <rev> --applied` or `--reverted` (after `--resume` or `--reverse` when it should run)",
  version: "golang-migrate's and goose's `version` is `migrate-tui current` (`status` says more)",
  new: "dbmate's `new <name>` is `migrate-tui revision -m \"<name>\"`",
  create: "golang-migrate's and goose's `create <name>` is `migrate-tui revision -m \"<name>\"` (dbmate's `create`, which creates the database, has no equivalent: create it with the database's own tools)",
  migrate:
    "Flyway's and dbmate's `migrate`, Atlas's `migrate apply` and sqlx's `migrate run` are `migrate-tui upgrade`; `migrate status` / `migrate info` are `status`, `migrate new` / `migrate add` are `revision -m \"<name>\"`, Atlas's `migrate set V` is `stamp V`, sqlx's `migrate revert` is `downgrade -1`, `migrate hash` is `hash`",
  info: "Flyway's `info` is `migrate-tui status` (and `history`)",
  validate: "Flyway's and goose's `validate` is `migrate-tui check`",
  baseline: "Flyway's `baseline` (with -baselineVersion=V) is `migrate-tui stamp V`",
  repair: "Flyway's `repair` of a failed migration is `migrate-tui resolve <rev>` (resume, reverse, or record it as applied or reverted); edited files need no repair here: `status` shows the drift",
  undo: "Flyway's `undo` is `migrate-tui downgrade -1`",
  clean: "Flyway's `clean` (drop every object) has no equivalent: migrate-tui never drops what its migrations did not make; `migrate-tui reset` reverts every migration",
  drop: "dbmate's and golang-migrate's `drop` has no equivalent: migrate-tui never drops a database or what its migrations did not make; `migrate-tui reset` reverts every migration",
  apply: "Atlas's `migrate apply` is `migrate-tui upgrade`",
  // goose's driver and connection string come before its command (`goose postgres "<dsn>" up`).
  postgres: GOOSE_DRIVER,
  mysql: GOOSE_DRIVER,
  sqlite3: GOOSE_DRIVER,
  run: "sqlx's `migrate run` is `migrate-tui upgrade`",
};

/** The equivalent of another tool's command word, or null when the word is none of theirs. */
export function otherToolEquivalent(word: string): string | null {
  return EQUIVALENTS[word] || null;
}

/** Other tools' option spellings (golang-migrate's and goose's single dash, dbmate's, sqlx's, Flyway's `-x=`) and ours. */
const OPTION_EQUIVALENTS: Readonly<Record<string, string>> = {
  '-path': "golang-migrate's `-path` is `--dir <folder>`",
  '-source': "golang-migrate's `-source file://<folder>` is `--dir <folder>`",
  '-database': "golang-migrate's `-database <url>` is `--url <url>`",
  // Go's flag package takes `--name` as `-name`: golang-migrate users type both.
  '--database': "golang-migrate's `-database <url>` (or `--database`) is `--url <url>`",
  '--path': "golang-migrate's `-path` (or `--path`) is `--dir <folder>`",
  '-dir': "goose's `-dir` is `--dir <folder>` (and its driver and connection string are one `--url <url>`)",
  '-lock-timeout': "golang-migrate's `-lock-timeout` is `--lock-timeout <seconds>`",
  '--migrations-dir': "dbmate's `--migrations-dir` is `--dir <folder>`",
  '-d': "dbmate's `-d` is `--dir <folder>`",
  '--schema-file': 'dbmate\'s `--schema-file` is `"schemaFile"` in migrate-tui.config.json (or `dump --out <file>`, `load --file <path>`)',
  '-s': 'dbmate\'s `-s` is `"schemaFile"` in migrate-tui.config.json (or `dump --out <file>`, `load --file <path>`)',
  '--no-dump-schema': 'no schema file is written unless `"schemaFile"` is set in migrate-tui.config.json',
  '-u': "dbmate's `-u` is `--url <url>`",
  '--env': 'DATABASE_URL is read as it is (not through another variable); or give `--url <url>`',
  '-e': "dbmate's `-e` (`--env`): DATABASE_URL is read as it is (not through another variable); or give `--url <url>`",
  '--env-file': "dbmate's `--env-file`: migrate-tui reads no .env file; export its variables first (`set -a; . ./.env; set +a`), or give `--url <url>`",
  '--migrations-table': "dbmate's `--migrations-table`: its table is looked for as schema_migrations only (rename it so before `migrate-tui status`); migrate-tui's own tables are set by \"versionTable\" and \"logTable\" in migrate-tui.config.json",
  '-table': "goose's `-table`: its table is looked for as goose_db_version only (rename it so before `migrate-tui status`); migrate-tui's own tables are set by \"versionTable\" and \"logTable\" in migrate-tui.config.json",
  '-allow-missing': "goose's `-allow-missing` is `upgrade --out-of-order`",
  '--source': "sqlx's `--source` is `--dir <folder>`",
  '--database-url': "sqlx's `--database-url` is `--url <url>`",
  '-D': "sqlx's `-D` is `--url <url>`",
  '-url': "Flyway's `-url=jdbc:…` is `--url <url>` (postgres://user:password@host/db, mysql://…; the user and password in the URL)",
  '-locations': "Flyway's `-locations=filesystem:<folder>` is `--dir <folder>`",
  '-user': "Flyway's `-user` and `-password` go in the URL: `--url postgres://user:password@host/db`",
  '-password': "Flyway's `-user` and `-password` go in the URL: `--url postgres://user:password@host/db`",
};

/** The equivalent of another tool's option (`-path`, `--migrations-dir`, `-url=…`), or null. */
export function otherToolOption(arg: string): string | null {
  return OPTION_EQUIVALENTS[arg.split('=')[0]!] || null;
}

