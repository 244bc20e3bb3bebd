import type { AttackType } from '../model/alert.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from '../engine/flows/streams/stream-table.js';
import type { ResponseAction } from '../model/response-action.js';
import type { FirewallChoice } from '../platform/firewall/choose-firewall.js';
import type { IptablesVariant } from '../platform/firewall/iptables-firewall.js';
import type { RiskyPort } from './risky-port.js';
import { PROFILES, type DetectionThresholds, type ProfileName } from './profiles.js';
import { defaultNotificationSettings, type NotificationSettings } from '../sinks/notify/notify-settings.js';
import type { CrowdsecSettings, HostPort } from './fleet-options.js';

/** Everything a run needs, resolved from defaults < profile < config file < flags. */
export interface RunConfig {
  /** Capture interface for live mode; null = the interface of the default route. */
  interface: string | null;
  /** Capture file to replay instead of capturing; null = live. */
  replayFile: string | null;
  /** Replay speed: a multiple of recorded time, or 'max'. */
  speed: number | 'max';
  headless: boolean;
  /** CIDRs that are ours; null = live: the host's addresses, replay: everything. */
  homeNet: string[] | null;
  bpf: string | null;
  profile: ProfileName;
  thresholds: DetectionThresholds;
  /** Seconds between stats lines (headless live) and UI status refreshes. */
  refreshSeconds: number;
  debug: boolean;
  flows: { capacity: number; idleSeconds: number };
  /** Limits of the TCP stream layer: streams open at once, bytes held, HTTP head and body bytes inspected. */
  streams: StreamLimits;
  /** Country tags from the bundled geoip-lite database. */
  geo: boolean;
  /** Reverse DNS names of attackers (never for private or reserved addresses). */
  reverseDns: boolean;
  /** Process names whose traffic the UI marks as trusted (green). */
  trustedProcesses: string[];
  /** The UI writes times in UTC (--utc) instead of the local zone. */
  utc: boolean;
  /** The UI rings the terminal bell for each new alert (config key `bell`). */
  bell: boolean;
  /** Name the local process of each flow (live capture, from /proc). */
  processes: boolean;
  /** History file (--history); null = the default for live runs, none for replays. */
  historyFile: string | null;
  /** Directory of the daily JSON logs (--log-dir); null = the default for live runs, none for replays. */
  logDir: string | null;
  /** Live runs send new alerts to syslog / journald. */
  syslog: boolean;
  /** Forensic pcaps per alert (--pcap-dir); null = the default for live runs, none for replays. */
  pcapDir: string | null;
  /** IP/CIDR blocklist files for MALICIOUS_IP (--blocklist). */
  blocklists: string[];
  /** Risky ports for SUSPICIOUS_PORT (config key `suspiciousPorts`); null = the default table. */
  suspiciousPorts: Record<number, RiskyPort> | null;
  /** Extra payload signature patterns by attack type (config key `signatures`). */
  signatures: Partial<Record<AttackType, string[]>>;
  /** Default duration of a block, seconds (--block-duration). */
  blockDurationSeconds: number;
  /** Kernel capture buffer for live capture, bytes. */
  captureBufferBytes: number;

