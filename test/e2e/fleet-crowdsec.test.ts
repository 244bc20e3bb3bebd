/**
 * Two hosts sharing bans through a real CrowdSec Local API (the Debian package, agent off,
 * sqlite, no systemd, no Central API). Namespaces on one LAN: an attacker, host A and host B,
 * and the API on the bridge. nmap against A → A blocks and pushes → `cscli decisions list -a`
 * shows the scanner → B, pulling as a bouncer, holds it in its nftables set within 5 s and the
 * scanner cannot reach B either → `cscli decisions delete --ip` → gone from B. A decision for
 * one of B's own addresses is recorded `suppressed` and never reaches its firewall. Host C runs
 * CrowdSec's own firewall bouncer instead of ours: it bans what A pushed just the same.
 *
 * Needs root, ip netns, nmap, curl, python3, nft, crowdsec, cscli, crowdsec-firewall-bouncer and a built dist/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CrowdsecLapi, crowdsecSkipReason } from '../support/crowdsec-lapi.js';
import { createLan, destroyLan, sweepStaleLans, type Lan } from '../support/lan-netns.js';
import { execIn, spawnIn } from '../support/netns.js';
import { cliNetnsSkipReason } from '../support/netns-suite.js';
import { waitFor, waitForValue } from '../support/wait-for.js';
import { HeadlessProcess } from './headless-process.js';

const skipReason = cliNetnsSkipReason(['ip', 'nmap', 'curl', 'python3', 'nft', 'crowdsec-firewall-bouncer']) ?? crowdsecSkipReason();
const WEB_PORT = 8080;
const BOUNCER_KEY = 'fleet-e2e-bouncer-key-0123456789abcdef';
const FIREWALL_BOUNCER_KEY = 'fleet-e2e-firewall-bouncer-key-0123456789';

let lan: Lan;
let tmp: string;
let lapi: CrowdsecLapi;
let hostA: HeadlessProcess;
let hostB: HeadlessProcess;

/** An HTTP GET from the attacker to `target`'s web server: true when it answers. */
async function reaches(target: string): Promise<boolean> {
  try {
    await execIn(lan.members.attacker!.ns, ['curl', '-s', '-o', '/dev/null', '--connect-timeout', '1', '--max-time', '2', `http://${target}:${WEB_PORT}/`], 5000);
    return true;
  } catch {
    return false;
  }
}

function nftSet(ns: string, family = 'inet', table = 'snoopy', set = 'addr4'): string {
  try {
    return execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'set', family, table, set], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return '';
  }
}

const inSet = (set: string, address: string) => new RegExp(`(^|[\\s{,])${address.replaceAll('.', '\\.')}( |,|$)`, 'm').test(set);
/** Listeners inside the scanned range 1-60 beside the web server. */
const SCANNED_SERVICE_PORTS = [21, 25];

/** The set CrowdSec's firewall bouncer keeps (nftables mode). */
const firewallBouncerSet = () => nftSet(lan.members.hostc!.ns, 'ip', 'crowdsec', 'crowdsec-blacklists');

/** CrowdSec's own firewall bouncer on host C, in the foreground, nftables mode, pulling every second. */
function startFirewallBouncer(): void {
  const config = join(tmp, 'firewall-bouncer.yaml');
  writeFileSync(config, `mode: nftables\npid_dir: ${tmp}/\nupdate_frequency: 1s\ndaemonize: false\nlog_mode: stdout\nlog_level: info\napi_url: ${lapi.url}/\napi_key: ${FIREWALL_BOUNCER_KEY}\ndisable_ipv6: true\ndeny_action: DROP\nsupported_decisions_types:\n  - ban\nnftables:\n  ipv4:\n    enabled: true\n    set-only: false\n    table: crowdsec\n    chain: crowdsec-chain\n  ipv6:\n    enabled: false\n    set-only: false\n    table: crowdsec6\n    chain: crowdsec6-chain\n`, { mode: 0o600 });
  spawnIn(lan.members.hostc!.ns, ['crowdsec-firewall-bouncer', '-c', config], { stdio: 'ignore' });
}

async function startHost(name: 'hosta' | 'hostb', fleetArgs: string[]): Promise<HeadlessProcess> {
  const m = lan.members[name]!;
  // Three open services: a connect scan's handshakes with three of them are its proof (fewer could be a forged visitor).
  for (const port of [WEB_PORT, ...SCANNED_SERVICE_PORTS]) spawnIn(m.ns, ['python3', '-m', 'http.server', '--bind', m.v4, String(port)], { stdio: 'ignore', cwd: tmp });
  const engine = new HeadlessProcess(m.ns, ['--headless', '-i', m.dev, '--refresh', '0.5', '--no-fail2ban', '--firewall', 'nftables', '--auto-block', '--block-duration', '600', '--history', join(tmp, `${name}.json`), '--log-dir', join(tmp, `logs-${name}`), '--pcap-dir', join(tmp, `pcaps-${name}`), ...fleetArgs]);
  await engine.waitForLine((j) => j.event_type === 'stats', 15_000, `first stats line of ${name}`);
  return engine;
}

