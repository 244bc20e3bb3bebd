import { readFileSync } from 'node:fs';
import { CidrSet } from '../net/cidr-set.js';
import { ConfigError } from './config-error.js';
import type { ServiceGroup } from '../engine/detectors/service-table.js';
import { PROFILE_NAMES, type ProfileName } from './profiles.js';
import { ATTACK_TYPES, type AttackType } from '../model/alert.js';
import { RESPONSE_ACTIONS, type ResponseAction } from '../model/response-action.js';
import type { FirewallChoice } from '../platform/firewall/choose-firewall.js';
import { FIREWALL_NAMES } from '../platform/firewall/firewall.js';
import { isUnitName } from '../platform/service-control.js';
import { IPTABLES_VARIANTS, type IptablesVariant } from '../platform/firewall/iptables-firewall.js';
import type { Severity } from '../model/alert.js';

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
  firewall?: FirewallChoice;
  dryRun?: boolean;
  allow?: string[];
  autoBlock?: boolean;
  response?: Partial<Record<AttackType, ResponseAction>>;
  requireProof?: boolean;
  escalate?: boolean;
  maxBlockDuration?: number;
  ipv6BlockPrefix?: number;
  flushOnExit?: boolean;
  fail2ban?: boolean;
  fail2banJail?: string;
  iptablesVariant?: IptablesVariant;
  stopServices?: Partial<Record<AttackType, string>>;
  /** libpcap's kernel buffer for live capture, bytes (no flag: a tuning knob). */
  captureBufferBytes?: number;
  /** Port → service name and risk (seed 004's `suspicious_ports`); replaces the default table. */
  suspiciousPorts?: Record<string, { service: string; risk: Severity }>;
  thresholds?: {
    portScan?: { ports?: number; windowSeconds?: number };
    bruteForce?: { windowSeconds?: number; attempts?: Partial<Record<ServiceGroup, number>> };
    flood?: { synPps?: number; udpPps?: number; icmpPps?: number; reflectionPps?: number; ddosSources?: number; topShare?: number };
    exfiltration?: { bytes?: number; windowSeconds?: number };
    authBruteForce?: { failures?: number; windowSeconds?: number };
    suspiciousProcess?: { cpuPercent?: number; sustainedSeconds?: number };
    distributedScan?: { ports?: number; sources?: number; windowSeconds?: number };
    hostSweep?: { hosts?: number; windowSeconds?: number };
    slowScan?: { ports?: number; windowSeconds?: number };
    osFingerprint?: { probeKinds?: number; windowSeconds?: number };
  };
  flows?: { capacity?: number; idleSeconds?: number };
  // --- auth log and processes (issue #3); thresholds.authBruteForce / thresholds.suspiciousProcess too ---
  authLog?: string;
  suspiciousCommands?: string[];
  processMonitor?: boolean;

  // Notifications and -v (issue #7).
  verbose?: boolean;
  notifications?: NotificationsFile;
}

/** One channel under `notifications`; see src/platform/notify/notify-settings.ts for defaults. */
export interface ChannelFile {
  enabled?: boolean;
  minSeverity?: Severity;
  perMinute?: number;
  timeoutSeconds?: number;
  retries?: number;
}

