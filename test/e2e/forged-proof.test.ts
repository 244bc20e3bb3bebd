/**
 * Forged proof: an attacker on the victim's link forges a complete handshake
 * — SYN, a SYN-ACK "from the victim" with a number the attacker chose, and the ACK matching it —
 * as raw frames (test/support/forge-handshake.py, AF_PACKET), then a blind SYN scan with the same
 * forged source. The address never sent anything; it must not be blocked. Also: a forged
 * handshake between two other hosts, and one over IPv6 from ::ffff:a.b.c.d (which would read as
 * the IPv4 address). Real kernel (it answers the forged SYN itself), nftables, hping3.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stopChild, type NetnsPair } from '../support/netns.js';
import { addAttackerAddress, cliIn, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { blockedEvents, forgeHandshake, ruleset, spoofedScan, startEngine, startWebServer } from '../support/trust-attack.js';

const skipReason = cliNetnsSkipReason(['ip', 'hping3', 'nft', 'python3', 'ss']);
/** Where the forger really sends from. */
const FORGER = '10.88.0.3';
/** Addresses nobody in the namespaces owns: hosts that never sent a packet. */
const INNOCENT = '10.88.0.77';
const CLOSED_PORT_VICTIM = '10.88.0.78';
const OTHER_A = '10.88.0.79';
const OTHER_B = '10.88.0.80';
const MAPPED = '10.88.0.81';

let net: NetnsPair;
let tmp: string;

useNetnsSuite(skipReason, 'snoopy-forged-proof-', (pair, dir) => {
  net = pair;
  tmp = dir;
  addAttackerAddress(net, `${FORGER}/24`);
});

describe('forged proof', { skip: skipReason ?? false }, () => {
  test('forged handshakes (to an open port, a closed port, between two other hosts, from ::ffff:a.b.c.d) never get their address blocked', async () => {
    const www = join(tmp, 'www');
    mkdirSync(www);
    const server = await startWebServer(net, www, 80);
    const engine = await startEngine(net, tmp);
    try {
      // To our open port 80: our kernel also answers the forged SYN (its own SYN-ACK, another number).
      await forgeHandshake(net, INNOCENT, net.victimV4, 80);
      // To a closed port: our kernel answers with a reset; the forged SYN-ACK is the only one.
      await forgeHandshake(net, CLOSED_PORT_VICTIM, net.victimV4, 81);
      // Between two other hosts, seen on our link.
      await forgeHandshake(net, OTHER_A, OTHER_B, 80);
      // Over IPv6 with an IPv4-mapped source, to our IPv6 address.
      await forgeHandshake(net, `::ffff:${MAPPED}`, net.victimV6, 80);
      for (const as of [INNOCENT, CLOSED_PORT_VICTIM, OTHER_A, MAPPED]) await spoofedScan(net, as);
      for (const as of [INNOCENT, CLOSED_PORT_VICTIM, OTHER_A, MAPPED]) {
        const alert = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'PORT_SCAN' && j.attacker_ip === as, 15_000, `PORT_SCAN alert naming ${as}`);
        assert.notEqual(alert.json!.action, 'blocked', as);
      }
      await new Promise((r) => setTimeout(r, 2500));
      for (const as of [INNOCENT, CLOSED_PORT_VICTIM, OTHER_A, MAPPED]) assert.deepEqual(blockedEvents(engine, as), [], `${as} was blocked`);
      const rules = ruleset(net);
      for (const as of [INNOCENT, CLOSED_PORT_VICTIM, OTHER_A, MAPPED]) assert.ok(!rules.includes(as), `${as} in the ruleset:\n${rules}`);
      const stats = engine.byType('stats').at(-1)!.json!;
      // The handshake between two other hosts is refused as a proof (its responder is not us).
      assert.ok(Number(stats.proofs_refused) >= 1, JSON.stringify(stats));
    } finally {
      await engine.interrupt(20_000);
      await stopChild(server);
      cliIn(net.victim, ['--flush', '--firewall', 'nftables', '--history', join(tmp, 'history.json')]);
    }
  });
});
