import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TcpFlag, type Packet } from '../../../src/engine/decode/packet.js';
import { PortScanDetector } from '../../../src/engine/detectors/port-scan-detector.js';
import { SlowScanDetector, type SlowScanConfig } from '../../../src/engine/detectors/slow-scan-detector.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { LINUX_SYN_OPTIONS, MSS_ONLY } from '../../support/frame-builder.js';
import { recordingContext } from '../../support/recording-context.js';
import { tcpPacket, udpPacket } from '../../support/packet-factory.js';

/** The slow detector next to the fast PORT_SCAN one, as in the pipeline. */
function harness(config: Partial<SlowScanConfig> = {}) {
  const { ctx, raised, changed } = recordingContext();
  const fast = new PortScanDetector({ ports: 15, windowSeconds: 60 }, ctx);
  const detector = new SlowScanDetector({ ports: 15, windowSeconds: 1800, fastWindowSeconds: 60, ...config }, ctx, fast);
  const flows = new FlowTable(1 << 16);
  const feed = (p: Packet) => {
    const slot = flows.update(p);
    fast.onPacket(p, flows, slot);
    detector.onPacket(p, flows, slot);
  };
  return { detector, flows, feed, raised, changed };
}

let clock = 1e15;
/** SYN probes of `ports`, `gapSeconds` apart, each from a new source port. */
function probes(h: ReturnType<typeof harness>, src: string, dst: string, ports: number[], gapSeconds: number, options = MSS_ONLY) {
  ports.forEach((port, i) => h.feed(tcpPacket(src, dst, { srcPort: 40000 + (i % 20000), dstPort: port, flags: TcpFlag.SYN, options }, (clock += gapSeconds * 1e6))));
}
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('SlowScanDetector', () => {
  test('one probe every 30 s: PORT_SCAN with scan_speed slow, which the fast window never sees', () => {
    const h = harness();
    probes(h, '203.0.113.9', '10.0.0.2', range(1, 14), 30);
    assert.equal(h.raised.length, 0);
    probes(h, '203.0.113.9', '10.0.0.2', range(15, 26), 30);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'PORT_SCAN');
    assert.equal(a.attack_details.scan_speed, 'slow');
    assert.equal(a.attack_details.scan_type, 'SYN');
    assert.equal(a.attacker_ip, '203.0.113.9');
    assert.equal(a.target_ip, '10.0.0.2');
    assert.ok(h.changed.every((c) => c === a));
    assert.ok((a.attack_details.ports_count as number) >= 38, String(a.attack_details.ports_count));
    assert.ok(a.duration > 1000);
  });

  test('a fast scan stays one PORT_SCAN, without scan_speed (the fast detector reports it)', () => {
    const h = harness();
    probes(h, '203.0.113.9', '10.0.0.2', range(1, 1000), 0.001);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_details.scan_speed, undefined);
  });

  test('a scan just under the fast rate (12 ports a minute) is slow; a connect() one says CONNECT', () => {
    const h = harness();
    probes(h, '203.0.113.9', '10.0.0.2', range(1, 40), 5, LINUX_SYN_OPTIONS);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_details.scan_speed, 'slow');
    assert.equal(h.raised[0]!.attack_details.scan_type, 'CONNECT');
  });

  test('ports spread beyond the slow window do not add up; repeats of the same ports never do', () => {
    const h = harness({ windowSeconds: 600 });
    probes(h, '203.0.113.9', '10.0.0.2', range(1, 30), 60);
    for (let r = 0; r < 20; r++) probes(h, '203.0.113.10', '10.0.0.2', [22, 80, 443, 8080], 30);
    assert.equal(h.raised.length, 0);
  });

  test('UDP probes make a slow UDP scan', () => {
    const h = harness();
    for (const port of range(100, 20)) h.feed(udpPacket('203.0.113.9', '10.0.0.2', 53000, port, (clock += 20e6)));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_details.scan_type, 'UDP');
    assert.equal(h.raised[0]!.protocol, 'udp');
  });

  test('state is bounded: 1,000,000 random sources, two ports each, keep the pair table at its capacity', () => {
    const h = harness({ maxPairs: 1024 });
    const cap = h.detector.capacity;
    assert.equal(cap, 1024);
    const p = tcpPacket('203.0.113.5', '10.0.0.1', { srcPort: 1, dstPort: 80, flags: TcpFlag.SYN }, clock);
    for (let i = 0; i < 1_000_000; i++) {
      p.src3 = (Math.random() * 0x100000000) >>> 0;
      for (const port of [80, 443]) {
        p.dstPort = port;
        p.tsMicros = (clock += 1);
        h.feed(p);
      }
    }
    assert.ok(h.detector.used <= cap);
    assert.ok(h.detector.used > cap * 0.9, String(h.detector.used));
    assert.ok(h.detector.evictedPairs > 900_000, String(h.detector.evictedPairs));
    assert.equal(h.raised.length, 0);
  });

  test('a spoofed flood of one packet per source never takes a pair', () => {
    const h = harness();
    const p = tcpPacket('203.0.113.5', '10.0.0.1', { srcPort: 1, dstPort: 80, flags: TcpFlag.SYN }, clock);
    for (let i = 0; i < 1_000_000; i++) {
      p.src3 = Math.imul(i, 0x9e3779b1) >>> 0; // distinct sources (an odd multiplier is a bijection)
      p.dstPort = 1 + (i & 0xfff);
      p.tsMicros = (clock += 1);
      h.feed(p);
    }
    assert.equal(h.detector.used, 0);
  });
});
