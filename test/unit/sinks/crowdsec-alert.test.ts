import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BlockRecord } from '../../../src/model/block-record.js';
import { crowdsecAlert, scenarioName } from '../../../src/sinks/crowdsec/crowdsec-alert.js';

const record = (over: Partial<BlockRecord> = {}): BlockRecord => ({ address: '203.0.113.7', network: '203.0.113.7/32', port: null, reason: 'PORT_SCAN detected', createdAt: Date.parse('2026-03-01T12:00:00Z'), expiresAt: Date.parse('2026-03-01T12:10:00Z'), action: 'blocked', offense: 1, firewall: 'nftables', attackType: 'PORT_SCAN', ...over });

describe('alerts for the Local API', () => {
  test('scenario names', () => {
    assert.equal(scenarioName('PORT_SCAN'), 'snoopy/port-scan');
    assert.equal(scenarioName('SSH_BRUTE_FORCE'), 'snoopy/ssh-brute-force');
    assert.equal(scenarioName(undefined), 'snoopy/manual');
    assert.equal(scenarioName('weird/../x'), 'snoopy/manual');
  });
  test('an Ip ban with the block duration in Go syntax, our machine as origin', () => {
    const a = crowdsecAlert(record(), undefined, 'web-1') as Record<string, any>;
    assert.deepEqual(a.decisions, [{ origin: 'web-1', type: 'ban', scope: 'Ip', value: '203.0.113.7', duration: '600s', scenario: 'snoopy/port-scan' }]);
    assert.deepEqual(a.source, { scope: 'Ip', value: '203.0.113.7', ip: '203.0.113.7' });
    for (const k of ['scenario', 'scenario_hash', 'scenario_version', 'message', 'events_count', 'start_at', 'stop_at', 'capacity', 'leakspeed', 'simulated', 'events', 'source']) assert.ok(k in a, k);
  });
  test('an IPv6 /64 block is a Range; attacker text in the reason is escaped', () => {
    const a = crowdsecAlert(record({ address: '2001:db8::7', network: '2001:db8::/64', reason: 'x\u001b]52;c;\u0007' }), undefined, 'web-1') as Record<string, any>;
    assert.deepEqual([a.source.scope, a.source.value, a.decisions[0].scope, a.decisions[0].value], ['Range', '2001:db8::/64', 'Range', '2001:db8::/64']);
    const meta = a.events[0].meta as { key: string; value: string }[];
    assert.equal(meta.find((m) => m.key === 'snoopy_reason')?.value, 'x\\e]52;c;\\a');
  });
});
