import type { AttackType } from '../../model/alert.js';

/**
 * Services watched for repeated connection attempts (SSH, FTP, Telnet, databases, remote desktops and
 * WinRM, plus MongoDB and MSSQL). Services of one `group` share a threshold.
 */
export type ServiceGroup = 'ssh' | 'ftp' | 'telnet' | 'database' | 'nosql' | 'rdp' | 'vnc' | 'winrm';

export interface MonitoredService {
  /** Shown as attack_details.service. */
  name: string;
  port: number;
  group: ServiceGroup;
  attackType: AttackType;
}

export const MONITORED_SERVICES: readonly MonitoredService[] = [
  { name: 'SSH', port: 22, group: 'ssh', attackType: 'SSH_BRUTE_FORCE' },
  { name: 'FTP', port: 21, group: 'ftp', attackType: 'FTP_BRUTE_FORCE' },
  { name: 'Telnet', port: 23, group: 'telnet', attackType: 'TELNET_ATTACK' },
  { name: 'MySQL', port: 3306, group: 'database', attackType: 'DATABASE_ATTACK' },
  { name: 'PostgreSQL', port: 5432, group: 'database', attackType: 'DATABASE_ATTACK' },
  { name: 'MSSQL', port: 1433, group: 'database', attackType: 'DATABASE_ATTACK' },
  { name: 'Redis', port: 6379, group: 'nosql', attackType: 'NOSQL_ATTACK' },
  { name: 'MongoDB', port: 27017, group: 'nosql', attackType: 'NOSQL_ATTACK' },
  { name: 'RDP', port: 3389, group: 'rdp', attackType: 'RDP_BRUTE_FORCE' },
  { name: 'VNC', port: 5900, group: 'vnc', attackType: 'VNC_ATTACK' },
  { name: 'WinRM', port: 5985, group: 'winrm', attackType: 'WINRM_ATTACK' },
];

/**
 * Attempts per source and service within the window that raise an alert: completed handshakes,
 * plus every further login the server refused on one connection (FTP 530), read from the
 * clear-text replies.
 */
export type ServiceThresholds = Record<ServiceGroup, number>;

export interface BruteForceThresholds {
  windowSeconds: number;
  attempts: ServiceThresholds;
}

/**
 * Per-profile thresholds: high-security is the strictest Linux value (RDP, VNC and
 * WinRM take the lowest of the others), balanced doubles it, development is ×4.
 * Keyed by profile name; the brute-force detector's descriptor hands them to the profiles.
 */
export const BRUTE_FORCE_THRESHOLDS: Record<'high-security' | 'balanced' | 'development', BruteForceThresholds> = {
  'high-security': { windowSeconds: 60, attempts: { ssh: 3, ftp: 5, telnet: 5, database: 2, nosql: 2, rdp: 2, vnc: 2, winrm: 3 } },
  balanced: { windowSeconds: 60, attempts: { ssh: 6, ftp: 10, telnet: 10, database: 4, nosql: 4, rdp: 4, vnc: 4, winrm: 6 } },
  development: { windowSeconds: 60, attempts: { ssh: 12, ftp: 20, telnet: 20, database: 8, nosql: 8, rdp: 8, vnc: 8, winrm: 12 } },
};

/** Port -> index into MONITORED_SERVICES (-1: not monitored); one array read per lookup. */
const BY_PORT = new Int8Array(65536).fill(-1);
MONITORED_SERVICES.forEach((s, i) => {
  BY_PORT[s.port] = i;
});

/** Index into MONITORED_SERVICES of a TCP port, or -1. */
export function serviceIndexOfPort(port: number): number {
  return BY_PORT[port & 0xffff]!;
}

/** Index into MONITORED_SERVICES of the first service named `name` (FTP, POP3 …), or -1. */
export function serviceIndexOfName(name: string): number {
  return MONITORED_SERVICES.findIndex((s) => s.name === name);
}
