import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AddressSpaceSaving, SpaceSaving } from '../../../src/engine/sketch/space-saving.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

describe('SpaceSaving', () => {
  test('exact while the keys fit; tookCounter tells new keys', () => {
    const ss = new SpaceSaving(1, 4);
    const i = ss.add(0, 80, 1);
    assert.ok(ss.tookCounter);
    assert.equal(ss.add(0, 80, 2), i);
    assert.ok(!ss.tookCounter);
    ss.add(0, 443, 5);
    ss.add(0, 0, 1);
    assert.equal(ss.used[0], 3);
    assert.deepEqual([...ss.keys.subarray(0, 3)], [80, 443, 0]);
    assert.deepEqual([...ss.counts.subarray(0, 3)], [3, 5, 1]);
    assert.deepEqual([...ss.errors.subarray(0, 3)], [0, 0, 0]);
    assert.equal(ss.totals[0], 9);
    assert.equal(ss.keys[ss.heaviest(0)], 443);
    assert.equal(ss.keys[ss.top(0)], 443);
  });

  test('a new key in a full table takes the smallest counter (the first of equals) and its count as error', () => {
    const ss = new SpaceSaving(1, 3);
    ss.add(0, 1, 5);
    ss.add(0, 2, 2);
    ss.add(0, 3, 2);
    const c = ss.add(0, 4, 1);
    assert.equal(c, 1);
    assert.ok(ss.tookCounter);
    assert.equal(ss.keys[c], 4);
    assert.equal(ss.counts[c], 3);
    assert.equal(ss.errors[c], 2);
    assert.equal(ss.guaranteed(c), 1);
  });

  test('on a skewed stream: counts bound the truth from both sides, heavy keys are kept', () => {
    const rnd = random(7);
    const size = 16;
    const ss = new SpaceSaving(1, size);
    const truth = new Map<number, number>();
    let total = 0;
    for (let i = 0; i < 50_000; i++) {
      // Key k with probability ∝ 1/(k+1) over 1000 keys, plus weights 1..3.
      const k = Math.floor(Math.exp(rnd() * Math.log(1001))) - 1;
      const w = 1 + Math.floor(rnd() * 3);
      ss.add(0, k, w);
      truth.set(k, (truth.get(k) ?? 0) + w);
      total += w;
    }
    assert.equal(ss.totals[0], total);
    for (let c = 0; c < ss.used[0]!; c++) {
      const t = truth.get(ss.keys[c]!)!;
      assert.ok(ss.guaranteed(c) <= t && t <= ss.counts[c]!, `key ${ss.keys[c]}: ${ss.guaranteed(c)} ≤ ${t} ≤ ${ss.counts[c]}`);
    }
    const held = new Set(ss.keys.subarray(0, ss.used[0]));
    for (const [k, t] of truth) if (t > total / size) assert.ok(held.has(k), `heavy key ${k} (${t} of ${total}) lost`);
    assert.equal(ss.keys[ss.top(0)], 0, 'the heaviest key is on top');
  });

  test('groups are independent; clear empties one group', () => {
    const ss = new SpaceSaving(3, 2);
    ss.add(0, 1, 1);
    ss.add(1, 1, 7);
    ss.add(1, 2, 1);
    assert.equal(ss.used[0], 1);
    assert.equal(ss.used[1], 2);
    assert.equal(ss.used[2], 0);
    assert.equal(ss.heaviest(2), -1);
    assert.equal(ss.top(2), 4, 'an empty group answers its first counter');
    ss.clear(1);
    assert.equal(ss.used[1], 0);
    assert.equal(ss.totals[1], 0);
    assert.equal(ss.counts[0], 1);
    assert.ok(ss.add(1, 1, 1) === 2 && ss.tookCounter);
  });

  test('shape is checked', () => {
    assert.throws(() => new SpaceSaving(0, 4), RangeError);
    assert.throws(() => new SpaceSaving(1, 256), RangeError);
    assert.throws(() => new AddressSpaceSaving(1, 0), RangeError);
  });
});

describe('AddressSpaceSaving', () => {
  test('keys are four words: addresses differing in any word are different keys', () => {
    const ss = new AddressSpaceSaving(2, 8);
    ss.add(1, 0, 0, 0xffff, 0x0a000001, 1500);
    ss.add(1, 0x20010db8, 0, 0, 1, 100);
    ss.add(1, 0x20010db8, 0, 1, 1, 60);
    ss.add(1, 0, 0, 0xffff, 0x0a000001, 1500);
    assert.equal(ss.used[1], 3);
    const c = ss.heaviest(1);
    assert.deepEqual([...ss.addresses.subarray(c * 4, c * 4 + 4)], [0, 0, 0xffff, 0x0a000001]);
    assert.equal(ss.counts[c], 3000);
    assert.equal(ss.totals[1], 3160);
    assert.equal(ss.used[0], 0);
  });

  test('a full table replaces its lightest address and rewrites the words', () => {
    const ss = new AddressSpaceSaving(1, 2);
    ss.add(0, 0, 0, 0xffff, 1, 10);
    ss.add(0, 0, 0, 0xffff, 2, 3);
    const c = ss.add(0, 0, 0, 0xffff, 3, 1);
    assert.equal(c, 1);
    assert.ok(ss.tookCounter);
    assert.equal(ss.addresses[c * 4 + 3], 3);
    assert.equal(ss.counts[c], 4);
    assert.equal(ss.errors[c], 3);
    assert.equal(ss.top(0), 0);
  });
});
