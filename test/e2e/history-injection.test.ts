/**
 * Injection from the history file: block entries still in force are
 * re-applied at start, and their `port.protocol` used to be pasted into the `nft -f -` batch. A
 * crafted entry (an nft statement in `protocol`, a network that is not one, a port out of range)
 * must be refused with one line, and the ruleset must stay exactly as it was.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { NetnsPair } from '../support/netns.js';
import { cliIn, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { ruleset, startEngine } from '../support/trust-attack.js';

const skipReason = cliNetnsSkipReason(['ip', 'nft']);

let net: NetnsPair;
let tmp: string;

useNetnsSuite(skipReason, 'snoopy-history-injection-', (pair, dir) => {
  net = pair;
  tmp = dir;
});

describe('history file injection', { skip: skipReason ?? false }, () => {
  test('crafted block entries are refused with one line; the ruleset is unchanged', async () => {
    const at = new Date().toISOString();
    const block = (fields: Record<string, unknown>) => ({ kind: 'block', at, address: '203.0.113.9', reason: 'PORT_SCAN detected', durationSeconds: 3600, action: 'blocked', ...fields });
    const history = join(tmp, 'history.json');
    writeFileSync(
      history,
      JSON.stringify({
        version: 1,
        entries: [
          // The attack of the issue: an nft statement in the protocol field.
          block({ network: '203.0.113.9/32', port: { protocol: 'tcp dport 22 drop; add rule inet filter input tcp dport 22 drop; tcp', number: 22 } }),
          block({ address: '203.0.113.10', network: '203.0.113.10/32 } ; flush ruleset ; add element inet snoopy addr4 { 1.2.3.4', port: null }),
          block({ address: '203.0.113.11', network: '203.0.113.11/32', port: { protocol: 'tcp', number: 70_000 } }),
          block({ address: '1.2.3.4; flush ruleset', port: null }),
        ],
      }),
    );
    const before = ruleset(net);
    const engine = await startEngine(net, tmp, ['--history', history]);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const after = ruleset(net);
      assert.equal(after, before, 'the ruleset is unchanged');
      assert.doesNotMatch(after, /dport 22/);
      const lines = engine.stderr.trim().split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, engine.stderr);
      assert.match(lines[0]!, /^snoopy-tui: history file .*history\.json: 4 invalid entries dropped; the original is kept as .*history\.json\.corrupt-/);
      assert.deepEqual(engine.byType('block'), [], 'nothing restored, nothing blocked');
    } finally {
      await engine.interrupt(20_000);
    }
    assert.equal(ruleset(net), before);
    // The crafted entries are gone from the history; the original is kept aside for a look.
    const kept = JSON.parse(execFileSync('cat', [history], { encoding: 'utf8' })) as { entries: unknown[] };
    assert.equal(kept.entries.length, 0);
    cliIn(net.victim, ['--flush', '--firewall', 'nftables', '--history', history]);
  });
});
