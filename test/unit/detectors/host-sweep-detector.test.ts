import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TcpFlag, type Packet } from '../../../src/engine/decode/packet.js';
import { HostSweepDetector, type HostSweepConfig } from '../../../src/engine/detectors/host-sweep-detector.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { MSS_ONLY } from '../../support/frame-builder.js';
import { recordingContext } from '../../support/recording-context.js';
import { icmpPacket, tcpPacket, udpPacket } from '../../support/packet-factory.js';

function harness(config: Partial<HostSweepConfig> = {}, homeNet: string | null = null) {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new HostSweepDetector({ hosts: 20, windowSeconds: 60, ...config }, ctx);
  const flows = new FlowTable(1 << 16);
  const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
  return { detector, flows, feed, raised, changed };
}

let clock = 1e15;
const hosts = (n: number, prefix = '10.0.1.') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
function synSweep(h: ReturnType<typeof harness>, src: string, targets: string[], port: number) {
  for (const dst of targets) h.feed(tcpPacket(src, dst, { srcPort: 50000, dstPort: port, flags: TcpFlag.SYN, options: MSS_ONLY }, (clock += 1000)));
}

describe('HostSweepDetector', () => {
  test('one source probing port 22 on many hosts is one HOST_SWEEP', () => {
    const h = harness();
    synSweep(h, '203.0.113.5', hosts(19), 22);
    assert.equal(h.raised.length, 0, 'below threshold');
    synSweep(h, '203.0.113.5', hosts(254).slice(19), 22);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'HOST_SWEEP');
    assert.equal(a.attacker_ip, '203.0.113.5');
    assert.equal(a.target_port, 22);
    assert.equal(a.protocol, 'tcp');
    const last = h.changed.at(-1)!;
    assert.equal(last, a);
    assert.ok((last.attack_details.hosts_count as number) >= 250 && (last.attack_details.hosts_count as number) <= 254, String(last.attack_details.hosts_count));
  });

  test('an ICMP echo sweep counts; echo replies and other ICMP do not', () => {
    const h = harness();
    for (const dst of hosts(30)) h.feed(icmpPacket('203.0.113.7', dst, 0, 0, (clock += 1000)));
    for (const dst of hosts(30)) h.feed(icmpPacket('203.0.113.7', dst, 3, 3, (clock += 1000)));
    assert.equal(h.raised.length, 0);
    for (const dst of hosts(30)) h.feed(icmpPacket('203.0.113.7', dst, 8, 0, (clock += 1000)));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.protocol, 'icmp');
    assert.equal(h.raised[0]!.target_port, null);
    assert.equal(h.raised[0]!.attack_details.sweep_type, 'ICMP_ECHO');
  });

  test('a second sweep by the same source updates its alert', () => {
    const h = harness();
    synSweep(h, '203.0.113.5', hosts(25), 22);
    for (const dst of hosts(40)) h.feed(udpPacket('203.0.113.5', dst, 40000, 161, (clock += 1000)));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_details.hosts_count, 40);
    assert.equal(h.raised[0]!.target_port, 161);
  });

  test('different ports on different hosts, or many sources to one host, are not a sweep', () => {
    const h = harness();
    hosts(100).forEach((dst, i) => synSweep(h, '203.0.113.5', [dst], 1000 + i));
    for (let i = 1; i <= 250; i++) synSweep(h, `198.51.100.${i}`, ['10.0.1.1'], 443);
    assert.equal(h.raised.length, 0);
  });

  test('hosts spread over more than a window do not add up; outside the home net is ignored', () => {
    const h = harness({}, '10.0.0.0/16');
    for (const dst of hosts(40)) {
      synSweep(h, '203.0.113.5', [dst], 22);
      clock += 5e6;
    }
    synSweep(h, '10.0.0.5', hosts(40, '192.0.2.'), 443);
    assert.equal(h.raised.length, 0);
  });

  test('state is bounded: 1,000,000 random sources each probing two hosts keep the sweep table at its cap', () => {
    const h = harness({ maxSweeps: 512 });
    const p = tcpPacket('203.0.113.5', '10.0.0.1', { srcPort: 1, dstPort: 80, flags: TcpFlag.SYN }, clock);
    for (let i = 0; i < 1_000_000; i++) {
      p.src3 = (Math.random() * 0x100000000) >>> 0;
      for (const d of [0x0a000001, 0x0a000002]) {
        p.dst3 = d;
        p.tsMicros = (clock += 1);
        h.feed(p);
      }
    }
    assert.equal(h.detector.trackedSweeps, 512);
    assert.ok(h.detector.evictedSweeps > 990_000, String(h.detector.evictedSweeps));
    assert.equal(h.raised.length, 0);
  });

  test('a spoofed flood at one host never creates state', () => {
    const h = harness({ maxSweeps: 512 });
    const p = tcpPacket('203.0.113.5', '10.0.0.1', { srcPort: 1, dstPort: 80, flags: TcpFlag.SYN }, clock);
    for (let i = 0; i < 1_000_000; i++) {
      p.src3 = (Math.random() * 0x100000000) >>> 0;
      p.tsMicros = (clock += 1);
      h.feed(p);
    }
    assert.equal(h.detector.trackedSweeps, 0);
  });
});
