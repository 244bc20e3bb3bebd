import assert from 'node:assert/strict';
import { ByteBudget } from '../../src/engine/flows/streams/byte-budget.js';
import { SegmentReassembler } from '../../src/engine/flows/streams/segment-reassembler.js';
import type { StreamConsumer } from '../../src/engine/flows/streams/stream-consumer.js';
import { StreamStats } from '../../src/engine/flows/streams/stream-stats.js';

/** One segment of a schedule: `len` bytes at stream offset `at`, filled with `fill` (or the stream's own bytes when null). */
export interface ScheduledSegment {
  at: number;
  len: number;
  fill: number | null;
}

/** What a consumer was handed, byte by byte: a value 0-255, or -1 for a byte passed as a gap. */
export class RecordingConsumer implements StreamConsumer {
  readonly got: number[] = [];
  ended = 0;
  constructor(private readonly skip = 0) {}
  data(buf: Buffer, off: number, len: number): void {
    assert.ok(this.ended === 0, 'data after end');
    assert.ok(off >= 0 && len > 0 && off + len <= buf.length, `data(${off}, ${len}) outside a buffer of ${buf.length}`);
    for (let i = 0; i < len; i++) this.got.push(buf[off + i]!);
  }
  gap(len: number): void {
    assert.ok(this.ended === 0, 'gap after end');
    assert.ok(Number.isInteger(len) && len > 0, `gap(${len})`);
    for (let i = 0; i < len; i++) this.got.push(-1);
  }
  skippable(): number {
    return this.skip;
  }
  end(): void {
    this.ended++;
  }
}

/**
 * Feeds a schedule of segments to one direction (start sequence near 2^32, so it wraps) and
 * checks what the reassembler promises:
 * - every byte offset from 0 to the end reached is handed over once, in order, as data or gap;
 * - a byte handed over as data is the first copy of that offset that arrived (first copy wins),
 *   or, once a segment was refused for lack of room, some copy that arrived;
 * - without overflow, every offset some segment covered arrives as data, holes only as gaps;
 * - held bytes stay within the direction's limit and the budget, and all of it is given back.
 */
export function checkReassembly(stream: Buffer, schedule: readonly ScheduledSegment[], opts: { maxHeld: number; budget: number }): { consumer: RecordingConsumer; stats: StreamStats } {
  const budget = new ByteBudget(opts.budget);
  const stats = new StreamStats();
  const consumer = new RecordingConsumer();
  const r = new SegmentReassembler(consumer, budget, opts.maxHeld, stats, {});
  const isn = 0xffff_fff0;
  r.start(isn);
  const first = new Map<number, number>();
  /** Every copy of each offset: a segment refused for lack of room is no copy the host kept, so a later one may win. */
  const copies = new Map<number, Set<number>>();
  let maxEnd = 0;
  for (const s of schedule) {
    const bytes = Buffer.alloc(s.len);
    for (let i = 0; i < s.len; i++) bytes[i] = s.fill ?? stream[(s.at + i) % stream.length]!;
    // Copy into a larger buffer: the reassembler must read only its own slice.
    const buf = Buffer.concat([Buffer.from([0xee, 0xee, 0xee]), bytes, Buffer.from([0xdd])]);
    for (let i = 0; i < s.len; i++) {
      if (!first.has(s.at + i)) first.set(s.at + i, bytes[i]!);
      let set = copies.get(s.at + i);
      if (set === undefined) copies.set(s.at + i, (set = new Set()));
      set.add(bytes[i]!);
    }
    r.segment((isn + s.at) >>> 0, buf, 3, s.len, 0);
    if (s.len > 0 && s.at + s.len > maxEnd) maxEnd = s.at + s.len;
    assert.ok(r.heldBytes <= opts.maxHeld, `held ${r.heldBytes} > per-direction limit ${opts.maxHeld}`);
    assert.ok(budget.used <= opts.budget, `budget ${budget.used} > ${opts.budget}`);
    assert.equal(budget.used, r.heldBytes, 'budget charged = held bytes');
  }
  r.finish();
  assert.equal(consumer.ended, 1, 'end once');
  assert.equal(budget.used, 0, 'every held byte given back');
  const got = consumer.got;
  assert.equal(got.length, ((r.next - ((isn + 0) >>> 0)) >>> 0), 'handed-over bytes = distance the stream moved');
  const overflowed = stats.flowOverflows > 0 || stats.droppedSegments > 0;
  if (!overflowed) assert.equal(got.length, maxEnd, 'the stream reaches the end of the furthest segment');
  for (let p = 0; p < got.length; p++) {
    const v = got[p]!;
    if (v >= 0 && !overflowed) assert.equal(v, first.get(p), `offset ${p}: ${v} is not the first copy ${first.get(p)}`);
    else if (v >= 0) assert.ok(copies.get(p)?.has(v), `offset ${p}: ${v} is no copy that arrived`);
    else if (!overflowed) assert.ok(!first.has(p), `offset ${p} was covered but handed over as a gap`);
  }
  return { consumer, stats };
}