describe('two hosts sharing bans through a CrowdSec Local API', { skip: skipReason ?? false }, () => {
  before(async () => {
    sweepStaleLans();
    lan = await createLan(['attacker', 'hosta', 'hostb', 'hostc']);
    tmp = mkdtempSync(join(tmpdir(), 'snoopy-fleet-'));
    lapi = new CrowdsecLapi(join(tmp, 'lapi'), `${lan.v4}:8080`, lan.ns);
    lapi.addMachine('hosta', join(tmp, 'hosta.yaml'));
    lapi.addBouncer('hostb', BOUNCER_KEY);
    lapi.addBouncer('hostc', FIREWALL_BOUNCER_KEY);
    writeFileSync(join(tmp, 'bouncer.key'), BOUNCER_KEY, { mode: 0o600 });
    await lapi.start();
    startFirewallBouncer();
    assert.match(readFileSync(join(tmp, 'hosta.yaml'), 'utf8'), new RegExp(`url: http://${lan.v4.replaceAll('.', '\\.')}:8080`));
    [hostA, hostB] = await Promise.all([startHost('hosta', ['--crowdsec-machine', join(tmp, 'hosta.yaml')]), startHost('hostb', ['--crowdsec', lapi.url, '--crowdsec-bouncer-key', `@${join(tmp, 'bouncer.key')}`])]);
    await waitFor(async () => (await reaches(lan.members.hosta!.v4)) && (await reaches(lan.members.hostb!.v4)), { timeoutMs: 20_000, intervalMs: 100, message: 'both web servers answering the attacker' });
  });
  after(async () => {
    await Promise.allSettled([hostA?.interrupt(), hostB?.interrupt()]);
    await lapi?.stop();
    if (lan !== undefined) destroyLan(lan);
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  test('nmap → A blocks and pushes → the API lists it → B holds it within 5 s and drops the scanner → cscli delete → gone from B', async (t) => {
    const attacker = lan.members.attacker!;
    const a = lan.members.hosta!;
    const b = lan.members.hostb!;
    await execIn(attacker.ns, ['nmap', '-n', '-Pn', '-sT', '-e', attacker.dev, '-p', `1-60,${WEB_PORT}`, '--max-retries', '0', a.v4], 60_000);
    const blockA = await hostA.waitForLine((j) => j.event_type === 'block' && j.address === attacker.v4 && j.action === 'blocked', 15_000, 'A blocking the scanner');
    assert.equal(blockA.json!.origin, undefined, "A's own block has no fleet origin");
    assert.equal(await reaches(a.v4), false, 'A drops the scanner');

    const decision = await waitForValue(() => lapi.decisions().find((d) => d.value === attacker.v4), { timeoutMs: 10_000, intervalMs: 200, message: () => `the decision in cscli decisions list -a; A's stderr: ${hostA.stderr}` });
    assert.equal(decision.origin, 'hosta');
    assert.equal(decision.scenario, 'snoopy/port-scan');

    // Within 5 s of A's block, B holds the scanner in its own nftables set.
    await waitFor(() => inSet(nftSet(b.ns), attacker.v4), { timeoutMs: Math.max(0, blockA.at + 5000 - Date.now()), intervalMs: 50, message: () => `the scanner in B's nftables set within 5 s of A's block; B's stderr: ${hostB.stderr}; set: ${nftSet(b.ns)}` });
    t.diagnostic(`B held the scanner ${Date.now() - blockA.at} ms after A's block line`);
    const blockB = await hostB.waitForLine((j) => j.event_type === 'block' && j.address === attacker.v4, 5000, "B's block event");
    assert.equal(blockB.json!.origin, 'hosta', 'B shows who decided');
    assert.equal(blockB.json!.action, 'blocked');
    assert.ok((blockB.json!.duration as number) > 500 && (blockB.json!.duration as number) <= 600, `B enforces the remaining time (${blockB.json!.duration} s)`);
    assert.equal(await reaches(b.v4), false, 'the scanner cannot reach B either');
    await waitFor(() => inSet(firewallBouncerSet(), attacker.v4), { timeoutMs: 10_000, intervalMs: 100, message: () => `the scanner in CrowdSec's own firewall bouncer's set on C: ${firewallBouncerSet()}` });

    lapi.cscli(['decisions', 'delete', '--ip', attacker.v4]);
    await hostB.waitForLine((j) => j.event_type === 'unblock' && j.address === attacker.v4, 10_000, "B's unblock after cscli decisions delete");
    assert.equal(inSet(nftSet(b.ns), attacker.v4), false, "gone from B's set");
    await waitFor(() => !inSet(firewallBouncerSet(), attacker.v4), { timeoutMs: 10_000, intervalMs: 100, message: "the scanner gone from C's firewall bouncer set" });
    await waitFor(() => reaches(b.v4), { timeoutMs: 10_000, intervalMs: 100, message: 'the scanner reaching B again' });
    assert.equal(await reaches(a.v4), false, "A's own block stays");
  });

  test("a fleet decision for one of B's own addresses is suppressed, never in its firewall", async () => {
    const b = lan.members.hostb!;
    lapi.cscli(['decisions', 'add', '--ip', b.v4, '--duration', '1h', '--reason', 'mistake']);
    const line = await hostB.waitForLine((j) => j.event_type === 'block' && j.address === b.v4, 10_000, "B's record of the decision on its own address");
    assert.equal(line.json!.action, 'suppressed');
    assert.equal(line.json!.origin, 'cscli');
    assert.match(String(line.json!.detail), /protected/);
    assert.equal(inSet(nftSet(b.ns), b.v4), false);
  });
});
