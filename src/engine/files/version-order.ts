/**
 * Version order: numeric when both tokens are all digits (golang-migrate's rule, so
 * `10` sorts after `9`), else by code point.
 */
const DIGITS = /^[0-9]+$/;

export function compareVersions(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b)) {
    const x = a.replace(/^0+(?=.)/, '');
    const y = b.replace(/^0+(?=.)/, '');
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export const VERSION_TOKEN = /^[0-9A-Za-z]+$/;

/** 14-digit UTC timestamp, the default version of new revisions. */
export function timestampVersion(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
