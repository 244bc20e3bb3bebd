import type { Packet } from '../decode/packet.js';

/** Copies and comparisons of a packet's address words (four per address) against typed arrays. */

export function copySrc(p: Packet, out: Uint32Array, at = 0): void {
  out[at] = p.src0; out[at + 1] = p.src1; out[at + 2] = p.src2; out[at + 3] = p.src3;
}

export function copyDst(p: Packet, out: Uint32Array, at = 0): void {
  out[at] = p.dst0; out[at + 1] = p.dst1; out[at + 2] = p.dst2; out[at + 3] = p.dst3;
}

// The last word first: it is the one that differs between IPv4 addresses.

export function sameSrc(p: Packet, a: Uint32Array, at = 0): boolean {
  return a[at + 3] === p.src3 && a[at] === p.src0 && a[at + 1] === p.src1 && a[at + 2] === p.src2;
}

export function sameDst(p: Packet, a: Uint32Array, at = 0): boolean {
  return a[at + 3] === p.dst3 && a[at] === p.dst0 && a[at + 1] === p.dst1 && a[at + 2] === p.dst2;
}
