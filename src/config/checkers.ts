/**
 * Checkers for values read from the config file: each takes the raw JSON value and the key's
 * dotted path, returns the value as the run will use it, or throws a ConfigError naming the key.
 * A schema is a tree of checkers; `checkObject` walks it and refuses unknown keys, so a typo in
 * a security threshold never passes unnoticed.
 */
import { CidrSet } from '../net/cidr-set.js';
import { ConfigError } from './config-error.js';

export type Checker<T = unknown> = (value: unknown, key: string) => T;
export interface Schema {
  readonly [key: string]: Checker | Schema;
}

/** The value type a schema accepts: every key optional, nested schemas partial too. */
export type SchemaValue<S> = { -readonly [K in keyof S]?: S[K] extends Checker<infer T> ? T : SchemaValue<S[K]> };

/** The largest value of any count or size setting: beyond it typed arrays and shifts misbehave. */
export const MAX_COUNT = 2 ** 30;
/** The longest time setting, seconds (ten years). */
export const MAX_SECONDS = 10 * 365 * 86_400;

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** Integer in [min, max]. */
export function intInRange(min: number, max: number): Checker<number> {
  return (v, key) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ConfigError(`key '${key}' must be an integer from ${min} to ${max}, got ${show(v)}`);
    return v;
  };
}

export const positiveInt: Checker<number> = (v, key) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_COUNT) throw new ConfigError(`key '${key}' must be a positive integer (at most ${MAX_COUNT}), got ${show(v)}`);
  return v;
};

/** A number in [min, max] (finite). */
export function numberInRange(min: number, max: number): Checker<number> {
  return (v, key) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ConfigError(`key '${key}' must be a number from ${min} to ${max}, got ${show(v)}`);
    return v;
  };
}

/** The smallest positive number any setting takes: below it rates and times stop meaning anything (1e-300). */
export const MIN_POSITIVE = 1e-6;

export const positiveNumber: Checker<number> = (v, key) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < MIN_POSITIVE || v > MAX_COUNT) throw new ConfigError(`key '${key}' must be a positive number from ${MIN_POSITIVE} to ${MAX_COUNT}, got ${show(v)}`);
  return v;
};

/** Replay speeds (--speed, `speed`): slower than 1/1000 or faster than a million times is no pacing at all. */
export const MIN_SPEED = 0.001;
export const MAX_SPEED = 1_000_000;
/** Seconds between stats lines (--refresh, `refresh`). */
export const MIN_REFRESH_SECONDS = 0.05;
export const MAX_REFRESH_SECONDS = 86_400;

/** A duration in seconds: positive and at most ten years. */
export const seconds: Checker<number> = (v, key) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_SECONDS) throw new ConfigError(`key '${key}' must be a number of seconds in (0, ${MAX_SECONDS}], got ${show(v)}`);
  return v;
};

/** A share in (0, 1]. */
export const share: Checker<number> = (v, key) => {
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new ConfigError(`key '${key}' must be a number in (0, 1], got ${show(v)}`);
  return v;
};

export const nonEmptyString: Checker<string> = (v, key) => {
  if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(`key '${key}' must be a non-empty string, got ${show(v)}`);
  return v;
};

export const boolean: Checker<boolean> = (v, key) => {
  if (typeof v !== 'boolean') throw new ConfigError(`key '${key}' must be true or false, got ${show(v)}`);
  return v;
};

export const stringList: Checker<string[]> = (v, key) => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim() !== '')) throw new ConfigError(`key '${key}' must be a list of non-empty strings`);
  return v as string[];
};

/** A list of CIDRs (or one comma-separated string), canonical and checked. */
export const cidrList: Checker<string[]> = (v, key) => {
  const list = typeof v === 'string' ? v.split(',') : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new ConfigError(`key '${key}' must be a list of CIDRs`);
  try {
    CidrSet.parse(list as string[]);
  } catch (e) {
    throw new ConfigError(`key '${key}': ${(e as Error).message}`);
  }
  return (list as string[]).map((s) => s.trim()).filter((s) => s !== '');
};

/** One of a fixed set of strings. */
export function oneOf<T extends string>(names: readonly T[]): Checker<T> {
  return (v, key) => {
    if (typeof v !== 'string' || !(names as readonly string[]).includes(v)) throw new ConfigError(`key '${key}' must be one of ${names.join(', ')}, got ${show(v)}`);
    return v as T;
  };
}

/** An object whose keys are checked by `keyCheck` and values by `valueCheck`. */
export function recordOf<K extends string, V>(what: string, keyCheck: (k: string, key: string) => K, valueCheck: Checker<V>): Checker<Partial<Record<K, V>>> {
  return (v, key) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`key '${key}' must be an object of ${what}`);
    const out: Partial<Record<K, V>> = {};
    for (const [k, x] of Object.entries(v)) out[keyCheck(k, key)] = valueCheck(x, `${key}.${k}`);
    return out;
  };
}

/** Checks `value` against `schema`; unknown keys are errors. */
export function checkObject(value: unknown, schema: Schema, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${path === '' ? 'the top level' : `key '${path}'`} must be a JSON object`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = path === '' ? k : `${path}.${k}`;
    const rule = Object.hasOwn(schema, k) ? schema[k] : undefined;
    if (rule === undefined) throw new ConfigError(`unknown key '${key}'`);
    out[k] = typeof rule === 'function' ? rule(v, key) : checkObject(v, rule, key);
  }
  return out;
}

/** Deep-merges checked config values onto defaults: objects merge key by key, anything else replaces. */
export function mergeSettings<T>(into: T, from: unknown): T {
  if (typeof from !== 'object' || from === null || Array.isArray(from)) return from as T;
  const out = { ...(into as Record<string, unknown>) };
  for (const [k, v] of Object.entries(from)) {
    const cur = out[k];
    out[k] = typeof cur === 'object' && cur !== null && !Array.isArray(cur) ? mergeSettings(cur, v) : v;
  }
  return out as T;
}
