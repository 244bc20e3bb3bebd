import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { roundSeconds, type Alert, type Severity } from '../../model/alert.js';
import { IpProto, type Packet } from '../decode/packet.js';
import { FlowEvent, type FlowTable } from '../flows/flow-table.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import type { DetectorDescriptor } from './detector-descriptor.js';
import type { RiskyPort } from '../../config/risky-port.js';


/** Risky services (each with a risk level); the alert severity is the risk. */
export const DEFAULT_RISKY_PORTS: Readonly<Record<number, RiskyPort>> = Object.freeze({
  23: { name: 'Telnet', risk: 'high' },
  69: { name: 'TFTP', risk: 'medium' },
  135: { name: 'MS-RPC', risk: 'medium' },
  137: { name: 'NetBIOS-NS', risk: 'medium' },
  138: { name: 'NetBIOS-DGM', risk: 'medium' },
  139: { name: 'NetBIOS-SSN', risk: 'medium' },
  445: { name: 'SMB', risk: 'high' },
  512: { name: 'rexec', risk: 'high' },
  513: { name: 'rlogin', risk: 'high' },
  514: { name: 'rsh', risk: 'high' },
  1080: { name: 'SOCKS proxy', risk: 'medium' },
  1337: { name: 'Backdoor (leet)', risk: 'high' },
  2323: { name: 'Telnet (alt)', risk: 'high' },
  3389: { name: 'RDP', risk: 'medium' },
  4444: { name: 'Metasploit', risk: 'critical' },
  5554: { name: 'Sasser', risk: 'high' },
  5555: { name: 'Android ADB', risk: 'high' },
  5900: { name: 'VNC', risk: 'medium' },
  6666: { name: 'IRC', risk: 'medium' },
  6667: { name: 'IRC', risk: 'medium' },
  6668: { name: 'IRC', risk: 'medium' },
  6669: { name: 'IRC', risk: 'medium' },
  12345: { name: 'NetBus', risk: 'high' },
  20034: { name: 'NetBus 2', risk: 'high' },
  27374: { name: 'SubSeven', risk: 'high' },
  31337: { name: 'Back Orifice', risk: 'high' },
});

export interface SuspiciousPortConfig {
  /** Port → service and risk; replaces the default table. */
  ports?: Record<number, RiskyPort>;
  /** Bound on live alerts (remote address, port); the oldest are forgotten past it. */
  maxAlerts?: number;
  /** An alert idle this long is forgotten; the next connection raises a new one. */
  idleSeconds?: number;
}

const RISKS: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

class Campaign {
  live = true;
  connections = 0;
  constructor(
    readonly key: string,
    readonly alert: Alert,
    readonly firstSeen: number,
    public lastSeen: number,
  ) {}
}

/**
 * SUSPICIOUS_PORT: every TCP or UDP conversation with a risky port — the responder's port, or,
 * failing that, the originator's — is counted against (remote address, port); the first raises
 * an alert, later ones update its connection count. The direction is `outbound` when the
 * originator is in the home net, `inbound` otherwise (without a home net every flow counts as
 * inbound, the originator as remote). Per packet the cost is one event test, per new
 * conversation two Int8Array reads; nothing is allocated unless the port is risky.
 *
 * A conversation, not a probe: TCP counts once the originator completes the handshake (its ACK
 * travels the same way as the SYN), so a port scan touching risky ports is the port-scan
 * detector's alert, not one SUSPICIOUS_PORT per port. UDP has no handshake, so a UDP flow counts
 * at its first reply: a UDP packet from the responder, which a scan probe, a flood or a datagram
 * to a closed port (answered by ICMP, if at all) never gets — only a service that answered did.
 */
export class SuspiciousPortDetector implements PacketDetector {
  readonly name = 'suspicious-port';
  /** 0 = not risky, else 1 + index into `services`. */
  private readonly lookup = new Int8Array(65536);
  private readonly services: { port: number; name: string; risk: Severity }[] = [];
  private readonly serviceIndex = new Uint16Array(65536);
  private readonly ctx: DetectorContext;
  private readonly maxAlerts: number;
  private readonly idleMicros: number;
  /** Insertion order is age order. */
  private readonly campaigns = new Map<string, Campaign>();
  private nextSweep = 0;
  evictedAlerts = 0;

