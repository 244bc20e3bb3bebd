import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { harness, type Harness } from './block-manager-harness.js';
import { settle } from './fake-firewall.js';

/** A started manager whose first block is done: the firewall is set up and the SSH list read. */
async function afterFirstBlock(t: TestContext): Promise<{ h: Harness; before: number }> {
  const h = harness();
  t.after(() => h.manager.stop(false));
  await h.manager.start(null);
  h.proven.add('203.0.113.7');
  h.manager.onAlert(h.alert('203.0.113.7'));
  await settle();
  return { h, before: h.firewall.applies.length };
}

test('with a fresh SSH session list and the firewall set up, the block reaches the firewall before onAlert returns', async (t) => {
  const { h, before } = await afterFirstBlock(t);
  h.proven.add('203.0.113.8');
  h.manager.onAlert(h.alert('203.0.113.8'));
  assert.equal(h.firewall.applies.length, before + 1, 'applied within the call, not after the packet path returns');
  assert.deepEqual(h.firewall.applies[before]!.add.map((s) => s.cidr), ['203.0.113.8/32']);
});

test('a stale SSH session list is read again before the block goes to the firewall', async (t) => {
  const { h, before } = await afterFirstBlock(t);
  // The admin logged in from the attacker's address since the list was read.
  h.host.ssh.push('203.0.113.8');
  h.clock.now += 10_000;
  h.proven.add('203.0.113.8');
  h.manager.onAlert(h.alert('203.0.113.8'));
  await settle();
  assert.equal(h.firewall.applies.length, before, 'nothing applied: the new list protects it');
  assert.equal(h.blockEvents().at(-1)?.action, 'suppressed');
});
