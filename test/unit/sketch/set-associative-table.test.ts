import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Packet } from '../../../src/engine/decode/packet.js';
import { hashDst, hashSrcDst } from '../../../src/engine/sketch/address-hash.js';
import { SetAssociativeTable } from '../../../src/engine/sketch/set-associative-table.js';

function packet(src: number, dst: number): Packet {
  const p = new Packet();
  p.src0 = 0; p.src1 = 0; p.src2 = 0xffff; p.src3 = src >>> 0;
  p.dst0 = 0; p.dst1 = 0; p.dst2 = 0xffff; p.dst3 = dst >>> 0;
  return p;
}

/** `count` destination addresses whose hashes all fall in the set of `like`. */
function sameSet(table: SetAssociativeTable, like: number, count: number): Packet[] {
  const set = hashDst(packet(0, like)) & (table.sets - 1);
  const out: Packet[] = [];
  for (let a = 0x0a000000; out.length < count; a++) if ((hashDst(packet(0, a)) & (table.sets - 1)) === set) out.push(packet(0, a));
  return out;
}

describe('SetAssociativeTable', () => {
  test('capacity: sets rounded up to a power of two', () => {
    assert.equal(new SetAssociativeTable(64, 4, 4).capacity, 64);
    assert.equal(new SetAssociativeTable(100, 4, 4).capacity, 128);
    const t = new SetAssociativeTable(1, 4, 8);
    assert.equal(t.sets, 1);
    assert.equal(t.capacity, 4);
    assert.throws(() => new SetAssociativeTable(16, 0, 4), RangeError);
  });

  test('destination keys: insert, find, remove', () => {
    const t = new SetAssociativeTable(64, 4, 4);
    const p = packet(1, 0x0a000001);
    const h = hashDst(p);
    assert.equal(t.findDst(h, p), -1);
    const e = t.insertDst(h, p, 1000);
    assert.equal(t.findDst(h, p), e);
    assert.equal(t.lastSeen[e], 1000);
    assert.equal(t.keys[t.keyAt(e) + 3], 0x0a000001);
    assert.equal(t.findDst(h, packet(1, 0x0a000002)), -1, 'same hash, other address: no match');
    assert.ok(t.holdsDst(e, p));
    assert.ok(!t.holdsDst(e, packet(1, 0x0a000002)));
    assert.equal(t.size, 1);
    t.remove(e);
    t.remove(e);
    assert.ok(!t.holdsDst(e, p), 'a removed entry holds nothing');
    assert.equal(t.size, 0);
    assert.equal(t.findDst(h, p), -1);
  });

  test('pair keys: source and destination both count', () => {
    const t = new SetAssociativeTable(64, 4, 8);
    const p = packet(1, 2);
    const e = t.insertSrcDst(hashSrcDst(p), p, 0);
    assert.equal(t.findSrcDst(hashSrcDst(p), p), e);
    const q = packet(2, 1);
    assert.equal(t.findSrcDst(hashSrcDst(q), q), -1);
    assert.deepEqual([...t.keys.subarray(t.keyAt(e), t.keyAt(e) + 8)], [0, 0, 0xffff, 1, 0, 0, 0xffff, 2]);
  });

  test('a full set evicts its least recently seen way, counted', () => {
    const t = new SetAssociativeTable(64, 4, 4);
    const ps = sameSet(t, 0x0a000001, 5);
    const es = ps.slice(0, 4).map((p, i) => t.insertDst(hashDst(p), p, 100 + i));
    t.lastSeen[es[0]!] = 200; // the first is seen again: the second is now the oldest
    const e = t.insertDst(hashDst(ps[4]!), ps[4]!, 300);
    assert.equal(e, es[1]);
    assert.equal(t.evictions, 1);
    assert.equal(t.size, 4);
    assert.equal(t.findDst(hashDst(ps[1]!), ps[1]!), -1);
    assert.equal(t.findDst(hashDst(ps[0]!), ps[0]!), es[0]);
  });

  test('pinned ways go last: evicted only when the whole set is pinned, then by recency', () => {
    const t = new SetAssociativeTable(64, 4, 4);
    const ps = sameSet(t, 0x0a000001, 6);
    const es = ps.slice(0, 4).map((p, i) => t.insertDst(hashDst(p), p, 100 + i));
    t.pinned[es[0]!] = 1;
    t.pinned[es[1]!] = 1;
    assert.equal(t.insertDst(hashDst(ps[4]!), ps[4]!, 300), es[2], 'the oldest unpinned way');
    for (const e of es) t.pinned[e] = 1;
    assert.equal(t.insertDst(hashDst(ps[5]!), ps[5]!, 400), es[0], 'all pinned: the oldest');
    assert.equal(t.pinned[es[0]!], 0, 'a new entry starts unpinned');
  });

  test('bounded under a million random destinations; lookups keep working', () => {
    const t = new SetAssociativeTable(1024, 4, 4);
    const p = packet(1, 0);
    for (let i = 0; i < 1_000_000; i++) {
      p.dst3 = Math.imul(i, 0x9e3779b1) >>> 0;
      const h = hashDst(p);
      if (t.findDst(h, p) < 0) t.insertDst(h, p, i);
    }
    assert.equal(t.size, 1024);
    assert.equal(t.evictions, 1_000_000 - 1024);
    assert.ok(t.findDst(hashDst(p), p) >= 0, 'the last one is there');
  });
});
