import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { roundSeconds, type Alert, type AttackType } from '../../model/alert.js';
import { IpProto, TcpFlag, type Packet } from '../decode/packet.js';
import { FlowEvent, type FlowTable } from '../flows/flow-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { MONITORED_SERVICES, serviceIndexOfName, serviceIndexOfPort, type ServiceThresholds } from './service-table.js';
import type { LoginReply } from '../flows/streams/login/login-tracker.js';
import type { StreamInfo, StreamListener } from '../flows/streams/stream-listener.js';
import { positiveInt, seconds } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';
import { BRUTE_FORCE_THRESHOLDS, type BruteForceThresholds } from './service-table.js';

export interface BruteForceConfig {
  /** Attempts per source and service group within the window that raise an alert. */
  attempts: ServiceThresholds;
  windowSeconds: number;
  /** Bound on (source, service) entries with state; the least recently used are evicted past it. */
  maxEntries?: number;
  /** Bound on live alerts (attacker, attack type); the oldest are forgotten past it. */
  maxAttackers?: number;
}

/** One alert: an attacker's attempts on one attack type (e.g. all DATABASE_ATTACK services). */
class Campaign {
  live = true;
  /** The alert was raised by the auth-log detector and this detector joined it. */
  adopted = false;
  attempts = 0;
  constructor(
    readonly key: string,
    readonly alert: Alert,
    public firstSeen: number,
    public lastSeen: number,
  ) {}
}

/** Attempts of one source on one service: the last `threshold` attempt times, a ring. */
class Entry {
  times: Float64Array;
  head = 0;
  filled = 0;
  lastSeen = 0;
  campaign: Campaign | null = null;
  constructor(
    readonly key: string,
    readonly service: number,
    readonly attacker: string,
    threshold: number,
  ) {
    this.times = new Float64Array(threshold);
  }

  /** Keeps the newest min(filled, n) attempt times in a ring of n. */
  resize(n: number): void {
    if (n === this.times.length) return;
    const old = this.times.length;
    const ordered: number[] = [];
    for (let i = 0; i < this.filled; i++) ordered.push(this.times[(this.head - this.filled + i + old) % old]!);
    const kept = ordered.slice(-n);
    this.times = new Float64Array(n);
    this.times.set(kept);
    this.filled = kept.length;
    this.head = kept.length % n;
  }

  /** Records an attempt; returns how many of the remembered attempts lie within the window. */
  add(ts: number, windowMicros: number): number {
    const n = this.times.length;
    this.times[this.head] = ts;
    this.head = (this.head + 1) % n;
    if (this.filled < n) this.filled++;
    this.lastSeen = ts;
    let inWindow = 0;
    for (let i = 0; i < this.filled; i++) if (ts - this.times[i]! <= windowMicros) inWindow++;
    return inWindow;
  }

  /** The earliest remembered attempt within the window ending at `ts`. */
  firstInWindow(ts: number, windowMicros: number): number {
    let first = ts;
    for (let i = 0; i < this.filled; i++) {
      const t = this.times[i]!;
      if (ts - t <= windowMicros && t < first) first = t;
    }
    return first;
  }
}

/** SSH connection phases (per flow slot), see followSsh. */
const SSH_NONE = 0;
const SSH_KEX = 1;
const SSH_ACCEPT = 2;
const SSH_AUTH = 3;
const SSH_DONE = 4;
const SSH_PORT = 22;

/**
 * Service brute force from packets (SSH_BRUTE_FORCE … WINRM_ATTACK): an attempt is a TCP
 * connection from a source to a monitored service port that completes its three-way handshake
 * (half-open probes are the port-scan detector's business). When one source makes `threshold`
 * attempts on one service within the window, one alert per (attacker, attack type) is raised;
 * every later attempt of that attacker on that attack type updates it.
 *
 * SSH is different: counting connections made a handful of ordinary logins in a minute (scripts,
 * scp, git, a mistyped password) a "brute force". The authentication outcome is read from the
 * sizes of the encrypted server messages, as Zeek's SSH analyzer does: after the client's
 * NEWKEYS (a 16-byte cleartext packet, type 21) the server's first segment is SERVICE_ACCEPT;
 * USERAUTH_SUCCESS is 16 bytes shorter than it (same cipher and MAC overhead, 1-byte payload); the
 * first other answer is the USERAUTH_FAILURE of the client's "none" probe, and every later server
 * segment of that same size is one more failed attempt. A successful login counts nothing; a
 * connection that ends (FIN/RST) with neither a success nor a counted failure counts one attempt
 * (pre-auth disconnects, banner grabs, unfamiliar clients), so the connection count stays the
 * lower bound it was.
 *
 * FTP says in clear text whether a login failed: the stream layer reads the server's replies
 * (530 to a login), so a brute force that keeps one connection open and tries password after
 * password counts every try. The connection already counted once when it opened, so its first
 * refusal adds nothing. Refusals of services without an attack type of their own here (POP3,
 * IMAP, SMTP) are left to the stream statistics.
 *
 * Packets to other ports cost one event test and one array read, nothing is allocated for them;
 * SSH state is 5 bytes per flow-table slot, allocated once.
 */
