/**
 * Version order: numeric when both tokens are all digits (golang-migrate's rule, so
 * `10` sorts after `9`), numeric part by part when both are dotted numbers (Flyway's rule
 * for its revision ids, `1.10` after `1.9`, a missing part counting as 0), else by code point.
 * Tokens that compare equal as numbers (`01` and `1`) are ordered by code point, so the
 * order is total.
 */
const DIGITS = /^[0-9]+$/;
const DOTTED = /^[0-9]+(?:\.[0-9]+)+$/;

export function compareVersions(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b)) {
    const by = compareNumbers(a, b);
    if (by !== 0) return by;
  } else if ((DOTTED.test(a) || DIGITS.test(a)) && (DOTTED.test(b) || DIGITS.test(b))) {
    const x = a.split('.');
    const y = b.split('.');
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const by = compareNumbers(x[i] ?? '0', y[i] ?? '0');
      if (by !== 0) return by;
    }
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x === y ? 0 : x < y ? -1 : 1;
}

export const VERSION_TOKEN = /^[0-9A-Za-z]+$/;

/** A revision id: a version token, or a Flyway version id (`1.1`, numeric parts joined by `.`). */
export const REVISION_ID = /^(?:[0-9A-Za-z]+|[0-9]+(?:\.[0-9]+)+)$/;

/** 14-digit UTC timestamp, the default version of new revisions. */
export function timestampVersion(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
