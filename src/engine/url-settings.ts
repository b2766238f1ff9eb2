import { UsageError } from './errors.js';

/**
 * Other tools' settings in a database URL's query that migrate-tui's drivers do not read, where
 * going on without them would do something else than the URL asks: golang-migrate's x- settings
 * (the server refused them as unknown parameters), and on MySQL/MariaDB a TLS setting of another
 * driver — the Go driver's `tls=true` (golang-migrate's and dbmate's URLs), the mysql client's
 * `ssl-mode=REQUIRED`, JDBC's `sslMode` — which mysql2 ignored with a warning of its own
 * ("Ignoring invalid configuration option passed to Connection: tls") and connected WITHOUT TLS.
 */
export function foreignUrlSetting(kind: 'postgres' | 'mysql', params: URLSearchParams, source: string): UsageError | null {
  const goSetting = [...params.keys()].find((k) => k.startsWith('x-'));
  if (goSetting) {
    return new UsageError(
      `the database URL from ${source} has ${goSetting}, a setting of golang-migrate's (its x- parameters), which the database server does not know`,
      `remove it from the URL${goSetting === 'x-migrations-table' ? `; migrate-tui looks for golang-migrate's table as schema_migrations only, so it does not see what a table of another name records: rename that table to schema_migrations before anything else, and \`migrate-tui status\` names the stamp that takes the database over` : ''}`,
      { source, parameter: goSetting },
    );
  }
  if (kind !== 'mysql') return null;
  const tls = (['tls', 'ssl-mode', 'sslMode', 'sslmode'] as const).find((k) => params.has(k) && !/^(false|disabled?|0)$/i.test(params.get(k)!));
  if (!tls) return null;
  const whose = tls === 'tls' ? "the Go MySQL driver's TLS setting (golang-migrate's and dbmate's URLs)" : tls === 'ssl-mode' ? "the mysql client's TLS setting" : "a TLS setting of another driver (JDBC's sslMode, libpq's sslmode)";
  return new UsageError(
    `the database URL from ${source} has ${tls}=${params.get(tls)}, ${whose}, which migrate-tui's MySQL/MariaDB driver does not read: it would connect without TLS`,
    `to require TLS, write ssl={"rejectUnauthorized":true} in its place (percent-encoded: ssl=%7B%22rejectUnauthorized%22%3Atrue%7D; false in place of true skips the certificate check); to connect without TLS, remove it`,
    { source, parameter: tls },
  );
}
