import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';

const OPTIONS = {
  interface: { type: 'string', short: 'i' },
  replay: { type: 'string' },
  speed: { type: 'string' },
  headless: { type: 'boolean' },
  'home-net': { type: 'string' },
  bpf: { type: 'string' },
  profile: { type: 'string' },
  threshold: { type: 'string' },
  refresh: { type: 'string' },
  'block-duration': { type: 'string' },
  history: { type: 'string' },
  analyze: { type: 'boolean' },
  geolocate: { type: 'boolean' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  export: { type: 'string' },
  'log-dir': { type: 'string' },
  'pcap-dir': { type: 'string' },
  blocklist: { type: 'string' },
  'blocklist-export': { type: 'string' },
  'auth-log': { type: 'string' },
  config: { type: 'string', short: 'c' },
  firewall: { type: 'string' },
  'dry-run': { type: 'boolean' },
  allow: { type: 'string' },
  'auto-block': { type: 'boolean' },
  'no-auto-block': { type: 'boolean' },
  'no-fail2ban': { type: 'boolean' },
  flush: { type: 'boolean' },
  unblock: { type: 'string' },
  debug: { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean', short: 'v' },
  dashboard: { type: 'boolean' },
  review: { type: 'boolean' },
  utc: { type: 'boolean' },
  'test-alerts': { type: 'boolean' },
  crowdsec: { type: 'string' },
  'crowdsec-machine': { type: 'string' },
  'crowdsec-bouncer-key': { type: 'string' },
  metrics: { type: 'string' },
  eve: { type: 'string' },
  'syslog-remote': { type: 'string' },
} as const;

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
type FlagValue<O> = O extends { type: 'boolean' } ? boolean : string;

/** Flags exactly as typed (`--home-net` → homeNet), before defaults and the config file are applied. */
export type CliFlags = { -readonly [K in keyof typeof OPTIONS as CamelCase<K & string>]?: FlagValue<(typeof OPTIONS)[K]> };

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Parses argv (without node and script); throws ConfigError with one line for bad usage. */
export function parseCliArgs(argv: readonly string[]): CliFlags {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(`${cleanParseError(err)} (see --help)`);
  }
  const flags: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed.values)) if (value !== undefined) flags[camelCase(name)] = value;
  return flags as CliFlags;
}

/** Node's messages are long and mention internals; keep the part a user needs. */
function cleanParseError(err: NodeJS.ErrnoException): string {
  const msg = err.message;
  const unknown = /Unknown option '([^']+)'/.exec(msg);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '([^']+)' argument missing/.exec(msg);
  if (missing) return `option ${missing[1]!.replace(/^-\w, /, '')} needs a value`;
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(msg);
  if (ambiguous) {
    const flag = ambiguous[1]!.replace(/^-\w, /, '');
    return `option ${flag} needs a value (to pass a value starting with '-', write ${flag}=VALUE)`;
  }
  const positional = /Unexpected argument '([^']+)'/.exec(msg);
  if (positional) return `unexpected argument '${positional[1]}'`;
  return msg.split('\n')[0]!;
}
