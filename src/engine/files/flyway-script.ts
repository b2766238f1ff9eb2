import { problem, type FileProblem } from '../problems.js';
import { splitLines } from './sql-source.js';

/**
 * What a Flyway file says about itself: script configuration, as `<key>=<value>` lines in
 * `<file>.conf` beside it (Flyway's keys: executeInTransaction, placeholderReplacement,
 * encoding, shouldExecute), and its placeholders. Many folders also write
 * `-- flyway:executeInTransaction=false` in the file; Flyway itself (its source, up to 13.0)
 * reads settings only from the `.conf` file and runs such files outside a transaction because
 * it detects `CREATE/DROP INDEX CONCURRENTLY`, as migrate-tui does. The comment is read here
 * as the same settings: what the file's author meant. Flyway replaces every `${…}` of a file before parsing it — in strings,
 * comments and PostgreSQL dollar-quoted bodies alike — and fails on one it has no value
 * for; migrate-tui replaces none, so each is an error unless the file turns replacement off.
 */
export interface FlywayScript {
  /** Why the file runs without a transaction (`-- migrate:transaction off`), or null. */
  readonly transactionOff: string | null;
  readonly problems: FileProblem[];
}

const INLINE = /^\s*--\s*flyway:\s*([A-Za-z]+)\s*=\s*(.*?)\s*$/;
const CONF_LINE = /^\s*([A-Za-z]+)\s*[=:]\s*(.*?)\s*$/;
const PLACEHOLDER = /\$\{([^}\n]*)\}?/g;

export function readFlywayScript(path: string, text: string, conf: { path: string; text: string } | null): FlywayScript {
  const problems: FileProblem[] = [];
  let transactionOff: string | null = null;
  let replacement = true;
  const setting = (where: string, line: number, key: string, value: string, said: string) => {
    const flag = /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : null;
    const bad = (what: string, hint: string) => problems.push(problem('flyway-script-config', where, line, what, hint));
    switch (key) {
      case 'executeInTransaction':
        if (flag === null) bad(`${said}: "${value}" is not true or false`, 'write executeInTransaction=false (or true)');
        else transactionOff = flag ? null : `\`${said}\` (${where === path ? `line ${line}` : `${where}:${line}`})`;
        break;
      case 'placeholderReplacement':
        if (flag === null) bad(`${said}: "${value}" is not true or false`, 'write placeholderReplacement=false (or true)');
        else replacement = flag;
        break;
      case 'encoding':
        if (!/^utf[-_]?8$/i.test(value)) bad(`${said}: migrate-tui reads files as UTF-8 only`, 'convert the file to UTF-8 (e.g. `iconv -f ' + value + ' -t UTF-8`) and remove this setting');
        break;
      case 'shouldExecute':
        if (flag === true) break; // always: what migrate-tui does
        bad(`${said}: conditional execution (Flyway Teams) is not supported; migrate-tui would run the file every time`, 'remove the setting and keep the file only in the folders of the databases that should run it, or use a `-- migrate:dialect` block');
        break;
      default:
        bad(`${said}: unknown Flyway script setting "${key}"`, 'Flyway knows executeInTransaction, placeholderReplacement, encoding and shouldExecute');
    }
  };

  if (conf) {
    splitLines(conf.text).forEach((line, i) => {
      if (/^\s*([#!].*)?$/.test(line)) return;
      const m = CONF_LINE.exec(line);
      if (m) setting(conf.path, i + 1, m[1]!, m[2]!, `${m[1]}=${m[2]}`);
      else problems.push(problem('flyway-script-config', conf.path, i + 1, `not a key=value line: "${line.trim()}"`, 'write settings as key=value, one a line (# starts a comment)'));
    });
  }
  // Most files have neither: not split into lines at all (10,000s of files).
  const lines = text.includes('flyway:') || text.includes('${') ? splitLines(text) : [];
  lines.forEach((line, i) => {
    const m = INLINE.exec(line);
    if (m) setting(path, i + 1, m[1]!, m[2]!, `-- flyway:${m[1]}=${m[2]}`);
  });
  if (replacement && text.includes('${')) {
    lines.forEach((line, i) => {
      const names = [...line.matchAll(PLACEHOLDER)].map((m) => m[0]);
      if (names.length === 0) return;
      problems.push(
        problem(
          'flyway-placeholder',
          path,
          i + 1,
          `${names.join(', ')}: Flyway replaces placeholders before it runs a file (here too if it is inside a string, a comment or a $$ body) and fails on one without a value; migrate-tui replaces none and would send it to the database as written`,
          `write the value into the file; if the text is meant literally, put placeholderReplacement=false in ${path.slice(path.lastIndexOf('/') + 1)}.conf beside it (Flyway then leaves it as written too)`,
        ),
      );
    });
  }
  return { transactionOff, problems };
}
