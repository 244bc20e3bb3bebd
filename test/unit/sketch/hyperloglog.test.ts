import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashWords, spreadBits } from '../../../src/engine/sketch/address-hash.js';
import { HyperLogLog } from '../../../src/engine/sketch/hyperloglog.js';

const item = (i: number) => spreadBits(hashWords(0, 0, 0xffff, i, 0));

describe('HyperLogLog', () => {
  test('empty is 0; small counts are near exact (linear counting)', () => {
    const hll = new HyperLogLog(1, 8);
    assert.equal(hll.estimate(0), 0);
    for (let i = 0; i < 20; i++) hll.add(0, item(i));
    assert.ok(Math.abs(hll.estimate(0) - 20) <= 2, String(hll.estimate(0)));
  });

  test('within three standard errors (6.5 % at 8 bits) from hundreds to a million', () => {
    for (const n of [500, 10_000, 1_000_000]) {
      const hll = new HyperLogLog(1, 8);
      for (let i = 0; i < n; i++) hll.add(0, item(i));
      const e = hll.estimate(0);
      assert.ok(Math.abs(e - n) / n < 3 * 0.065, `${n}: ${e}`);
    }
  });

  test('repeats do not count; groups are independent; clear resets one group', () => {
    const hll = new HyperLogLog(3, 6);
    for (let r = 0; r < 10; r++) for (let i = 0; i < 1000; i++) hll.add(1, item(i));
    const once = new HyperLogLog(1, 6);
    for (let i = 0; i < 1000; i++) once.add(0, item(i));
    assert.equal(hll.estimate(1), once.estimate(0));
    assert.equal(hll.estimate(0), 0);
    assert.equal(hll.estimate(2), 0);
    hll.add(2, item(5));
    hll.clear(1);
    assert.equal(hll.estimate(1), 0);
    assert.equal(hll.estimate(2), 1);
  });

  test('bits are checked', () => {
    assert.throws(() => new HyperLogLog(1, 3), RangeError);
    assert.throws(() => new HyperLogLog(1, 17), RangeError);
    assert.throws(() => new HyperLogLog(0, 8), RangeError);
  });
});
