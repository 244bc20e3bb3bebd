import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KernelDropCounter } from '../../../src/engine/capture/live/kernel-drop-counter.js';

describe('KernelDropCounter', () => {
  test('unknown (null) until the first reading, then the reading itself', () => {
    const c = new KernelDropCounter();
    assert.equal(c.total, null);
    c.sample(0);
    assert.equal(c.total, 0);
    c.sample(17);
    assert.equal(c.total, 17);
  });

  test('keeps counting across the 32-bit wrap of libpcap’s counter', () => {
    const c = new KernelDropCounter();
    c.sample(0xffff_fff0);
    c.sample(0x10); // wrapped: 0x10 + 0x10 more drops
    assert.equal(c.total, 0xffff_fff0 + 0x20);
    c.sample(0x10);
    assert.equal(c.total, 0xffff_fff0 + 0x20);
  });
});
