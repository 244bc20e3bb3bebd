import type { Alert } from '../../model/alert.js';
import type { Packet } from '../decode/packet.js';
import { hashSrcDst } from '../sketch/address-hash.js';
import { copyDst, copySrc, sameDst, sameSrc } from '../sketch/address-words.js';

/** What every pair of a SourceTargetPairs table carries; detectors add their own counters. */
export interface SourceTargetPair {
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  firstSeen: number;
  lastSeen: number;
  alert: Alert | null;
}

/**
 * State per (source, target) for detectors that only see rare packets (OS-detection probes, IP
 * protocol probes): a Map by address hash whose insertion order is age order. Bounded: past
 * `maxPairs` the oldest pair is evicted (counted) and its object reused; a hash collision gives
 * the entry to the newcomer. Quiet pairs are swept at most every 10 s of packet time.
 */
export class SourceTargetPairs<P extends SourceTargetPair> {
  private readonly pairs = new Map<number, P>();
  private nextSweep = 0;
  evicted = 0;

  /** `clear` resets a detector's own counters of a new or reused pair. */
  constructor(
    private readonly maxPairs: number,
    private readonly create: () => P,
    private readonly clear: (pair: P) => void,
  ) {}

  get size(): number {
    return this.pairs.size;
  }

  /** The pair of this packet's source and target; a fresh one (cleared, seen now) when it had none. */
  of(pkt: Packet, ts: number): P {
    const hash = hashSrcDst(pkt);
    let pair = this.pairs.get(hash);
    if (pair !== undefined && sameSrc(pkt, pair.src) && sameDst(pkt, pair.dst)) return pair;
    if (pair !== undefined) {
      this.pairs.delete(hash); // a hash collision: the newcomer takes the entry
    } else if (this.pairs.size >= this.maxPairs) {
      const [oldHash, oldest] = this.pairs.entries().next().value as [number, P];
      this.pairs.delete(oldHash);
      this.evicted++;
      pair = oldest;
    } else {
      pair = this.create();
    }
    copySrc(pkt, pair.src);
    copyDst(pkt, pair.dst);
    this.clear(pair);
    pair.firstSeen = ts;
    pair.lastSeen = ts;
    pair.alert = null;
    this.pairs.set(hash, pair);
    return pair;
  }

  /** Forgets pairs quiet for a window (ten windows once they raised an alert, so updates continue). */
  sweep(nowMicros: number, windowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + Math.min(windowMicros, 10e6);
    for (const [hash, pair] of this.pairs) {
      const keep = pair.alert === null ? windowMicros : 10 * windowMicros;
      if (pair.lastSeen < nowMicros - keep) this.pairs.delete(hash);
    }
  }
}
