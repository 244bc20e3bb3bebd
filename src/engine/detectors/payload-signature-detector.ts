import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { roundSeconds, type Alert, type AttackType, type Severity } from '../../model/alert.js';
import { decodeLenientUtf8 } from '../decode/http-request.js';
import { IpProto, type Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { normalise } from './signatures/normalize.js';
import { compileSignatures, firstMatch, PAYLOAD_ATTACK_TYPES, type PayloadAttackType, type Signature } from './signatures/patterns.js';
import type { DetectorDescriptor } from './detector-descriptor.js';

export interface PayloadSignatureConfig {
  /** Extra regex sources per attack type, from the config file; matched on normalised text. */
  extraPatterns?: Partial<Record<AttackType, string[]>>;
  /** Bound on (attacker, attack type) alerts kept for updates; the least recently active go first. */
  maxEntries?: number;
  /** An (attacker, type) quiet this long is forgotten; its next match raises a new alert. */
  idleSeconds?: number;
}

/** Bytes of a non-HTTP payload inspected (the first originator payload of a flow only). */
export const MAX_RAW_PAYLOAD_BYTES = 2048;
/** Bytes of an HTTP request head read for its header lines (as the HTTP parser). */
const MAX_HEAD_BYTES = 4096;
/** attack_details.sample is cut to this many characters (raw; the UI sanitizes). */
export const SAMPLE_CHARS = 200;

/**
 * Clear-text TCP services whose first payload is searched for LOG4SHELL, SHELLSHOCK and
 * COMMAND_INJECTION strings when it is not an HTTP request (HTTP is recognised on any port).
 */
const CLEAR_TEXT_PORTS: ReadonlyMap<number, string> = new Map([
  [21, 'FTP'],
  [23, 'TELNET'],
  [25, 'SMTP'],
  [80, 'HTTP'],
  [110, 'POP3'],
  [143, 'IMAP'],
  [587, 'SMTP'],
  [3000, 'HTTP'],
  [5000, 'HTTP'],
  [6379, 'REDIS'],
  [8000, 'HTTP'],
  [8008, 'HTTP'],
  [8080, 'HTTP'],
  [8888, 'HTTP'],
  [9200, 'ELASTICSEARCH'],
  [11211, 'MEMCACHED'],
]);

/** Types searched in the decoded request target of an HTTP request. */
const TARGET_TYPES: readonly PayloadAttackType[] = ['SQL_INJECTION', 'XSS', 'PATH_TRAVERSAL', 'COMMAND_INJECTION', 'LOG4SHELL'];
/** Types searched in every header value of an HTTP request. */
const HEADER_TYPES: readonly PayloadAttackType[] = ['SHELLSHOCK', 'LOG4SHELL'];
/** Types searched in the first bytes of other clear-text payloads. */
const RAW_TYPES: readonly PayloadAttackType[] = ['LOG4SHELL', 'SHELLSHOCK', 'COMMAND_INJECTION'];

const SEVERITY: Record<PayloadAttackType, Severity> = {
  SQL_INJECTION: 'high',
  XSS: 'high',
  PATH_TRAVERSAL: 'high',
  COMMAND_INJECTION: 'high',
  SHELLSHOCK: 'high',
  LOG4SHELL: 'high',
  SCANNER_USER_AGENT: 'medium',
};

class SignatureHits {
  requests = 0;
  constructor(
    readonly alert: Alert,
    public firstSeen: number,
    public lastSeen: number,
  ) {}
}

/** Where a signature matched: the part of the request (`target`, `header NAME`, `payload`), its raw text and the normalised match. */
interface Finding {
  sig: Signature;
  part: string;
  raw: string;
  match: string;
}

/** One request's findings: type → where its signature matched (first found wins). */
type Findings = Map<PayloadAttackType, Finding>;

/**
 * Payload signatures: SQL_INJECTION, XSS, PATH_TRAVERSAL, COMMAND_INJECTION,
 * SHELLSHOCK, LOG4SHELL and SCANNER_USER_AGENT in the HTTP request head the flow table parsed
 * (request target, User-Agent, every header of the first segment), and LOG4SHELL / SHELLSHOCK /
 * COMMAND_INJECTION in the first payload of other clear-text TCP flows to common ports.
 * Text is normalised first (URL-decoding, HTML entities, case folding, log4j lookups,
 * whitespace); one alert per (attacker, type), updated while the attacker goes on.
 */
export class PayloadSignatureDetector implements PacketDetector {
  readonly name = 'payload-signature';
  private readonly ctx: DetectorContext;
  private readonly sigs: Record<PayloadAttackType, Signature[]>;
  private readonly maxEntries: number;
  private readonly idleMicros: number;
  /** Key `${attacker} ${type}`; insertion order is recency order (touch = delete + set). */
  private readonly hits = new Map<string, SignatureHits>();
  /** Per flow slot: firstSeen of the flow whose first payload was already inspected (non-HTTP). */
  private rawChecked: Float64Array | null = null;
  private nextSweep = 0;
  evicted = 0;
  /** Requests / payloads that matched at least one signature. */
  matchedRequests = 0;

  /** @throws RangeError naming the offending pattern when an extra pattern is invalid. */
  constructor(config: PayloadSignatureConfig, ctx: DetectorContext) {
    this.ctx = ctx;
    this.sigs = compileSignatures(config.extraPatterns ?? {});
    this.maxEntries = config.maxEntries ?? 4096;
    this.idleMicros = (config.idleSeconds ?? 3600) * 1e6;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`payload signatures: maxEntries must be a positive integer, got ${config.maxEntries}`);
  }

  get trackedEntries(): number {
    return this.hits.size;
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    if (slot < 0 || pkt.proto !== IpProto.TCP || pkt.payloadLen === 0 || !flows.lastFromOrig) return;
    const http = flows.lastHttp;
    if (http === null) {
      const service = CLEAR_TEXT_PORTS.get(pkt.dstPort);
      if (service === undefined) return;
      // Only the first originator payload of a flow (as for HTTP); a reused slot has another firstSeen.
      let checked = this.rawChecked;
      if (checked === null || checked.length !== flows.capacity) checked = this.rawChecked = new Float64Array(flows.capacity).fill(-1);
      const first = flows.firstSeen[slot]!;
      if (checked[slot] === first) return;
      checked[slot] = first;
      if (!this.isHomeTarget(pkt)) return;
      const len = Math.min(pkt.payloadLen, MAX_RAW_PAYLOAD_BYTES, pkt.buf.length - pkt.payloadOffset);
      if (len <= 0) return;
      const raw = decodeLenientUtf8(pkt.buf, pkt.payloadOffset, pkt.payloadOffset + len);
      const text = normalise(raw, false);
      const found: Findings = new Map();
      for (const type of RAW_TYPES) this.check(found, type, text, 'payload', raw);
      if (found.size > 0) this.report(pkt, found, service, firstLine(raw));
      return;
    }
    if (!this.isHomeTarget(pkt)) return;
    const found: Findings = new Map();
    const target = normalise(http.target, true);
    for (const type of TARGET_TYPES) this.check(found, type, target, 'request target', http.target);
    if (http.userAgent !== null) this.check(found, 'SCANNER_USER_AGENT', normalise(http.userAgent, false), 'header User-Agent', http.userAgent);
    const len = Math.min(pkt.payloadLen, MAX_HEAD_BYTES, pkt.buf.length - pkt.payloadOffset);
    for (const [name, value] of headerValues(decodeLenientUtf8(pkt.buf, pkt.payloadOffset, pkt.payloadOffset + len))) {
      const text = normalise(value, false);
      for (const type of HEADER_TYPES) this.check(found, type, text, `header ${name}`, value.trim());
    }
    if (found.size > 0) this.report(pkt, found, 'HTTP', `${http.method} ${http.target} ${http.version}`);
  }

  /** Adds the first signature of `type` matching `text` (from `part`, read as `raw`), unless the request already has one. */
  private check(found: Findings, type: PayloadAttackType, text: string, part: string, raw: string): void {
    if (found.has(type)) return;
    const sig = firstMatch(this.sigs[type], text);
    if (sig === null) return;
    const match = sig.re.exec(text)?.[0] ?? '';
    found.set(type, { sig, part, raw: cut(raw), match: cut(match) });
  }

  private isHomeTarget(pkt: Packet): boolean {
    const home = this.ctx.homeNet;
    return home === null || home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3);
  }

  private report(pkt: Packet, found: Findings, service: string, requestLine: string): void {
    this.matchedRequests++;
    const ts = pkt.tsMicros;
    const attacker = formatAddress(pkt.src0, pkt.src1, pkt.src2, pkt.src3);
    const sample = requestLine.length > SAMPLE_CHARS ? requestLine.slice(0, SAMPLE_CHARS) : requestLine;
    for (const [type, { sig, part, raw, match }] of found) {
      const key = `${attacker} ${type}`;
      let hits = this.hits.get(key);
      const isNew = hits === undefined;
      if (hits === undefined) {
        if (this.hits.size >= this.maxEntries) {
          const oldest = this.hits.keys().next().value as string;
          this.hits.delete(oldest);
          this.evicted++;
        }
        hits = new SignatureHits(this.newAlert(type, attacker, pkt, service, ts), ts, ts);
      } else {
        this.hits.delete(key); // re-inserted below: most recent last
      }
      this.hits.set(key, hits);
      hits.requests++;
      if (ts > hits.lastSeen) hits.lastSeen = ts;
      const a = hits.alert;
      a.packet_count = hits.requests;
      a.duration = roundSeconds((hits.lastSeen - hits.firstSeen) / 1e6);
      a.target_port = pkt.dstPort;
      a.attack_details.service = service;
      a.attack_details.matched = sig.name;
      a.attack_details.sample = sample;
      // The part that matched, its raw text and the match after normalisation (URL-decoding, case …).
      a.attack_details.matched_part = part;
      a.attack_details.matched_text = raw;
      a.attack_details.matched_normalized = match;
      a.attack_details.requests = hits.requests;
      if (isNew) this.ctx.raise(a, ts);
      else this.ctx.changed(a);
    }
  }

  private newAlert(type: PayloadAttackType, attacker: string, pkt: Packet, service: string, ts: number): Alert {
    return newAlert(this.ctx, {
      attackType: type,
      severity: SEVERITY[type],
      attacker,
      nowMicros: ts,
      target: formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3),
      targetPort: pkt.dstPort,
      protocol: 'tcp',
      service,
      details: { matched: '', sample: '', requests: 0 },
    });
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + 10e6;
    const cutoff = nowMicros - this.idleMicros;
    // Recency order: stop at the first entry still active.
    for (const [key, hits] of this.hits) {
      if (hits.lastSeen >= cutoff) break;
      this.hits.delete(key);
    }
  }
}

/** The first line of a payload (for attack_details.sample). */
function firstLine(text: string): string {
  const nl = text.search(/[\r\n]/);
  return nl < 0 ? text : text.slice(0, nl);
}

function cut(text: string): string {
  return text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
}

/** Names and values of the header lines of an HTTP request head (after the request line, up to the blank line). */
function headerValues(head: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = head.split('\r\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon > 0) out.push([line.slice(0, colon).trim(), line.slice(colon + 1)]);
  }
  return out;
}

export { PAYLOAD_ATTACK_TYPES };

/** SQL_INJECTION, XSS, PATH_TRAVERSAL, COMMAND_INJECTION, SHELLSHOCK, LOG4SHELL, SCANNER_USER_AGENT; extra patterns from config key `signatures`. */
export const payloadSignatureDescriptor: DetectorDescriptor<'payloadSignature', undefined, PayloadSignatureDetector> = {
  name: 'payloadSignature',
  stage: 'packet',
  create: (_settings, inputs) => new PayloadSignatureDetector({ extraPatterns: inputs.config.signatures }, inputs.context),
};
