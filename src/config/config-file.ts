import { readRegularFile } from './read-regular-file.js';

/** A config file is a few KB; anything past this is not one (or /dev/zero). */
const MAX_CONFIG_BYTES = 1 << 20;
import { ConfigError } from './config-error.js';
import { ATTACK_TYPES, type AttackType, type Severity } from '../model/alert.js';
import { RESPONSE_ACTIONS } from '../model/response-action.js';
import { FIREWALL_NAMES } from '../model/block-record.js';
import { isUnitName } from '../platform/service-control.js';
import { IPTABLES_VARIANTS } from '../platform/firewall/iptables-firewall.js';
import { thresholdsSchema, type DetectionThresholds } from '../engine/detectors/registry.js';
import { PROFILE_NAMES } from './profile-name.js';
import {
  boolean,
  checkObject,
  cidrList,
  intInRange,
  MAX_REFRESH_SECONDS,
  MAX_SPEED,
  MIN_REFRESH_SECONDS,
  MIN_SPEED,
  numberInRange,
  MAX_SECONDS,
  nonEmptyString,
  oneOf,
  positiveInt,
  positiveNumber,
  recordOf,
  seconds,
  stringList,
  type Checker,
  type Schema,
  type SchemaValue,
} from './checkers.js';

/**
 * The JSON config file (`-c FILE`). Every flag has a key of the same name in camelCase, plus the
 * detector thresholds (one key per detector under `thresholds`, from the detector registry).
 * Unknown keys are errors, not silently ignored: a typo in a security threshold must not pass
 * unnoticed.
 */

const RISKS: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const attackType = (k: string, key: string): AttackType => {
  if (!(ATTACK_TYPES as readonly string[]).includes(k)) throw new ConfigError(`key '${key}.${k}': unknown attack type`);
  return k as AttackType;
};
const severity = oneOf<Severity>(RISKS);

/** `{ "SQL_INJECTION": ["regex", …], … }`: the patterns themselves are checked when compiled. */
const signatureMap = recordOf('attack type → list of patterns', (k) => k as AttackType, (v, key) => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new ConfigError(`key '${key}' must be a list of pattern strings`);
  return v as string[];
});

/** `{ "4444": { "service": "Metasploit", "risk": "critical" }, … }` */
const suspiciousPortMap = recordOf(
  'port → { service, risk }',
  (port, key) => {
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new ConfigError(`key '${key}': '${port}' is not a port number (0-65535)`);
    return port;
  },
  (spec, k) => {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new ConfigError(`key '${k}' must be an object { service, risk }`);
    const extra = Object.keys(spec).find((f) => f !== 'service' && f !== 'risk');
    if (extra !== undefined) throw new ConfigError(`unknown key '${k}.${extra}'`);
    const { service, risk } = spec as { service?: unknown; risk?: unknown };
    if (typeof service !== 'string' || service.trim() === '') throw new ConfigError(`key '${k}.service' must be a non-empty string, got ${JSON.stringify(service)}`);
    return { service, risk: severity(risk, `${k}.risk`) };
  },
);

/** `{ "PORT_SCAN": "block", "DDOS": "log", … }` */
const responseMap = recordOf(`attack type → ${RESPONSE_ACTIONS.join(' | ')}`, attackType, oneOf(RESPONSE_ACTIONS));

const stopServicesMap = recordOf('attack type → systemd unit', attackType, (unit, key) => {
  if (typeof unit !== 'string' || !isUnitName(unit)) throw new ConfigError(`key '${key}' must be a systemd unit name, got ${JSON.stringify(unit)}`);
  return unit;
});

const speed: Checker<number | 'max'> = (v, key) => (v === 'max' ? v : numberInRange(MIN_SPEED, MAX_SPEED)(v, key));

// Notification values. Messages about URLs and tokens never echo the value: it may be a secret.
const httpUrl: Checker<string> = (v, key) => {
  let ok = false;
  try {
    ok = typeof v === 'string' && ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new ConfigError(`key '${key}' must be an http:// or https:// URL (value not shown: it may hold a secret)`);
  return v as string;
};
const secretString: Checker<string> = (v, key) => {
  if (typeof v !== 'string' || v.trim() === '' || /[\s/?#]/.test(v)) throw new ConfigError(`key '${key}' must be a non-empty string without spaces or '/' (value not shown: it is a secret)`);
  return v;
};
/** Telegram chat ids are numbers (-1001234…) or @channelnames; JSON files write both. */
const chatId: Checker<string> = (v, key) => {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && /^(-?\d+|@\w{4,})$/.test(v.trim())) return v.trim();
  throw new ConfigError(`key '${key}' must be a numeric chat id or @channelname, got ${JSON.stringify(v)}`);
};
const CHANNEL_SCHEMA = { enabled: boolean, minSeverity: severity, perMinute: positiveInt, timeoutSeconds: (v: unknown, key: string) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 120) throw new ConfigError(`key '${key}' must be a number of seconds in (0, 120], got ${JSON.stringify(v)}`);
  return v;
}, retries: intInRange(0, 10) };