  constructor(config: SuspiciousPortConfig, ctx: DetectorContext) {
    const ports = config.ports ?? DEFAULT_RISKY_PORTS;
    for (const [key, spec] of Object.entries(ports)) {
      const port = Number(key);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`suspicious port out of range: ${key}`);
      const risk = RISKS.indexOf(spec.risk);
      if (risk < 0) throw new RangeError(`bad risk for port ${port}: ${String(spec.risk)}`);
      this.lookup[port] = risk + 1;
      this.serviceIndex[port] = this.services.length;
      this.services.push({ port, name: spec.name, risk: spec.risk });
    }
    this.ctx = ctx;
    this.maxAlerts = Math.max(1, config.maxAlerts ?? 4096);
    this.idleMicros = (config.idleSeconds ?? 3600) * 1e6;
  }

  /** The risk of a port, or null when it is not in the table. */
  riskOf(port: number): Severity | null {
    const r = this.lookup[port & 0xffff]!;
    return r === 0 ? null : RISKS[r - 1]!;
  }

  get liveAlerts(): number {
    return this.campaigns.size;
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    if (slot < 0) return;
    if (pkt.proto === IpProto.TCP) {
      // the originator's handshake-completing ACK: originator = source, responder port = dstPort
      if (!flows.lastFromOrig || (flows.lastEvents & FlowEvent.HANDSHAKE_DONE) === 0) return;
      this.conversation(pkt, pkt.dstPort, pkt.srcPort, true);
    } else if (pkt.proto === IpProto.UDP) {
      // the responder's first datagram: originator = destination, responder port = srcPort
      if (flows.lastFromOrig || flows.respPackets[slot] !== 1) return;
      this.conversation(pkt, pkt.srcPort, pkt.dstPort, false);
    }
  }

  private conversation(pkt: Packet, responderPort: number, originatorPort: number, fromOrig: boolean): void {
    let port = responderPort;
    if (this.lookup[port] === 0) {
      port = originatorPort;
      if (this.lookup[port] === 0) return;
    }
    this.hit(pkt, port, fromOrig);
  }

  /** `fromOrig`: the packet's source is the flow's originator (else its destination is). */
  private hit(pkt: Packet, port: number, fromOrig: boolean): void {
    const ts = pkt.tsMicros;
    const home = this.ctx.homeNet;
    const src = formatAddress(pkt.src0, pkt.src1, pkt.src2, pkt.src3);
    const dst = formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3);
    const originator = fromOrig ? src : dst;
    const responder = fromOrig ? dst : src;
    const outbound =
      home !== null && (fromOrig ? home.has(pkt.src0, pkt.src1, pkt.src2, pkt.src3) : home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3));
    const remote = outbound ? responder : originator;
    const local = outbound ? originator : responder;
    const key = `${port}|${remote}`;
    let c = this.campaigns.get(key);
    const isNew = c === undefined;
    if (c === undefined) {
      c = this.newCampaign(key, remote, port, pkt, ts);
    }
    c.connections++;
    if (ts > c.lastSeen) c.lastSeen = ts;
    const a = c.alert;
    a.target_ip = local;
    a.packet_count = c.connections;
    a.duration = roundSeconds((c.lastSeen - c.firstSeen) / 1e6);
    a.protocol = pkt.proto === IpProto.TCP ? 'tcp' : 'udp';
    a.attack_details.direction = outbound ? 'outbound' : 'inbound';
    a.attack_details.connections = c.connections;
    if (isNew) this.ctx.raise(a, ts);
    else this.ctx.changed(a);
  }

  private newCampaign(key: string, remote: string, port: number, pkt: Packet, ts: number): Campaign {
    if (this.campaigns.size >= this.maxAlerts) {
      const oldest = this.campaigns.values().next().value as Campaign;
      this.drop(oldest);
      this.evictedAlerts++;
    }
    const svc = this.services[this.serviceIndex[port]!]!;
    const alert: Alert = newAlert(this.ctx, {
      attackType: 'SUSPICIOUS_PORT',
      severity: svc.risk,
      attacker: remote,
      nowMicros: ts,
      targetPort: port,
      protocol: pkt.proto === IpProto.TCP ? 'tcp' : 'udp',
      service: svc.name,
      details: { port, risk: svc.risk, direction: 'inbound', connections: 0 },
    });
    const c = new Campaign(key, alert, ts, ts);
    this.campaigns.set(key, c);
    return c;
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + 10e6;
    const cutoff = nowMicros - this.idleMicros;
    for (const c of this.campaigns.values()) if (c.lastSeen < cutoff) this.drop(c);
  }

  private drop(c: Campaign): void {
    c.live = false;
    this.campaigns.delete(c.key);
  }
}

/** SUSPICIOUS_PORT: traffic to risky services; config key `suspiciousPorts` replaces the default table. */
export const suspiciousPortDescriptor: DetectorDescriptor<'suspiciousPort', undefined, SuspiciousPortDetector> = {
  name: 'suspiciousPort',
  stage: 'packet',
  create: (_settings, inputs) => new SuspiciousPortDetector(inputs.config.suspiciousPorts === null ? {} : { ports: inputs.config.suspiciousPorts }, inputs.context),
};
