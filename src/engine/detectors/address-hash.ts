import type { Packet } from '../decode/packet.js';

/** 32-bit mix of four address words and a seed (murmur3-style finaliser steps); no allocation. */
export function hashWords(w0: number, w1: number, w2: number, w3: number, seed: number): number {
  let h = Math.imul(w3 ^ seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w2 ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ w1 ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ w0 ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 15)) >>> 0;
}

export function hashSrc(p: Packet, seed = 0): number {
  return hashWords(p.src0, p.src1, p.src2, p.src3, seed);
}

export function hashDst(p: Packet, seed = 0): number {
  return hashWords(p.dst0, p.dst1, p.dst2, p.dst3, seed);
}

/** Hash of the (source, destination) address pair. */
export function hashSrcDst(p: Packet): number {
  return hashWords(p.dst0, p.dst1, p.dst2, p.dst3, hashSrc(p));
}

export function copySrc(p: Packet, out: Uint32Array, at = 0): void {
  out[at] = p.src0; out[at + 1] = p.src1; out[at + 2] = p.src2; out[at + 3] = p.src3;
}

export function copyDst(p: Packet, out: Uint32Array, at = 0): void {
  out[at] = p.dst0; out[at + 1] = p.dst1; out[at + 2] = p.dst2; out[at + 3] = p.dst3;
}

export function sameSrc(p: Packet, a: Uint32Array, at = 0): boolean {
  return a[at + 3] === p.src3 && a[at] === p.src0 && a[at + 1] === p.src1 && a[at + 2] === p.src2;
}

export function sameDst(p: Packet, a: Uint32Array, at = 0): boolean {
  return a[at + 3] === p.dst3 && a[at] === p.dst0 && a[at + 1] === p.dst1 && a[at + 2] === p.dst2;
}
