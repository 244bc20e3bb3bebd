import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ByteBudget } from '../../../../src/engine/flows/streams/byte-budget.js';
import { MAX_HELD_SEGMENTS, SEGMENT_OVERHEAD, SegmentReassembler } from '../../../../src/engine/flows/streams/segment-reassembler.js';
import { StreamStats } from '../../../../src/engine/flows/streams/stream-stats.js';
import { checkReassembly, RecordingConsumer, type ScheduledSegment } from '../../../support/reassembly-check.js';

const TEXT = Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b?q=1%20UNION%20SELECT HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1');
const text = (c: RecordingConsumer) => Buffer.from(c.got.map((v) => (v < 0 ? 0x3f : v))).toString('latin1');

function rig(maxHeld = 1 << 20, budget = 1 << 20, skip = 0) {
  const consumer = new RecordingConsumer(skip);
  const stats = new StreamStats();
  const b = new ByteBudget(budget);
  const r = new SegmentReassembler(consumer, b, maxHeld, stats, {});
  r.start(1000);
  const seg = (at: number, s: string) => r.segment(1000 + at, Buffer.from(s, 'latin1'), 0, s.length, 0);
  return { consumer, stats, budget: b, r, seg };
}

describe('SegmentReassembler', () => {
  test('in order, out of order and reversed give the same bytes', () => {
    for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]]) {
      const { consumer, r, seg, budget } = rig();
      const pieces = ['GET /', 'a HTTP', '/1.1\r\n', 'Host: x\r\n\r\n'];
      const at = [0, 5, 11, 17];
      for (const i of order) seg(at[i]!, pieces[i]!);
      assert.equal(text(consumer), pieces.join(''), `order ${order}`);
      assert.equal(budget.used, 0, 'nothing held once contiguous');
      r.finish();
      assert.equal(consumer.ended, 1);
    }
  });

  test('overlaps: the first copy to arrive wins, a retransmission with other bytes changes nothing', () => {
    const { consumer, seg, stats } = rig();
    seg(4, 'BBBB'); // held
    seg(0, 'AAAAXXXXCC'); // in order: its bytes 4-7 lose to the held BBBB
    seg(0, 'ZZZZZZZZZZZZ'); // retransmission: 0-9 already delivered, 10-11 new
    assert.equal(text(consumer), 'AAAABBBBCCZZ');
    assert.ok(stats.duplicateBytes >= 14);
  });

  test('a hole is passed at the end as a gap; the bytes after it still arrive', () => {
    const { consumer, r, seg, stats } = rig();
    seg(0, 'abc');
    seg(6, 'ghi');
    assert.equal(text(consumer), 'abc');
    r.finish();
    assert.deepEqual(consumer.got.slice(3, 6), [-1, -1, -1]);
    assert.equal(text(consumer).slice(6), 'ghi');
    assert.equal(stats.lostBytes, 3);
  });

  test('an acknowledged hole (lost by the capture) is passed at once', () => {
    const { consumer, r, seg } = rig();
    seg(0, 'abc');
    seg(6, 'ghi');
    r.peerAck(1000 + 9);
    assert.equal(text(consumer), 'abc???ghi');
  });

  test('bytes the consumer does not need (a body past the inspected size) are passed, not held', () => {
    const { consumer, seg, budget, stats } = rig(1 << 20, 1 << 20, 100);
    seg(50, 'tail');
    assert.equal(budget.used, 0);
    assert.equal(stats.passedBytes, 50);
    assert.equal(consumer.got.length, 54);
  });

  test('the per-direction limit: past it the hole in front is given up, counted, nothing stalls', () => {
    const { consumer, seg, stats, r } = rig(4 * (SEGMENT_OVERHEAD + 10));
    for (let i = 1; i <= 10; i++) seg(i * 20, 'x'.repeat(10));
    assert.ok(r.heldBytes <= 4 * (SEGMENT_OVERHEAD + 10));
    assert.ok(stats.flowOverflows > 0);
    assert.ok(consumer.got.length > 0, 'the stream moved on');
  });

  test('held segments are capped in number too (1-byte segments)', () => {
    const { r, seg } = rig(1 << 30, 1 << 30);
    for (let i = 0; i < 3 * MAX_HELD_SEGMENTS; i++) seg(2 + 2 * i, 'x');
    assert.ok(r.holding <= MAX_HELD_SEGMENTS, `${r.holding} held`);
  });

  test('the global budget refuses what does not fit and counts it', () => {
    const { budget, seg, r } = rig(1 << 20, 3 * (SEGMENT_OVERHEAD + 100));
    for (let i = 1; i <= 10; i++) seg(i * 200, 'y'.repeat(100));
    assert.ok(budget.used <= budget.max);
    assert.ok(budget.refused > 0);
    r.release();
    assert.equal(budget.used, 0);
  });

  test('property: any order, overlaps with other bytes, gaps, sequence wrap: first copy wins, nothing lost or repeated', () => {
    const segment = fc.record({ at: fc.nat({ max: 300 }), len: fc.integer({ min: 0, max: 80 }), fill: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }) });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 40 }), fc.boolean(), (schedule: ScheduledSegment[], tight) => {
        checkReassembly(TEXT, schedule, tight ? { maxHeld: 3 * (SEGMENT_OVERHEAD + 40), budget: 1 << 20 } : { maxHeld: 1 << 20, budget: 1 << 20 });
      }),
      { numRuns: 400 },
    );
  });
});