const NOTIFICATIONS_SCHEMA = {
  desktop: CHANNEL_SCHEMA,
  webhook: { ...CHANNEL_SCHEMA, url: httpUrl },
  slack: { ...CHANNEL_SCHEMA, url: httpUrl },
  /** Both spellings of the Telegram keys are accepted (bot_token / chat_id too). */
  telegram: { ...CHANNEL_SCHEMA, botToken: secretString, bot_token: secretString, chatId, chat_id: chatId, apiBase: httpUrl },
  syslog: CHANNEL_SCHEMA,
};

/** Every key but `thresholds`, with its checker. */
const GENERAL_SCHEMA = {
  interface: nonEmptyString,
  homeNet: cidrList,
  bpf: nonEmptyString,
  profile: oneOf(PROFILE_NAMES),
  threshold: intInRange(2, 65_536),
  refresh: numberInRange(MIN_REFRESH_SECONDS, MAX_REFRESH_SECONDS),
  speed,
  debug: boolean,
  blockDuration: intInRange(1, MAX_SECONDS),
  geo: boolean,
  reverseDns: boolean,
  processes: boolean,
  history: nonEmptyString,
  trustedProcesses: stringList,
  utc: boolean,
  bell: boolean,
  logDir: nonEmptyString,
  pcapDir: nonEmptyString,
  syslog: boolean,
  signatures: signatureMap,
  blocklists: stringList,
  firewall: oneOf(['auto', ...FIREWALL_NAMES] as const),
  dryRun: boolean,
  allow: cidrList,
  autoBlock: boolean,
  response: responseMap,
  requireProof: boolean,
  escalate: boolean,
  maxBlockDuration: intInRange(1, MAX_SECONDS),
  ipv6BlockPrefix: intInRange(16, 128),
  flushOnExit: boolean,
  fail2ban: boolean,
  fail2banJail: nonEmptyString,
  stopServices: stopServicesMap,
  iptablesVariant: oneOf(IPTABLES_VARIANTS),
  /** libpcap's kernel buffer for live capture, bytes (no flag: a tuning knob). */
  captureBufferBytes: intInRange(65_536, 2 ** 31 - 1),
  /** Port → service name and risk; replaces the default table. */
  suspiciousPorts: suspiciousPortMap,
  flows: { capacity: intInRange(16, 1 << 24), idleSeconds: seconds },
  /** TCP stream layer: bytes of each HTTP head and body inspected, memory for all streams together. */
  streams: {
    maxStreams: intInRange(16, 1 << 20),
    maxBytes: intInRange(1 << 20, 2 ** 31 - 1),
    maxHeldBytes: intInRange(4096, 1 << 26),
    maxHeadBytes: intInRange(1024, 1 << 20),
    maxBodyBytes: intInRange(1, 1 << 24),
    idleSeconds: seconds,
  },
  authLog: nonEmptyString,
  suspiciousCommands: stringList,
  processMonitor: boolean,
  verbose: boolean,
  notifications: NOTIFICATIONS_SCHEMA,
  /** The fleet and outputs past this host: checked further (and files read) when the config is resolved. */
  crowdsec: nonEmptyString,
  crowdsecMachine: nonEmptyString,
  crowdsecBouncerKey: nonEmptyString,
  /** Seconds between pulls of decisions (default 2). */
  crowdsecPullInterval: intInRange(1, 3600),
  metrics: nonEmptyString,
  eve: nonEmptyString,
  syslogRemote: nonEmptyString,
} satisfies Schema;

const SCHEMA: Schema = { ...GENERAL_SCHEMA, thresholds: thresholdsSchema() };

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** A config file as checked: every key optional. */
export type ConfigFile = SchemaValue<typeof GENERAL_SCHEMA> & { thresholds?: DeepPartial<DetectionThresholds> };
export type NotificationsFile = NonNullable<ConfigFile['notifications']>;
export type ChannelFile = NonNullable<NotificationsFile['desktop']>;

/** Parses config text; the error message names the key and the problem. */
export function parseConfigText(text: string, source: string): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${source}: not valid JSON (${escapeControls((e as Error).message)})`);
  }
  try {
    return checkObject(json, SCHEMA, '') as ConfigFile;
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
    text = readRegularFile(path, MAX_CONFIG_BYTES, 'config file').toString('utf8');
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  return parseConfigText(text, path);
}
