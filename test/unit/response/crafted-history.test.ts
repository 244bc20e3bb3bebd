import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HistoryEntry } from '../../../src/model/history-entry.js';
import { blockSpecProblem } from '../../../src/response/block-spec-check.js';
import { FirewallQueue } from '../../../src/response/firewall-queue.js';
import { historyBlockState } from '../../../src/response/history-blocks.js';
import { isHistoryEntry } from '../../../src/store/history/history-entry.js';
import { FakeFirewall } from './fake-firewall.js';

const at = new Date().toISOString();
const block = (fields: Record<string, unknown>) => ({ kind: 'block', at, address: '203.0.113.9', reason: 'x', durationSeconds: 600, action: 'blocked', ...fields });

describe('history entries are validated like network input', () => {
  test('the store refuses crafted ports, networks, addresses and durations at load', () => {
    assert.ok(isHistoryEntry(block({ network: '203.0.113.9/32', port: { protocol: 'tcp', number: 22 } })));
    assert.ok(isHistoryEntry(block({ address: '2001:db8::1', network: '2001:db8::/64', port: null })));
    for (const bad of [
      block({ port: { protocol: 'tcp dport 22 drop', number: 22 } }),
      block({ port: { protocol: 'tcp', number: 0 } }),
      block({ port: { protocol: 'tcp', number: 22, extra: 1 } }),
      block({ port: { protocol: 'icmp', number: 1 } }),
      block({ network: '203.0.113.9/32 } ; flush ruleset' }),
      block({ address: '1.2.3.4; flush ruleset' }),
      block({ address: 'fe80::1%eth0 ; x' }),
      block({ durationSeconds: 1e30 }),
      block({ attackType: 'NOT_A_TYPE' }),
    ]) assert.equal(isHistoryEntry(bad), false, JSON.stringify(bad));
  });

  test('historyBlockState refuses (one line each) what slipped past: nothing of it reaches the firewall', () => {
    const refused: string[] = [];
    const entries = [block({ port: { protocol: 'tcp dport 22 drop', number: 22 } }), block({ address: '203.0.113.10', port: null })] as unknown as HistoryEntry[];
    const state = historyBlockState(entries, Date.now(), (l) => refused.push(l));
    assert.deepEqual([...state.active.values()].map((b) => b.address), ['203.0.113.10']);
    assert.equal(refused.length, 1);
    assert.match(refused[0]!, /history block entry of "203\.0\.113\.9" .* refused: not a protocol: "tcp dport 22 drop"/);
  });

  test('the firewall queue refuses any spec that is not canonical, before it can share a batch', async () => {
    const fw = new FakeFirewall();
    const q = new FirewallQueue(fw);
    const good = { cidr: '203.0.113.10/32', family: 4 as const, port: null, timeoutSeconds: 60 };
    await assert.rejects(q.add({ ...good, cidr: '203.0.113.10/32 } ; flush ruleset' }), /firewall change refused: not a canonical network/);
    await assert.rejects(q.add({ ...good, port: { protocol: 'tcp dport 22 drop' as 'tcp', number: 22 } }), /not a protocol/);
    await assert.rejects(q.add({ ...good, family: 6 }), /family 6 does not match/);
    await assert.rejects(q.add({ ...good, cidr: '203.0.113.010/32' }), /not a canonical network/);
    await q.add(good);
    assert.deepEqual(fw.applies.map((a) => a.add), [[good]]);
    assert.equal(blockSpecProblem({ ...good, timeoutSeconds: Number.NaN }), 'not a timeout: null');
  });
});
