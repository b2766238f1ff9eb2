import { SUPPRESSION_RULES } from '../suppress.js';
import { DESTRUCTIVE_RULES } from './destructive.js';
import { LEAK_RULES } from './leaks.js';
import { MYSQL_RULES } from './mysql.js';
import { POSTGRES_RULES } from './postgres.js';
import { REVERSIBILITY_RULES } from './reversibility.js';
import type { Rule } from './rule.js';
import { SQLITE_RULES } from './sqlite.js';
import { SQLITE_DQS_RULE } from './sqlite-dqs.js';

/** Every rule, in catalogue order. */
export const RULES: readonly Rule[] = [...LEAK_RULES.filter((r) => r.code === 'PG100'), ...POSTGRES_RULES, ...MYSQL_RULES, ...SQLITE_RULES, SQLITE_DQS_RULE, ...DESTRUCTIVE_RULES, ...LEAK_RULES.filter((r) => r.code !== 'PG100'), ...REVERSIBILITY_RULES, ...SUPPRESSION_RULES];

const byCode = new Map(RULES.map((r) => [r.code, r]));
export const findRule = (code: string): Rule | undefined => byCode.get(code.toUpperCase());

export type { Rule } from './rule.js';
