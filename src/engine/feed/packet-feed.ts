import type { CompiledFilter } from '../../filter/index.js';
import type { FeedPacket } from '../../model/feed-packet.js';
import type { Packet } from '../decode/packet.js';
import { OwnSessions } from './own-session.js';
import { PacketRing } from './packet-ring.js';
import { feedPacketSubject, LivePacketSubject, NO_LOOKUPS, type FeedLookups } from './packet-subject.js';

/** Packets waiting for their flow's process before the filter decides, at most. */
const MAX_DEFERRED = 4096;
/** How long a packet waits for its process (wall clock) before the filter decides without it. */
const DEFER_MS = 3000;

/**
 * The packets a UI shows, chosen on the packet path. Every packet is recorded in `recent` (what
 * the detail view reads); those the UI wants — not of its own SSH session unless asked, and
 * matching the feed filter when one is set — also go to `shown`, whose newest entries ride the
 * snapshots. So a filter sees every packet, not the sample a snapshot carries.
 *
 * A filter on the process may ask before the flow's owner is known (the lookup takes a few ms):
 * such packets wait, as objects, until the answer or DEFER_MS, then are decided.
 */
export class PacketFeed {
  readonly recent: PacketRing;
  readonly shown: PacketRing;
  readonly own = new OwnSessions();
  /** The UI's own session stays out of `shown` (and the UI's rates). */
  hideOwn = true;
  ownPackets = 0;
  ownBytes = 0;
  /** Changes whenever `shown` is rebuilt (new filter, own traffic shown or hidden). */
  generation = 0;
  /** Packets decided without their process because it did not come in time, or the queue was full. */
  undecided = 0;
  private filter: CompiledFilter | null = null;
  private lookupsNow: FeedLookups = NO_LOOKUPS;
  private readonly subject = new LivePacketSubject(() => this.lookupsNow);
  private deferred: { packet: FeedPacket; at: number }[] = [];

  constructor(capacity = 1024) {
    this.recent = new PacketRing(capacity);
    this.shown = new PacketRing(capacity);
  }

  set lookups(lookups: FeedLookups) {
    this.lookupsNow = lookups;
  }

  get filterText(): string {
    return this.filter?.text ?? '';
  }

  /** Packets that went to `shown` since it was last rebuilt: the stream the UI follows. */
  get written(): number {
    return this.shown.written;
  }

  record(p: Packet, flowUid: number, info: string | null = null): void {
    const own = this.own.matches(p);
    if (own) {
      this.ownPackets++;
      this.ownBytes += p.wireLen;
    }
    this.recent.record(p, flowUid, info);
    if (own && this.hideOwn) return;
    const filter = this.filter;
    if (filter === null) {
      this.shown.record(p, flowUid, info);
      return;
    }
    const subject = this.subject.reset(p, flowUid);
    if (filter.matches(subject)) this.shown.record(p, flowUid, info);
    else if (subject.processWasPending) this.defer(this.recent.at(this.recent.written - 1));
  }

  /** New filter (null: none) or own-traffic setting: `shown` is rebuilt from the recent packets. */
  configure(filter: CompiledFilter | null, hideOwn: boolean): void {
    this.filter = filter;
    this.hideOwn = hideOwn;
    this.generation++;
    this.shown.clear();
    this.deferred = [];
    for (let n = this.recent.oldest; n < this.recent.written; n++) {
      const packet = this.recent.at(n);
      if (this.passes(packet)) this.shown.recordObject(packet);
    }
  }

  /** Decides the packets whose process has come (or waited long enough); call before reading `shown`. */
  settle(nowMs = performance.now()): void {
    if (this.deferred.length === 0) return;
    const still: { packet: FeedPacket; at: number }[] = [];
    for (const d of this.deferred) {
      const pending = this.lookupsNow.processPending(d.packet.flowUid);
      if (pending && nowMs - d.at < DEFER_MS) {
        still.push(d);
        continue;
      }
      if (pending) this.undecided++;
      if (this.passes(d.packet)) this.shown.recordObject(d.packet);
    }
    this.deferred = still;
  }

  /** The recent packets (own included) to or from `address`, newest last. */
  recentFor(address: string, limit: number): FeedPacket[] {
    const out: FeedPacket[] = [];
    for (let n = this.recent.written - 1; n >= this.recent.oldest && out.length < limit; n--) {
      const p = this.recent.at(n);
      if (p.src === address || p.dst === address) out.push(p);
    }
    return out.reverse();
  }

  private passes(packet: FeedPacket): boolean {
    if (this.hideOwn && this.own.matchesEnds(packet.proto, packet.src, packet.srcPort, packet.dst, packet.dstPort)) return false;
    return this.filter === null || this.filter.matches(feedPacketSubject(packet, this.lookupsNow));
  }

  private defer(packet: FeedPacket): void {
    if (this.deferred.length >= MAX_DEFERRED) {
      this.undecided++;
      const oldest = this.deferred.shift()!;
      if (this.passes(oldest.packet)) this.shown.recordObject(oldest.packet);
    }
    this.deferred.push({ packet, at: performance.now() });
  }
}
