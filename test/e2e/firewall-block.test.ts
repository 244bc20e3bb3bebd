/**
 * End to end, with the real firewall: the built binary runs headless inside a victim
 * namespace with --auto-block and a real backend (nftables; iptables + ipset), real nmap scans
 * from attacker address A, and real TCP connects from A and from a second attacker address B.
 * Every firewall change happens inside the victim namespace this file creates — never on the
 * host's own rule set.
 *
 * Needs root, ip netns, nmap, curl, python3, nft, iptables, ipset and a built dist/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execIn, spawnIn, waitForExit, type NetnsPair } from '../support/netns.js';
import { addAttackerAddress, cliIn, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { waitFor } from '../support/wait-for.js';
import { HeadlessProcess } from './headless-process.js';

const TOOLS = ['ip', 'nmap', 'curl', 'python3', 'nft', 'iptables', 'ipset'];
const WEB_PORT = 8080;
/** A second address on the attacker side: it does nothing wrong and must keep its access. */
const ADDRESS_B = '10.88.0.3';
/** The same on IPv6: the attacker's fd88::1 scans, fd88::3 does nothing wrong. */
const ADDRESS_B6 = 'fd88::3';

const skipReason = cliNetnsSkipReason(TOOLS);

let net: NetnsPair;
let tmp: string;

useNetnsSuite(skipReason, 'snoopy-fw-', async (pair, dir) => {
  net = pair;
  tmp = dir;
  addAttackerAddress(net, `${ADDRESS_B}/24`);
  addAttackerAddress(net, `${ADDRESS_B6}/64`);
  // `::` takes IPv4 too (as ::ffff:a.b.c.d): one server for both families.
  spawnIn(net.victim, ['python3', '-m', 'http.server', '--bind', '::', String(WEB_PORT)], { stdio: 'ignore', cwd: tmp });
  // Two more open services: a scan is proven by handshakes with three, which a real connect scan finds.
  for (const extra of [WEB_PORT + 1, WEB_PORT + 2]) spawnIn(net.victim, ['python3', '-m', 'http.server', '--bind', '::', String(extra)], { stdio: 'ignore', cwd: tmp });
  await waitFor(() => connects(net.attackerV4), { timeoutMs: 20_000, intervalMs: 100, message: 'the web server in the victim namespace' });
});

/** A TCP connect + HTTP GET from `source` to the victim's web server: true when it answers. */
async function connects(source: string): Promise<boolean> {
  const target = source.includes(':') ? `[${net.victimV6}]` : net.victimV4;
  try {
    await execIn(net.attacker, ['curl', '-s', '-o', '/dev/null', '--interface', source, '--connect-timeout', '1.5', '--max-time', '2', `http://${target}:${WEB_PORT}/`], 5000);
    return true;
  } catch {
    return false;
  }
}

/** Starts the engine in the victim namespace; resolves once its first stats line shows it capturing. */
async function startEngine(args: string[]): Promise<HeadlessProcess> {
  const engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '0.2', '--no-fail2ban', '--log-dir', join(tmp, 'logs'), ...args]);
  await engine.waitForLine((j) => j.event_type === 'stats', 10_000, 'first stats line');
  return engine;
}

/** nmap connect scan from A: it completes handshakes with the open port, so A proves it is real. */
async function connectScanFromA(): Promise<void> {
  await execIn(net.attacker, ['nmap', '-n', '-Pn', '-sT', '-S', net.attackerV4, '-e', net.attackerIf, '-p', `1-60,${WEB_PORT}-${WEB_PORT + 2}`, '--max-retries', '0', net.victimV4], 60_000);
}

function nftSet(name: string): string {
  return execFileSync('ip', ['netns', 'exec', net.victim, 'nft', 'list', 'set', 'inet', 'snoopy', name], { encoding: 'utf8' });
}

const BACKENDS = [
  { label: 'nftables', backend: 'nftables', variant: null, save: ['nft', 'list', 'ruleset'] },
  // Debian 12's `iptables` is iptables-nft; the legacy x_tables flavour is chosen by config key.
  { label: 'iptables (nft) + ipset', backend: 'iptables', variant: 'nft', save: ['iptables-nft-save'] },
  { label: 'iptables-legacy + ipset', backend: 'iptables', variant: 'legacy', save: ['iptables-legacy-save'] },
] as const;

