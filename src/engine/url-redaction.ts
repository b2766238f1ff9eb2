/**
 * Passwords out of what people see: URLs masked, and driver messages redacted before they are
 * printed or logged (connection.ts re-exports these).
 */

/** The URL with any password replaced by `***`. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z0-9+]+:\/\/[^:/@]*:)[^/?#]*@/i, '$1***@');
}

/** Credentials inside any URL in a text: `scheme://user:password@` (up to the last `@` of the authority). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/?#]*@/gi;
/** A `password=value` key (conninfo, option strings); the value may be quoted. */
const PASSWORD_KEY = /\b(password\s*=\s*)('[^']*'|"[^"]*"|[^\s'";,&)]+)/gi;

/**
 * Masks credentials in a message (driver errors may echo a URL or a connection string): the
 * password part of every URL, and a `password=` key holding this connection's password. It
 * never replaces the password's text elsewhere, so a password such as `migrate` or `a` leaves
 * `no_such_migrate_table` and the rest of a message as the database wrote it.
 */
export function redact(text: string, target: { readonly url: string; readonly display: string }): string {
  const out = text.split(target.url).join(target.display).replace(URL_CREDENTIALS, '$1***@');
  let password = '';
  try {
    password = new URL(target.url).password;
  } catch {
    // Not a URL with a password (SQLite).
  }
  if (!password) return out;
  const forms = new Set([password, safeDecode(password)]);
  return out.replace(PASSWORD_KEY, (whole, key: string, value: string) => (forms.has(value.replace(/^(['"])(.*)\1$/, '$2')) ? `${key}***` : whole));
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
