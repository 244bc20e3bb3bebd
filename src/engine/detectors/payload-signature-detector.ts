import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { roundSeconds, type Alert, type AttackType, type Severity } from '../../model/alert.js';
import { decodeLenientUtf8 } from '../decode/http-request.js';
import { IpProto, type Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import type { HttpRequest } from '../flows/streams/http/http-message.js';
import type { StreamInfo, StreamListener } from '../flows/streams/stream-listener.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { bodyText } from './signatures/body-text.js';
import { CleanParts } from './signatures/clean-parts.js';
import { SAMPLE_CHARS, searchPart, type Findings } from './signatures/part-matcher.js';
import { compileSignatures, PAYLOAD_ATTACK_TYPES, type PayloadAttackType, type Signature } from './signatures/patterns.js';
import { BODY_TYPES, headParts } from './signatures/request-parts.js';
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
export { SAMPLE_CHARS };

/**
 * Clear-text TCP services whose first payload is searched for LOG4SHELL, SHELLSHOCK and
 * COMMAND_INJECTION strings when it is not an HTTP request (HTTP requests come from the stream
 * layer, on any port).
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

/**
 * Payload signatures: SQL_INJECTION, XSS, PATH_TRAVERSAL, COMMAND_INJECTION,
 * SHELLSHOCK, LOG4SHELL and SCANNER_USER_AGENT over every HTTP request of a reassembled stream
 * (keep-alive, pipelined, split over segments), part by part: the request target, each header
 * (what each header is searched for: see request-parts.ts) and the body (form, JSON, multipart,
 * text). Each part is decoded as its kind needs, then normalised (URL-decoding, HTML entities,
 * case folding, log4j lookups, SQL comments, whitespace). The first clear-text payload of other
 * TCP services on common ports is searched for LOG4SHELL / SHELLSHOCK / COMMAND_INJECTION.
 * One alert per (attacker, type), updated while the attacker goes on; attack_details names
 * the part that matched (matched_part), quotes it raw around the match (matched_text) and gives
 * the match after normalisation (matched_normalized); sample is the request line.
 */
export class PayloadSignatureDetector implements PacketDetector, StreamListener {
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
  /** Header values and targets that matched nothing, searched once per session instead of per request. */
  readonly clean = new CleanParts();
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

  /** The first payload of non-HTTP clear-text flows (HTTP requests arrive through onHttpRequest). */
  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    if (slot < 0 || pkt.proto !== IpProto.TCP || pkt.payloadLen === 0 || !flows.lastFromOrig || flows.lastHttp !== null) return;
    const service = CLEAR_TEXT_PORTS.get(pkt.dstPort);
    if (service === undefined) return;
    // Only the first originator payload of a flow; a reused slot has another firstSeen.
    let checked = this.rawChecked;
    if (checked === null || checked.length !== flows.capacity) checked = this.rawChecked = new Float64Array(flows.capacity).fill(-1);
    const first = flows.firstSeen[slot]!;
    if (checked[slot] === first) return;
    checked[slot] = first;
    if (!this.isHome(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return;
    const len = Math.min(pkt.payloadLen, MAX_RAW_PAYLOAD_BYTES, pkt.buf.length - pkt.payloadOffset);
    if (len <= 0) return;
    const raw = decodeLenientUtf8(pkt.buf, pkt.payloadOffset, pkt.payloadOffset + len);
    const found: Findings = new Map();
    searchPart(this.sigs, found, 'payload', raw, 'text', RAW_TYPES);
    if (found.size > 0) {
      const attacker = formatAddress(pkt.src0, pkt.src1, pkt.src2, pkt.src3);
      this.report(attacker, formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3), pkt.dstPort, pkt.tsMicros, service, found, firstLine(raw));
    }
  }

  onHttpRequest(req: HttpRequest, stream: StreamInfo, tsMicros: number): void {
    if (!this.isHomeServer(stream)) return;
    const found: Findings = new Map();
    for (const p of headParts(req)) searchPart(this.sigs, found, p.name, p.raw, p.decoding, p.types, this.clean);
    if (found.size > 0) this.report(stream.client, stream.server, stream.serverPort, tsMicros, 'HTTP', found, req.requestLine);
  }

  onHttpBody(req: HttpRequest, stream: StreamInfo, tsMicros: number): void {
    if (req.body === null || !this.isHomeServer(stream)) return;
    const body = bodyText(req, req.body);
    if (body === null) return;
    const found: Findings = new Map();
    searchPart(this.sigs, found, 'body', body.text, body.decoding, BODY_TYPES);
    if (found.size > 0) this.report(stream.client, stream.server, stream.serverPort, tsMicros, 'HTTP', found, req.requestLine);
  }

  private isHome(w0: number, w1: number, w2: number, w3: number): boolean {
    const home = this.ctx.homeNet;
    return home === null || home.has(w0, w1, w2, w3);
  }

  private isHomeServer(stream: StreamInfo): boolean {
    const w = stream.serverWords;
    return this.isHome(w[0]!, w[1]!, w[2]!, w[3]!);
  }

  private report(attacker: string, target: string, targetPort: number, ts: number, service: string, found: Findings, sample: string): void {
    this.matchedRequests++;
    for (const [type, finding] of found) {
      const key = `${attacker} ${type}`;
      let hits = this.hits.get(key);
      const isNew = hits === undefined;
      if (hits === undefined) {
        if (this.hits.size >= this.maxEntries) {
          const oldest = this.hits.keys().next().value as string;
          this.hits.delete(oldest);
          this.evicted++;
        }
        hits = new SignatureHits(this.newAlert(type, attacker, target, targetPort, service, ts), ts, ts);
      } else {
        this.hits.delete(key); // re-inserted below: most recent last
      }
      this.hits.set(key, hits);
      hits.requests++;
      if (ts > hits.lastSeen) hits.lastSeen = ts;
      const a = hits.alert;
      a.packet_count = hits.requests;
      a.duration = roundSeconds((hits.lastSeen - hits.firstSeen) / 1e6);
      a.target_ip = target;
      a.target_port = targetPort;
      const d = a.attack_details;
      d.service = service;
      d.matched = finding.sig.name;
      d.sample = sample.length > SAMPLE_CHARS ? sample.slice(0, SAMPLE_CHARS) : sample;
      // The part that matched, its raw text around the match, and the match after normalisation.
      d.matched_part = finding.part;
      d.matched_text = finding.text;
      d.matched_normalized = finding.match;
      d.requests = hits.requests;
      if (isNew) this.ctx.raise(a, ts);
      else this.ctx.changed(a);
    }
  }

  private newAlert(type: PayloadAttackType, attacker: string, target: string, targetPort: number, service: string, ts: number): Alert {
    return newAlert(this.ctx, {
      attackType: type,
      severity: SEVERITY[type],
      attacker,
      nowMicros: ts,
      target,
      targetPort,
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

export { PAYLOAD_ATTACK_TYPES };

/** SQL_INJECTION, XSS, PATH_TRAVERSAL, COMMAND_INJECTION, SHELLSHOCK, LOG4SHELL, SCANNER_USER_AGENT; extra patterns from config key `signatures`. */
export const payloadSignatureDescriptor: DetectorDescriptor<'payloadSignature', undefined, PayloadSignatureDetector> = {
  name: 'payloadSignature',
  stage: 'packet',
  create: (_settings, inputs) => new PayloadSignatureDetector({ extraPatterns: inputs.config.signatures }, inputs.context),
};