for (const { label, backend, variant, save } of BACKENDS) {
  describe(`blocking with ${label}`, { skip: skipReason ?? false }, () => {
    test('nmap from A → A blocked in the kernel, B still connects; after the block duration A connects again', async () => {
      const history = join(tmp, `history-${backend}-${variant}.json`);
      const configArgs: string[] = [];
      if (variant !== null) {
        const file = join(tmp, `config-${variant}.json`);
        writeFileSync(file, JSON.stringify({ iptablesVariant: variant }));
        configArgs.push('-c', file);
      }
      const engine = await startEngine(['--firewall', backend, ...configArgs, '--auto-block', '--block-duration', '4', '--history', history]);
      try {
        await connectScanFromA();
        const alert = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'PORT_SCAN', 10_000, 'PORT_SCAN alert');
        const block = await engine.waitForLine((j) => j.event_type === 'block' && j.address === net.attackerV4 && j.action === 'blocked', 10_000, 'block event for A');
        assert.equal(block.json!.firewall, backend);
        assert.equal(block.json!.alert_id, alert.json!.id);
        assert.equal(await connects(net.attackerV4), false, 'A must not reach the web server while blocked');
        assert.equal(await connects(ADDRESS_B), true, 'B was never blocked and must still connect');
        if (backend === 'nftables') assert.match(nftSet('addr4'), new RegExp(`${net.attackerV4.replaceAll('.', '\\.')} timeout`));
        else {
          assert.match(execFileSync('ip', ['netns', 'exec', net.victim, 'ipset', 'list', 'snoopy-addr4'], { encoding: 'utf8' }), new RegExp(net.attackerV4.replaceAll('.', '\\.')));
          assert.match(execFileSync('ip', ['netns', 'exec', net.victim, ...save], { encoding: 'utf8' }), /-A INPUT -j SNOOPY[\s\S]*--match-set snoopy-addr4 src/);
        }
        await engine.waitForLine((j) => j.event_type === 'unblock' && j.address === net.attackerV4 && j.reason === 'expired', 10_000, 'unblock (expired) for A');
        await waitFor(() => connects(net.attackerV4), { timeoutMs: 10_000, intervalMs: 100, message: 'A connecting again after the block expired' });
      } finally {
        await engine.interrupt();
      }
      const flush = cliIn(net.victim, ['--flush', '--firewall', backend, ...configArgs, '--history', history]);
      assert.match(flush, new RegExp(`${backend}: removed our rules`));
      assert.doesNotMatch(execFileSync('ip', ['netns', 'exec', net.victim, ...save], { encoding: 'utf8' }), /snoopy|SNOOPY/);
      if (backend === 'iptables') assert.doesNotMatch(execFileSync('ip', ['netns', 'exec', net.victim, 'ipset', 'list', '-n'], { encoding: 'utf8' }), /snoopy/);
    });
  });
}

describe('blocking over IPv6 (nftables)', { skip: skipReason ?? false }, () => {
  test('nmap -6 from A → A blocked (as /128: its /64 holds our own address), B still connects', async () => {
    const history = join(tmp, 'history-v6.json');
    const engine = await startEngine(['--firewall', 'nftables', '--auto-block', '--block-duration', '30', '--history', history]);
    try {
      await waitFor(() => connects(net.attackerV6), { timeoutMs: 10_000, intervalMs: 100, message: 'the web server over IPv6' });
      await execIn(net.attacker, ['nmap', '-6', '-n', '-Pn', '-sT', '-S', net.attackerV6, '-e', net.attackerIf, '-p', `1-60,${WEB_PORT}-${WEB_PORT + 2}`, '--max-retries', '0', net.victimV6], 60_000);
      const block = await engine.waitForLine((j) => j.event_type === 'block' && j.address === net.attackerV6 && j.action === 'blocked', 10_000, 'block event for the IPv6 attacker');
      assert.equal(block.json!.network, `${net.attackerV6}/128`, 'the /64 is shared with the victim, so only the address is blocked');
      assert.match(nftSet('addr6'), /fd88::1 timeout/);
      assert.equal(await connects(net.attackerV6), false, 'the IPv6 attacker is cut off');
      assert.equal(await connects(ADDRESS_B6), true, 'another address of the same /64 still connects');
      assert.equal(await connects(ADDRESS_B), true);
    } finally {
      await engine.interrupt();
    }
    cliIn(net.victim, ['--flush', '--firewall', 'nftables', '--history', history]);
    assert.equal(await connects(net.attackerV6), true);
  });
});

