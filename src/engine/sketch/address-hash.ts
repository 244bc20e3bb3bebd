import type { Packet } from '../decode/packet.js';

/**
 * The hashes of addresses and ports that the detectors' tables and sketches use. All mixing
 * steps live here, so a table's placement or a sketch's keys can only change in one file.
 *
 * Hashes are signed 32-bit integers: V8 keeps those unboxed (small integers) when they are
 * passed to or returned from a function it did not inline, or used as Map keys, where an
 * unsigned value of 2^31 or more would be allocated as a heap number on every packet. Tables
 * that store hashes use Int32Array for the same reason.
 */

/** 32-bit mix of four address words and a seed (murmur3-style finaliser steps). */
export function hashWords(w0: number, w1: number, w2: number, w3: number, seed: number): number {
  let h = Math.imul(w3 ^ seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w2 ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ w1 ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ w0 ^ (h >>> 16), 0xc2b2ae35);
  return h ^ (h >>> 15);
}

export function hashSrc(p: Packet, seed = 0): number {
  return hashWords(p.src0, p.src1, p.src2, p.src3, seed);
}

export function hashDst(p: Packet, seed = 0): number {
  return hashWords(p.dst0, p.dst1, p.dst2, p.dst3, seed);
}

/**
 * Hash of the (source, destination) address pair: hashWords(destination, hashWords(source, 0)),
 * written out as one call-free body. Every new flow of a flood hashes its pair in three
 * detectors; as nested calls V8 stopped inlining part of it there.
 */
export function hashSrcDst(p: Packet): number {
  let h = Math.imul(p.src3 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ p.src2 ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ p.src1 ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ p.src0 ^ (h >>> 16), 0xc2b2ae35);
  h = Math.imul(p.dst3 ^ h ^ (h >>> 15) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ p.dst2 ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ p.dst1 ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ p.dst0 ^ (h >>> 16), 0xc2b2ae35);
  return h ^ (h >>> 15);
}

/**
 * One more multiply-xorshift round over a hash, so that every output bit depends on every input
 * bit: a HyperLogLog takes its register from the top bits and its rank from the others.
 */
export function spreadBits(h: number): number {
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/**
 * The source-address key of the flood detector's sketches (distinct count and heavy hitters).
 * Words go in last word first; the value decides which of equally heavy sources a flood alert
 * names, so changing it changes replay results.
 */
export function hashSrcForSketch(p: Packet): number {
  return spreadBits(hashWords(p.src3, p.src2, p.src1, p.src0, 0));
}

/**
 * The top `bits` bits of `value` × 2^32/φ (Fibonacci hashing): spreads small neighbouring
 * integers such as ports over 2^bits buckets. `bits` from 1 to 31.
 */
export function fibonacciHash(value: number, bits: number): number {
  return Math.imul(value, 0x9e3779b1) >>> (32 - bits);
}

/**
 * A 32-bit key of the destination host, not a full hash: for IPv4 (the first three words fixed)
 * it is the address xor a constant, so its low bits tell consecutive addresses apart exactly.
 */
export function dstHostKey(p: Packet): number {
  return p.dst3 ^ Math.imul(p.dst2, 0x9e3779b1) ^ Math.imul(p.dst1 ^ p.dst0, 0x85ebca6b);
}
