import { isoFromMicros, roundSeconds, type Alert, type AttackType } from '../../model/alert.js';

/** Kinds of flood tracked per target. */
export const SYN = 0;
export const UDP = 1;
export const ICMP = 2;
export const REFL = 3;
/** TCP segments without SYN of no connection (ACK, FIN, PSH … floods) that nothing but a RST answered. */
export const ACK = 4;
/** RSTs of no connection. */
export const RST = 5;
/** IP fragments not (yet) part of a reassembled datagram. */
export const FRAG = 6;
export const KINDS = 7;
export const KIND_NAME = ['SYN', 'UDP', 'ICMP', 'REFLECTION', 'ACK', 'RST', 'FRAGMENT'] as const;
/** TCP floods of every flag are SYN_FLOOD alerts (flood_type says which); fragments take their protocol's. */
export const KIND_ATTACK: readonly AttackType[] = ['SYN_FLOOD', 'UDP_FLOOD', 'ICMP_FLOOD', 'REFLECTION', 'SYN_FLOOD', 'SYN_FLOOD', 'UDP_FLOOD'];
export const KIND_PROTO = ['tcp', 'udp', 'icmp', null, 'tcp', 'tcp', null] as const;

const SECOND = 1e6;

/** One flood alert and its evidence; bound to the (target, kind) entries it counts. */
export class FloodAttack {
  packets = 0;
  handshakes = 0;
  sources = 0;
  peakPps = 0;
  targets = 0;
  /** `packets` when the alert was last written. */
  reported = -1;
  readonly bindings: number[] = [];
  /** Packets per amplifier service (REFLECTION over UDP). */
  readonly services = new Map<string, number>();
  /** Bit per kind bound to this attack. */
  kinds = 0;
  /** Shortest window whose threshold was reached (seconds): 0.1 for a burst, 10 for a sustained flood. */
  windowSeconds = 1;
  constructor(
    readonly key: string,
    readonly kind: number,
    readonly alert: Alert,
    public firstSeen: number,
    public lastSeen: number,
  ) {}

  /** Entry k (target * KINDS + kind) counts for this attack from now on. */
  bind(k: number, rate: number, sources: number): void {
    if (!this.bindings.includes(k)) {
      const target = (k / KINDS) | 0;
      if (!this.bindings.some((b) => ((b / KINDS) | 0) === target)) this.targets++;
      this.bindings.push(k);
      this.kinds |= 1 << k % KINDS;
    }
    if (rate > this.peakPps) this.peakPps = rate;
    if (sources > this.sources) this.sources = sources;
  }

  countService(service: string): void {
    this.services.set(service, (this.services.get(service) ?? 0) + 1);
  }

  /** Writes the evidence into the alert. `threshold` is the kind's packets per second. */
  writeAlert(threshold: number, ddosSources: number): void {
    const a = this.alert;
    const d = a.attack_details;
    const kind = this.kind;
    a.packet_count = this.packets;
    a.duration = roundSeconds((this.lastSeen - this.firstSeen) / SECOND);
    const heavy = this.peakPps >= 10 * threshold;
    a.severity = a.attack_type === 'DDOS' || heavy ? 'critical' : 'high';
    d.first_seen = isoFromMicros(this.firstSeen);
    d.peak_pps = Math.round(this.peakPps);
    d.targets_count = this.targets;
    d.window_seconds = this.windowSeconds;
    if (kind === REFL) {
      d.reflectors = this.sources;
      let best: string | null = null;
      let bestCount = -1;
      for (const [service, n] of this.services) {
        if (n > bestCount) {
          best = service;
          bestCount = n;
        }
      }
      d.service = best ?? 'syn-ack';
    } else {
      d.flood_type = KIND_NAME[kind];
      const types: string[] = [];
      for (let i = 0; i < KINDS; i++) if ((this.kinds & (1 << i)) !== 0) types.push(KIND_NAME[i]!);
      if (types.length > 1) d.flood_types = types;
      d.sources = this.sources;
      // Spoofing shows as SYNs whose handshakes never complete; for UDP/ICMP, as many sources.
      const handshakeShare = kind === SYN ? (this.packets > 0 ? this.handshakes / this.packets : 0) : 1;
      d.spoofed_likely = kind === SYN ? handshakeShare < 0.1 && this.sources >= ddosSources : this.sources >= ddosSources;
      if (kind === SYN) d.handshakes = this.handshakes;
    }
    this.reported = this.packets;
  }
}

/** The live flood attacks by index (what (target, kind) entries point at) and by key. */
export class FloodAttacks {
  private readonly list: (FloodAttack | null)[] = [];
  private readonly free: number[] = [];
  private readonly byKey = new Map<string, number>();

  get size(): number {
    return this.byKey.size;
  }

  /** One past the highest index in use: indexes below it hold an attack or null. */
  get end(): number {
    return this.list.length;
  }

  indexOf(key: string): number | undefined {
    return this.byKey.get(key);
  }

  at(a: number): FloodAttack {
    return this.list[a]!;
  }

  slot(a: number): FloodAttack | null {
    return this.list[a] ?? null;
  }

  add(attack: FloodAttack): number {
    const a = this.free.pop() ?? this.list.length;
    this.list[a] = attack;
    this.byKey.set(attack.key, a);
    return a;
  }

  remove(a: number): void {
    const attack = this.list[a];
    if (attack == null) return;
    this.byKey.delete(attack.key);
    this.list[a] = null;
    this.free.push(a);
  }
}
