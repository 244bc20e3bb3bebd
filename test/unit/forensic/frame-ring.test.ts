import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LinkType } from '../../../src/engine/capture/link-type.js';
import { Packet } from '../../../src/engine/decode/packet.js';
import { FORENSIC_SNAPLEN, FrameRing } from '../../../src/store/forensic/frame-ring.js';

/** A Packet carrying only what the ring reads. */
function meta(capLen: number, ts: number, src3 = 1, dst3 = 2): Packet {
  const p = new Packet();
  p.capLen = capLen;
  p.wireLen = capLen + 3;
  p.tsMicros = ts;
  p.linkType = LinkType.ETHERNET;
  p.src2 = 0xffff;
  p.src3 = src3;
  p.dst2 = 0xffff;
  p.dst3 = dst3;
  return p;
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

/** The frames held, oldest first, as [ts, bytes]. */
function held(ring: FrameRing): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  for (let i = 0; i < ring.count; i++) {
    const s = ring.slotAt(i);
    out.push([ring.tsOf(s), Buffer.from(ring.bytesOf(s))]);
  }
  return out;
}

describe('FrameRing', () => {
  test('the byte bound evicts the oldest frames; what is held is intact', () => {
    const ring = new FrameRing(1000, 1000);
    const frames: Buffer[] = [];
    for (let i = 0; i < 25; i++) {
      const b = bytes(100, i);
      frames.push(b);
      const src = Buffer.concat([Buffer.alloc(5, 0xee), b]);
      assert.ok(ring.push(meta(100, i), src, 5) >= 0);
      src.fill(0); // the source reuses its buffer
      assert.ok(ring.bytes <= 1000);
    }
    assert.equal(ring.count, 10);
    assert.equal(ring.bytes, 1000);
    assert.equal(ring.evicted, 15);
    assert.deepEqual(
      held(ring),
      frames.slice(15).map((b, i) => [15 + i, b]),
    );
  });

  test('the frame-count bound evicts the oldest frames', () => {
    const ring = new FrameRing(1 << 20, 4);
    for (let i = 0; i < 10; i++) ring.push(meta(60, i), bytes(60, i), 0);
    assert.equal(ring.count, 4);
    assert.equal(ring.bytes, 240);
    assert.deepEqual(
      held(ring).map(([ts]) => ts),
      [6, 7, 8, 9],
    );
  });

  test('a wrap leaves the arena tail unused and evicts the frames it would overlap', () => {
    const ring = new FrameRing(1000, 100);
    for (let i = 0; i < 3; i++) ring.push(meta(300, i), bytes(300, i), 0); // 0..900
    ring.push(meta(200, 3), bytes(200, 3), 0); // does not fit in 900..1000: goes to 0, evicts frame 0
    assert.deepEqual(
      held(ring).map(([ts]) => ts),
      [1, 2, 3],
    );
    ring.push(meta(150, 4), bytes(150, 4), 0); // 200..350 overlaps frame 1 (300..600)
    assert.deepEqual(
      held(ring).map(([ts, b]) => [ts, b.length]),
      [
        [2, 300],
        [3, 200],
        [4, 150],
      ],
    );
    assert.equal(ring.bytes, 650);
  });

  test('a frame larger than the arena is refused; one beyond the snaplen is cut', () => {
    const ring = new FrameRing(100, 10);
    assert.equal(ring.push(meta(101, 1), bytes(101, 1), 0), -1);
    assert.equal(ring.count, 0);
    const big = new FrameRing(FORENSIC_SNAPLEN * 2, 10);
    const slot = big.push(meta(FORENSIC_SNAPLEN + 10, 1), bytes(FORENSIC_SNAPLEN + 10, 1), 0);
    assert.equal(big.lenOf(slot), FORENSIC_SNAPLEN);
    assert.equal(big.wireLenOf(slot), FORENSIC_SNAPLEN + 13);
  });

  test('small and large frames copy exactly, from pooled buffers (non-zero byteOffset) and from one reused buffer', () => {
    const ring = new FrameRing(1 << 16, 100);
    const reused = Buffer.alloc(4096);
    const expected: Buffer[] = [];
    for (let n = 1; n <= 200; n += 7) {
      const b = bytes(n, n);
      const pooled = Buffer.from([...b]); // Buffer.from(array) of < 4 KiB comes from the shared pool
      assert.ok(pooled.byteOffset > 0 || pooled.buffer.byteLength > pooled.length);
      ring.push(meta(n, n), pooled, 0);
      expected.push(b);
      b.copy(reused, 3 + (n % 5));
      ring.push(meta(n, n), reused, 3 + (n % 5));
      expected.push(b);
      reused.fill(0xff);
    }
    assert.deepEqual(
      held(ring).map(([, b]) => b),
      expected,
    );
  });

  test('addresses are kept per frame for attacker selection', () => {
    const ring = new FrameRing(1000, 10);
    const s = ring.push(meta(20, 1, 0x0a000001, 0x0a000002), bytes(20, 1), 0);
    assert.ok(ring.involves(s, 0, 0, 0xffff, 0x0a000001));
    assert.ok(ring.involves(s, 0, 0, 0xffff, 0x0a000002));
    assert.ok(!ring.involves(s, 0, 0, 0xffff, 0x0a000003));
    assert.ok(!ring.involves(s, 0, 0, 0, 0x0a000001));
  });

  test('property: any sequence of sizes keeps both bounds and holds the newest frames intact, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 4096 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 300 }),
        (capBytes, capFrames, sizes) => {
          const ring = new FrameRing(capBytes, capFrames);
          const pushed: Buffer[] = [];
          sizes.forEach((n, i) => {
            const b = bytes(n, i);
            const slot = ring.push(meta(n, i), b, 0);
            if (n > capBytes) assert.equal(slot, -1);
            else pushed[i] = b;
            assert.ok(ring.count <= capFrames);
            assert.ok(ring.bytes <= capBytes);
            const h = held(ring);
            // The held frames are the most recent ringed ones, consecutive, oldest first.
            if (h.length > 0) {
              const first = h[0]![0];
              const expected = pushed.map((p, ts) => [ts, p] as [number, Buffer]).filter(([ts, p]) => p !== undefined && ts >= first);
              assert.deepEqual(h, expected);
              if (slot >= 0) assert.equal(h[h.length - 1]![0], i, 'the newest frame is always held');
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
