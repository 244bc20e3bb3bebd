import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newFleetStatus } from '../../../src/model/fleet-status.js';
import { fleetSummary } from '../../../src/ui/components/fleet-badge.js';

describe('the fleet badge in the header', () => {
  test('connecting, ok with decisions and the last pull, down with what waits to be pushed', () => {
    const f = newFleetStatus('http://10.0.0.5:8080', { push: true, pull: true });
    assert.deepEqual(fleetSummary(f, 0), { text: 'fleet connecting · 0 bans · no pull yet', tone: 'warning' });
    Object.assign(f, { connected: true, lastPullAt: 10_000, decisions: 3 });
    assert.deepEqual(fleetSummary(f, 12_500), { text: 'fleet ok · 3 bans · pulled 2s ago', tone: 'ok' });
    Object.assign(f, { connected: false, pushQueued: 2 });
    assert.equal(fleetSummary(f, 72_000).text, 'fleet DOWN · 3 bans · pulled 1m ago · 2 to push');
    const pushOnly = { ...newFleetStatus('http://x', { push: true, pull: false }), connected: true, lastPushAt: 1 };
    assert.equal(fleetSummary(pushOnly, 5).text, 'fleet ok');
  });
});
