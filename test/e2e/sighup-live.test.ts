/**
 * SIGHUP, live: the real binary runs headless in a victim namespace with `-c` thresholds too
 * high to fire; the file is rewritten with low ones and SIGHUP sent; the same kind of attack
 * from the attacker namespace then raises the alert the old thresholds never did. Two
 * detectors whose settings come from the detector registry: HOST_SWEEP (nmap -sn over the
 * victim's addresses) and DISTRIBUTED_SCAN (one SYN scan split over three attacker addresses).
 * Needs root, ip netns, nmap and a built dist/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execIn, type NetnsPair } from '../support/netns.js';
import { addAttackerAddress, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { HeadlessProcess } from './headless-process.js';

const skipReason = cliNetnsSkipReason(['ip', 'nmap']);
/** Victim addresses swept before the reload, and after it (a fresh range: new hosts for the sweep). */
const BEFORE = { first: 100, last: 131 };
const AFTER = { first: 140, last: 171 };
/** The split scan's sources before and after the reload (fresh ones: each stays under PORT_SCAN's threshold). */
const SOURCES = ['10.88.0.21', '10.88.0.22', '10.88.0.23'];
const SOURCES_AFTER = ['10.88.0.24', '10.88.0.25', '10.88.0.26'];

let net: NetnsPair;
let tmp: string;
useNetnsSuite(skipReason, 'snp-hup-e2e-', (n, dir) => {
  net = n;
  tmp = dir;
  for (let i = BEFORE.first; i <= AFTER.last; i++) execFileSync('ip', ['-n', n.victim, 'addr', 'add', `10.88.0.${i}/24`, 'dev', n.victimIf], { stdio: 'pipe' });
  for (const source of [...SOURCES, ...SOURCES_AFTER]) addAttackerAddress(n, `${source}/24`);
});

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
async function waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the engine has printed two more stats lines: what was captured before is processed. */
async function settled(engine: HeadlessProcess): Promise<void> {
  const from = engine.lines.length;
  const first = await engine.waitForLine((j) => j.event_type === 'stats', 10_000, 'a stats line', from);
  await engine.waitForLine((j) => j.event_type === 'stats', 10_000, 'a second stats line', engine.lines.indexOf(first) + 1);
}

function sweep(range: { first: number; last: number }): Promise<unknown> {
  // --send-ip: ICMP echo to each address, not ARP (every address answers ARP: it is the victim's).
  return execIn(net.attacker, ['nmap', '-n', '-sn', '-PE', '--send-ip', '--max-retries', '0', `10.88.0.${range.first}-${range.last}`], 60_000);
}

/** One SYN scan split over the attacker's extra addresses: `perSource` ports each, from `firstPort` on. */
async function splitScan(sources: readonly string[], firstPort: number, perSource: number): Promise<void> {
  for (const [i, source] of sources.entries()) {
    const from = firstPort + i * perSource;
    await execIn(net.attacker, ['nmap', '-n', '-Pn', '-sS', '-T4', '--max-retries', '0', '-S', source, '-e', net.attackerIf, '-p', `${from}-${from + perSource - 1}`, net.victimV4], 60_000);
  }
}

test('SIGHUP: new HOST_SWEEP and DISTRIBUTED_SCAN thresholds reach the running detectors', { skip: skipReason ?? false, timeout: 180_000 }, async () => {
  const config = join(tmp, 'config.json');
  const write = (hostSweep: object, distributedScan: object) =>
    writeFileSync(config, JSON.stringify({ geo: false, reverseDns: false, syslog: false, thresholds: { hostSweep, distributedScan } }));
  write({ hosts: 1000, windowSeconds: 600 }, { ports: 1000, sources: 50, windowSeconds: 600 });
  const engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '-c', config, '--refresh', '0.2', '--history', join(tmp, 'h.json'), '--log-dir', join(tmp, 'logs'), '--pcap-dir', join(tmp, 'pcaps')]);
  try {
    await engine.waitForLine((j) => j.event_type === 'stats', 15_000, 'the first stats line');
    const alertsOf = (type: string) => engine.objects().filter((j) => j.event_type === 'alert' && j.attack_type === type);

    // Too high to fire: 32 hosts of 1,000; 27 ports from 3 sources of 1,000 from 50.
    await sweep(BEFORE);
    await splitScan(SOURCES, 1, 9);
    await settled(engine);
    assert.equal(alertsOf('HOST_SWEEP').length, 0, 'no sweep alert with the old threshold');
    assert.equal(alertsOf('DISTRIBUTED_SCAN').length, 0, 'no distributed scan alert with the old threshold');

    write({ hosts: 10, windowSeconds: 600 }, { ports: 20, sources: 3, windowSeconds: 600 });
    engine.child.kill('SIGHUP');
    const reloaded = await waitFor(() => /reloaded .*; applied: ([^;\n]*)/.exec(engine.stderr)?.[1], 10_000, `the reload line (stderr: ${engine.stderr})`);
    assert.match(reloaded, /thresholds\.hostSweep/);
    assert.match(reloaded, /thresholds\.distributedScan/);

    await sweep(AFTER);
    const sweepAlert = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'HOST_SWEEP', 20_000, 'a HOST_SWEEP alert');
    assert.equal(sweepAlert.json!.attacker_ip, net.attackerV4);
    await splitScan(SOURCES_AFTER, 28, 9);
    const dist = await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'DISTRIBUTED_SCAN', 20_000, 'a DISTRIBUTED_SCAN alert');
    assert.ok([...SOURCES, ...SOURCES_AFTER].includes(dist.json!.attacker_ip as string), JSON.stringify(dist.json));
    assert.equal(alertsOf('PORT_SCAN').length, 0, 'each source stayed under the PORT_SCAN threshold');
  } finally {
    await engine.interrupt(10_000).catch(() => engine.kill());
  }
});
