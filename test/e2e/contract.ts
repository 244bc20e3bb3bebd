/**
 * Checks of the JSON line contract on what the real binary printed. Written from
 * the design document, not from src/, so a change of the contract shows up here.
 */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const ACTIONS = ['logged', 'prompted', 'blocked', 'dry_run', 'suppressed', 'block_failed'];
const PROTOCOLS = ['tcp', 'udp', 'icmp', 'ip'];
const SCAN_TYPES = ['SYN', 'CONNECT', 'FIN', 'NULL', 'XMAS', 'ACK', 'MAIMON', 'WINDOW', 'UDP', 'IP_PROTOCOL'];
const ATTACK_TYPES = [
  'PORT_SCAN', 'DISTRIBUTED_SCAN', 'HOST_SWEEP', 'OS_FINGERPRINT',
  'SSH_BRUTE_FORCE', 'FTP_BRUTE_FORCE', 'TELNET_ATTACK', 'DATABASE_ATTACK', 'NOSQL_ATTACK',
  'RDP_BRUTE_FORCE', 'VNC_ATTACK', 'WINRM_ATTACK', 'HTTP_BRUTE_FORCE',
  'SYN_FLOOD', 'UDP_FLOOD', 'ICMP_FLOOD', 'DDOS', 'REFLECTION',
  'SQL_INJECTION', 'XSS', 'PATH_TRAVERSAL', 'COMMAND_INJECTION', 'SHELLSHOCK', 'LOG4SHELL', 'SCANNER_USER_AGENT',
  'DATA_EXFILTRATION', 'SUSPICIOUS_PORT', 'MALICIOUS_IP', 'SUSPICIOUS_COMMAND', 'SUSPICIOUS_PROCESS',
];

type Json = Record<string, unknown>;

function isIso(v: unknown): boolean {
  return typeof v === 'string' && ISO_UTC.test(v) && !Number.isNaN(Date.parse(v));
}

function stringOrNull(v: unknown): boolean {
  return v === null || typeof v === 'string';
}

function nonNegativeInteger(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function nonNegativeNumber(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Every field of an alert (or alert update) line, with its type and allowed values. */
export function assertAlertContract(a: Json, eventType: 'alert' | 'alert_update' = 'alert'): void {
  const where = `${eventType} ${JSON.stringify(a)}`;
  assert.equal(a.event_type, eventType, where);
  assert.ok(typeof a.id === 'string' && a.id.length > 0, `id: ${where}`);
  assert.ok(isIso(a.timestamp), `timestamp is ISO 8601 UTC: ${where}`);
  assert.ok(typeof a.attack_type === 'string' && ATTACK_TYPES.includes(a.attack_type), `attack_type: ${where}`);
  assert.ok(typeof a.severity === 'string' && SEVERITIES.includes(a.severity), `severity: ${where}`);
  assert.ok(typeof a.attacker_ip === 'string' && isIP(a.attacker_ip) !== 0, `attacker_ip: ${where}`);
  assert.ok(a.target_ip === null || (typeof a.target_ip === 'string' && isIP(a.target_ip) !== 0), `target_ip: ${where}`);
  assert.ok(a.target_port === null || (nonNegativeInteger(a.target_port) && (a.target_port as number) <= 65535), `target_port: ${where}`);
  assert.ok(a.protocol === null || (typeof a.protocol === 'string' && PROTOCOLS.includes(a.protocol)), `protocol: ${where}`);
  assert.ok(nonNegativeInteger(a.packet_count), `packet_count: ${where}`);
  assert.ok(nonNegativeNumber(a.duration), `duration: ${where}`);
  assert.ok(stringOrNull(a.reverse_dns), `reverse_dns: ${where}`);
  assert.ok(stringOrNull(a.country), `country: ${where}`);
  assert.ok(stringOrNull(a.process), `process: ${where}`);
  assert.ok(typeof a.action === 'string' && ACTIONS.includes(a.action), `action: ${where}`);
  const d = a.attack_details as Json | null;
  assert.ok(d !== null && typeof d === 'object' && !Array.isArray(d), `attack_details: ${where}`);
  assert.ok(stringOrNull(d.service), `attack_details.service: ${where}`);
  assert.ok(isIso(d.first_seen), `attack_details.first_seen: ${where}`);
  assert.ok(typeof d.interface === 'string' && d.interface.length > 0, `attack_details.interface: ${where}`);
  assert.ok(typeof d.platform_info === 'string' && d.platform_info.length > 0, `attack_details.platform_info: ${where}`);
  if (a.attack_type === 'PORT_SCAN') {
    assert.ok(typeof d.scan_type === 'string' && SCAN_TYPES.includes(d.scan_type), `attack_details.scan_type: ${where}`);
    assert.ok(nonNegativeInteger(d.ports_count), `attack_details.ports_count: ${where}`);
  }
  if (d.scan_speed !== undefined) assert.equal(d.scan_speed, 'slow', `attack_details.scan_speed: ${where}`);
  assert.ok(Date.parse(d.first_seen as string) <= Date.parse(a.timestamp as string), `first_seen is not after timestamp: ${where}`);
}

/** The stats line of the JSON line contract. */
export function assertStatsContract(s: Json): void {
  const where = `stats ${JSON.stringify(s)}`;
  assert.equal(s.event_type, 'stats', where);
  for (const key of ['packets', 'bytes', 'malformed', 'alerts']) assert.ok(nonNegativeInteger(s[key]), `${key}: ${where}`);
  assert.ok(s.dropped === null || nonNegativeInteger(s.dropped), `dropped: ${where}`);
  assert.ok(nonNegativeNumber(s.elapsed_s), `elapsed_s: ${where}`);
  assert.ok(nonNegativeNumber(s.pps), `pps: ${where}`);
}

/** Errors are one clear line on stderr, a non-zero exit, and no stack trace. */
export function assertOneLineError(r: { code: number | null; signal: string | null; stdout: string; stderr: string }): string {
  const where = `exit ${r.code} signal ${r.signal}, stderr: ${JSON.stringify(r.stderr)}`;
  assert.equal(r.signal, null, `ended by a signal: ${where}`);
  assert.ok(r.code !== null && r.code !== 0, `non-zero exit: ${where}`);
  assert.ok(r.stderr.endsWith('\n'), `stderr ends with a newline: ${where}`);
  const lines = r.stderr.slice(0, -1).split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr: ${where}`);
  const line = lines[0]!;
  assert.ok(line.trim().length > 0, `the line says something: ${where}`);
  assert.doesNotMatch(line, /internal error|\bat .+:\d+:\d+\)?$|Error: /, `no stack trace or raw error: ${where}`);
  assert.equal(r.stdout, '', `nothing on stdout: ${where}`);
  return line;
}
