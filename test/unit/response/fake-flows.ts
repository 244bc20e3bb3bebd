import { parseAddress } from '../../../src/net/address.js';
import type { FlowProofView } from '../../../src/response/proven-sources.js';

/** A stand-in for the flow table's proof view: flows by slot, each with its two ends and whether its handshake proved its source. */
export class FakeFlows implements FlowProofView {
  private readonly flows: { orig: number[]; resp: number[]; proven: boolean; uid: number; port: number }[] = [];
  private nextUid = 100;
  /** Packet time of each flow's latest packet (µs): what a proof is timed by. */
  readonly lastSeen: number[] = [];
  /** What lastProved() says: the packet being handled is the one that completed its flow's proof. */
  proving = false;
  constructor(
    /** The packet time new flows get (µs). */
    private readonly now: () => number = () => 0,
  ) {}

  /** A new flow from `orig` to `resp` (service port `port`); returns its slot. */
  add(orig: string, resp: string, proven = false, port = 80): number {
    const o = parseAddress(orig);
    const r = parseAddress(resp);
    if (o === null || r === null) throw new RangeError(`${orig} → ${resp}`);
    this.flows.push({ orig: o, resp: r, proven, uid: this.nextUid++, port });
    this.lastSeen.push(this.now());
    return this.flows.length - 1;
  }

  respPortOf(slot: number): number {
    return this.flows[slot]!.port;
  }

  lastProved(): boolean {
    return this.proving;
  }

  prove(slot: number): void {
    this.flows[slot]!.proven = true;
  }

  isProven(slot: number): boolean {
    return slot >= 0 && this.flows[slot]?.proven === true;
  }

  uidOf(slot: number): number {
    return this.flows[slot]!.uid;
  }

  addressOf(slot: number, side: 0 | 1, out: Uint32Array): void {
    const w = side === 0 ? this.flows[slot]!.orig : this.flows[slot]!.resp;
    for (let i = 0; i < 4; i++) out[i] = w[i]!;
  }
}