export class BruteForceDetector implements PacketDetector, StreamListener {
  readonly name = 'brute-force';
  private readonly thresholds: Int32Array;
  // Not readonly: SIGHUP reconfigures a running detector (reconfigure below).
  private windowMicros: number;
  private windowSeconds: number;
  private readonly maxEntries: number;
  private readonly maxAttackers: number;
  private readonly ctx: DetectorContext;
  /** Map order is LRU order: an entry is re-inserted on every attempt. */
  private readonly entries = new Map<string, Entry>();
  /** Insertion order is age order. */
  private readonly campaigns = new Map<string, Campaign>();
  private nextSweep = 0;
  /** Per flow slot (allocated at the first SSH connection): phase, SERVICE_ACCEPT and USERAUTH_FAILURE segment sizes. */
  private sshPhase: Uint8Array | null = null;
  private sshAcceptLen: Uint16Array | null = null;
  private sshFailureLen: Uint16Array | null = null;
  evictedEntries = 0;
  evictedAttackers = 0;

  constructor(config: BruteForceConfig, ctx: DetectorContext) {
    this.thresholds = Int32Array.from(MONITORED_SERVICES, (s) => Math.max(1, Math.floor(config.attempts[s.group])));
    this.windowSeconds = config.windowSeconds;
    this.windowMicros = config.windowSeconds * 1e6;
    this.maxEntries = Math.max(1, config.maxEntries ?? 16_384);
    this.maxAttackers = Math.max(1, config.maxAttackers ?? 4096);
    this.ctx = ctx;
  }

  /**
   * New thresholds from a config reload. Remembered attempts stay; each ring is resized to the
   * new threshold of its service (keeping the newest attempts) so a raised threshold can be met.
   */
  reconfigure(config: Pick<BruteForceConfig, 'attempts' | 'windowSeconds'>): void {
    MONITORED_SERVICES.forEach((s, i) => (this.thresholds[i] = Math.max(1, Math.floor(config.attempts[s.group]))));
    this.windowSeconds = config.windowSeconds;
    this.windowMicros = config.windowSeconds * 1e6;
    for (const entry of this.entries.values()) entry.resize(this.thresholds[entry.service]!);
  }

