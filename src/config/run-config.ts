import type { AttackType } from '../engine/alerts/alert.js';
import type { RiskyPort } from '../engine/detectors/suspicious-port-detector.js';
import { PROFILES, type DetectionThresholds, type ProfileName } from './profiles.js';

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
  /** Country tags from the bundled geoip-lite database. */
  geo: boolean;
  /** Reverse DNS names of attackers (never for private or reserved addresses). */
  reverseDns: boolean;
  /** Process names whose traffic the UI marks as trusted (green). */
  trustedProcesses: string[];
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
    geo: true,
    reverseDns: true,
    processes: true,
    trustedProcesses: [],
    historyFile: null,
    logDir: null,
    pcapDir: null,
    syslog: true,
    signatures: {},
    suspiciousPorts: null,
    blocklists: [],
    blockDurationSeconds: 300,
    captureBufferBytes: 64 * 1024 * 1024,
  };
}
