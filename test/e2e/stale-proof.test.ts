/**
 * Stale proof: a visitor completes real handshakes with our web server; later
 * a blind SYN scan forged with the visitor's address (hping3 -a VISITOR --scan 1-100) must not get
 * it blocked — its old proof is not evidence for flows that never completed, nor are its visits
 * during the scan. The visitor's next request still works. A real connect scan from another
 * address is still blocked (its handshakes with three open services are its own proof). Real kernel, nftables, hping3, nmap, curl, in namespaces made here.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execIn, stopChild, type NetnsPair } from '../support/netns.js';
import { addAttackerAddress, cliIn, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { blockedEvents, ruleset, spoofedScan, startEngine, startWebServer, visit } from '../support/trust-attack.js';

const skipReason = cliNetnsSkipReason(['ip', 'nmap', 'hping3', 'nft', 'curl', 'python3', 'ss']);
/** Where the forged scan really comes from, and the real scanner of the positive control. */
const FORGER = '10.88.0.3';
const SCANNER = '10.88.0.4';

let net: NetnsPair;
let tmp: string;

useNetnsSuite(skipReason, 'snoopy-stale-proof-', (pair, dir) => {
  net = pair;
  tmp = dir;
  addAttackerAddress(net, `${FORGER}/24`);
  addAttackerAddress(net, `${SCANNER}/24`);
});

describe('stale proof', { skip: skipReason ?? false }, () => {
  test("a visitor's old handshakes never bless a blind scan forged with its address; a real scanner is still blocked", async () => {
    const www = join(tmp, 'www');
    mkdirSync(www);
    // Three open services: a real connect scan of 1-100 proves itself on all three.
    const servers = [await startWebServer(net, www, 80), await startWebServer(net, www, 81), await startWebServer(net, www, 82)];
    const visitor = net.attackerV4;
    const engine = await startEngine(net, tmp);
    try {
      // Real visits: complete handshakes, proven flows of the visitor.
      for (let i = 0; i < 3; i++) assert.equal(await visit(net, visitor), true, 'the visitor reaches the web server');
      await new Promise((r) => setTimeout(r, 1500));
      // The blind scan, sent from FORGER with the visitor's address as source.
      await spoofedScan(net, visitor);
      const scan = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'PORT_SCAN' && j.attacker_ip === visitor, 15_000, 'PORT_SCAN alert naming the visitor');
      assert.notEqual(scan.json!.action, 'blocked');
      assert.match(String((scan.json!.attack_details as Record<string, unknown>).response_note), /not auto-blocked yet/);
      // Visits during and after the scan: proven flows again, but not the scan's.
      assert.equal(await visit(net, visitor), true, 'the visitor still reaches the web server right after the scan');
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(blockedEvents(engine, visitor), [], 'the visitor was never blocked');
      assert.doesNotMatch(ruleset(net), /10\.88\.0\.1\b/);
      assert.equal(await visit(net, visitor), true, "the visitor's next request works");

      // Positive control: a real connect scan completes handshakes on port 80, its own proof.
      await execIn(net.attacker, ['nmap', '-n', '-Pn', '-sT', '-S', SCANNER, '-e', net.attackerIf, '-p', '1-100', '--max-retries', '0', net.victimV4], 60_000);
      await engine.waitForLine((j) => j.event_type === 'block' && j.action === 'blocked' && j.address === SCANNER, 15_000, 'the real scanner blocked');
      assert.match(ruleset(net), /10\.88\.0\.4/);
      assert.deepEqual(blockedEvents(engine, visitor), [], 'still never the visitor');
      const stats = engine.byType('stats').at(-1)!.json!;
      assert.ok(Number(stats.proofs_accepted) >= 1, JSON.stringify(stats));
    } finally {
      await engine.interrupt(20_000);
      for (const s of servers) await stopChild(s);
      cliIn(net.victim, ['--flush', '--firewall', 'nftables', '--history', join(tmp, 'history.json')]);
    }
  });
});