describe('crash recovery', { skip: skipReason ?? false }, () => {
  test('kill -9 with a block active → on restart the block is in force with its remaining time, no duplicate', async () => {
    const history = join(tmp, 'history-crash.json');
    const first = await startEngine(['--firewall', 'nftables', '--auto-block', '--block-duration', '120', '--history', history]);
    await connectScanFromA();
    await first.waitForLine((j) => j.event_type === 'block' && j.address === net.attackerV4 && j.action === 'blocked', 10_000, 'block event for A');
    // The history is written at once for blocks: crash hard once the block is in the file.
    await waitFor(() => historyHasBlock(history, net.attackerV4), { timeoutMs: 10_000, intervalMs: 50, message: `the block of ${net.attackerV4} in ${history}` });
    first.kill();
    await waitForExit(first.child, 10_000, 'the engine after SIGKILL');
    const expiresBefore = expiresSeconds(nftSet('addr4'), net.attackerV4);
    assert.ok(expiresBefore !== null && expiresBefore < 120, `kernel entry survives the crash with its timeout running (${expiresBefore})`);
    assert.equal(await connects(net.attackerV4), false, 'still blocked while no engine runs');

    const second = await startEngine(['--firewall', 'nftables', '--auto-block', '--block-duration', '120', '--history', history]);
    try {
      assert.match(second.stderr, /1 block\(s\) restored from the history/);
      const listing = nftSet('addr4');
      const occurrences = listing.split(net.attackerV4).length - 1;
      assert.equal(occurrences, 1, `exactly one element for A: ${listing}`);
      const expiresAfter = expiresSeconds(listing, net.attackerV4);
      assert.ok(expiresAfter !== null && expiresAfter <= expiresBefore! + 1 && expiresAfter > 100, `remaining time kept, not reset to 120 s (${expiresBefore} → ${expiresAfter})`);
      assert.equal(await connects(net.attackerV4), false);
      assert.equal(await connects(ADDRESS_B), true);
    } finally {
      await second.interrupt();
    }
    // The manual unblock command: the kernel entry goes, the history records it.
    const unblock = cliIn(net.victim, ['--unblock', net.attackerV4, '--firewall', 'nftables', '--history', history]);
    assert.match(unblock, new RegExp(`removed ${net.attackerV4.replaceAll('.', '\\.')}/32`));
    assert.equal(await connects(net.attackerV4), true, '--unblock removed the block');
    assert.match(readFileSync(history, 'utf8'), /"kind": ?"unblock"/);
    cliIn(net.victim, ['--flush', '--firewall', 'nftables', '--history', history]);
  });
});

/** The history file holds a block entry for `address` (false while it is missing or being replaced). */
function historyHasBlock(file: string, address: string): boolean {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { entries?: { kind?: string; address?: string }[] };
    return (data.entries ?? []).some((e) => e.kind === 'block' && e.address === address);
  } catch {
    return false;
  }
}

/** Seconds left on `address`'s element in an `nft list set` listing (`expires 1m57s812ms`). */
function expiresSeconds(listing: string, address: string): number | null {
  const m = new RegExp(`${address.replaceAll('.', '\\.')} timeout \\S+ expires ((?:\\d+h)?(?:\\d+m)?(?:\\d+s)?(?:\\d+ms)?)`).exec(listing);
  if (m === null) return null;
  const part = (unit: string) => Number(new RegExp(`(\\d+)${unit}(?![a-z])`).exec(m[1]!)?.[1] ?? 0);
  return part('h') * 3600 + part('m') * 60 + part('s') + part('ms') / 1000;
}

