import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { roundSeconds, type Alert } from '../../model/alert.js';
import { IpProto, type Packet } from '../decode/packet.js';
import { FlowEvent, type FlowTable } from '../flows/flow-table.js';
import type { AddressBlocklist } from './blocklist/address-blocklist.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import type { DetectorDescriptor } from './detector-descriptor.js';

export interface MaliciousIpConfig {
  blocklist: AddressBlocklist;
  /** Bound on live alerts (one per listed address); the oldest are forgotten past it. */
  maxAlerts?: number;
  /** An alert idle this long is forgotten; the next flow raises a new one. */
  idleSeconds?: number;
}

class Campaign {
  packets = 0;
  constructor(
    readonly key: number | string,
    readonly alert: Alert,
    readonly firstSeen: number,
    public lastSeen: number,
  ) {}
}

/**
 * MALICIOUS_IP: the remote end of a flow is on the loaded blocklist. The blocklist is searched
 * on the first packet of every new flow (and on untracked packets); every later packet to or
 * from an address already alerted on updates that alert's packet count through a map lookup.
 * "Remote" is the end outside the home net; without a home net both ends are checked, source
 * first. Direction: `inbound` when the listed address originated the flow, else `outbound`.
 */
export class MaliciousIpDetector implements PacketDetector {
  readonly name = 'malicious-ip';
  private blocklist: AddressBlocklist;
  private readonly ctx: DetectorContext;
  private readonly maxAlerts: number;
  private readonly idleMicros: number;
  /** Insertion order is age order; key: IPv4 as its number, IPv6 as canonical text. */
  private readonly campaigns = new Map<number | string, Campaign>();
  private v6Live = 0;
  private nextSweep = 0;
  evictedAlerts = 0;

  constructor(config: MaliciousIpConfig, ctx: DetectorContext) {
    this.blocklist = config.blocklist;
    this.ctx = ctx;
    this.maxAlerts = Math.max(1, config.maxAlerts ?? 4096);
    this.idleMicros = (config.idleSeconds ?? 3600) * 1e6;
  }

  /** Swaps in a reloaded list; live alerts stay. */
  setBlocklist(blocklist: AddressBlocklist): void {
    this.blocklist = blocklist;
  }

