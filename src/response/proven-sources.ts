import { formatAddress } from '../net/address.js';

/**
 * What the response side reads of the flow table (engine/flows/flow-table.ts), by slot: whether
 * a flow's handshake proved its originator's address, the flow's unique id, and its ends.
 */
export interface FlowProofView {
  isProven(slot: number): boolean;
  uidOf(slot: number): number;
  /** Side 0: the originator (the source a proof is about); side 1: the responder. */
  addressOf(slot: number, side: 0 | 1, out: Uint32Array): void;
  respPortOf(slot: number): number;
  /** Packet time of each flow's latest packet (µs). */
  readonly lastSeen: ArrayLike<number>;
  /** Did the packet being processed now complete its flow's proof? */
  lastProved(): boolean;
}

/** Why a proof event counted for nothing. */
export type RefusedProof = 'responder not this host';

/**
 * Proof that an attack's source is not spoofed, per flow — never per address.
 *
 * A flow is proven when the flow table saw one real handshake (FlowEvent.SOURCE_PROVEN) AND
 * the SYN-ACK in it was this host's own: its responder is one of our addresses. A proof between
 * two other hosts, or a SYN-ACK someone sent in our name towards a port we never answered,
 * counts for nothing. A proven flow blesses the alerts whose evidence comes from that very flow
 * (a connect scan's open ports, a brute force's logins, a payload attack's request); an
 * address's old or concurrent handshakes never bless an attack whose packets came from flows
 * that never completed one — a blind spoofed scan "from" a busy visitor stays unproven.
 *
 * Bounded: at most `capacity` proven flows and as many pending (flow, alert) pairs are kept, the
 * oldest forgotten first.
 */
export class ProvenSources {
  /** Proven flow uid → its originator's canonical address. */
  private readonly flows = new Map<number, string>();
  private readonly words = new Uint32Array(4);
  /** Originator → the services its proven flows reached, with the proof's packet time (newest last, bounded). */
  private readonly services = new Map<string, { service: string; at: number }[]>();
  /** Proof events that counted (their flows). */
  accepted = 0;
  /** Proof events refused, by reason. */
  readonly refused: Record<RefusedProof, number> = { 'responder not this host': 0 };
  forgotten = 0;

  constructor(
    /** Is this canonical address one of this host's own? (the never-block list's own group) */
    private readonly isOwn: (address: string) => boolean,
    private readonly capacity = 65_536,
  ) {}

  /**
   * From the packet path on FlowEvent.SOURCE_PROVEN: records the flow as proven when its
   * responder is this host. Returns the originator's canonical address, or null when refused.
   */
  flowProven(view: FlowProofView, slot: number): string | null {
    if (!view.isProven(slot)) return null;
    view.addressOf(slot, 1, this.words);
    const responder = formatAddress(this.words[0]!, this.words[1]!, this.words[2]!, this.words[3]!);
    if (!this.isOwn(responder)) {
      this.refused['responder not this host']++;
      return null;
    }
    const source = this.originator(view, slot);
    const uid = view.uidOf(slot);
    if (!this.flows.has(uid)) {
      if (this.flows.size >= this.capacity) {
        this.flows.delete(this.flows.keys().next().value as number);
        this.forgotten++;
      }
      this.flows.set(uid, source);
      this.accepted++;
      this.noteService(source, this.serviceOf(view, slot), view.lastSeen[slot]!);
    }
    return source;
  }

  private noteService(source: string, service: string, at: number): void {
    let list = this.services.get(source);
    if (list === undefined) {
      if (this.services.size >= this.capacity) this.services.delete(this.services.keys().next().value as string);
      this.services.set(source, (list = []));
    }
    list.push({ service, at });
    if (list.length > 32) list.shift();
  }

  /** Distinct services `address` reached in proven flows proven at or after `sinceMicros` (packet time). */
  servicesSince(address: string, sinceMicros: number): number {
    const list = this.services.get(address);
    if (list === undefined) return 0;
    const seen = new Set<string>();
    for (const e of list) if (e.at >= sinceMicros) seen.add(e.service);
    return seen.size;
  }

  /** Is the flow in `slot` a proven one whose originator is `address` (canonical)? */
  provesFlow(view: FlowProofView, slot: number, address: string): boolean {
    if (slot < 0 || !view.isProven(slot)) return false;
    return this.flows.get(view.uidOf(slot)) === address;
  }

  /** `responder|port` of a flow: which service a proven probe reached. */
  serviceOf(view: FlowProofView, slot: number): string {
    view.addressOf(slot, 1, this.words);
    return `${formatAddress(this.words[0]!, this.words[1]!, this.words[2]!, this.words[3]!)}|${view.respPortOf(slot)}`;
  }

  /** The canonical address of a flow's originator (allocates: off the per-packet path). */
  originator(view: FlowProofView, slot: number): string {
    view.addressOf(slot, 0, this.words);
    return formatAddress(this.words[0]!, this.words[1]!, this.words[2]!, this.words[3]!);
  }

  /** Proven flows remembered now. */
  get size(): number {
    return this.flows.size;
  }
}