  get trackedEntries(): number {
    return this.entries.size;
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    if (slot < 0) return;
    const events = flows.lastEvents;
    if ((events & FlowEvent.NEW) !== 0 && this.sshPhase !== null) this.sshPhase[slot] = SSH_NONE;
    if (pkt.proto !== IpProto.TCP) return;
    if ((events & FlowEvent.HANDSHAKE_DONE) === 0 || !flows.lastFromOrig) {
      if (this.sshPhase !== null && this.sshPhase[slot]! !== SSH_NONE && this.sshPhase[slot]! !== SSH_DONE) this.followSsh(pkt, flows.lastFromOrig, slot);
      return;
    }
    const svc = serviceIndexOfPort(pkt.dstPort);
    if (svc < 0) return;
    const home = this.ctx.homeNet;
    if (home !== null && !home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return;
    if (pkt.dstPort === SSH_PORT) {
      this.startSsh(flows.capacity, slot);
      return;
    }
    this.attempt(pkt, svc, true);
  }

  /** A login refused (or accepted) in the clear-text replies of an FTP / POP3 / IMAP / SMTP stream. */
  onLoginReply(reply: LoginReply, stream: StreamInfo, tsMicros: number): void {
    if (reply.outcome !== 'failure') return;
    let svc = serviceIndexOfPort(stream.serverPort);
    if (svc < 0 || MONITORED_SERVICES[svc]!.name !== reply.protocol) svc = serviceIndexOfName(reply.protocol);
    if (svc < 0) return;
    // The connection's handshake was its first attempt already.
    if (reply.failures < 2) return;
    const home = this.ctx.homeNet;
    const w = stream.serverWords;
    if (home !== null && !home.has(w[0]!, w[1]!, w[2]!, w[3]!)) return;
    this.count(stream.client, stream.server, stream.serverPort, svc, tsMicros);
  }

  private startSsh(capacity: number, slot: number): void {
    if (this.sshPhase === null || this.sshPhase.length !== capacity) {
      this.sshPhase = new Uint8Array(capacity);
      this.sshAcceptLen = new Uint16Array(capacity);
      this.sshFailureLen = new Uint16Array(capacity);
    }
    this.sshPhase[slot] = SSH_KEX;
    this.sshAcceptLen![slot] = 0;
    this.sshFailureLen![slot] = 0;
  }

  /** One packet of an SSH connection whose handshake we saw: see the class comment. */
  private followSsh(pkt: Packet, fromOrig: boolean, slot: number): void {
    const phase = this.sshPhase!;
    const svc = serviceIndexOfPort(SSH_PORT);
    if ((pkt.tcpFlags & (TcpFlag.FIN | TcpFlag.RST)) !== 0) {
      // Ended without a login: one attempt, unless its failures were counted already.
      if (!this.sshCounted(slot)) this.attempt(pkt, svc, fromOrig);
      phase[slot] = SSH_DONE;
      return;
    }
    const len = pkt.payloadLen;
    if (len === 0) return;
    const p = phase[slot]!;
    if (fromOrig) {
      if (p === SSH_KEX && len === 16 && isNewKeys(pkt.buf, pkt.payloadOffset)) phase[slot] = SSH_ACCEPT;
      return;
    }
    if (p === SSH_ACCEPT) {
      this.sshAcceptLen![slot] = len;
      phase[slot] = SSH_AUTH;
      return;
    }
    if (p !== SSH_AUTH) return;
    if (len + 16 === this.sshAcceptLen![slot]!) {
      phase[slot] = SSH_DONE; // USERAUTH_SUCCESS
      return;
    }
    const failureLen = this.sshFailureLen![slot]!;
    if (failureLen === 0) {
      this.sshFailureLen![slot] = len; // the answer to the "none" probe: not an attempt
    } else if (len === failureLen) {
      this.sshFailureLen![slot] = failureLen | COUNTED;
      this.attempt(pkt, svc, false);
    } else if (len === (failureLen & ~COUNTED)) {
      this.attempt(pkt, svc, false);
    }
  }

  private sshCounted(slot: number): boolean {
    return (this.sshFailureLen![slot]! & COUNTED) !== 0;
  }

  /** `fromOrig`: the packet goes client → server (the attacker is its source), else the reverse. */
  private attempt(pkt: Packet, svc: number, fromOrig: boolean): void {
    const attacker = fromOrig ? formatAddress(pkt.src0, pkt.src1, pkt.src2, pkt.src3) : formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3);
    const target = fromOrig ? formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3) : formatAddress(pkt.src0, pkt.src1, pkt.src2, pkt.src3);
    this.count(attacker, target, fromOrig ? pkt.dstPort : pkt.srcPort, svc, pkt.tsMicros);
  }

  /** One attempt of `attacker` on service `svc` of `target`. */
  private count(attacker: string, target: string, targetPort: number, svc: number, ts: number): void {
    const key = `${svc}|${attacker}`;
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
    } else {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next().value as string;
        this.entries.delete(oldest);
        this.evictedEntries++;
      }
      entry = new Entry(key, svc, attacker, this.thresholds[svc]!);
    }
    this.entries.set(key, entry);
    const inWindow = entry.add(ts, this.windowMicros);
    const service = MONITORED_SERVICES[svc]!;

    let campaign = entry.campaign;
    if (campaign === null || !campaign.live) {
      // An attacker already alerted on for this attack type: every further attempt counts.
      campaign = this.campaigns.get(campaignKey(service.attackType, attacker)) ?? null;
      entry.campaign = campaign;
    }
    if (campaign !== null) {
      campaign.attempts++;
      if (ts > campaign.lastSeen) campaign.lastSeen = ts;
      this.fill(campaign, target, targetPort, svc);
      this.ctx.changed(campaign.alert);
      return;
    }
    if (inWindow < this.thresholds[svc]!) return;
    campaign = this.newCampaign(service.attackType, attacker, entry.firstInWindow(ts, this.windowMicros), ts);
    campaign.attempts = inWindow;
    entry.campaign = campaign;
    this.fill(campaign, target, targetPort, svc);
    if (campaign.adopted) this.ctx.changed(campaign.alert);
    else this.ctx.raise(campaign.alert, ts);
  }

  private newCampaign(attackType: AttackType, attacker: string, firstSeen: number, ts: number): Campaign {
    if (this.campaigns.size >= this.maxAttackers) {
      const oldest = this.campaigns.values().next().value as Campaign;
      this.dropCampaign(oldest);
      this.evictedAttackers++;
    }
    // The auth log may have shown this attack first: one alert per attacker and attack type.
    const logged = this.ctx.find?.(attackType, attacker) ?? null;
    if (logged !== null && logged.attack_details.source === 'auth_log' && Date.parse(logged.attack_details.first_seen) * 1000 + logged.duration * 1e6 >= ts - 10 * this.windowMicros) {
      logged.attack_details.source = 'packets+auth_log';
      Object.assign(logged.attack_details, { attempts: 0, window_seconds: this.windowSeconds, threshold: 0 });
      const key = campaignKey(attackType, attacker);
      const joined = new Campaign(key, logged, firstSeen, ts);
      joined.adopted = true;
      this.campaigns.set(key, joined);
      return joined;
    }
    const alert: Alert = newAlert(this.ctx, {
      attackType,
      severity: 'high',
      attacker,
      nowMicros: ts,
      firstSeenMicros: firstSeen,
      protocol: 'tcp',
      details: { attempts: 0, window_seconds: this.windowSeconds, threshold: 0 },
    });
    const key = campaignKey(attackType, attacker);
    const campaign = new Campaign(key, alert, firstSeen, ts);
    this.campaigns.set(key, campaign);
    return campaign;
  }

  /** Writes the evidence into the alert; the target is the one of the latest attempt. */
  private fill(c: Campaign, target: string, targetPort: number, svc: number): void {
    const a = c.alert;
    a.target_ip = target;
    a.target_port = targetPort;
    a.packet_count = c.attempts;
    a.duration = roundSeconds((c.lastSeen - c.firstSeen) / 1e6);
    const d = a.attack_details;
    d.service = MONITORED_SERVICES[svc]!.name;
    d.attempts = c.attempts;
    d.threshold = this.thresholds[svc]!;
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + Math.min(this.windowMicros, 10e6);
    // Entries whose attempts all left the window count for nothing; alerts are kept for ten
    // windows of silence so a pause does not split one attack into two alerts.
    const entryCutoff = nowMicros - this.windowMicros;
    for (const [key, entry] of this.entries) {
      if (entry.lastSeen < entryCutoff) this.entries.delete(key);
    }
    const campaignCutoff = nowMicros - 10 * this.windowMicros;
    for (const c of this.campaigns.values()) {
      if (c.lastSeen < campaignCutoff) this.dropCampaign(c);
    }
  }

  private dropCampaign(c: Campaign): void {
    c.live = false;
    this.campaigns.delete(c.key);
  }
}