  // Response (blocking).
  /** Blocking backend (--firewall); auto picks nftables, else iptables + ipset, pf, netsh. */
  firewall: FirewallChoice;
  /** Decide and record blocks, change nothing (--dry-run; forced for replays). */
  dryRun: boolean;
  /** Never block these, besides the built-in self-protection (--allow). */
  allow: string[];
  /** --auto-block / --no-auto-block; null = the profile decides. */
  autoBlock: boolean | null;
  /** Per attack type: log, prompt or block (config key `response`). */
  response: Partial<Record<AttackType, ResponseAction>>;
  /** Auto-block only sources that completed a TCP handshake (spoofed sources cannot). */
  requireProof: boolean;
  /** Repeat offenders get doubled durations, up to maxBlockDurationSeconds. */
  escalate: boolean;
  maxBlockDurationSeconds: number;
  /** IPv6 attackers are blocked as this prefix (64) — 128 blocks the address only. */
  ipv6BlockPrefix: number;
  /** Remove every block of ours from the firewall when snoopy-tui exits (default: keep them; they expire). */
  flushOnExit: boolean;
  /** Also ban in fail2ban when it is installed (--no-fail2ban turns it off). */
  fail2ban: boolean;
  fail2banJail: string;
  /** Opt-in: stop this systemd unit while an attack of that type is blocked (config `stopServices`). */
  stopServices: Partial<Record<AttackType, string>>;
  /** The iptables backend's binaries: the system alternative, or iptables-nft / iptables-legacy. */
  iptablesVariant: IptablesVariant;
  // Auth log and processes.
  /** --auth-log: a file, 'journald', 'none', or null = the distribution's default (live only). */
  authLog: string | null;
  /** Extra SUSPICIOUS_COMMAND patterns (config key `suspiciousCommands`), case-insensitive regexes. */
  suspiciousCommands: string[];
  /** SUSPICIOUS_PROCESS from /proc (live only; config key `processMonitor`). */
  processMonitor: boolean;
  // Notifications, verbose and the config file path.
  /** Channels of `notifications.*` in the config file (desktop, webhook, slack, telegram, syslog). */
  notifications: NotificationSettings;
  // Past this host: the fleet, metrics, SIEM outputs.
  /** CrowdSec Local API and our roles with it (--crowdsec, --crowdsec-machine, --crowdsec-bouncer-key); null = none. */
  crowdsec: CrowdsecSettings | null;
  /** Prometheus /metrics on this address (--metrics); null = off. */
  metrics: HostPort | null;
  /** Suricata-EVE-shaped lines for Filebeat / Elastic / Vector (--eve); null = off. */
  eveFile: string | null;
  /** RFC 5424 to a remote collector (--syslog-remote); null = off. */
  syslogRemote: (HostPort & { transport: 'udp' | 'tcp' }) | null;
  /** -v: a human-readable line per new alert on stderr in headless mode. */
  verbose: boolean;
  /** The -c file, so SIGHUP can read it again; null without -c. */
  configFile: string | null;
}

export function defaultRunConfig(profile: ProfileName = 'balanced'): RunConfig {
  return {
    interface: null,
    replayFile: null,
    speed: 'max',
    headless: false,
    homeNet: null,
    bpf: null,
    profile,
    thresholds: structuredClone(PROFILES[profile].thresholds),
    refreshSeconds: 5,
    debug: false,
    flows: { capacity: 131_072, idleSeconds: 120 },
    streams: { ...DEFAULT_STREAM_LIMITS },
    geo: true,
    reverseDns: true,
    processes: true,
    trustedProcesses: [],
    utc: false,
    bell: false,
    historyFile: null,
    logDir: null,
    pcapDir: null,
    syslog: true,
    signatures: {},
    suspiciousPorts: null,
    blocklists: [],
    blockDurationSeconds: 300,
    // 32 MiB holds ~0.7 s of a 440k pkt/s flood; the ring is resident memory (64 MiB cost ~96 MB RSS
    // and left a spoofed flood only just under our 300 MB memory bound).
    captureBufferBytes: 32 * 1024 * 1024,
    firewall: 'auto',
    dryRun: false,
    allow: [],
    autoBlock: null,
    response: {},
    requireProof: true,
    escalate: true,
    maxBlockDurationSeconds: 7 * 86_400,
    ipv6BlockPrefix: 64,
    flushOnExit: false,
    fail2ban: true,
    fail2banJail: 'sshd',
    iptablesVariant: 'system',
    stopServices: {},
    authLog: null,
    suspiciousCommands: [],
    processMonitor: true,

    crowdsec: null,
    metrics: null,
    eveFile: null,
    syslogRemote: null,
    notifications: defaultNotificationSettings(),
    verbose: false,
    configFile: null,
  };
}