export interface NotificationsFile {
  desktop?: ChannelFile;
  webhook?: ChannelFile & { url?: string };
  slack?: ChannelFile & { url?: string };
  /** Seed 001 spells the keys bot_token / chat_id; both spellings are accepted. */
  telegram?: ChannelFile & { botToken?: string; bot_token?: string; chatId?: string; chat_id?: string; apiBase?: string };
  syslog?: ChannelFile;
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
const RISKS: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
/** `{ "4444": { "service": "Metasploit", "risk": "critical" }, … }` (seed 004's suspicious_ports). */
const suspiciousPortMap: Checker = (v, key) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`key '${key}' must be an object of port → { service, risk }`);
  for (const [port, spec] of Object.entries(v)) {
    const k = `${key}.${port}`;
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new ConfigError(`key '${key}': '${port}' is not a port number (0-65535)`);
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new ConfigError(`key '${k}' must be an object { service, risk }`);
    const extra = Object.keys(spec).find((f) => f !== 'service' && f !== 'risk');
    if (extra !== undefined) throw new ConfigError(`unknown key '${k}.${extra}'`);
    const { service, risk } = spec as { service?: unknown; risk?: unknown };
    if (typeof service !== 'string' || service.trim() === '') throw new ConfigError(`key '${k}.service' must be a non-empty string, got ${JSON.stringify(service)}`);
    if (typeof risk !== 'string' || !RISKS.includes(risk as Severity)) throw new ConfigError(`key '${k}.risk' must be one of ${RISKS.join(', ')}, got ${JSON.stringify(risk)}`);
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
const firewallChoice: Checker = (v, key) => {
  const names = ['auto', ...FIREWALL_NAMES];
  if (typeof v !== 'string' || !names.includes(v)) throw new ConfigError(`key '${key}' must be one of ${names.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
};
/** `{ "PORT_SCAN": "block", "DDOS": "log", … }` */
const responseMap: Checker = (v, key) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`key '${key}' must be an object of attack type → ${RESPONSE_ACTIONS.join(' | ')}`);
  for (const [type, action] of Object.entries(v)) {
    if (!(ATTACK_TYPES as readonly string[]).includes(type)) throw new ConfigError(`key '${key}.${type}': unknown attack type`);
    if (typeof action !== 'string' || !(RESPONSE_ACTIONS as readonly string[]).includes(action)) throw new ConfigError(`key '${key}.${type}' must be one of ${RESPONSE_ACTIONS.join(', ')}, got ${JSON.stringify(action)}`);
  }
  return v;
};
const ipv6Prefix: Checker = (v, key) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 16 || v > 128) throw new ConfigError(`key '${key}' must be an integer from 16 to 128, got ${JSON.stringify(v)}`);
  return v;
};
const speed: Checker = (v, key) => (v === 'max' ? v : positiveNumber(v, key));

// Notification values. Messages about URLs and tokens never echo the value: it may be a secret.
const severity: Checker = (v, key) => {
  if (v !== 'low' && v !== 'medium' && v !== 'high' && v !== 'critical') throw new ConfigError(`key '${key}' must be one of low, medium, high, critical, got ${JSON.stringify(v)}`);
  return v;
};
const retryCount: Checker = (v, key) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 10) throw new ConfigError(`key '${key}' must be an integer from 0 to 10, got ${JSON.stringify(v)}`);
  return v;
};
const timeoutSeconds: Checker = (v, key) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 120) throw new ConfigError(`key '${key}' must be a number of seconds in (0, 120], got ${JSON.stringify(v)}`);
  return v;
};
const httpUrl: Checker = (v, key) => {
  let ok = false;
  try {
    ok = typeof v === 'string' && ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new ConfigError(`key '${key}' must be an http:// or https:// URL (value not shown: it may hold a secret)`);
  return v;
};
const secretString: Checker = (v, key) => {
  if (typeof v !== 'string' || v.trim() === '' || /[\s/?#]/.test(v)) throw new ConfigError(`key '${key}' must be a non-empty string without spaces or '/' (value not shown: it is a secret)`);
  return v;
};
/** Telegram chat ids are numbers (-1001234…) or @channelnames; JSON files write both. */
const chatId: Checker = (v, key) => {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && /^(-?\d+|@\w{4,})$/.test(v.trim())) return v.trim();
  throw new ConfigError(`key '${key}' must be a numeric chat id or @channelname, got ${JSON.stringify(v)}`);
};
const CHANNEL_SCHEMA = { enabled: boolean, minSeverity: severity, perMinute: positiveInt, timeoutSeconds, retries: retryCount };

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
  firewall: firewallChoice,
  dryRun: boolean,
  allow: cidrList,
  autoBlock: boolean,
  response: responseMap,
  requireProof: boolean,
  escalate: boolean,
  maxBlockDuration: positiveInt,
  ipv6BlockPrefix: ipv6Prefix,
  flushOnExit: boolean,
  fail2ban: boolean,
  fail2banJail: nonEmptyString,
  stopServices: (v, key) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`key '${key}' must be an object of attack type → systemd unit`);
    for (const [type, unit] of Object.entries(v)) {
      if (!(ATTACK_TYPES as readonly string[]).includes(type)) throw new ConfigError(`key '${key}.${type}': unknown attack type`);
      if (typeof unit !== 'string' || !isUnitName(unit)) throw new ConfigError(`key '${key}.${type}' must be a systemd unit name, got ${JSON.stringify(unit)}`);
    }
    return v;
  },
  iptablesVariant: (v, key) => {
    if (typeof v !== 'string' || !(IPTABLES_VARIANTS as readonly string[]).includes(v)) throw new ConfigError(`key '${key}' must be one of ${IPTABLES_VARIANTS.join(', ')}, got ${JSON.stringify(v)}`);
    return v;
  },
  captureBufferBytes: positiveInt,
  suspiciousPorts: suspiciousPortMap,
  thresholds: {
    portScan: { ports: positiveInt, windowSeconds: positiveNumber },
    bruteForce: {
      windowSeconds: positiveNumber,
      attempts: { ssh: positiveInt, ftp: positiveInt, telnet: positiveInt, database: positiveInt, nosql: positiveInt, rdp: positiveInt, vnc: positiveInt, winrm: positiveInt },
    },
    flood: { synPps: positiveNumber, udpPps: positiveNumber, icmpPps: positiveNumber, reflectionPps: positiveNumber, ddosSources: positiveInt, topShare: share },
    exfiltration: { bytes: positiveInt, windowSeconds: positiveNumber },
    authBruteForce: { failures: positiveInt, windowSeconds: positiveNumber },
    suspiciousProcess: { cpuPercent: positiveNumber, sustainedSeconds: positiveNumber },
    distributedScan: { ports: positiveInt, sources: positiveInt, windowSeconds: positiveNumber },
    hostSweep: { hosts: positiveInt, windowSeconds: positiveNumber },
    slowScan: { ports: positiveInt, windowSeconds: positiveNumber },
    osFingerprint: { probeKinds: positiveInt, windowSeconds: positiveNumber },
  },
  flows: { capacity: positiveInt, idleSeconds: positiveNumber },
  // --- auth log and processes (issue #3) ---
  authLog: nonEmptyString,
  suspiciousCommands: stringList,
  processMonitor: boolean,

  verbose: boolean,
  notifications: {
    desktop: CHANNEL_SCHEMA,
    webhook: { ...CHANNEL_SCHEMA, url: httpUrl },
    slack: { ...CHANNEL_SCHEMA, url: httpUrl },
    telegram: { ...CHANNEL_SCHEMA, botToken: secretString, bot_token: secretString, chatId, chat_id: chatId, apiBase: httpUrl },
    syslog: CHANNEL_SCHEMA,
  },
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
    throw new ConfigError(`config file ${source}: not valid JSON (${escapeControls((e as Error).message)})`);
  }
  try {
    return check(json, SCHEMA, '') as ConfigFile;
  } catch (e) {
    // Key names come from the file and may hold control characters.
    if (e instanceof ConfigError) throw new ConfigError(`config file ${source}: ${escapeControls(e.message)}`);
    throw e;
  }
}

/** JSON.parse quotes the offending text, raw: a newline in it would split the one-line error. */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
