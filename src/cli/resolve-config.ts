import { ConfigError } from '../config/config-error.js';
import { MAX_REFRESH_SECONDS, MAX_SPEED, MIN_REFRESH_SECONDS, MIN_SPEED } from '../config/checkers.js';
import { loadConfigFile, type ConfigFile } from '../config/config-file.js';
import { applyConfigFile } from '../config/apply-config-file.js';
import { applyFleetOptions } from '../config/apply-fleet-options.js';
import { PROFILE_NAMES, type ProfileName } from '../config/profile-name.js';
import { defaultRunConfig, type RunConfig } from '../config/run-config.js';
import { CidrSet } from '../net/cidr-set.js';
import type { CliFlags } from './args.js';
import type { FirewallChoice } from '../platform/firewall/choose-firewall.js';
import { FIREWALL_NAMES } from '../model/block-record.js';

/** Applies defaults < profile < config file < flags. Throws ConfigError (one line) on bad values. */
export function resolveRunConfig(flags: CliFlags): RunConfig {
  const file: ConfigFile = flags.config !== undefined ? loadConfigFile(flags.config) : {};
  const profileName = flags.profile !== undefined ? parseProfile(flags.profile) : (file.profile ?? 'balanced');
  const config = defaultRunConfig(profileName);

  applyConfigFile(config, file, flags.config ?? '');

  // Flags.
  if (flags.interface !== undefined) config.interface = nonEmpty(flags.interface, '--interface');
  if (flags.replay !== undefined) config.replayFile = nonEmpty(flags.replay, '--replay');
  config.headless = flags.headless ?? false;
  if (flags.homeNet !== undefined) config.homeNet = parseCidrs(flags.homeNet, '--home-net');
  if (flags.bpf !== undefined) config.bpf = nonEmpty(flags.bpf, '--bpf');
  if (flags.threshold !== undefined) config.thresholds.portScan.ports = parsePositiveInt(flags.threshold, '--threshold');
  if (flags.refresh !== undefined) config.refreshSeconds = parsePositiveNumber(flags.refresh, '--refresh', MIN_REFRESH_SECONDS, MAX_REFRESH_SECONDS);
  if (flags.debug !== undefined) config.debug = flags.debug;
  if (flags.verbose !== undefined) config.verbose = flags.verbose;
  if (flags.history !== undefined) config.historyFile = nonEmpty(flags.history, '--history');
  if (flags.logDir !== undefined) config.logDir = nonEmpty(flags.logDir, '--log-dir');
  if (flags.pcapDir !== undefined) config.pcapDir = nonEmpty(flags.pcapDir, '--pcap-dir');
  if (flags.blocklist !== undefined) config.blocklists = nonEmpty(flags.blocklist, '--blocklist').split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (flags.authLog !== undefined) config.authLog = nonEmpty(flags.authLog, '--auth-log');
  if (flags.blockDuration !== undefined) config.blockDurationSeconds = parsePositiveInt(flags.blockDuration, '--block-duration');
  if (flags.firewall !== undefined) config.firewall = parseFirewall(flags.firewall);
  if (flags.dryRun !== undefined) config.dryRun = flags.dryRun;
  if (flags.allow !== undefined) config.allow = parseCidrs(flags.allow, '--allow');
  if (flags.autoBlock && flags.noAutoBlock) throw new ConfigError('--auto-block and --no-auto-block exclude each other');
  if (flags.autoBlock !== undefined) config.autoBlock = true;
  if (flags.noAutoBlock !== undefined) config.autoBlock = false;
  if (flags.noFail2ban !== undefined) config.fail2ban = false;
  if (flags.utc !== undefined) config.utc = true;
  if (flags.eve !== undefined) nonEmpty(flags.eve, '--eve');
  applyFleetOptions(config, file, flags);
  if (flags.speed !== undefined) config.speed = flags.speed === 'max' ? 'max' : parsePositiveNumber(flags.speed, '--speed', MIN_SPEED, MAX_SPEED);
  else if (file.speed === undefined) config.speed = config.headless ? 'max' : 1;

  if (flags.speed !== undefined && config.replayFile === null) throw new ConfigError('--speed only applies with --replay FILE');
  if (config.replayFile !== null && flags.interface !== undefined) throw new ConfigError('--interface and --replay exclude each other: pick live capture or a file');
  // A replay's attackers are long gone and its addresses may be anyone's: never touch the firewall.
  if (config.replayFile !== null) config.dryRun = true;
  if (config.maxBlockDurationSeconds < config.blockDurationSeconds) config.maxBlockDurationSeconds = config.blockDurationSeconds;
  if (config.thresholds.portScan.ports < 2) throw new ConfigError('--threshold must be at least 2 (distinct ports)');
  return config;
}

function parseFirewall(text: string): FirewallChoice {
  const names = ['auto', ...FIREWALL_NAMES];
  if (!names.includes(text)) throw new ConfigError(`--firewall must be one of ${names.join(', ')}, got '${text}'`);
  return text as FirewallChoice;
}

function parseProfile(text: string): ProfileName {
  if (!PROFILE_NAMES.includes(text as ProfileName)) throw new ConfigError(`--profile must be one of ${PROFILE_NAMES.join(', ')}, got '${text}'`);
  return text as ProfileName;
}

function nonEmpty(text: string, flag: string): string {
  if (text.trim() === '') throw new ConfigError(`${flag} needs a non-empty value`);
  return text;
}

function parsePositiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new ConfigError(`${flag} must be a positive integer, got '${text}'`);
  return Number(text);
}

function parsePositiveNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new ConfigError(`${flag} must be a number from ${min} to ${max}, got '${text}'`);
  return n;
}

function parseCidrs(text: string, flag: string): string[] {
  // An empty list would silently mean "nothing is ours" (found by the flag-walk test).
  if (text.trim() === '') throw new ConfigError(`${flag} needs at least one CIDR`);
  try {
    return CidrSet.parse(text).ranges;
  } catch (e) {
    throw new ConfigError(`${flag}: ${(e as Error).message}`);
  }
}
