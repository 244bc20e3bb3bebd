import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FirewallQueue } from '../../../src/response/firewall-queue.js';
import type { BlockSpec } from '../../../src/platform/firewall/firewall.js';
import { FakeFirewall } from './fake-firewall.js';

const spec = (n: number): BlockSpec => ({ cidr: `203.0.113.${n}/32`, family: 4, port: null, timeoutSeconds: 300 });

describe('FirewallQueue', () => {
  test('a single change is applied at once, in its own batch', async () => {
    const fw = new FakeFirewall();
    const q = new FirewallQueue(fw);
    await q.add(spec(1));
    assert.deepEqual(fw.applies, [{ add: [spec(1)], remove: [] }]);
    assert.equal(q.batches, 1);
  });

  test('changes arriving while a batch runs go into exactly one next apply (adds and removes together)', async () => {
    const fw = new FakeFirewall();
    const release = fw.hold();
    const q = new FirewallQueue(fw);
    const first = q.add(spec(1));
    await fw.applyCalled(1);
    const rest = [q.add(spec(2)), q.remove(spec(3)), q.add(spec(4)), q.remove(spec(5))];
    assert.equal(fw.applies.length, 1, 'nothing more runs while the first batch is in flight');
    release();
    await Promise.all([first, ...rest]);
    assert.equal(fw.applies.length, 2);
    assert.deepEqual(fw.applies[1], { add: [spec(2), spec(4)], remove: [spec(3), spec(5)] });
    assert.equal(q.batches, 2);
    await q.idle();
  });

  test('a failing batch rejects every promise of that batch with the firewall error; the next batch still runs', async () => {
    const fw = new FakeFirewall();
    const err = new Error('nft: Error: Could not process rule: No such file or directory');
    fw.failApply = (i) => (i === 1 ? err : null);
    const release = fw.hold();
    const q = new FirewallQueue(fw);
    const first = q.add(spec(1));
    await fw.applyCalled(1);
    const second = [q.add(spec(2)), q.remove(spec(3)), q.add(spec(4))];
    release();
    await first;
    const settled = await Promise.allSettled(second);
    assert.ok(settled.every((s) => s.status === 'rejected' && s.reason === err));
    const third = q.add(spec(5));
    await third;
    assert.equal(fw.applies.length, 3);
    assert.equal(q.batches, 2);
  });

  test('idle() resolves once nothing is queued or running, and the queue is usable again afterwards', async () => {
    const fw = new FakeFirewall();
    const release = fw.hold();
    const q = new FirewallQueue(fw);
    void q.add(spec(1));
    await fw.applyCalled(1);
    void q.add(spec(2));
    let idle = false;
    const waiting = q.idle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    assert.equal(idle, false);
    release();
    await waiting;
    assert.equal(fw.applies.length, 2);
    await q.add(spec(3));
    assert.equal(fw.applies.length, 3);
  });
});
