/**
 * Self-lockout when `ss` is missing: the admin is logged in over SSH; the
 * engine runs in a private mount namespace (unshare -m) where `ss` is hidden by bind-mounting an
 * empty file over it. A blind scan forged with the admin's address and a real connect scan from
 * it must never block the admin, and the session must survive:
 *  - `ss` hidden: the SSH peers come from /proc/net/tcp{,6} directly (no tool needed): suppressed.
 *  - `ss` hidden and /proc/net unreadable too (a tmpfs over /proc, only the engine's own
 *    /proc/self kept): the peers cannot be listed, so nothing is blocked automatically, and
 *    stderr, the stats line (self_protection) say why.
 * Real sshd, hping3, nmap, nftables, in namespaces made here.
 */
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execIn, spawnIn, waitForExit, type NetnsPair } from '../support/netns.js';
import { cliIn, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { blockedEvents, ruleset, spoofedScan, startEngine } from '../support/trust-attack.js';
import { waitFor } from '../support/wait-for.js';

const SS = execFileSync('sh', ['-c', 'command -v ss'], { encoding: 'utf8' }).trim();
const skipReason = existsSync('/usr/sbin/sshd') ? cliNetnsSkipReason(['ip', 'nmap', 'hping3', 'ssh', 'nft', 'ss', 'unshare']) : 'sshd is not installed (openssh-server)';

let net: NetnsPair;
let tmp: string;
let sshd: TestSshd;

useNetnsSuite(skipReason, 'snoopy-missing-ss-', async (pair, dir) => {
  net = pair;
  tmp = dir;
  sshd = startSshd(net.victim, join(tmp, 'ssh'));
  await waitFor(() => execFileSync('ip', ['netns', 'exec', net.victim, 'ss', '-Htln', 'sport', '= :22'], { encoding: 'utf8' }).includes(':22'), { timeoutMs: 20_000, intervalMs: 50, message: 'sshd listening on port 22' });
});

/** The admin's session: prints "alive" only if its connection still works `seconds` later. */
async function adminSession(seconds: number): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawnIn(net.attacker, [...sshd.sshArgv(net.victimV4, net.attackerV4), `sleep ${seconds}; echo alive`]);
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (s: string) => (out += s));
  await waitFor(() => execFileSync('ip', ['netns', 'exec', net.victim, 'ss', '-Htn', 'state', 'established', 'sport', '= :22'], { encoding: 'utf8' }).includes(net.attackerV4), { timeoutMs: 20_000, intervalMs: 100, message: "the admin's SSH session to be established" });
  return { child, out: () => out };
}

/** `unshare -m` wrapper argv that hides `ss` (and, with `hideProc`, /proc/net) from the engine it execs. */
function hidingWrapper(hideProc: boolean): string[] {
  const empty = join(tmp, 'empty-ss');
  writeFileSync(empty, '');
  const realProc = join(tmp, 'realproc');
  mkdirSync(realProc, { recursive: true });
  const steps = [`mount --bind ${empty} ${SS}`];
  // The engine keeps its own /proc/self (memory, capabilities); /proc/net/tcp{,6} are gone.
  if (hideProc) steps.push(`mount --bind /proc ${realProc}`, 'mount -t tmpfs none /proc', `ln -s ${realProc}/$$ /proc/self`);
  return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `${steps.join(' && ')} && exec "$0" "$@"`];
}

async function attackAsAdmin(): Promise<void> {
  await spoofedScan(net, net.attackerV4);
  // A real connect scan from the admin's own address: proven handshakes (port 22 is open).
  await execIn(net.attacker, ['nmap', '-n', '-Pn', '-sT', '-S', net.attackerV4, '-e', net.attackerIf, '-p', '1-100', '--max-retries', '0', net.victimV4], 60_000);
}

describe('self-protection without ss', { skip: skipReason ?? false }, () => {
  test('ss hidden: the live SSH session is found in /proc/net/tcp; the admin is never blocked and the session survives', async () => {
    const session = await adminSession(15);
    const engine = await startEngine(net, tmp, ['--history', join(tmp, 'h1.json')], hidingWrapper(false));
    try {
      await attackAsAdmin();
      const scan = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'PORT_SCAN' && j.attacker_ip === net.attackerV4, 15_000, 'PORT_SCAN alert naming the admin');
      assert.equal(scan.json!.action, 'suppressed');
      assert.match(String((scan.json!.attack_details as Record<string, unknown>).response_note), /live SSH peer/);
      assert.deepEqual(blockedEvents(engine, net.attackerV4), []);
      assert.ok(!ruleset(net).includes(net.attackerV4));
    } finally {
      await engine.interrupt(20_000);
    }
    await waitForExit(session.child, 30_000, 'ssh session');
    assert.equal(session.out().trim(), 'alive', 'the SSH session kept working');
  });

  test('ss hidden and /proc/net unreadable: no automatic block, a warning on stderr and in the stats line, the session survives', async () => {
    const session = await adminSession(15);
    const engine = await startEngine(net, tmp, ['--history', join(tmp, 'h2.json')], hidingWrapper(true));
    try {
      await waitFor(() => /warning: live SSH sessions cannot be listed .*nothing is blocked automatically/.test(engine.stderr), { timeoutMs: 10_000, intervalMs: 100, message: () => `the warning on stderr (stderr: ${engine.stderr})` });
      await attackAsAdmin();
      const scan = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'PORT_SCAN' && j.attacker_ip === net.attackerV4, 15_000, 'PORT_SCAN alert naming the admin');
      assert.notEqual(scan.json!.action, 'blocked');
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(blockedEvents(engine, net.attackerV4), []);
      assert.ok(!ruleset(net).includes(net.attackerV4));
      const stats = engine.byType('stats').at(-1)!.json!;
      assert.match(String(stats.self_protection), /live SSH sessions cannot be listed/);
    } finally {
      await engine.interrupt(20_000);
    }
    await waitForExit(session.child, 30_000, 'ssh session');
    assert.equal(session.out().trim(), 'alive', 'the SSH session kept working');
    cliIn(net.victim, ['--flush', '--firewall', 'nftables', '--history', join(tmp, 'h2.json')]);
  });
});
