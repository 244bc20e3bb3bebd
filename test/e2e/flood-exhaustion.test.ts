/**
 * Flood and state exhaustion, live (issue #8): hping3 --flood --rand-source SYNs into the victim
 * namespace while the engine runs headless there with --auto-block and real nftables. Bounds:
 * peak RSS under 300 MB (DESIGN §5), kernel drops counted (a number, not null), the engine's
 * event-loop lag reported, no spoofed source blocked — and a real connect scan from a real
 * address in the middle of the flood is still detected and blocked.
 *
 * CI runs a short flood (SNOOPY_FLOOD_SECONDS, default 8); `scripts/flood-test.sh` runs the
 * full 60 s. Traffic stays inside the two namespaces this file creates.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { execIn, spawnIn, stopChild, type NetnsPair } from '../support/netns.js';
import { addAttackerAddress, cliIn, cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { HeadlessProcess } from './headless-process.js';

const TOOLS = ['ip', 'nmap', 'hping3', 'curl', 'python3', 'nft'];
const FLOOD_SECONDS = Number(process.env.SNOOPY_FLOOD_SECONDS ?? 8);
const WEB_PORT = 8080;
/** A real attacker with its own address, scanning while the flood runs. */
const REAL_SCANNER = '10.88.0.3';
const RSS_LIMIT_MB = 300;

const skipReason = cliNetnsSkipReason(TOOLS);

let net: NetnsPair;
let tmp: string;

useNetnsSuite(skipReason, 'snoopy-flood-', async (pair, dir) => {
  net = pair;
  tmp = dir;
  addAttackerAddress(net, `${REAL_SCANNER}/24`);
  spawnIn(net.victim, ['python3', '-m', 'http.server', '--bind', '0.0.0.0', String(WEB_PORT)], { stdio: 'ignore', cwd: tmp });
  await sleep(500);
});

function vmHwmMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

describe(`${FLOOD_SECONDS} s of hping3 --rand-source flood, live`, { skip: skipReason ?? false }, () => {
  test('RSS bounded, drops counted, lag reported, no spoofed source blocked, a real scan still blocked', async () => {
    const history = join(tmp, 'history.json');
    const engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '1', '--no-fail2ban', '--firewall', 'nftables', '--auto-block', '--block-duration', '120', '--history', history, '--log-dir', join(tmp, 'logs')]);
    let peakMb = 0;
    try {
      await engine.waitForLine((j) => j.event_type === 'stats', 10_000, 'first stats line');
      const flood = spawnIn(net.attacker, ['hping3', '-q', '-S', '-p', String(WEB_PORT), '--flood', '--rand-source', net.victimV4], { stdio: 'ignore' });
      const started = Date.now();
      try {
        await sleep((FLOOD_SECONDS * 1000) / 2);
        // The real scanner completes handshakes with the open port (SYN cookies answer even under
        // the flood). 400 ports, as real scans go: when the capture ring overflows, drops come in
        // bursts, and a 40-port scan sent within a few milliseconds can fall entirely into one
        // (seen once in CI: the scan was never seen, so never blocked).
        await execIn(net.attacker, ['nmap', '-n', '-Pn', '-sT', '-S', REAL_SCANNER, '-e', net.attackerIf, '-p', `1-400,${WEB_PORT}`, '--max-retries', '1', net.victimV4], 60_000);
        const left = FLOOD_SECONDS * 1000 - (Date.now() - started);
        if (left > 0) await sleep(left);
        peakMb = vmHwmMb(engine.child.pid!);
      } finally {
        await stopChild(flood, 'SIGKILL');
      }
      await engine.waitForLine((j) => j.event_type === 'block' && j.address === REAL_SCANNER && j.action === 'blocked', 15_000, 'block of the real scanner');
      await sleep(1500);
      peakMb = Math.max(peakMb, vmHwmMb(engine.child.pid!));
    } finally {
      await engine.interrupt(15_000);
    }
    const stats = engine.byType('stats').map((l) => l.json!);
    const last = stats.at(-1)!;
    const packets = Number(last.packets);
    const dropped = last.dropped;
    const lagP99 = Math.max(...stats.map((s) => Number((s.event_loop_lag_ms as { p99: number }).p99)));
    process.stdout.write(`# flood ${FLOOD_SECONDS} s: captured ${packets}, dropped ${String(dropped)}, peak RSS ${peakMb.toFixed(0)} MB, worst event-loop lag p99 ${lagP99} ms, alerts ${String(last.alerts)}\n`);
    assert.ok(packets > 10_000, `the flood reached the engine (${packets} packets)`);
    assert.ok(peakMb > 0 && peakMb < RSS_LIMIT_MB, `peak RSS ${peakMb.toFixed(0)} MB < ${RSS_LIMIT_MB} MB`);
    // Drops are a count when the capture binding can tell (patched cap), never silently missing.
    assert.ok(typeof dropped === 'number' || dropped === null, 'dropped is reported');
    if (typeof dropped === 'number') assert.ok(dropped >= 0);
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
