import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';

/** Flags exactly as typed, before defaults and the config file are applied. */
export interface CliFlags {
  interface?: string;
  replay?: string;
  speed?: string;
  headless?: boolean;
  homeNet?: string;
  bpf?: string;
  profile?: string;
  threshold?: string;
  refresh?: string;
  blockDuration?: string;
  history?: string;
  logDir?: string;
  pcapDir?: string;
  blocklist?: string;
  blocklistExport?: string;
  authLog?: string;
  analyze?: boolean;
  geolocate?: boolean;
  json?: boolean;
  format?: string;
  export?: string;
  config?: string;
  firewall?: string;
  dryRun?: boolean;
  allow?: string;
  autoBlock?: boolean;
  noAutoBlock?: boolean;
  noFail2ban?: boolean;
  flush?: boolean;
  unblock?: string;
  debug?: boolean;
  version?: boolean;
  help?: boolean;
  // Notifications, -v, --dashboard (issue #7).
  verbose?: boolean;
  dashboard?: boolean;
  testAlerts?: boolean;
}

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
  // Notifications, -v, --dashboard (issue #7).
  verbose: { type: 'boolean', short: 'v' },
  dashboard: { type: 'boolean' },
  'test-alerts': { type: 'boolean' },
} as const;

/** Parses argv (without node and script); throws ConfigError with one line for bad usage. */
export function parseCliArgs(argv: readonly string[]): CliFlags {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(`${cleanParseError(err)} (see --help)`);
  }
  const v = parsed.values;
  const flags: CliFlags = {};
  if (v.interface !== undefined) flags.interface = v.interface;
  if (v.replay !== undefined) flags.replay = v.replay;
  if (v.speed !== undefined) flags.speed = v.speed;
  if (v.headless !== undefined) flags.headless = v.headless;
  if (v['home-net'] !== undefined) flags.homeNet = v['home-net'];
  if (v.bpf !== undefined) flags.bpf = v.bpf;
  if (v.profile !== undefined) flags.profile = v.profile;
  if (v.threshold !== undefined) flags.threshold = v.threshold;
  if (v.refresh !== undefined) flags.refresh = v.refresh;
  if (v['block-duration'] !== undefined) flags.blockDuration = v['block-duration'];
  if (v.history !== undefined) flags.history = v.history;
  if (v['log-dir'] !== undefined) flags.logDir = v['log-dir'];
  if (v['pcap-dir'] !== undefined) flags.pcapDir = v['pcap-dir'];
  if (v.blocklist !== undefined) flags.blocklist = v.blocklist;
  if (v['blocklist-export'] !== undefined) flags.blocklistExport = v['blocklist-export'];
  if (v['auth-log'] !== undefined) flags.authLog = v['auth-log'];
  if (v.analyze !== undefined) flags.analyze = v.analyze;
  if (v.geolocate !== undefined) flags.geolocate = v.geolocate;
  if (v.json !== undefined) flags.json = v.json;
  if (v.format !== undefined) flags.format = v.format;
  if (v.export !== undefined) flags.export = v.export;
  if (v.config !== undefined) flags.config = v.config;
  if (v.firewall !== undefined) flags.firewall = v.firewall;
  if (v['dry-run'] !== undefined) flags.dryRun = v['dry-run'];
  if (v.allow !== undefined) flags.allow = v.allow;
  if (v['auto-block'] !== undefined) flags.autoBlock = v['auto-block'];
  if (v['no-auto-block'] !== undefined) flags.noAutoBlock = v['no-auto-block'];
  if (v['no-fail2ban'] !== undefined) flags.noFail2ban = v['no-fail2ban'];
  if (v.flush !== undefined) flags.flush = v.flush;
  if (v.unblock !== undefined) flags.unblock = v.unblock;
  if (v.debug !== undefined) flags.debug = v.debug;
  if (v.version !== undefined) flags.version = v.version;
  if (v.help !== undefined) flags.help = v.help;
  // Notifications, -v, --dashboard (issue #7).
  if (v.verbose !== undefined) flags.verbose = v.verbose;
  if (v.dashboard !== undefined) flags.dashboard = v.dashboard;
  if (v['test-alerts'] !== undefined) flags.testAlerts = v['test-alerts'];
  return flags;
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
