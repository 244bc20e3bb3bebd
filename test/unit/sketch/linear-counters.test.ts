import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fibonacciHash, hashWords, spreadBits } from '../../../src/engine/sketch/address-hash.js';
import { LinearCounters } from '../../../src/engine/sketch/linear-counters.js';

describe('LinearCounters', () => {
  test('add reports new bits; count is the number of bits set', () => {
    const lc = new LinearCounters(2, 9);
    assert.equal(lc.bitsPerGroup, 512);
    assert.ok(lc.add(1, 0));
    assert.ok(lc.add(1, 511));
    assert.ok(!lc.add(1, 0));
    assert.equal(lc.count(1), 2);
    assert.equal(lc.count(0), 0);
    assert.ok(lc.add(0, 511), 'groups do not share bits');
  });

  test('estimate: close to the distinct values of randomly placed bits while the bitmap is not near full', () => {
    const lc = new LinearCounters(1, 10);
    for (let i = 0; i < 500; i++) lc.add(0, spreadBits(hashWords(0, 0, 0, i, 0)) >>> 22);
    const e = lc.estimate(0, 65536);
    assert.ok(Math.abs(e - 500) < 50, String(e));
    assert.ok(lc.count(0) < 500, 'some values share a bit');
  });

  test('Fibonacci-hashed consecutive ports rarely share a bit (count is near exact)', () => {
    const lc = new LinearCounters(1, 10);
    for (let port = 1; port <= 500; port++) lc.add(0, fibonacciHash(port, 10));
    assert.ok(lc.count(0) > 490, String(lc.count(0)));
  });

  test('a full bitmap answers whenFull; clear empties one group', () => {
    const lc = new LinearCounters(2, 5);
    for (let b = 0; b < 32; b++) lc.add(0, b);
    lc.add(1, 3);
    assert.equal(lc.estimate(0, 65536), 65536);
    lc.clear(0);
    assert.equal(lc.count(0), 0);
    assert.equal(lc.estimate(0, 65536), 0);
    assert.ok(lc.add(0, 7));
    assert.equal(lc.count(1), 1);
  });

  test('bits are checked', () => {
    assert.throws(() => new LinearCounters(1, 4), RangeError);
    assert.throws(() => new LinearCounters(0, 8), RangeError);
  });
});
