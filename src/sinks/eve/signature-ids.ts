import type { AttackType } from '../../model/alert.js';

/**
 * A stable Suricata-style signature id per attack type, in the range Suricata leaves to local
 * rules (1000000–1999999): dashboards and SIEM rules key on these, so an id never changes
 * meaning; a new attack type takes the next free number.
 */
export const SIGNATURE_IDS = {
  PORT_SCAN: 1_770_001,
  DISTRIBUTED_SCAN: 1_770_002,
  HOST_SWEEP: 1_770_003,
  OS_FINGERPRINT: 1_770_004,
  SSH_BRUTE_FORCE: 1_770_005,
  FTP_BRUTE_FORCE: 1_770_006,
  TELNET_ATTACK: 1_770_007,
  DATABASE_ATTACK: 1_770_008,
  NOSQL_ATTACK: 1_770_009,
  RDP_BRUTE_FORCE: 1_770_010,
  VNC_ATTACK: 1_770_011,
  WINRM_ATTACK: 1_770_012,
  SYN_FLOOD: 1_770_013,
  UDP_FLOOD: 1_770_014,
  ICMP_FLOOD: 1_770_015,
  DDOS: 1_770_016,
  REFLECTION: 1_770_017,
  SQL_INJECTION: 1_770_018,
  XSS: 1_770_019,
  PATH_TRAVERSAL: 1_770_020,
  COMMAND_INJECTION: 1_770_021,
  SHELLSHOCK: 1_770_022,
  LOG4SHELL: 1_770_023,
  SCANNER_USER_AGENT: 1_770_024,
  DATA_EXFILTRATION: 1_770_025,
  SUSPICIOUS_PORT: 1_770_026,
  MALICIOUS_IP: 1_770_027,
  SUSPICIOUS_COMMAND: 1_770_028,
  SUSPICIOUS_PROCESS: 1_770_029,
  HTTP_BRUTE_FORCE: 1_770_030,
  FRAGMENT_ANOMALY: 1_770_031,
} as const satisfies Record<AttackType, number>;

/** Suricata's classification names (classification.config), by attack type. */
export function categoryOf(type: AttackType): string {
  switch (type) {
    case 'PORT_SCAN':
    case 'DISTRIBUTED_SCAN':
    case 'HOST_SWEEP':
      return 'Detection of a Network Scan';
    case 'OS_FINGERPRINT':
    case 'SCANNER_USER_AGENT':
      return 'Attempted Information Leak';
    case 'SYN_FLOOD':
    case 'UDP_FLOOD':
    case 'ICMP_FLOOD':
    case 'DDOS':
    case 'REFLECTION':
      return 'Attempted Denial of Service';
    case 'SQL_INJECTION':
    case 'XSS':
    case 'PATH_TRAVERSAL':
    case 'COMMAND_INJECTION':
    case 'SHELLSHOCK':
    case 'LOG4SHELL':
      return 'Web Application Attack';
    case 'DATA_EXFILTRATION':
      return 'Potential Corporate Privacy Violation';
    case 'MALICIOUS_IP':
      return 'Misc Attack';
    case 'SUSPICIOUS_PORT':
    case 'SUSPICIOUS_COMMAND':
    case 'SUSPICIOUS_PROCESS':
    case 'FRAGMENT_ANOMALY':
      return 'Potentially Bad Traffic';
    default:
      return 'Attempted User Privilege Gain';
  }
}
