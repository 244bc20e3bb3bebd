import { ConfigError } from '../config/config-error.js';
import { loadConfigFile, type ConfigFile } from '../config/config-file.js';
import { PROFILE_NAMES, PROFILES, type ProfileName } from '../config/profiles.js';
import { defaultRunConfig, type RunConfig } from '../config/run-config.js';
import { CidrSet } from '../net/cidr-set.js';
import { compileSignatures } from '../engine/detectors/signatures/patterns.js';
import { compileCommandPatterns } from '../engine/detectors/host/suspicious-commands.js';
import type { CliFlags } from './args.js';
import type { FirewallChoice } from '../platform/firewall/choose-firewall.js';
import { FIREWALL_NAMES } from '../platform/firewall/firewall.js';
import { applyNotificationsFile } from './resolve-notifications.js';

/** Applies defaults < profile < config file < flags. Throws ConfigError (one line) on bad values. */
export function resolveRunConfig(flags: CliFlags): RunConfig {
  const file: ConfigFile = flags.config !== undefined ? loadConfigFile(flags.config) : {};
  const profileName = flags.profile !== undefined ? parseProfile(flags.profile) : (file.profile ?? 'balanced');
  const config = defaultRunConfig(profileName);
  config.thresholds = structuredClone(PROFILES[profileName].thresholds);

  // Config file.
  if (file.interface !== undefined) config.interface = file.interface;
  if (file.homeNet !== undefined) config.homeNet = file.homeNet;
  if (file.bpf !== undefined) config.bpf = file.bpf;
  if (file.refresh !== undefined) config.refreshSeconds = file.refresh;
  if (file.speed !== undefined) config.speed = file.speed;
  if (file.debug !== undefined) config.debug = file.debug;
  if (file.blockDuration !== undefined) config.blockDurationSeconds = file.blockDuration;
  if (file.geo !== undefined) config.geo = file.geo;
  if (file.reverseDns !== undefined) config.reverseDns = file.reverseDns;
  if (file.processes !== undefined) config.processes = file.processes;
  if (file.history !== undefined) config.historyFile = file.history;
  if (file.trustedProcesses !== undefined) config.trustedProcesses = file.trustedProcesses;
  if (file.logDir !== undefined) config.logDir = file.logDir;
  if (file.pcapDir !== undefined) config.pcapDir = file.pcapDir;
  if (file.syslog !== undefined) config.syslog = file.syslog;
  if (file.blocklists !== undefined) config.blocklists = file.blocklists;
  if (file.captureBufferBytes !== undefined) config.captureBufferBytes = file.captureBufferBytes;
  if (file.suspiciousPorts !== undefined) {
    config.suspiciousPorts = Object.fromEntries(Object.entries(file.suspiciousPorts).map(([port, spec]) => [Number(port), { name: spec.service, risk: spec.risk }]));
  }
  if (file.signatures !== undefined) {
    try {
      // Compiled now so a bad pattern is one line naming it, before anything starts.
      compileSignatures(file.signatures as RunConfig['signatures']);
    } catch (e) {
      throw new ConfigError(`config file ${flags.config}: key 'signatures': ${(e as Error).message}`);
    }
    config.signatures = file.signatures as RunConfig['signatures'];
  }
  if (file.firewall !== undefined) config.firewall = file.firewall;
  if (file.dryRun !== undefined) config.dryRun = file.dryRun;
  if (file.allow !== undefined) config.allow = file.allow;
  if (file.autoBlock !== undefined) config.autoBlock = file.autoBlock;
  if (file.response !== undefined) config.response = file.response;
  if (file.requireProof !== undefined) config.requireProof = file.requireProof;
  if (file.escalate !== undefined) config.escalate = file.escalate;
  if (file.maxBlockDuration !== undefined) config.maxBlockDurationSeconds = file.maxBlockDuration;
  if (file.ipv6BlockPrefix !== undefined) config.ipv6BlockPrefix = file.ipv6BlockPrefix;
  if (file.flushOnExit !== undefined) config.flushOnExit = file.flushOnExit;
  if (file.fail2ban !== undefined) config.fail2ban = file.fail2ban;
  if (file.fail2banJail !== undefined) config.fail2banJail = file.fail2banJail;
  if (file.iptablesVariant !== undefined) config.iptablesVariant = file.iptablesVariant;
  if (file.stopServices !== undefined) config.stopServices = file.stopServices;
  const ps = file.thresholds?.portScan;
  if (ps?.ports !== undefined) config.thresholds.portScan.ports = ps.ports;
  if (ps?.windowSeconds !== undefined) config.thresholds.portScan.windowSeconds = ps.windowSeconds;
  if (file.threshold !== undefined) config.thresholds.portScan.ports = file.threshold;
  const bf = file.thresholds?.bruteForce;
  if (bf?.windowSeconds !== undefined) config.thresholds.bruteForce.windowSeconds = bf.windowSeconds;
  if (bf?.attempts !== undefined) Object.assign(config.thresholds.bruteForce.attempts, bf.attempts);
  if (file.thresholds?.flood !== undefined) Object.assign(config.thresholds.flood, file.thresholds.flood);
  if (file.thresholds?.exfiltration !== undefined) Object.assign(config.thresholds.exfiltration, file.thresholds.exfiltration);
  // --- auth log and processes (issue #3) ---
  if (file.authLog !== undefined) config.authLog = file.authLog;
  if (file.processMonitor !== undefined) config.processMonitor = file.processMonitor;
  if (file.suspiciousCommands !== undefined) {
    try {
      compileCommandPatterns(file.suspiciousCommands);
    } catch (e) {
      throw new ConfigError(`config file ${flags.config}: key 'suspiciousCommands': ${(e as Error).message}`);
    }
    config.suspiciousCommands = file.suspiciousCommands;
  }
  if (file.thresholds?.authBruteForce !== undefined) Object.assign(config.thresholds.authBruteForce, file.thresholds.authBruteForce);
  if (file.thresholds?.suspiciousProcess !== undefined) Object.assign(config.thresholds.suspiciousProcess, file.thresholds.suspiciousProcess);
  if (file.thresholds?.distributedScan !== undefined) Object.assign(config.thresholds.distributedScan, file.thresholds.distributedScan);
  if (file.thresholds?.hostSweep !== undefined) Object.assign(config.thresholds.hostSweep, file.thresholds.hostSweep);
  if (file.thresholds?.slowScan !== undefined) Object.assign(config.thresholds.slowScan, file.thresholds.slowScan);
  if (file.thresholds?.osFingerprint !== undefined) Object.assign(config.thresholds.osFingerprint, file.thresholds.osFingerprint);
  if (file.flows?.capacity !== undefined) config.flows.capacity = Math.max(16, file.flows.capacity);
  if (file.flows?.idleSeconds !== undefined) config.flows.idleSeconds = file.flows.idleSeconds;
  // Notifications and -v (issue #7).
  if (file.notifications !== undefined) applyNotificationsFile(config.notifications, file.notifications, flags.config ?? '');
  if (file.verbose !== undefined) config.verbose = file.verbose;
  config.configFile = flags.config ?? null;

  // Flags.
  if (flags.interface !== undefined) config.interface = nonEmpty(flags.interface, '--interface');
  if (flags.replay !== undefined) config.replayFile = nonEmpty(flags.replay, '--replay');
  config.headless = flags.headless ?? false;
  if (flags.homeNet !== undefined) config.homeNet = parseCidrs(flags.homeNet, '--home-net');
  if (flags.bpf !== undefined) config.bpf = nonEmpty(flags.bpf, '--bpf');
  if (flags.threshold !== undefined) config.thresholds.portScan.ports = parsePositiveInt(flags.threshold, '--threshold');
  if (flags.refresh !== undefined) config.refreshSeconds = parsePositiveNumber(flags.refresh, '--refresh');
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
  if (flags.speed !== undefined) config.speed = flags.speed === 'max' ? 'max' : parsePositiveNumber(flags.speed, '--speed');
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

function parsePositiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new ConfigError(`${flag} must be a positive number, got '${text}'`);
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