  get liveAlerts(): number {
    return this.campaigns.size;
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    if (pkt.ipVersion === 0) return;
    const fromOrig = slot < 0 || flows.lastFromOrig;
    const home = this.ctx.homeNet;
    const srcRemote = home === null || !home.has(pkt.src0, pkt.src1, pkt.src2, pkt.src3);
    const dstRemote = home === null || !home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3);
    if (slot < 0 || (flows.lastEvents & FlowEvent.NEW) !== 0) {
      const bl = this.blocklist;
      if (srcRemote && bl.has(pkt.src0, pkt.src1, pkt.src2, pkt.src3)) this.hit(pkt, true, fromOrig);
      else if (dstRemote && bl.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) this.hit(pkt, false, fromOrig);
      return;
    }
    if (this.campaigns.size === 0) return;
    // A packet of a flow already seen: only addresses already alerted on matter.
    if (srcRemote && this.bump(pkt, true)) return;
    if (dstRemote) this.bump(pkt, false);
  }

  private bump(pkt: Packet, src: boolean): boolean {
    const w0 = src ? pkt.src0 : pkt.dst0;
    const w1 = src ? pkt.src1 : pkt.dst1;
    const w2 = src ? pkt.src2 : pkt.dst2;
    const w3 = src ? pkt.src3 : pkt.dst3;
    let key: number | string;
    if (w0 === 0 && w1 === 0 && w2 === 0xffff) key = w3 >>> 0;
    else if (this.v6Live === 0) return false;
    else key = formatAddress(w0, w1, w2, w3);
    const c = this.campaigns.get(key);
    if (c === undefined) return false;
    this.update(c, pkt);
    this.ctx.changed(c.alert);
    return true;
  }

  private hit(pkt: Packet, listedIsSrc: boolean, fromOrig: boolean): void {
    const ts = pkt.tsMicros;
    const w0 = listedIsSrc ? pkt.src0 : pkt.dst0;
    const w1 = listedIsSrc ? pkt.src1 : pkt.dst1;
    const w2 = listedIsSrc ? pkt.src2 : pkt.dst2;
    const w3 = listedIsSrc ? pkt.src3 : pkt.dst3;
    const isV4 = w0 === 0 && w1 === 0 && w2 === 0xffff;
    const text = formatAddress(w0, w1, w2, w3);
    const key = isV4 ? w3 >>> 0 : text;
    const inbound = listedIsSrc === fromOrig;
    let c = this.campaigns.get(key);
    if (c !== undefined) {
      this.update(c, pkt);
      this.target(c, pkt, listedIsSrc);
      c.alert.attack_details.direction = inbound ? 'inbound' : 'outbound';
      this.ctx.changed(c.alert);
      return;
    }
    if (this.campaigns.size >= this.maxAlerts) {
      this.drop(this.campaigns.values().next().value as Campaign);
      this.evictedAlerts++;
    }
    const alert: Alert = newAlert(this.ctx, {
      attackType: 'MALICIOUS_IP',
      severity: 'high',
      attacker: text,
      nowMicros: ts,
      details: { list: this.blocklist.name, direction: inbound ? 'inbound' : 'outbound' },
    });
    c = new Campaign(key, alert, ts, ts);
    this.campaigns.set(key, c);
    if (!isV4) this.v6Live++;
    this.update(c, pkt);
    this.target(c, pkt, listedIsSrc);
    this.ctx.raise(alert, ts);
  }

  /** Counts the packet (no allocation: later packets of a flow pass here). */
  private update(c: Campaign, pkt: Packet): void {
    c.packets++;
    if (pkt.tsMicros > c.lastSeen) c.lastSeen = pkt.tsMicros;
    c.alert.packet_count = c.packets;
    c.alert.duration = roundSeconds((c.lastSeen - c.firstSeen) / 1e6);
  }

  /** The target is the other end of the latest new flow. */
  private target(c: Campaign, pkt: Packet, listedIsSrc: boolean): void {
    const a = c.alert;
    a.target_ip = listedIsSrc
      ? formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)
      : formatAddress(pkt.src0, pkt.src1, pkt.src2, pkt.src3);
    const ports = pkt.proto === IpProto.TCP || pkt.proto === IpProto.UDP;
    a.target_port = ports ? (listedIsSrc ? pkt.dstPort : pkt.srcPort) : null;
    a.protocol = protocolName(pkt.proto);
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + 10e6;
    const cutoff = nowMicros - this.idleMicros;
    for (const c of this.campaigns.values()) if (c.lastSeen < cutoff) this.drop(c);
  }

  private drop(c: Campaign): void {
    if (this.campaigns.delete(c.key) && typeof c.key === 'string') this.v6Live--;
  }
}

function protocolName(proto: number): Alert['protocol'] {
  if (proto === IpProto.TCP) return 'tcp';
  if (proto === IpProto.UDP) return 'udp';
  if (proto === IpProto.ICMP || proto === IpProto.ICMPV6) return 'icmp';
  return 'ip';
}

/** One MALICIOUS_IP detector per loaded blocklist, fed as one. */
export class BlocklistDetectors implements PacketDetector {
  readonly name = 'malicious-ip';
  constructor(readonly lists: readonly MaliciousIpDetector[]) {}

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    const lists = this.lists;
    for (let i = 0; i < lists.length; i++) lists[i]!.onPacket(pkt, flows, slot);
  }

  onTick(nowMicros: number): void {
    for (const d of this.lists) d.onTick(nowMicros);
  }
}

/** MALICIOUS_IP: an address on a loaded --blocklist file; absent from runs without one. */
export const maliciousIpDescriptor: DetectorDescriptor<'maliciousIp', undefined, BlocklistDetectors> = {
  name: 'maliciousIp',
  stage: 'packet',
  create: (_settings, inputs) =>
    inputs.blocklists.length === 0 ? null : new BlocklistDetectors(inputs.blocklists.map((blocklist) => new MaliciousIpDetector({ blocklist }, inputs.context))),
};
