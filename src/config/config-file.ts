import { readFileSync } from 'node:fs';
import { CidrSet } from '../net/cidr-set.js';
import { ConfigError } from './config-error.js';
import type { ServiceGroup } from '../engine/detectors/service-table.js';
import { PROFILE_NAMES, type ProfileName } from './profiles.js';

/**
 * The JSON config file (`-c FILE`). Every flag has a key of the same name in camelCase, plus
 * the detector thresholds. Unknown keys are errors, not silently ignored: a typo in a security
 * threshold must not pass unnoticed.
 */
export interface ConfigFile {
  interface?: string;
  homeNet?: string[];
  bpf?: string;
  profile?: ProfileName;
  threshold?: number;
  refresh?: number;
  speed?: number | 'max';
  debug?: boolean;
  blockDuration?: number;
  geo?: boolean;
  reverseDns?: boolean;
  processes?: boolean;
  history?: string;
  trustedProcesses?: string[];
  logDir?: string;
  pcapDir?: string;
  syslog?: boolean;
  signatures?: Record<string, string[]>;
  blocklists?: string[];
  thresholds?: {
    portScan?: { ports?: number; windowSeconds?: number };
    bruteForce?: { windowSeconds?: number; attempts?: Partial<Record<ServiceGroup, number>> };
    flood?: { synPps?: number; udpPps?: number; icmpPps?: number; reflectionPps?: number; ddosSources?: number; topShare?: number };
    exfiltration?: { bytes?: number; windowSeconds?: number };
    distributedScan?: { ports?: number; sources?: number; windowSeconds?: number };
    hostSweep?: { hosts?: number; windowSeconds?: number };
    slowScan?: { ports?: number; windowSeconds?: number };
    osFingerprint?: { probeKinds?: number; windowSeconds?: number };
  };
  flows?: { capacity?: number; idleSeconds?: number };
}

type Checker = (value: unknown, key: string) => unknown;

const positiveInt: Checker = (v, key) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`key '${key}' must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
};
const positiveNumber: Checker = (v, key) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ConfigError(`key '${key}' must be a positive number, got ${JSON.stringify(v)}`);
  return v;
};
const nonEmptyString: Checker = (v, key) => {
  if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(`key '${key}' must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
};
const boolean: Checker = (v, key) => {
  if (typeof v !== 'boolean') throw new ConfigError(`key '${key}' must be true or false, got ${JSON.stringify(v)}`);
  return v;
};
const cidrList: Checker = (v, key) => {
  const list = typeof v === 'string' ? v.split(',') : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new ConfigError(`key '${key}' must be a list of CIDRs`);
  try {
    CidrSet.parse(list as string[]);
  } catch (e) {
    throw new ConfigError(`key '${key}': ${(e as Error).message}`);
  }
  return (list as string[]).map((s) => s.trim()).filter((s) => s !== '');
};
const stringList: Checker = (v, key) => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim() !== '')) throw new ConfigError(`key '${key}' must be a list of non-empty strings`);
  return v;
};
/** `{ "SQL_INJECTION": ["regex", …], … }`: the patterns themselves are checked when compiled. */
const signatureMap: Checker = (v, key) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`key '${key}' must be an object of attack type → list of patterns`);
  for (const [type, list] of Object.entries(v)) {
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new ConfigError(`key '${key}.${type}' must be a list of pattern strings`);
  }
  return v;
};
const share: Checker = (v, key) => {
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new ConfigError(`key '${key}' must be a number in (0, 1], got ${JSON.stringify(v)}`);
  return v;
};
const profile: Checker = (v, key) => {
  if (typeof v !== 'string' || !PROFILE_NAMES.includes(v as ProfileName)) throw new ConfigError(`key '${key}' must be one of ${PROFILE_NAMES.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
};
const speed: Checker = (v, key) => (v === 'max' ? v : positiveNumber(v, key));

type Schema = { [key: string]: Checker | Schema };

const SCHEMA: Schema = {
  interface: nonEmptyString,
  homeNet: cidrList,
  bpf: nonEmptyString,
  profile,
  threshold: positiveInt,
  refresh: positiveNumber,
  speed,
  debug: boolean,
  blockDuration: positiveInt,
  geo: boolean,
  reverseDns: boolean,
  processes: boolean,
  history: nonEmptyString,
  trustedProcesses: stringList,
  logDir: nonEmptyString,
  pcapDir: nonEmptyString,
  syslog: boolean,
  signatures: signatureMap,
  blocklists: stringList,
  thresholds: {
    portScan: { ports: positiveInt, windowSeconds: positiveNumber },
    bruteForce: {
      windowSeconds: positiveNumber,
      attempts: { ssh: positiveInt, ftp: positiveInt, telnet: positiveInt, database: positiveInt, nosql: positiveInt, rdp: positiveInt, vnc: positiveInt, winrm: positiveInt },
    },
    flood: { synPps: positiveNumber, udpPps: positiveNumber, icmpPps: positiveNumber, reflectionPps: positiveNumber, ddosSources: positiveInt, topShare: share },
    exfiltration: { bytes: positiveInt, windowSeconds: positiveNumber },
    distributedScan: { ports: positiveInt, sources: positiveInt, windowSeconds: positiveNumber },
    hostSweep: { hosts: positiveInt, windowSeconds: positiveNumber },
    slowScan: { ports: positiveInt, windowSeconds: positiveNumber },
    osFingerprint: { probeKinds: positiveInt, windowSeconds: positiveNumber },
  },
  flows: { capacity: positiveInt, idleSeconds: positiveNumber },
};

function check(value: unknown, schema: Schema, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${path === '' ? 'the top level' : `key '${path}'`} must be a JSON object`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = path === '' ? k : `${path}.${k}`;
    const rule = schemaRule(schema, k);
    if (rule === undefined) throw new ConfigError(`unknown key '${key}'`);
    out[k] = typeof rule === 'function' ? rule(v, key) : check(v, rule, key);
  }
  return out;
}

function schemaRule(schema: Schema, key: string): Checker | Schema | undefined {
  return Object.hasOwn(schema, key) ? schema[key] : undefined;
}

/** Parses config text; the error message names the key and the problem. */
export function parseConfigText(text: string, source: string): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${source}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return check(json, SCHEMA, '') as ConfigFile;
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`config file ${source}: ${e.message}`);
    throw e;
  }
}

export function loadConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new ConfigError(`cannot read config file ${path}: ${why}`);
  }
  return parseConfigText(text, path);
}
