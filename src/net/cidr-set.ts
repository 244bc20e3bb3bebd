import { parseAddress } from './address.js';

/**
 * A set of CIDR ranges matched against four-word addresses (IPv4 stored IPv4-mapped), cheap
 * enough for the packet path: a linear scan of a short list, word compares only. For large
 * lists (blocklists) a different structure is needed.
 */
export class CidrSet {
  private readonly words: number[] = [];
  private readonly masks: number[] = [];
  readonly ranges: string[] = [];

  /** Parses "10.0.0.0/8,fd00::/8,192.0.2.1"; throws RangeError naming the bad entry. */
  static parse(list: string | readonly string[]): CidrSet {
    const set = new CidrSet();
    const items = typeof list === 'string' ? list.split(',') : list;
    for (const raw of items) {
      const item = raw.trim();
      if (item === '') continue;
      set.add(item);
    }
    return set;
  }

  get size(): number {
    return this.ranges.length;
  }

  add(cidr: string): void {
    const slash = cidr.indexOf('/');
    const addrText = slash < 0 ? cidr : cidr.slice(0, slash);
    const addr = parseAddress(addrText);
    if (addr === null) throw new RangeError(`not an IP address or CIDR: ${JSON.stringify(cidr)}`);
    const isV4 = !addrText.includes(':');
    const maxBits = isV4 ? 32 : 128;
    const prefixText = slash < 0 ? String(maxBits) : cidr.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxBits) {
      throw new RangeError(`bad prefix length in ${JSON.stringify(cidr)} (0-${maxBits})`);
    }
    const bits = Number(prefixText) + (isV4 ? 96 : 0);
    for (let i = 0; i < 4; i++) {
      const wordBits = Math.max(0, Math.min(32, bits - i * 32));
      const mask = wordBits === 0 ? 0 : wordBits === 32 ? 0xffffffff : (0xffffffff << (32 - wordBits)) >>> 0;
      this.masks.push(mask);
      this.words.push((addr[i]! & mask) >>> 0);
    }
    this.ranges.push(cidr);
  }

  has(w0: number, w1: number, w2: number, w3: number): boolean {
    const m = this.masks;
    const w = this.words;
    for (let i = 0; i < w.length; i += 4) {
      if (
        ((w3 & m[i + 3]!) >>> 0) === w[i + 3] &&
        ((w2 & m[i + 2]!) >>> 0) === w[i + 2] &&
        ((w1 & m[i + 1]!) >>> 0) === w[i + 1] &&
        ((w0 & m[i]!) >>> 0) === w[i]
      )
        return true;
    }
    return false;
  }

  hasText(address: string): boolean {
    const a = parseAddress(address);
    return a !== null && this.has(a[0], a[1], a[2], a[3]);
  }
}
