import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LruAddressTable } from '../../../src/engine/sketch/lru-address-table.js';

const NONE = LruAddressTable.NONE;
const v4 = (a: number): [number, number, number, number] => [0, 0, 0xffff, a >>> 0];

describe('LruAddressTable', () => {
  test('insert and find; entries are dense from 0', () => {
    const t = new LruAddressTable(4);
    assert.equal(t.find(...v4(1)), NONE);
    assert.equal(t.insert(...v4(1)), 0);
    assert.equal(t.insert(0x20010db8, 0, 0, 1), 1);
    assert.equal(t.find(...v4(1)), 0);
    assert.equal(t.find(0x20010db8, 0, 0, 1), 1);
    assert.equal(t.find(0x20010db8, 0, 1, 1), NONE);
    assert.equal(t.size, 2);
    assert.deepEqual([...t.addresses.subarray(4, 8)], [0x20010db8, 0, 0, 1]);
  });

  test('past capacity the least recently used address gives up its entry, counted', () => {
    const t = new LruAddressTable(3);
    const e1 = t.insert(...v4(1));
    t.insert(...v4(2));
    t.insert(...v4(3));
    t.touch(e1);
    const e4 = t.insert(...v4(4));
    assert.equal(e4, 1, "2's entry");
    assert.equal(t.find(...v4(2)), NONE);
    assert.equal(t.evictions, 1);
    assert.equal(t.size, 3);
    t.insert(...v4(5));
    assert.equal(t.find(...v4(3)), NONE, 'then 3');
    assert.equal(t.find(...v4(1)), e1);
  });

  test('capacity 1', () => {
    const t = new LruAddressTable(1);
    t.insert(...v4(1));
    assert.equal(t.insert(...v4(2)), 0);
    assert.equal(t.find(...v4(1)), NONE);
    assert.equal(t.find(...v4(2)), 0);
    assert.throws(() => new LruAddressTable(0), RangeError);
  });

  test('agrees with a Map model over 200,000 random operations (deletion keeps every probe run intact)', () => {
    const cap = 97;
    const t = new LruAddressTable(cap);
    // The model: Map insertion order is recency order.
    const model = new Map<number, number>();
    let s = 99;
    for (let i = 0; i < 200_000; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const a = s % 400;
      const e = t.find(...v4(a));
      const m = model.get(a);
      assert.equal(e, m ?? NONE, `op ${i}: ${a}`);
      if (m !== undefined) {
        t.touch(e);
        model.delete(a);
        model.set(a, m);
      } else {
        let entry: number;
        if (model.size === cap) {
          const [oldest, oldEntry] = model.entries().next().value as [number, number];
          model.delete(oldest);
          entry = oldEntry;
        } else entry = model.size;
        assert.equal(t.insert(...v4(a)), entry);
        model.set(a, entry);
      }
    }
    assert.equal(t.size, cap);
    for (const [a, entry] of model) assert.equal(t.find(...v4(a)), entry);
  });
});
