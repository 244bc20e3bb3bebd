import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FirstProbeCache } from '../../../src/engine/sketch/first-probe-cache.js';

const NONE = FirstProbeCache.NONE;

describe('FirstProbeCache', () => {
  test('the same key with a second value hands back the first and frees the slot', () => {
    const c = new FirstProbeCache(16);
    assert.equal(c.offer(0xdeadbeef, 22), NONE);
    assert.equal(c.offer(0xdeadbeef, 22), NONE, 'the same value again: nothing new');
    assert.equal(c.offer(0xdeadbeef, 80), 22);
    assert.equal(c.offer(0xdeadbeef, 443), NONE, 'the slot was freed: 443 is a first value again');
    assert.equal(c.offer(0xdeadbeef, 8080), 443);
  });

  test('key 0, value 0 and full 32-bit values work (a free slot needs no reserved key)', () => {
    const c = new FirstProbeCache(4);
    assert.equal(c.offer(0, 0), NONE);
    assert.equal(c.offer(0, 1), 0);
    assert.equal(c.offer(0, 5), NONE);
    assert.equal(c.offer(4, 0xffffffff), NONE, 'same slot, newer key takes it');
    assert.equal(c.offer(0, 6), NONE, 'key 0 was pushed out');
    assert.equal(c.offer(0xfffffffc, 1), NONE);
    assert.equal(c.offer(0xfffffffc, 2), 1);
    // Every slot of a fresh cache is free, whatever key maps to it.
    const fresh = new FirstProbeCache(8);
    for (let k = 0; k < 8; k++) assert.equal(fresh.offer(k, 0), NONE);
    for (let k = 0; k < 8; k++) assert.equal(fresh.offer(~k >>> 0, 0), NONE);
  });

  test('a freed slot is not matched by any key (the complement never maps to its slot)', () => {
    const c = new FirstProbeCache(2);
    c.offer(1, 10);
    assert.equal(c.offer(1, 11), 10);
    assert.equal(c.offer(0xfffffffe, 12), NONE, '~1 maps to slot 0');
    assert.equal(c.offer(1, 13), NONE);
  });

  test('slots: a power of two ≥ 2', () => {
    for (const bad of [0, 1, 3, 100, 2.5]) assert.throws(() => new FirstProbeCache(bad), RangeError);
    assert.equal(new FirstProbeCache(4096).slots, 4096);
  });
});
