/**
 * Threshold sets of seed 000: `high-security` is aggressive, `balanced` (the default) suits a
 * workstation, `development` is permissive. Every value can be overridden from the config file.
 */
import type { FloodConfig } from '../engine/detectors/flood-detector.js';
import { BRUTE_FORCE_THRESHOLDS, type BruteForceThresholds } from '../engine/detectors/service-table.js';

export type ProfileName = 'high-security' | 'balanced' | 'development';

export const PROFILE_NAMES: readonly ProfileName[] = ['high-security', 'balanced', 'development'];

export interface DetectionThresholds {
  portScan: {
    /** Distinct ports one source must probe on one target within the window. */
    ports: number;
    windowSeconds: number;
  };
  /** Completed connections per source to a service within the window (seed 000's table). */
  bruteForce: BruteForceThresholds;
  /** Flood rates per target (FloodDetector defaults when empty). */
  flood: Pick<FloodConfig, 'synPps' | 'udpPps' | 'icmpPps' | 'reflectionPps' | 'ddosSources' | 'topShare'>;
  /** Bytes leaving the home net to one destination within the window (seed 004: 15 MB in 60 s). */
  exfiltration: { bytes?: number; windowSeconds?: number };
  // --- auth log and processes (issue #3) ---
  /** Failed logins per source and service in the auth log within the window (fail2ban: 5 in 10 min). */
  authBruteForce: { failures: number; windowSeconds: number };
  /** A process over this CPU use (percent of one core) for this long is SUSPICIOUS_PROCESS. */
  suspiciousProcess: { cpuPercent: number; sustainedSeconds: number };
  /** Distinct ports of one target, and sources that each brought a slice of them, within the window. */
  distributedScan: { ports: number; sources: number; windowSeconds: number };
  /** Distinct hosts one source probes on the same port (or with ICMP echo) within the window. */
  hostSweep: { hosts: number; windowSeconds: number };
  /** PORT_SCAN with scan_speed "slow": distinct ports of one target within a long window. */
  slowScan: { ports: number; windowSeconds: number };
  /** Distinct kinds of nmap -O probe (of 8) one source sends one target within the window. */
  osFingerprint: { probeKinds: number; windowSeconds: number };
}

export interface Profile {
  name: ProfileName;
  /** Whether detections block without asking (DESIGN §3.1 `--auto-block`). */
  autoBlock: boolean;
  thresholds: DetectionThresholds;
}

// --- auth log and processes (issue #3) ---
// Auth log: fail2ban's defaults (maxretry 5, findtime 10 min) for balanced; 3 for high-security.
// CPU: seed 001 alerts at 80 %; a build or a backup keeps a core busy for minutes, so the
// sustained time is long enough that only something that never stops is reported.
const HOST_THRESHOLDS: Record<ProfileName, Pick<DetectionThresholds, 'authBruteForce' | 'suspiciousProcess'>> = {
  'high-security': { authBruteForce: { failures: 3, windowSeconds: 600 }, suspiciousProcess: { cpuPercent: 80, sustainedSeconds: 60 } },
  balanced: { authBruteForce: { failures: 5, windowSeconds: 600 }, suspiciousProcess: { cpuPercent: 90, sustainedSeconds: 120 } },
  development: { authBruteForce: { failures: 10, windowSeconds: 300 }, suspiciousProcess: { cpuPercent: 98, sustainedSeconds: 300 } },
};

export const PROFILES: Record<ProfileName, Profile> = {
  // psad's and Zeek's defaults sit around 15 distinct ports; high-security reacts earlier.
  // A slow scan is the same count of ports over half an hour (nmap -T1 sends one probe per 15 s).
  'high-security': { name: 'high-security', autoBlock: true, thresholds: { portScan: { ports: 10, windowSeconds: 120 }, bruteForce: BRUTE_FORCE_THRESHOLDS['high-security'], flood: { synPps: 500, udpPps: 2500, icmpPps: 500 }, exfiltration: { bytes: 10_000_000 }, distributedScan: { ports: 20, sources: 3, windowSeconds: 120 }, hostSweep: { hosts: 10, windowSeconds: 120 }, slowScan: { ports: 10, windowSeconds: 3600 }, osFingerprint: { probeKinds: 3, windowSeconds: 120 }, ...HOST_THRESHOLDS['high-security'] } },
  balanced: { name: 'balanced', autoBlock: false, thresholds: { portScan: { ports: 15, windowSeconds: 60 }, bruteForce: BRUTE_FORCE_THRESHOLDS.balanced, flood: {}, exfiltration: {}, distributedScan: { ports: 30, sources: 3, windowSeconds: 60 }, hostSweep: { hosts: 20, windowSeconds: 60 }, slowScan: { ports: 15, windowSeconds: 1800 }, osFingerprint: { probeKinds: 4, windowSeconds: 60 }, ...HOST_THRESHOLDS.balanced } },
  development: { name: 'development', autoBlock: false, thresholds: { portScan: { ports: 50, windowSeconds: 30 }, bruteForce: BRUTE_FORCE_THRESHOLDS.development, flood: { synPps: 5000, udpPps: 20000, icmpPps: 5000 }, exfiltration: { bytes: 100_000_000 }, distributedScan: { ports: 100, sources: 5, windowSeconds: 30 }, hostSweep: { hosts: 50, windowSeconds: 30 }, slowScan: { ports: 50, windowSeconds: 900 }, osFingerprint: { probeKinds: 5, windowSeconds: 30 }, ...HOST_THRESHOLDS.development } },
};
