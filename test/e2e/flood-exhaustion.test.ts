/**
 * Flood and state exhaustion, live: hping3 --flood --rand-source SYNs into the victim namespace
 * while the engine runs headless there with --auto-block and real nftables. Bounds: peak RSS
 * under 300 MB, kernel drops counted (a number, not null) and in agreement with the interface's
 * own counters, the engine's event-loop lag reported, no spoofed source blocked — and a real
 * connect scan from a real address in the middle of the flood is still detected and blocked.
 *
 * CI runs a short flood (SNOOPY_FLOOD_SECONDS, default 8); `scripts/flood-test.sh` runs the
 * full 60 s. Traffic stays inside the two namespaces this file creates.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { execIn, interfacePackets, spawnIn, stopChild, type NetnsPair } from '../support/netns.js';
import { addAttackerAddress, cliIn, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { waitFor } from '../support/wait-for.js';
import { HeadlessProcess } from './headless-process.js';

const TOOLS = ['ip', 'nmap', 'hping3', 'curl', 'python3', 'nft'];
const FLOOD_SECONDS = Number(process.env.SNOOPY_FLOOD_SECONDS ?? 8);
const WEB_PORT = 8080;
/** A real attacker with its own address, scanning while the flood runs. */
const REAL_SCANNER = '10.88.0.3';
const RSS_LIMIT_MB = 300;
/**
 * Share of the frames the interface carried that the engine may neither capture nor count as
 * dropped: frames of the few moments between reading the interface counters and the capture
 * opening or closing (retransmitted SYN-ACKs to spoofed sources go on for a while).
 */
const UNACCOUNTED_SHARE = 0.05;
/** Fewer new packets than this between two stats lines (1 s apart): no backlog left in the ring. */
const DRAINED_PACKETS_PER_STATS_LINE = 2000;

/** The capture binding reports kernel drops only when patched with stats() (scripts/patch-cap.mjs). */
function capHasStats(): boolean {
  try {
    const { Cap } = createRequire(import.meta.url)('cap') as { Cap: { prototype: Record<string, unknown> } };
    return typeof Cap.prototype['stats'] === 'function';
  } catch {
    return false;
  }
}

const skipReason = cliNetnsSkipReason(TOOLS);

let net: NetnsPair;
let tmp: string;

useNetnsSuite(skipReason, 'snoopy-flood-', async (pair, dir) => {
  net = pair;
  tmp = dir;
  addAttackerAddress(net, `${REAL_SCANNER}/24`);
  spawnIn(net.victim, ['python3', '-m', 'http.server', '--bind', '0.0.0.0', String(WEB_PORT)], { stdio: 'ignore', cwd: tmp });
  // Two more open services: a scan is proven by handshakes with three, which a real connect scan finds.
  for (const extra of [WEB_PORT + 1, WEB_PORT + 2]) spawnIn(net.victim, ['python3', '-m', 'http.server', '--bind', '0.0.0.0', String(extra)], { stdio: 'ignore', cwd: tmp });
  await waitFor(
    async () => (await execIn(net.attacker, ['curl', '-s', '-o', '/dev/null', '--max-time', '2', `http://${net.victimV4}:${WEB_PORT}/`], 5000).then(() => true, () => false)),
    { timeoutMs: 20_000, intervalMs: 100, message: 'the web server in the victim namespace' },
  );
});

function vmHwmMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

