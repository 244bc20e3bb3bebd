import { formatAddress } from '../net/address.js';
import type { CidrSet } from '../net/cidr-set.js';
import type { ProcessInfo, ProcessOwnerLookup, SocketKey } from '../platform/process-owners/process-owner-lookup.js';
import { IpProto, type Packet } from '../engine/decode/packet.js';
import type { Alert } from '../model/alert.js';

/**
 * Names the local process of new flows (live capture only: a replay's processes are gone).
 * Called on the packet path for every new flow, so it must stay cheap under a flood:
 *  - only flows with an end in the home net are looked up;
 *  - answers are cached per local socket (proto, address, port) for a short time, so a flood at
 *    one listener costs one lookup;
 *  - lookups are rate-limited by a token bucket; flows past the budget stay "unknown".
 * Results are kept per flow uid (bounded) for snapshots to attach.
 */
export class FlowProcessTagger {
  private readonly byFlow = new Map<number, ProcessInfo>();
  private readonly bySocket = new Map<string, { info: ProcessInfo | null; at: number }>();
  /** Flows whose lookup is under way. */
  private readonly pending = new Set<number>();
  /** Owners of recent outbound flows, by remote end (`addr port`) and by remote address alone. */
  private readonly outbound = new Map<string, ProcessInfo>();
  private tokens: number;
  private lastRefill = performance.now();
  lookups = 0;
  limited = 0;

  constructor(
    private readonly owners: ProcessOwnerLookup,
    private homeNet: CidrSet | null,
    private readonly options = { perSecond: 200, burst: 400, maxFlows: 65_536, socketTtlMs: 2000 },
  ) {
    this.tokens = options.burst;
  }

  setHomeNet(homeNet: CidrSet | null): void {
    this.homeNet = homeNet;
  }

  onNewFlow(pkt: Packet, uid: number): void {
    if (pkt.proto !== IpProto.TCP && pkt.proto !== IpProto.UDP) return;
    const home = this.homeNet;
    if (home === null) return;
    let localIsDst: boolean;
    if (home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) localIsDst = true;
    else if (home.has(pkt.src0, pkt.src1, pkt.src2, pkt.src3)) localIsDst = false;
    else return;
    if (!this.takeToken()) {
      this.limited++;
      return;
    }
    const proto: 'tcp' | 'udp' = pkt.proto === IpProto.TCP ? 'tcp' : 'udp';
    const localAddress = localIsDst ? formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3) : formatAddress(pkt.src0, pkt.src1, pkt.src2, pkt.src3);
    const remoteAddress = localIsDst ? formatAddress(pkt.src0, pkt.src1, pkt.src2, pkt.src3) : formatAddress(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3);
    const localPort = localIsDst ? pkt.dstPort : pkt.srcPort;
    const remotePort = localIsDst ? pkt.srcPort : pkt.dstPort;
    const socketKey = `${proto} ${localAddress} ${localPort}`;
    const cached = this.bySocket.get(socketKey);
    const now = performance.now();
    if (cached !== undefined && now - cached.at < this.options.socketTtlMs && localIsDst) {
      // Inbound to a listener we just resolved: same owner.
      if (cached.info !== null) this.remember(uid, cached.info);
      return;
    }
    this.lookups++;
    this.pending.add(uid);
    // Inbound: the owner is the process listening on the port (a short connection may already be
    // closed by the time /proc is read; the listener is still there). Outbound: the exact socket.
    const key: SocketKey = localIsDst
      ? { proto, localAddress, localPort, remoteAddress: null, remotePort: null }
      : { proto, localAddress, localPort, remoteAddress, remotePort };
    void this.owners.lookup(key).then((info) => {
      this.pending.delete(uid);
      if (localIsDst) {
        if (this.bySocket.size >= 4096) this.bySocket.delete(this.bySocket.keys().next().value as string);
        this.bySocket.set(socketKey, { info, at: performance.now() });
      } else if (info !== null) {
        this.rememberOutbound(`${remoteAddress} ${remotePort}`, info);
        this.rememberOutbound(remoteAddress, info);
      }
      if (info !== null) this.remember(uid, info);
    });
  }

  processOf(uid: number): ProcessInfo | null {
    return this.byFlow.get(uid) ?? null;
  }

  /** The flow's owner is being looked up: its name may still come. */
  isPending(uid: number): boolean {
    return this.pending.has(uid);
  }

  /**
   * The local process an alert is about: the listener on the attacked local port, or for an
   * alert raised by a local source, the process behind its recent connection to the target.
   * An answer at once when it is known (cached), a promise when it must be looked up, null when
   * there is no local socket to ask about.
   */
  processForAlert(alert: Alert): ProcessInfo | null | Promise<ProcessInfo | null> {
    const home = this.homeNet;
    if (home === null) return null;
    const proto = alert.protocol === 'tcp' || alert.protocol === 'udp' ? alert.protocol : null;
    const isHome = (address: string | null) => address !== null && home.hasText(address);
    if (proto !== null && alert.target_port !== null && alert.target_ip !== null && isHome(alert.target_ip)) {
      const socketKey = `${proto} ${alert.target_ip} ${alert.target_port}`;
      const cached = this.bySocket.get(socketKey);
      if (cached !== undefined && performance.now() - cached.at < this.options.socketTtlMs) return cached.info;
      return this.owners.lookup({ proto, localAddress: alert.target_ip, localPort: alert.target_port, remoteAddress: null, remotePort: null });
    }
    if (isHome(alert.attacker_ip) && alert.target_ip !== null) {
      return (alert.target_port !== null ? this.outbound.get(`${alert.target_ip} ${alert.target_port}`) : undefined) ?? this.outbound.get(alert.target_ip) ?? null;
    }
    return null;
  }

  close(): void {
    this.owners.close();
    this.byFlow.clear();
    this.bySocket.clear();
    this.pending.clear();
    this.outbound.clear();
  }

  private rememberOutbound(key: string, info: ProcessInfo): void {
    this.outbound.delete(key);
    if (this.outbound.size >= 4096) this.outbound.delete(this.outbound.keys().next().value as string);
    this.outbound.set(key, info);
  }

  private remember(uid: number, info: ProcessInfo): void {
    if (this.byFlow.size >= this.options.maxFlows) this.byFlow.delete(this.byFlow.keys().next().value as number);
    this.byFlow.set(uid, info);
  }

  private takeToken(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.options.perSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
