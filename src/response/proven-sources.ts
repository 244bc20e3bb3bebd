import { formatAddress } from '../net/address.js';

/**
 * Sources that proved they are not spoofed: they completed a TCP handshake whose
 * ACK acknowledged our SYN-ACK's sequence number, which a blind spoofer cannot guess.
 * Bounded: the least recently proven are forgotten first.
 */
export class ProvenSources {
  private readonly proven = new Map<string, number>();
  forgotten = 0;
  /** Called with each newly proven address (the block manager re-checks alerts waiting for proof). */
  onProven: ((address: string) => void) | null = null;

  constructor(private readonly capacity = 65_536) {}

  /** From the packet path, on FlowEvent.SOURCE_PROVEN only (rare next to packets). */
  addWords(w0: number, w1: number, w2: number, w3: number, nowMicros: number): void {
    this.add(formatAddress(w0, w1, w2, w3), nowMicros);
  }

  add(address: string, nowMicros: number): void {
    const known = this.proven.has(address);
    if (known) this.proven.delete(address);
    else if (this.proven.size >= this.capacity) {
      this.proven.delete(this.proven.keys().next().value as string);
      this.forgotten++;
    }
    this.proven.set(address, nowMicros);
    if (!known) this.onProven?.(address);
  }

  has(address: string): boolean {
    return this.proven.has(address);
  }

  get size(): number {
    return this.proven.size;
  }
}
