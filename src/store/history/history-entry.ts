import { ATTACK_TYPES, type Alert } from '../../model/alert.js';
import { canonicalAddress, canonicalCidr } from '../../net/canonical.js';
import type { HistoryEntry } from '../../model/history-entry.js';


export const HISTORY_FORMAT_VERSION = 1;

/** The file as stored: `{ "version": 1, "entries": [...] }`. */
export interface HistoryFileData {
  version: typeof HISTORY_FORMAT_VERSION;
  entries: HistoryEntry[];
}

const SEVERITIES: ReadonlySet<unknown> = new Set(['low', 'medium', 'high', 'critical']);
const ALERT_ACTIONS: ReadonlySet<unknown> = new Set(['logged', 'prompted', 'blocked', 'dry_run', 'suppressed', 'block_failed']);
const PROTOCOLS: ReadonlySet<unknown> = new Set(['tcp', 'udp', 'icmp', 'sctp', 'ip', null]);
const SCAN_TYPES: ReadonlySet<unknown> = new Set(['SYN', 'CONNECT', 'FIN', 'NULL', 'XMAS', 'ACK', 'MAIMON', 'WINDOW', 'UDP', 'IP_PROTOCOL', 'SCTP_INIT']);
const ATTACK_TYPE_SET: ReadonlySet<unknown> = new Set(ATTACK_TYPES);
const BLOCK_ACTIONS: ReadonlySet<unknown> = new Set(['blocked', 'dry_run', 'suppressed', 'block_failed']);
const UNBLOCK_REASONS: ReadonlySet<unknown> = new Set(['expired', 'manual', 'flush']);

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isString(v: unknown): v is string {
  return typeof v === 'string';
}
function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}
function isStringOrNull(v: unknown): boolean {
  return v === null || typeof v === 'string';
}
function isTime(v: unknown): boolean {
  return typeof v === 'string' && v.length <= 64 && Number.isFinite(Date.parse(v));
}
function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
function isOptionalString(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}

/** An IP address in any spelling the canonicaliser reads (no zone id, no CIDR, nothing else). */
function isAddress(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 45 && canonicalAddress(v) !== null && !v.includes('%');
}
function isOptionalNetwork(v: unknown): boolean {
  return v === undefined || (typeof v === 'string' && v.length <= 49 && canonicalCidr(v) !== null);
}
/** A per-port block: exactly `{protocol: 'tcp'|'udp', number: 1-65535}` (what goes into a firewall script). */
function isOptionalPort(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (!isObject(v) || Object.keys(v).length !== 2) return false;
  return (v.protocol === 'tcp' || v.protocol === 'udp') && Number.isInteger(v.number) && (v.number as number) >= 1 && (v.number as number) <= 65535;
}
function isOptionalAttackType(v: unknown): boolean {
  return v === undefined || ATTACK_TYPE_SET.has(v);
}
/** Durations a block can have (7 days is the escalation cap; a year leaves room for config). */
function isDuration(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 366 * 86_400;
}

/** True when `v` has every field of the alert contract with the contract's types. */
export function isAlert(v: unknown): v is Alert {
  if (!isObject(v)) return false;
  if (v.event_type !== 'alert' || !isNonEmptyString(v.id) || !isTime(v.timestamp)) return false;
  if (!ATTACK_TYPE_SET.has(v.attack_type) || !SEVERITIES.has(v.severity) || !ALERT_ACTIONS.has(v.action)) return false;
  if (!isNonEmptyString(v.attacker_ip) || !isStringOrNull(v.target_ip)) return false;
  const port = v.target_port;
  if (port !== null && !(Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65535)) return false;
  if (!PROTOCOLS.has(v.protocol) || !isCount(v.packet_count) || !isCount(v.duration)) return false;
  if (!isStringOrNull(v.reverse_dns) || !isStringOrNull(v.country) || !isStringOrNull(v.process)) return false;
  const d = v.attack_details;
  if (!isObject(d)) return false;
  if (!isStringOrNull(d.service) || !isString(d.first_seen) || !isString(d.interface) || !isString(d.platform_info)) return false;
  if (d.scan_type !== undefined && !SCAN_TYPES.has(d.scan_type)) return false;
  if (d.scan_speed !== undefined && d.scan_speed !== 'slow') return false;
  if (d.ports_count !== undefined && !isCount(d.ports_count)) return false;
  return true;
}

/**
 * True when `v` is a well-formed history entry. Unknown extra fields are kept (a newer version
 * may add some); a wrong type or a missing contract field makes the entry invalid.
 */
export function isHistoryEntry(v: unknown): v is HistoryEntry {
  if (!isObject(v)) return false;
  switch (v.kind) {
    case 'alert':
      return isAlert(v.alert);
    case 'block':
      // As strictly as network input: these fields go into firewall scripts at the next start.
      return (
        isTime(v.at) &&
        isAddress(v.address) &&
        isString(v.reason) &&
        isDuration(v.durationSeconds) &&
        BLOCK_ACTIONS.has(v.action) &&
        isOptionalString(v.detail) &&
        isOptionalString(v.alertId) &&
        isOptionalNetwork(v.network) &&
        isOptionalPort(v.port) &&
        isOptionalAttackType(v.attackType) &&
        isOptionalString(v.origin)
      );
    case 'unblock':
      return isTime(v.at) && isAddress(v.address) && UNBLOCK_REASONS.has(v.reason) && isOptionalString(v.detail) && isOptionalNetwork(v.network) && isOptionalPort(v.port);
    default:
      return false;
  }
}

/** How a parsed history document was judged. */
export type ParsedHistory =
  | { ok: true; entries: HistoryEntry[]; dropped: number }
  | { ok: false; problem: string };

/**
 * Checks the shape of a parsed history document. A wrong shape or an unknown version is a
 * problem with the whole file; entries that fail validation are dropped and counted.
 */
export function parseHistoryDocument(doc: unknown): ParsedHistory {
  if (!isObject(doc)) return { ok: false, problem: 'not a JSON object' };
  if (doc.version !== HISTORY_FORMAT_VERSION) {
    return { ok: false, problem: `unknown format version ${JSON.stringify(doc.version)?.slice(0, 40) ?? 'undefined'}` };
  }
  if (!Array.isArray(doc.entries)) return { ok: false, problem: 'no "entries" array' };
  const entries: HistoryEntry[] = [];
  let dropped = 0;
  for (const e of doc.entries as unknown[]) {
    if (isHistoryEntry(e)) entries.push(e);
    else dropped++;
  }
  return { ok: true, entries, dropped };
}

/** Parses history file text: JSON errors are problems with the whole file. */
export function parseHistoryText(text: string): ParsedHistory {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `not valid JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` };
  }
  return parseHistoryDocument(doc);
}

/**
 * Serialises a history document with one entry per line, so the file stays greppable and a diff
 * of two versions is readable. `cache` memoises each entry's JSON (entries are immutable except
 * for upserted alerts, whose cache slot the store clears).
 */
export function serializeHistory(entries: readonly HistoryEntry[], cache?: WeakMap<HistoryEntry, string>): string {
  const parts: string[] = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    let s = cache?.get(e);
    if (s === undefined) {
      s = JSON.stringify(e);
      cache?.set(e, s);
    }
    parts[i] = s;
  }
  return entries.length === 0
    ? `{"version":${HISTORY_FORMAT_VERSION},"entries":[]}\n`
    : `{"version":${HISTORY_FORMAT_VERSION},"entries":[\n${parts.join(',\n')}\n]}\n`;
}
