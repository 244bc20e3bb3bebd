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
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanupOnExit, createNetnsPair, destroyNetnsPair, interfacePackets, netnsSkipReason, spawnIn, stopChild, type NetnsPair } from '../support/netns.js';
import { waitFor } from '../support/wait-for.js';
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

/** Fewer new packets than this between two stats lines (0.2 s apart): nothing left in the ring. */
const DRAINED_PACKETS_PER_STATS_LINE = 500;

describe('live kernel drops', { skip: skipReason ?? false }, () => {
  test('a flood into a tiny capture buffer shows a plausible drop count', async () => {
    const pair = net!;
    const dir = tmp!;
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ captureBufferBytes: TINY_BUFFER, history: join(dir, 'history.json'), logDir: join(dir, 'logs'), pcapDir: join(dir, 'pcap'), syslog: false, geo: false, reverseDns: false, processes: false }));
    const before = interfacePackets(pair.victim, pair.victimIf);
    const engine = new HeadlessProcess(pair.victim, ['--headless', '-i', pair.victimIf, '-c', config, '--refresh', '0.2']);
    const pinger = spawnIn(pair.attacker, ['nping', '--icmp', '-c', '50', '--delay', '200ms', pair.victimV4], { stdio: 'ignore' });
    try {
      const first = await engine.waitForLine((j) => j.event_type === 'stats' && (j.packets as number) > 0, 20_000, 'stats line with packets > 0');
      await stopChild(pinger, 'SIGKILL');
      assert.equal(typeof first.json!.dropped, 'number', 'a number from the first stats line on');

      // Flood until the engine reports drops beyond those of the first line: the ring overran.
      const flood = spawnIn(pair.attacker, ['hping3', '--flood', '-S', '-p', '80', pair.victimV4], { stdio: 'ignore' });
      try {
        await engine.waitForLine((j) => j.event_type === 'stats' && (j.dropped as number) > (first.json!.dropped as number), 30_000, `a stats line with more drops than the first (${String(first.json!.dropped)})`);
      } finally {
        await stopChild(flood, 'SIGKILL');
      }
      // Drained once a stats line counts only the trickle that follows a flood.
      const mark = engine.byType('stats').length;
      await waitFor(
        () => {
          const s = engine.byType('stats').slice(mark - 1);
          return s.length >= 2 && (s.at(-1)!.json!.packets as number) - (s.at(-2)!.json!.packets as number) < DRAINED_PACKETS_PER_STATS_LINE;
        },
        { timeoutMs: 30_000, intervalMs: 50, message: () => `a stats line with fewer than ${DRAINED_PACKETS_PER_STATS_LINE} new packets (last two: ${engine.byType('stats').slice(-2).map((l) => l.json!.packets).join(', ')})` },
      );
      await engine.interrupt();
    } finally {
      engine.kill();
      await stopChild(pinger, 'SIGKILL');
    }
    const seen = interfacePackets(pair.victim, pair.victimIf) - before;
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
    // The count is a running total: it only grows (a reading taken as a delta, or a wrap of
    // libpcap's 32-bit counter handled wrong, would make it go down).
    const drops = stats.map((l) => l.dropped);
    for (let i = 1; i < drops.length; i++) assert.ok((drops[i] as number) >= (drops[i - 1] as number), `dropped never decreases: ${JSON.stringify(drops)}`);
  });
});
