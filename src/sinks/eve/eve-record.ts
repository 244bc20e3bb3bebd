import type { Alert } from '../../model/alert.js';
import type { EngineStats } from '../../model/engine-stats.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';
import { categoryOf, SIGNATURE_IDS } from './signature-ids.js';

/**
 * Suricata's EVE timestamp: microseconds and a `±hhmm` offset without a colon (what the
 * Filebeat module's layout `2006-01-02T15:04:05.999999999Z0700` reads). Always UTC here.
 */
export function eveTimestamp(iso: string | number): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  const d = new Date(Number.isFinite(ms) ? ms : Date.now());
  return `${d.toISOString().slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, '0')}000+0000`;
}

const PROTO: Record<string, string> = { tcp: 'TCP', udp: 'UDP', icmp: 'ICMP', ip: 'IP' };

/** One EVE `alert` line: Suricata's fields for Filebeat / Elastic / Vector, ours under `snoopy`. */
export function eveAlert(a: Alert): object {
  const d = a.attack_details;
  const v6 = a.attacker_ip.includes(':');
  const destIp = a.target_ip ?? (v6 ? '::' : '0.0.0.0');
  const proto = PROTO[a.protocol ?? 'ip'] ?? 'IP';
  const service = typeof d.service === 'string' && /^[A-Za-z0-9_-]{1,20}$/.test(d.service) ? d.service.toLowerCase() : null;
  return {
    timestamp: eveTimestamp(a.timestamp),
    flow_id: flowId(a.attacker_ip, destIp, a.target_port ?? 0, proto),
    // A replay names its file: its base name, as Suricata's pcap-file mode shows it.
    in_iface: clean(typeof d.interface === 'string' ? d.interface.slice(d.interface.lastIndexOf('/') + 1) : '', 64),
    event_type: 'alert',
    src_ip: a.attacker_ip,
    src_port: 0,
    dest_ip: destIp,
    dest_port: a.target_port ?? 0,
    proto,
    app_proto: service ?? 'failed',
    alert: {
      action: a.action === 'blocked' ? 'blocked' : 'allowed',
      gid: 1,
      signature_id: SIGNATURE_IDS[a.attack_type],
      rev: 1,
      signature: `SNOOPY ${a.attack_type.replaceAll('_', ' ')}${typeof d.scan_type === 'string' ? ` (${d.scan_type})` : ''}`,
      category: categoryOf(a.attack_type),
      severity: a.severity === 'critical' || a.severity === 'high' ? 1 : a.severity === 'medium' ? 2 : 3,
    },
    snoopy: {
      id: a.id,
      attack_type: a.attack_type,
      severity: a.severity,
      action: a.action,
      target_ip: a.target_ip,
      target_port: a.target_port,
      packet_count: a.packet_count,
      duration: a.duration,
      country: a.country,
      reverse_dns: a.reverse_dns === null ? null : clean(a.reverse_dns, 253),
      process: a.process === null ? null : clean(a.process, 64),
      attack_details: cleanDetails(d),
    },
  };
}

/** One EVE `stats` line, in Suricata's layout where a counter has a home there. */
export function eveStats(s: EngineStats, nowMs: number): object {
  return {
    timestamp: eveTimestamp(nowMs),
    event_type: 'stats',
    stats: {
      uptime: Math.round(s.elapsed_s),
      capture: { kernel_packets: s.packets, kernel_drops: s.dropped ?? 0 },
      decoder: { pkts: s.packets, bytes: s.bytes, invalid: s.malformed },
      flow: { active: s.flows_active, evicted: s.flows_evicted, expired: s.flows_expired },
      detect: { alert: s.alerts },
      snoopy: { blocks_active: s.blocks_active, rss_mb: s.rss_mb, malformed_by_reason: s.malformed_by_reason, dropped_known: s.dropped !== null },
    },
  };
}

/** A 53-bit flow id from the tuple (JSON numbers stay exact below 2^53). */
function flowId(src: string, dst: string, port: number, proto: string): number {
  let h = 0xcbf29ce484222325n;
  for (const ch of `${src}|${dst}|${port}|${proto}`) {
    h ^= BigInt(ch.codePointAt(0)!);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return Number(h & ((1n << 53n) - 1n)) || 1;
}

function clean(v: unknown, width: number): string {
  return typeof v === 'string' ? sanitizeForDisplay(v, { maxWidth: width }) : '';
}

/** attack_details with every string sanitized (they quote requests, commands, process names). */
function cleanDetails(d: Alert['attack_details']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) out[k] = cleanValue(v, 0);
  return out;
}

function cleanValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return sanitizeForDisplay(v, { maxWidth: 400 });
  if (depth > 3 || v === null || typeof v !== 'object') return typeof v === 'object' && v !== null ? null : v;
  if (Array.isArray(v)) return v.slice(0, 64).map((x) => cleanValue(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = cleanValue(x, depth + 1);
  return out;
}
