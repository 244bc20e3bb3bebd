import { newAlert } from './new-alert.js';
import { formatAddress } from '../../net/address.js';
import { isoFromMicros, roundSeconds, type Alert } from '../../model/alert.js';
import { IpProto, type Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';
import { dstHostKey, hashSrc } from '../sketch/address-hash.js';
import { copySrc, sameSrc } from '../sketch/address-words.js';
import { FirstProbeCache } from '../sketch/first-probe-cache.js';
import type { DetectorContext, PacketDetector } from './detector.js';
import { newFlowProbeKind, ProbeKind } from './scan-probe.js';
import { positiveInt, seconds } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';

export interface HostSweepConfig {
  /** Distinct hosts one source must probe on the same port (or with ICMP echo) within the window. */
  hosts: number;
  windowSeconds: number;
  /** (source, port) sweeps with state; past it the oldest is evicted (and counted). */
  maxSweeps?: number;
  /** Slots of the first-probe cache (a power of two). */
  cacheSlots?: number;
}

/** Exact host hashes kept before a sweep switches to a bitmap (linear counting). */
const EXACT_HOSTS = 64;
const BITMAP_BITS = 8192;
/** `service` of an ICMP echo sweep (TCP/UDP use proto << 16 | port). */
const ICMP_ECHO = 1 << 24;

/** Distinct destination hosts of one sweep, as 32-bit host keys; bounded at 1 KiB. */
class HostSet {
  private readonly exact = new Int32Array(EXACT_HOSTS);
  private bitmap: Uint32Array | null = null;
  size = 0;

  add(h: number): boolean {
    if (this.bitmap === null) {
      for (let i = 0; i < this.size; i++) if (this.exact[i] === h) return false;
      if (this.size < EXACT_HOSTS) {
        this.exact[this.size++] = h;
        return true;
      }
      this.bitmap = new Uint32Array(BITMAP_BITS / 32);
      for (let i = 0; i < EXACT_HOSTS; i++) this.setBit(this.exact[i]!);
    }
    // Past 64 hosts a bitmap of the keys' low 13 bits counts them: exact for up to 8192 consecutive
    // IPv4 addresses; a wider sweep is undercounted.
    if (!this.setBit(h)) return false;
    this.size++;
    return true;
  }

  private setBit(h: number): boolean {
    const bit = h & (BITMAP_BITS - 1);
    const w = bit >>> 5;
    const m = 1 << (bit & 31);
    if ((this.bitmap![w]! & m) !== 0) return false;
    this.bitmap![w]! |= m;
    return true;
  }

  clear(): void {
    this.size = 0;
    this.bitmap = null;
  }
}

/** One (source, service) pair that reached at least two hosts. Reused after eviction. */
class Sweep {
  readonly src = new Uint32Array(4);
  readonly hosts = new HostSet();
  service = 0;
  key = 0;
  probes = 0;
  windowStart = 0;
  firstSeen = 0;
  lastSeen = 0;
  attack: SweepAttack | null = null;
}

/** One alert per sweeping source, whatever ports it sweeps. */
class SweepAttack {
  hostsCount = 0;
  probes = 0;
  constructor(
    readonly alert: Alert,
    public firstSeen: number,
    public lastSeen: number,
  ) {}
}

/**
 * HOST_SWEEP: one source probes the same port on many hosts (nmap -sn, nmap -p22 over a
 * subnet, masscan); ICMP echo requests count as one more "port". Probes are the first packets
 * of new flows towards home-net addresses (any address without a home net), as for PORT_SCAN.
 *
 * A (source, service)'s first host only lands in a fixed-size, direct-mapped cache; state is
 * created when it reaches a second host. A spoofed flood at one target therefore never
 * allocates; sweeps are bounded by maxSweeps (oldest evicted, counted, objects reused).
 */
export class HostSweepDetector implements PacketDetector {
  readonly name = 'host-sweep';
  private threshold: number;
  private windowMicros: number;
  private readonly maxSweeps: number;
  private readonly ctx: DetectorContext;
  /** First host of each (source, service), by sweep key. */
  private readonly firstHosts: FirstProbeCache;
  /** By key hash; insertion order is age order for eviction. */
  private readonly sweeps = new Map<number, Sweep>();
  private readonly attacks = new Map<string, SweepAttack>();
  private nextSweep = 0;
  evictedSweeps = 0;

  constructor(config: HostSweepConfig, ctx: DetectorContext) {
    this.threshold = Math.max(2, config.hosts);
    this.windowMicros = config.windowSeconds * 1e6;
    this.maxSweeps = Math.max(1, config.maxSweeps ?? 4096);
    this.ctx = ctx;
    this.firstHosts = new FirstProbeCache(config.cacheSlots ?? 4096);
  }

  /** New thresholds (SIGHUP); sweeps being watched keep their state. */
  reconfigure(config: HostSweepSettings): void {
    this.threshold = Math.max(2, config.hosts);
    this.windowMicros = config.windowSeconds * 1e6;
  }

  get trackedSweeps(): number {
    return this.sweeps.size;
  }

  onPacket(pkt: Packet, flows: FlowTable, slot: number): void {
    let service: number;
    if (pkt.proto === IpProto.ICMP || pkt.proto === IpProto.ICMPV6) {
      const echo = pkt.proto === IpProto.ICMP ? 8 : 128;
      if (pkt.icmpType !== echo) return;
      const home = this.ctx.homeNet;
      if (home !== null && !home.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return;
      service = ICMP_ECHO;
    } else {
      if (newFlowProbeKind(pkt, flows, slot, this.ctx.homeNet) === ProbeKind.NONE) return;
      service = (pkt.proto << 16) | pkt.dstPort;
    }
    const key = hashSrc(pkt, service);
    // Exact for IPv4: the bitmap of a wide sweep counts the keys' low bits.
    const host = dstHostKey(pkt);
    const ts = pkt.tsMicros;
    let sweep = this.sweeps.size === 0 ? undefined : this.sweeps.get(key);
    if (sweep !== undefined && (sweep.service !== service || !sameSrc(pkt, sweep.src))) sweep = undefined;
    if (sweep === undefined) {
      const firstHost = this.firstHosts.offer(key, host);
      if (firstHost === FirstProbeCache.NONE) return;
      // The same source and service reach a second host: from now on it has state.
      sweep = this.createSweep(key, service, pkt, ts);
      sweep.hosts.add(firstHost);
      sweep.probes++;
    } else if (sweep.attack === null && ts - sweep.windowStart > this.windowMicros) {
      sweep.hosts.clear();
      sweep.probes = 0;
      sweep.windowStart = ts;
      sweep.firstSeen = ts;
    }
    sweep.probes++;
    if (ts > sweep.lastSeen) sweep.lastSeen = ts;
    const isNewHost = sweep.hosts.add(host);
    const attack = sweep.attack;
    if (attack !== null) {
      attack.probes++;
      if (ts > attack.lastSeen) attack.lastSeen = ts;
      if (isNewHost) this.update(attack, sweep);
    } else if (sweep.hosts.size >= this.threshold) {
      this.raise(sweep, ts);
    }
  }

  private createSweep(key: number, service: number, p: Packet, ts: number): Sweep {
    let sweep: Sweep;
    const same = this.sweeps.get(key);
    if (same !== undefined) {
      this.sweeps.delete(key); // a hash collision: the newcomer takes the entry
      sweep = same;
    } else if (this.sweeps.size >= this.maxSweeps) {
      const [oldKey, oldest] = this.sweeps.entries().next().value as [number, Sweep];
      this.sweeps.delete(oldKey);
      this.evictedSweeps++;
      sweep = oldest;
    } else {
      sweep = new Sweep();
    }
    sweep.key = key;
    sweep.service = service;
    copySrc(p, sweep.src);
    sweep.hosts.clear();
    sweep.probes = 0;
    sweep.windowStart = ts;
    sweep.firstSeen = ts;
    sweep.lastSeen = ts;
    sweep.attack = null;
    this.sweeps.set(key, sweep);
    return sweep;
  }

  private raise(sweep: Sweep, ts: number): void {
    const s = sweep.src;
    const attacker = formatAddress(s[0]!, s[1]!, s[2]!, s[3]!);
    let attack = this.attacks.get(attacker);
    const isNew = attack === undefined;
    if (attack === undefined) {
      attack = new SweepAttack(
        newAlert(this.ctx, {
          attackType: 'HOST_SWEEP',
          severity: 'medium',
          attacker,
          nowMicros: ts,
          firstSeenMicros: sweep.firstSeen,
          details: { hosts_count: 0 },
        }),
        sweep.firstSeen,
        sweep.lastSeen,
      );
      this.attacks.set(attacker, attack);
    }
    sweep.attack = attack;
    attack.probes += sweep.probes;
    if (sweep.firstSeen < attack.firstSeen) attack.firstSeen = sweep.firstSeen;
    if (sweep.lastSeen > attack.lastSeen) attack.lastSeen = sweep.lastSeen;
    this.fill(attack, sweep);
    if (isNew) this.ctx.raise(attack.alert, ts);
    else this.ctx.changed(attack.alert);
  }

  private update(attack: SweepAttack, sweep: Sweep): void {
    this.fill(attack, sweep);
    this.ctx.changed(attack.alert);
  }

  /** The alert shows the attacker's widest sweep: its port (null for ICMP echo) and host count. */
  private fill(attack: SweepAttack, sweep: Sweep): void {
    const a = attack.alert;
    a.packet_count = attack.probes;
    a.duration = roundSeconds((attack.lastSeen - attack.firstSeen) / 1e6);
    a.attack_details.first_seen = isoFromMicros(attack.firstSeen);
    if (sweep.hosts.size < attack.hostsCount) return;
    attack.hostsCount = sweep.hosts.size;
    const icmp = sweep.service === ICMP_ECHO;
    const proto = sweep.service >>> 16;
    a.protocol = icmp ? 'icmp' : proto === IpProto.TCP ? 'tcp' : 'udp';
    a.target_port = icmp ? null : sweep.service & 0xffff;
    a.attack_details.hosts_count = sweep.hosts.size;
    a.attack_details.sweep_type = icmp ? 'ICMP_ECHO' : proto === IpProto.TCP ? 'TCP' : 'UDP';
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + Math.min(this.windowMicros, 10e6);
    const quiet = nowMicros - this.windowMicros;
    const over = nowMicros - 10 * this.windowMicros;
    for (const [key, sweep] of this.sweeps) {
      if (sweep.lastSeen < (sweep.attack === null ? quiet : over)) this.sweeps.delete(key);
    }
    for (const [attacker, attack] of this.attacks) if (attack.lastSeen < over) this.attacks.delete(attacker);
  }
}

export type HostSweepSettings = Pick<HostSweepConfig, 'hosts' | 'windowSeconds'>;

/** HOST_SWEEP: one source, one port (or ICMP echo), many hosts. */
export const hostSweepDescriptor: ConfiguredDetectorDescriptor<'hostSweep', HostSweepSettings, HostSweepDetector> = {
  name: 'hostSweep',
  stage: 'flowStart',
  settings: {
    defaults: { 'high-security': { hosts: 10, windowSeconds: 120 }, balanced: { hosts: 20, windowSeconds: 60 }, development: { hosts: 50, windowSeconds: 30 } },
    schema: { hosts: positiveInt, windowSeconds: seconds },
  },
  create: (settings, inputs) => new HostSweepDetector(settings, inputs.context),
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};
