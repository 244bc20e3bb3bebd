/**
 * Kernel drops made visible, live: the real binary captures on a veth with a tiny kernel buffer
 * (config key captureBufferBytes) while hping3 floods it from a second namespace, so libpcap's
 * ring overflows. The stats line's `dropped` must then be a number, not null, and add up with
 * the captured packets to what the interface saw.
 *
 * Needs root, `ip netns`, hping3, nping, a built dist/ and the cap binding patched with stats()
 * (scripts/patch-cap.mjs, run by npm's postinstall); skipped with the reason otherwise. Traffic
 * stays inside the two namespaces made here (prefix snp-hard-).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanupOnExit, createNetnsPair, destroyNetnsPair, netnsSkipReason, spawnIn, stopChild, type NetnsPair } from '../support/netns.js';
import { assertStatsContract } from './contract.js';
import { CLI_PATH, HeadlessProcess } from './headless-process.js';

const PREFIX = 'snp-hard-';
/** Far below what a flood fills in a millisecond: libpcap must drop. */
const TINY_BUFFER = 64 * 1024;

function capHasStats(): boolean {
  try {
    const { Cap } = createRequire(import.meta.url)('cap') as { Cap: { prototype: Record<string, unknown> } };
    return typeof Cap.prototype['stats'] === 'function';
  } catch {
    return false;
  }
}

const skipReason: string | null = (() => {
  const env = netnsSkipReason(['ip', 'hping3', 'nping']);
  if (env !== null) return env;
  if (!existsSync(CLI_PATH)) return `${CLI_PATH} is missing: build first with npx tsc -p .`;
  if (!capHasStats()) return 'the cap binding has no stats(): run node scripts/patch-cap.mjs';
  return null;
})();

let net: NetnsPair | undefined;
let tmp: string | undefined;
let removeExitHandlers: (() => void) | null = null;

before(async () => {
  if (skipReason !== null) return;
  net = await createNetnsPair(PREFIX);
  removeExitHandlers = cleanupOnExit(net);
  tmp = mkdtempSync(join(tmpdir(), 'snoopy-drops-'));
});

after(() => {
  if (net !== undefined) destroyNetnsPair(net);
  removeExitHandlers?.();
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

/** rx + tx packets of the victim's veth: every frame the capture could have seen. */
function interfacePackets(pair: NetnsPair): number {
  const read = (what: string) => Number(execFileSync('ip', ['netns', 'exec', pair.victim, 'cat', `/sys/class/net/${pair.victimIf}/statistics/${what}`], { timeout: 5000 }).toString());
  return read('rx_packets') + read('tx_packets');
}

describe('live kernel drops', { skip: skipReason ?? false }, () => {
  test('a flood into a tiny capture buffer shows a plausible drop count', async () => {
    const pair = net!;
    const dir = tmp!;
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ captureBufferBytes: TINY_BUFFER, history: join(dir, 'history.json'), logDir: join(dir, 'logs'), pcapDir: join(dir, 'pcap'), syslog: false, geo: false, reverseDns: false, processes: false }));
    const before = interfacePackets(pair);
    const engine = new HeadlessProcess(pair.victim, ['--headless', '-i', pair.victimIf, '-c', config, '--refresh', '0.2']);
    const pinger = spawnIn(pair.attacker, ['nping', '--icmp', '-c', '50', '--delay', '200ms', pair.victimV4], { stdio: 'ignore' });
    try {
      const first = await engine.waitForLine((j) => j.event_type === 'stats' && (j.packets as number) > 0, 10_000, 'stats line with packets > 0');
      await stopChild(pinger, 'SIGKILL');
      assert.equal(typeof first.json!.dropped, 'number', 'a number from the first stats line on');

      const flood = spawnIn(pair.attacker, ['hping3', '--flood', '-S', '-p', '80', pair.victimV4], { stdio: 'ignore' });
      await sleep(2000);
      await stopChild(flood, 'SIGKILL');
      await sleep(600); // let the engine drain and publish a stats line after the flood
      await engine.interrupt();
    } finally {
      engine.kill();
      await stopChild(pinger, 'SIGKILL');
    }
    const seen = interfacePackets(pair) - before;
    const stats = engine.byType('stats').map((l) => l.json!);
    const last = stats[stats.length - 1]!;
    assertStatsContract(last);
    const dropped = last.dropped as number;
    const packets = last.packets as number;
    process.stdout.write(`# captured ${packets}, dropped ${dropped}, interface rx+tx ${seen}\n`);
    assert.equal(typeof dropped, 'number', 'dropped is a number, not null');
    assert.ok(dropped > 0, `a flood into a ${TINY_BUFFER}-byte buffer drops (captured ${packets}, interface saw ${seen})`);
    // Never more than the interface carried; and what was neither captured nor dropped is little
    // (frames before the capture opened, the last ones after the final reading).
    assert.ok(packets + dropped <= seen, `captured ${packets} + dropped ${dropped} ≤ interface ${seen}`);
    assert.ok(packets + dropped >= seen * 0.9, `captured ${packets} + dropped ${dropped} accounts for most of the interface's ${seen}`);
    // The count only grows.
    for (let i = 1; i < stats.length; i++) assert.ok((stats[i]!.dropped as number) >= (stats[i - 1]!.dropped as number));
  });
});
