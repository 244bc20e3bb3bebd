import type { Alert } from '../model/alert.js';

/** Milliseconds of an ISO time, or null when it does not parse. */
export function timeMs(iso: string | undefined | null): number | null {
  if (typeof iso !== 'string') return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

/** First evidence packet of an alert: attack_details.first_seen, else the detection time. */
export function firstEvidenceMs(a: Alert): number {
  const first = timeMs(a.attack_details.first_seen);
  const detected = timeMs(a.timestamp)!;
  return first !== null && first <= detected ? first : detected;
}

/**
 * Last evidence packet of an alert. `duration` runs from the first to the last evidence packet,
 * so it is first_seen + duration; `timestamp` is when the detection fired, which can be well after
 * the first packet, so timestamp + duration would overstate it. Never before the detection time
 * (the packet that fired the detection is evidence too).
 */
export function lastEvidenceMs(a: Alert): number {
  const detected = timeMs(a.timestamp)!;
  return Math.max(detected, firstEvidenceMs(a) + Math.round(a.duration * 1000));
}

/** Scan alerts have no single target port; they are counted apart from the port table. */
export function isScanAlert(a: Alert): boolean {
  if (a.attack_type === 'PORT_SCAN' || a.attack_type === 'DISTRIBUTED_SCAN') return true;
  return a.target_port === null && a.attack_details.scan_type !== undefined;
}

const WELL_KNOWN: Readonly<Record<string, string>> = {
  'tcp/21': 'ftp',
  'tcp/22': 'ssh',
  'tcp/23': 'telnet',
  'tcp/25': 'smtp',
  'udp/53': 'dns',
  'tcp/53': 'dns',
  'tcp/80': 'http',
  'udp/123': 'ntp',
  'udp/161': 'snmp',
  'tcp/443': 'https',
  'tcp/445': 'smb',
  'tcp/1433': 'mssql',
  'tcp/3306': 'mysql',
  'tcp/3389': 'rdp',
  'tcp/5432': 'postgresql',
  'tcp/5900': 'vnc',
  'tcp/5985': 'winrm',
  'tcp/5986': 'winrm',
  'tcp/6379': 'redis',
  'tcp/8080': 'http-alt',
  'tcp/9200': 'elasticsearch',
  'tcp/11211': 'memcached',
  'udp/11211': 'memcached',
  'tcp/27017': 'mongodb',
};

/** The service an alert names, else the usual one of its port (null when neither is known). */
/** Known service names, lower case: detectors write `SSH`, the table below `ssh`; one row either way. */
const KNOWN_NAMES = new Set(Object.values(WELL_KNOWN));

export function serviceOf(a: Alert): string | null {
  const named = a.attack_details.service;
  if (typeof named === 'string' && named !== '') return KNOWN_NAMES.has(named.toLowerCase()) ? named.toLowerCase() : named;
  if (a.target_port === null) return null;
  return WELL_KNOWN[`${a.protocol ?? 'tcp'}/${a.target_port}`] ?? null;
}

/** Seconds rounded to milliseconds. */
export function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
