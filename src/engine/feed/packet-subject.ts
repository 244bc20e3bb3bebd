import { formatAddress } from '../../net/address.js';
import type { FilterSubject } from '../../filter/index.js';
import type { FeedPacket } from '../../model/feed-packet.js';
import { protoName } from '../../net/proto-name.js';
import type { Packet } from '../decode/packet.js';

/** What the feed filter needs to know about a packet beyond its headers. */
export interface FeedLookups {
  /** The local process of a flow, or null while unknown. */
  processOf(flowUid: number): string | null;
  /** The flow's process lookup is under way: its name may still come. */
  processPending(flowUid: number): boolean;
  /** Country tag of the end that is not ours, or null. */
  countryOf(src: string, dst: string): string | null;
  /** The address has an alert. */
  alerted(address: string): boolean;
}

export const NO_LOOKUPS: FeedLookups = {
  processOf: () => null,
  processPending: () => false,
  countryOf: () => null,
  alerted: () => false,
};

/**
 * A packet on the packet path seen as a filter subject. Fields are read lazily, so a filter on
 * ports formats no address and one on addresses asks no process: the filter runs on every
 * packet while it is set. One instance is reused for every packet.
 */
export class LivePacketSubject implements FilterSubject {
  private pkt: Packet | null = null;
  private uid = 0;
  private src: string | null = null;
  private dst: string | null = null;
  /** The filter asked for the process while its lookup was still under way. */
  processWasPending = false;
  readonly state = null;

  constructor(private readonly lookups: () => FeedLookups) {}

  reset(pkt: Packet, flowUid: number): this {
    this.pkt = pkt;
    this.uid = flowUid;
    this.src = null;
    this.dst = null;
    this.processWasPending = false;
    return this;
  }

  get proto(): string {
    return protoName(this.pkt!.proto);
  }

  get addresses(): readonly string[] {
    return [this.source(), this.destination()];
  }

  get ports(): readonly number[] {
    const p = this.pkt!;
    return p.proto === 6 || p.proto === 17 ? [p.srcPort, p.dstPort] : [];
  }

  get process(): string | null {
    const l = this.lookups();
    const name = l.processOf(this.uid);
    if (name === null && this.uid !== 0 && l.processPending(this.uid)) this.processWasPending = true;
    return name;
  }

  get country(): string | null {
    return this.lookups().countryOf(this.source(), this.destination());
  }

  get hasAlert(): boolean {
    const l = this.lookups();
    return l.alerted(this.source()) || l.alerted(this.destination());
  }

  private source(): string {
    const p = this.pkt!;
    return (this.src ??= formatAddress(p.src0, p.src1, p.src2, p.src3));
  }

  private destination(): string {
    const p = this.pkt!;
    return (this.dst ??= formatAddress(p.dst0, p.dst1, p.dst2, p.dst3));
  }
}

/** A packet already made into an object (from the ring) as a filter subject. */
export function feedPacketSubject(p: FeedPacket, lookups: FeedLookups): FilterSubject {
  return {
    proto: protoName(p.proto),
    addresses: [p.src, p.dst],
    ports: p.proto === 6 || p.proto === 17 ? [p.srcPort, p.dstPort] : [],
    process: p.process ?? lookups.processOf(p.flowUid),
    country: p.country ?? lookups.countryOf(p.src, p.dst),
    state: null,
    hasAlert: lookups.alerted(p.src) || lookups.alerted(p.dst),
  };
}
