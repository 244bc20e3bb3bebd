import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Packet } from '../../../src/engine/decode/packet.js';
import { dstHostKey, fibonacciHash, hashDst, hashSrc, hashSrcDst, hashSrcForSketch, hashWords, spreadBits } from '../../../src/engine/sketch/address-hash.js';
import { copyDst, copySrc, sameDst, sameSrc } from '../../../src/engine/sketch/address-words.js';

/** 203.0.113.9 → 2001:db8::1 */
function packet(): Packet {
  const p = new Packet();
  p.src0 = 0; p.src1 = 0; p.src2 = 0xffff; p.src3 = 0xcb007109;
  p.dst0 = 0x20010db8; p.dst1 = 0; p.dst2 = 0; p.dst3 = 1;
  return p;
}

describe('address hashes', () => {
  test('values are fixed: tables, sketches and the sources alerts name depend on them', () => {
    const p = packet();
    assert.equal(hashWords(1, 2, 3, 4, 5), 979763881);
    assert.equal(hashSrc(p), -1230358505);
    assert.equal(hashDst(p), -588765859);
    assert.equal(hashSrcDst(p), -567017727);
    assert.equal(hashSrcForSketch(p), -1072062459);
    assert.equal(fibonacciHash(80, 10), 453);
    assert.equal(dstHostKey(p), 1697377257);
  });

  test('signed 32-bit results; the seed and every word matter', () => {
    const p = packet();
    for (const h of [hashSrc(p), hashDst(p), hashSrcDst(p), hashSrcForSketch(p), dstHostKey(p), spreadBits(-1)]) {
      assert.equal(h, h | 0);
    }
    assert.notEqual(hashSrc(p, 1), hashSrc(p, 2));
    const base = hashWords(1, 2, 3, 4, 0);
    assert.notEqual(hashWords(9, 2, 3, 4, 0), base);
    assert.notEqual(hashWords(1, 9, 3, 4, 0), base);
    assert.notEqual(hashWords(1, 2, 9, 4, 0), base);
    assert.notEqual(hashWords(1, 2, 3, 9, 0), base);
  });

  test('a pair hash is directional', () => {
    const p = packet();
    const q = new Packet();
    q.src0 = p.dst0; q.src1 = p.dst1; q.src2 = p.dst2; q.src3 = p.dst3;
    q.dst0 = p.src0; q.dst1 = p.src1; q.dst2 = p.src2; q.dst3 = p.src3;
    assert.notEqual(hashSrcDst(p), hashSrcDst(q));
  });

  test('spreadBits: consecutive IPv4 sources fill the top and bottom bit ranges evenly', () => {
    const p = packet();
    const top = new Uint32Array(256);
    const low = new Uint32Array(256);
    for (let i = 0; i < 256 * 400; i++) {
      p.src3 = (0x0b000000 + i) >>> 0;
      const h = hashSrcForSketch(p);
      top[h >>> 24]!++;
      low[h & 255]!++;
    }
    // 400 expected per bucket; a fair hash stays well inside ±25 %.
    for (const buckets of [top, low]) assert.ok(Math.min(...buckets) > 300 && Math.max(...buckets) < 500, `${Math.min(...buckets)}..${Math.max(...buckets)}`);
  });

  test('fibonacciHash spreads neighbouring ports over all buckets', () => {
    const seen = new Set<number>();
    for (let port = 0; port < 1024; port++) {
      const b = fibonacciHash(port, 10);
      assert.ok(b >= 0 && b < 1024);
      seen.add(b);
    }
    assert.ok(seen.size > 600, String(seen.size));
    assert.equal(fibonacciHash(0xffffffff, 1) >>> 1, 0);
  });

  test('dstHostKey tells 8192 consecutive IPv4 addresses apart in its low 13 bits', () => {
    const p = packet();
    p.dst0 = 0; p.dst1 = 0; p.dst2 = 0xffff;
    const low = new Set<number>();
    for (let i = 0; i < 8192; i++) {
      p.dst3 = (0x0a000000 + i) >>> 0;
      low.add(dstHostKey(p) & 8191);
    }
    assert.equal(low.size, 8192);
  });
});

describe('address words', () => {
  test('copy and compare source and destination words at an offset', () => {
    const p = packet();
    const a = new Uint32Array(12);
    copySrc(p, a, 4);
    copyDst(p, a, 8);
    assert.deepEqual([...a.subarray(4, 8)], [0, 0, 0xffff, 0xcb007109]);
    assert.ok(sameSrc(p, a, 4) && sameDst(p, a, 8));
    assert.ok(!sameSrc(p, a, 8) && !sameDst(p, a, 4) && !sameSrc(p, a));
    p.src0 = 1;
    assert.ok(!sameSrc(p, a, 4));
  });
});
