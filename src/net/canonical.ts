import { formatAddress, isMappedV4, parseAddress } from './address.js';

/**
 * Canonical text forms for everything the firewall and the allowlists compare: an address is
 * parsed into its four words and formatted again, so `::ffff:10.0.0.1`, `10.0.0.1`,
 * `fe80::1%eth0` and `2001:DB8:0:0::1` each have exactly one spelling. Never compare raw text.
 */
export interface CanonicalAddress {
  text: string;
  family: 4 | 6;
  words: [number, number, number, number];
}

export function canonicalAddress(text: string): CanonicalAddress | null {
  const w = parseAddress(text.trim());
  if (w === null) return null;
  return { text: formatAddress(...w), family: isMappedV4(w[0], w[1], w[2]) ? 4 : 6, words: w };
}

/** `a/len` with the host bits cleared, or null when the text is not a network. */
export function canonicalCidr(text: string): string | null {
  const slash = text.lastIndexOf('/');
  const addr = canonicalAddress(slash < 0 ? text : text.slice(0, slash));
  if (addr === null) return null;
  const max = addr.family === 4 ? 32 : 128;
  const len = slash < 0 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(len) || len < 0 || len > max || (slash >= 0 && !/^\d{1,3}$/.test(text.slice(slash + 1)))) return null;
  return networkOf(addr, len);
}

/** The network of `addr` with `prefixLen` bits (counted within its own family), canonical. */
export function networkOf(addr: CanonicalAddress, prefixLen: number): string {
  const w = [...addr.words] as [number, number, number, number];
  // IPv4 prefixes count within the last word (the mapped form keeps the ::ffff: part).
  const bits = addr.family === 4 ? 96 + prefixLen : prefixLen;
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(32, bits - i * 32));
    w[i] = keep === 0 ? 0 : keep === 32 ? w[i]! : (w[i]! & (~0 << (32 - keep))) >>> 0;
  }
  if (addr.family === 4) w[2] = 0xffff;
  return `${formatAddress(...w)}/${prefixLen}`;
}