describe(`${FLOOD_SECONDS} s of hping3 --rand-source flood, live`, { skip: skipReason ?? false }, () => {
  test('RSS bounded, drops counted, lag reported, no spoofed source blocked, a real scan still blocked', async () => {
    const history = join(tmp, 'history.json');
    const seenBefore = interfacePackets(net.victim, net.victimIf);
    const engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '1', '--no-fail2ban', '--firewall', 'nftables', '--auto-block', '--block-duration', '120', '--history', history, '--log-dir', join(tmp, 'logs')]);
    let peakMb = 0;
    try {
      await engine.waitForLine((j) => j.event_type === 'stats', 20_000, 'first stats line');
      const flood = spawnIn(net.attacker, ['hping3', '-q', '-S', '-p', String(WEB_PORT), '--flood', '--rand-source', net.victimV4], { stdio: 'ignore' });
      const started = Date.now();
      try {
        // The flood has reached the engine once it says DDOS. The scan then goes in half-way
        // through the flood: that is this test's load schedule, not a wait for an event.
        await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'DDOS', 30_000, 'the DDOS alert for the flood');
        const half = (FLOOD_SECONDS * 1000) / 2 - (Date.now() - started);
        if (half > 0) await sleep(half);
        // The real scanner completes handshakes with the open port (SYN cookies answer even under
        // the flood). 400 ports, as real scans go: when the capture ring overflows, drops come in
        // bursts, and a 40-port scan sent within a few milliseconds can fall entirely into one
        // (seen once in CI: the scan was never seen, so never blocked).
        // A scan is proven by handshakes with three services; under the flood the
        // ring drops some of them (a fifth of all packets here), so the scanner goes back to the
        // open ports it found, as real ones do, until it is blocked.
        const blocked = () => engine.byType('block').some((l) => l.json!.address === REAL_SCANNER && l.json!.action === 'blocked');
        for (let pass = 0; pass < 12 && !blocked(); pass++) {
          // Later passes sweep 60 ports again: a first pass lost whole in a drop burst left no scan to prove.
          const ports = pass === 0 ? `1-400,${WEB_PORT}-${WEB_PORT + 2}` : `1-60,${WEB_PORT}-${WEB_PORT + 2}`;
          await execIn(net.attacker, ['nmap', '-n', '-Pn', '-sT', '-S', REAL_SCANNER, '-e', net.attackerIf, '-p', ports, '--max-retries', '1', net.victimV4], 60_000).catch(() => undefined);
          if (pass > 0) await sleep(300);
        }
        // The flood lasts FLOOD_SECONDS in all: the load schedule again.
        const left = FLOOD_SECONDS * 1000 - (Date.now() - started);
        if (left > 0) await sleep(left);
        peakMb = vmHwmMb(engine.enginePid());
      } finally {
        await stopChild(flood, 'SIGKILL');
      }
      await engine.waitForLine((j) => j.event_type === 'block' && j.address === REAL_SCANNER && j.action === 'blocked', 15_000, 'block of the real scanner');
      // The backlog in the capture ring is worked off once a stats line (one a second) counts
      // fewer new packets than a backlog drains in a second: what remains is the trickle the
      // victim still sends (SYN-ACK retransmissions to spoofed sources).
      const mark = engine.byType('stats').length;
      await waitFor(
        () => {
          const s = engine.byType('stats').slice(mark - 1);
          return s.length >= 2 && (s.at(-1)!.json!.packets as number) - (s.at(-2)!.json!.packets as number) < DRAINED_PACKETS_PER_STATS_LINE;
        },
        { timeoutMs: 60_000, intervalMs: 100, message: () => `a stats line with fewer than ${DRAINED_PACKETS_PER_STATS_LINE} new packets (last two: ${engine.byType('stats').slice(-2).map((l) => l.json!.packets).join(', ')})` },
      );
      peakMb = Math.max(peakMb, vmHwmMb(engine.enginePid()));
    } finally {
      await engine.interrupt(15_000);
    }
    const seen = interfacePackets(net.victim, net.victimIf) - seenBefore;
    const stats = engine.byType('stats').map((l) => l.json!);
    const last = stats.at(-1)!;
    const packets = Number(last.packets);
    const dropped = last.dropped;
    const lagP99 = Math.max(...stats.map((s) => Number((s.event_loop_lag_ms as { p99: number }).p99)));
    process.stdout.write(`# flood ${FLOOD_SECONDS} s: captured ${packets}, dropped ${String(dropped)}, interface rx+tx ${seen}, peak RSS ${peakMb.toFixed(0)} MB, worst event-loop lag p99 ${lagP99} ms, alerts ${String(last.alerts)}\n`);
    assert.ok(packets > 10_000, `the flood reached the engine (${packets} packets)`);
    assert.ok(peakMb > 0 && peakMb < RSS_LIMIT_MB, `peak RSS ${peakMb.toFixed(0)} MB < ${RSS_LIMIT_MB} MB`);
    // Kernel drops. With the patched binding the engine can tell, so every stats line must carry
    // a number (null would mean "unknown": the header's n/a), and a running total never shrinks.
    // Without it, null on every line is the honest answer.
    const drops = stats.map((s) => s.dropped);
    if (!capHasStats()) {
      assert.ok(drops.every((d) => d === null), `without cap stats() dropped is null: ${JSON.stringify(drops)}`);
    } else {
      assert.ok(drops.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0), `dropped is a count on every stats line: ${JSON.stringify(drops)}`);
      for (let i = 1; i < drops.length; i++) assert.ok((drops[i] as number) >= (drops[i - 1] as number), `dropped never decreases: ${JSON.stringify(drops)}`);
      // And the count is the kernel's: every frame the veth carried was either captured or
      // counted as dropped (a flood overrunning the ring shows up here, not as a silent gap),
      // and the two never add up to more than the interface carried.
      const accounted = packets + (dropped as number);
      assert.ok(accounted <= seen, `captured ${packets} + dropped ${String(dropped)} = ${accounted} ≤ interface rx+tx ${seen}`);
      assert.ok(accounted >= seen * (1 - UNACCOUNTED_SHARE), `captured ${packets} + dropped ${String(dropped)} = ${accounted} accounts for the interface's ${seen} frames (within ${UNACCOUNTED_SHARE * 100}%)`);
    }
    assert.ok(stats.every((s) => typeof (s.event_loop_lag_ms as { p99?: unknown })?.p99 === 'number'), 'event-loop lag on every stats line');
    const blocked = engine.byType('block').filter((l) => l.json!.action === 'blocked').map((l) => l.json!.address);
    assert.deepEqual([...new Set(blocked)], [REAL_SCANNER], 'only the real scanner is blocked; no spoofed source');
    const ddos = engine.byType('alert').find((l) => l.json!.attack_type === 'DDOS');
    assert.ok(ddos !== undefined, 'the flood is one DDOS alert');
    assert.notEqual(ddos.json!.action, 'blocked');
    assert.ok(engine.byType('alert').filter((l) => l.json!.attack_type === 'DDOS').length === 1, 'one DDOS alert, updated, not one per source');
    cliIn(net.victim, ['--flush', '--firewall', 'nftables', '--history', history]);
  });
});