/** High bit of sshFailureLen: a failure of this connection was counted (segments are < 32 KiB to matter). */
const COUNTED = 0x8000;

/** SSH_MSG_NEWKEYS as a cleartext binary packet: length 12, padding 10, message 21. */
function isNewKeys(buf: Buffer, off: number): boolean {
  return buf[off] === 0 && buf[off + 1] === 0 && buf[off + 2] === 0 && buf[off + 3] === 12 && buf[off + 4] === 10 && buf[off + 5] === 21;
}

function campaignKey(attackType: AttackType, attacker: string): string {
  return `${attackType}|${attacker}`;
}

/**
 * SSH_BRUTE_FORCE and the other service attacks from packets: completed connections per source
 * and service within the window, and further logins refused in clear-text replies.
 */
export const bruteForceDescriptor: ConfiguredDetectorDescriptor<'bruteForce', BruteForceThresholds, BruteForceDetector> = {
  name: 'bruteForce',
  stage: 'packet',
  settings: {
    defaults: BRUTE_FORCE_THRESHOLDS,
    schema: {
      windowSeconds: seconds,
      attempts: { ssh: positiveInt, ftp: positiveInt, telnet: positiveInt, database: positiveInt, nosql: positiveInt, rdp: positiveInt, vnc: positiveInt, winrm: positiveInt },
    },
  },
  create: (settings, inputs) => new BruteForceDetector(settings, inputs.context),
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};
