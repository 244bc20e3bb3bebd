/** BlockManager's fleet methods: decisions another host made, enforced here with self-protection. */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { harness, type Harness, type HarnessOptions } from './block-manager-harness.js';

async function started(t: TestContext, o: HarnessOptions = {}): Promise<Harness> {
  const h = harness(o);
  t.after(() => h.manager.stop(false));
  await h.manager.start(null);
  return h;
}

const decision = (network: string, over: Partial<{ remainingSeconds: number; origin: string }> = {}) => ({ network, remainingSeconds: 1234, origin: 'web-2', reason: 'snoopy/port-scan (fleet: web-2)', ...over });

describe('fleet decisions in the block manager', () => {
  test('enforced for their remaining time with their origin, no escalation', async (t) => {
    const h = await started(t);
    const r = await h.manager.enforceFleetDecision(decision('203.0.113.7'));
    assert.equal(r?.action, 'blocked');
    assert.equal(r?.origin, 'web-2');
    assert.deepEqual(h.firewall.applies.at(-1)?.add, [{ cidr: '203.0.113.7/32', family: 4, port: null, timeoutSeconds: 1234 }]);
    assert.equal(h.blockEvents().at(-1)?.origin, 'web-2');
    assert.equal(h.records.at(-1)?.record.origin, 'web-2');
    assert.equal(r?.offense, 0, 'another host decided: no offense counted here');
    assert.equal(await h.manager.enforceFleetDecision(decision('203.0.113.7/32')), null, 'already held: nothing doubled');
  });

  test('ranges too; a range or address that holds a protected address is suppressed', async (t) => {
    const h = await started(t, { host: { ssh: ['198.51.100.20'] } });
    assert.equal((await h.manager.enforceFleetDecision(decision('192.0.2.0/24')))?.action, 'blocked');
    const own = await h.manager.enforceFleetDecision(decision('10.0.2.15', { origin: 'cscli' }));
    assert.equal(own?.action, 'suppressed');
    assert.match(own?.detail ?? '', /protected/);
    assert.equal((await h.manager.enforceFleetDecision(decision('198.51.100.0/24')))?.action, 'suppressed', 'a range over an SSH peer');
    assert.equal((await h.manager.enforceFleetDecision(decision('::ffff:10.0.2.2')))?.action, 'suppressed', 'the gateway, however it is spelt');
    const added = h.firewall.applies.flatMap((a) => a.add.map((s) => s.cidr));
    assert.deepEqual(added, ['192.0.2.0/24']);
  });

  test('lifting takes only fleet blocks; a block this host made stays', async (t) => {
    const h = await started(t);
    await h.manager.block('203.0.113.8', 300, 'manual');
    assert.equal(await h.manager.enforceFleetDecision(decision('203.0.113.8')), null);
    assert.equal(await h.manager.liftFleetDecision('203.0.113.8/32'), null);
    assert.ok(h.manager.active().some((b) => b.address === '203.0.113.8'));
    await h.manager.enforceFleetDecision(decision('203.0.113.9'));
    const lifted = await h.manager.liftFleetDecision('203.0.113.9');
    assert.equal(lifted?.origin, 'web-2');
    assert.ok(!h.manager.active().some((b) => b.address === '203.0.113.9'));
    assert.deepEqual(h.firewall.applies.at(-1)?.remove.map((s) => s.cidr), ['203.0.113.9/32']);
  });

  test('nothing for junk or spent decisions', async (t) => {
    const h = await started(t);
    assert.equal(await h.manager.enforceFleetDecision(decision('not-an-address')), null);
    assert.equal(await h.manager.enforceFleetDecision(decision('203.0.113.10', { remainingSeconds: 0 })), null);
    assert.equal(h.firewall.applies.length, 0);
  });
});
