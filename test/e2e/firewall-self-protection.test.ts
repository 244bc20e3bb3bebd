/**
 * Self-protection end to end: the admin is logged in over SSH from
 * address S; a SYN flood forged with S as its source, and a real connect scan from S, must
 * never get S blocked — the engine finds the live session with `ss` inside the victim
 * namespace — and the SSH session survives. Real sshd, hping3, nmap and nftables, all inside
 * namespaces this file creates.
 *
 * Needs root, ip netns, sshd/ssh, hping3, nmap, nft and a built dist/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execIn, spawnIn, waitForExit, type NetnsPair } from '../support/netns.js';
import { addAttackerAddress, cliIn, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { waitFor } from '../support/wait-for.js';
import { HeadlessProcess } from './headless-process.js';

const TOOLS = ['ip', 'nmap', 'hping3', 'ssh', 'ssh-keygen', 'nft', 'ss'];
/** Where the forged flood really comes from: another address on the attacker side. */
const FORGER = '10.88.0.3';

const skipReason = existsSync('/usr/sbin/sshd') ? cliNetnsSkipReason(TOOLS) : 'sshd is not installed (openssh-server)';

let net: NetnsPair;
let tmp: string;
let sshd: TestSshd;

useNetnsSuite(skipReason, 'snoopy-selfprot-', async (pair, dir) => {
  net = pair;
  tmp = dir;
  addAttackerAddress(net, `${FORGER}/24`);
  sshd = startSshd(net.victim, join(tmp, 'ssh'));
  await waitFor(() => execFileSync('ip', ['netns', 'exec', net.victim, 'ss', '-Htln', 'sport', '= :22'], { encoding: 'utf8' }).includes(':22'), {
    timeoutMs: 20_000,
    intervalMs: 50,
    message: 'sshd listening on port 22 in the victim namespace',
  });
});

describe('self-protection', { skip: skipReason ?? false }, () => {
  test("a flood forged with the admin's SSH address and a real scan from it never block it; the session survives", async () => {
    const admin = net.attackerV4;
    // The admin's session: it prints "alive" only if its TCP connection still works 12 s later.
    const session = spawnIn(net.attacker, [...sshd.sshArgv(net.victimV4, admin), 'sleep 12; echo alive']);
    let sessionOut = '';
    session.stdout!.setEncoding('utf8');
    session.stdout!.on('data', (s: string) => (sessionOut += s));
    await waitFor(() => execFileSync('ip', ['netns', 'exec', net.victim, 'ss', '-Htn', 'state', 'established', 'sport', '= :22'], { encoding: 'utf8' }).includes(admin), {
      timeoutMs: 20_000,
      intervalMs: 100,
      message: () => `the admin's SSH session to be established (ssh output so far: ${JSON.stringify(sessionOut)})`,
    });

    const history = join(tmp, 'history.json');
    const engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '0.2', '--no-fail2ban', '--firewall', 'nftables', '--auto-block', '--block-duration', '60', '--history', history, '--log-dir', join(tmp, 'logs')]);
    try {
      await engine.waitForLine((j) => j.event_type === 'stats', 10_000, 'first stats line');
      // ~5000 SYN/s for 3 s from FORGER with the admin's address as source.
      await execIn(net.attacker, ['hping3', '-q', '-S', '-p', '22', '-a', admin, '-i', 'u200', '-c', '15000', net.victimV4], 30_000).catch(() => undefined);
      // And a real scan from the admin's address (it completes handshakes: a proven source).
      await execIn(net.attacker, ['nmap', '-n', '-Pn', '-sT', '-S', admin, '-e', net.attackerIf, '-p', '1-40', '--max-retries', '0', net.victimV4], 60_000);
      const flood = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'SYN_FLOOD' && j.attacker_ip === admin, 10_000, 'SYN_FLOOD alert from the forged address');
      const scan = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'PORT_SCAN' && j.attacker_ip === admin, 10_000, 'PORT_SCAN alert from the admin address');
      for (const alert of [flood, scan]) {
        assert.equal(alert.json!.action, 'suppressed', `alert ${String(alert.json!.attack_type)} must be suppressed`);
        assert.match(String((alert.json!.attack_details as Record<string, unknown>).response_note), /live SSH peer/);
      }
      const suppressed = engine.byType('block').map((l) => l.json!);
      assert.ok(suppressed.length > 0 && suppressed.every((b) => b.action === 'suppressed' && /live SSH peer/.test(String(b.detail))), JSON.stringify(suppressed));
      assert.ok(!engine.byType('block').some((l) => l.json!.action === 'blocked'), 'nothing was blocked');
      // Nothing was blocked, so our table was never even created (or holds no admin address).
      assert.doesNotMatch(execFileSync('ip', ['netns', 'exec', net.victim, 'nft', 'list', 'ruleset'], { encoding: 'utf8' }), new RegExp(admin.replaceAll('.', '\\.')));
    } finally {
      await engine.interrupt();
    }
    await waitForExit(session, 20_000, 'ssh session');
    assert.equal(sessionOut.trim(), 'alive', 'the SSH session kept working through the flood');
    cliIn(net.victim, ['--flush', '--firewall', 'nftables', '--history', history]);
  });
});
