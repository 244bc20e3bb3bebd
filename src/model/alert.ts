/**
 * The alert record (a contract): field names and meanings are relied on by users'
 * scripts. Extend attack_details freely; never rename or drop a field.
 */
export const ATTACK_TYPES = [
  'PORT_SCAN',
  'DISTRIBUTED_SCAN',
  'HOST_SWEEP',
  'OS_FINGERPRINT',
  'SSH_BRUTE_FORCE',
  'FTP_BRUTE_FORCE',
  'TELNET_ATTACK',
  'DATABASE_ATTACK',
  'NOSQL_ATTACK',
  'RDP_BRUTE_FORCE',
  'VNC_ATTACK',
  'WINRM_ATTACK',
  'HTTP_BRUTE_FORCE',
  'SYN_FLOOD',
  'UDP_FLOOD',
  'ICMP_FLOOD',
  'DDOS',
  'REFLECTION',
  'FRAGMENT_ANOMALY',
  'SQL_INJECTION',
  'XSS',
  'PATH_TRAVERSAL',
  'COMMAND_INJECTION',
  'SHELLSHOCK',
  'LOG4SHELL',
  'SCANNER_USER_AGENT',
  'DATA_EXFILTRATION',
  'SUSPICIOUS_PORT',
  'MALICIOUS_IP',
  'SUSPICIOUS_COMMAND',
  'SUSPICIOUS_PROCESS',
] as const;

export type AttackType = (typeof ATTACK_TYPES)[number];

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export type AlertAction = 'logged' | 'prompted' | 'blocked' | 'dry_run' | 'suppressed' | 'block_failed';

export type ScanType = 'SYN' | 'CONNECT' | 'FIN' | 'NULL' | 'XMAS' | 'ACK' | 'MAIMON' | 'WINDOW' | 'UDP' | 'IP_PROTOCOL' | 'SCTP_INIT';

export interface AttackDetails {
  scan_type?: ScanType;
  scan_speed?: 'slow';
  ports_count?: number;
  service: string | null;
  first_seen: string;
  interface: string;
  platform_info: string;
  [extra: string]: unknown;
}

export interface Alert {
  event_type: 'alert';
  id: string;
  /** When the detection fired, in packet time (ISO 8601, UTC). */
  timestamp: string;
  attack_type: AttackType;
  severity: Severity;
  attacker_ip: string;
  target_ip: string | null;
  target_port: number | null;
  protocol: 'tcp' | 'udp' | 'icmp' | 'sctp' | 'ip' | null;
  packet_count: number;
  /** Seconds from the first to the last evidence packet. */
  duration: number;
  reverse_dns: string | null;
  country: string | null;
  process: string | null;
  action: AlertAction;
  attack_details: AttackDetails;
}

export function isoFromMicros(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString();
}

/** Rounds a seconds value to milliseconds for output. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
