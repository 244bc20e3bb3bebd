import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TcpFlag, type Packet } from '../../../src/engine/decode/packet.js';
import { DistributedScanDetector, distributedScanDescriptor, type DistributedScanConfig } from '../../../src/engine/detectors/distributed-scan-detector.js';
import { portScanDescriptor } from '../../../src/engine/detectors/port-scan-detector.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { MSS_ONLY } from '../../support/frame-builder.js';
import { recordingContext } from '../../support/recording-context.js';
import { tcpPacket, udpPacket } from '../../support/packet-factory.js';

function harness(config: Partial<DistributedScanConfig> = {}, homeNet: string | null = null) {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new DistributedScanDetector({ ports: 30, sources: 3, windowSeconds: 60, ...config }, ctx);
  const flows = new FlowTable(1 << 16);
  const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
  return { detector, flows, feed, raised, changed };
}

let clock = 1e15;
/** SYN probes of `ports` from `src` to `dst`, 1 ms apart. */
function syns(h: ReturnType<typeof harness>, src: string, dst: string, ports: number[]) {
  for (const port of ports) h.feed(tcpPacket(src, dst, { srcPort: 40000, dstPort: port, flags: TcpFlag.SYN, options: MSS_ONLY }, (clock += 1000)));
}
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('DistributedScanDetector', () => {
  test('several sources, each probing a slice of the ports of one target, make one DISTRIBUTED_SCAN', () => {
    const h = harness();
    syns(h, '198.51.100.11', '10.0.0.2', range(1, 14));
    for (let s = 0; s < 5; s++) syns(h, `198.51.100.${12 + s}`, '10.0.0.2', range(15 + s * 9, 9));
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'DISTRIBUTED_SCAN');
    assert.equal(a.target_ip, '10.0.0.2');
    // The source with the most probes when it fired: the 14-port one.
    assert.equal(a.attacker_ip, '198.51.100.11');
    const last = h.changed.at(-1) ?? a;
    assert.equal(last.attack_details.ports_count, 59);
    assert.equal(last.attack_details.sources, 6);
    assert.deepEqual([...(last.attack_details.source_sample as string[])].sort(), range(11, 6).map((i) => `198.51.100.${i}`));
    assert.ok(h.changed.every((c) => c === a), 'updates, never a second alert');
  });

  test('one source scanning every port is not distributed (that is PORT_SCAN)', () => {
    const h = harness();
    syns(h, '198.51.100.1', '10.0.0.2', range(1, 1000));
    assert.equal(h.raised.length, 0);
  });

  test('many clients of the same few services do not split a scan', () => {
    const h = harness();
    for (let c = 1; c <= 200; c++) syns(h, `192.0.2.${c}`, '10.0.0.2', [22, 80, 443]);
    assert.equal(h.raised.length, 0);
  });

  test('a spoofed flood to random ports gives each source one port: no scan', () => {
    const h = harness();
    for (let i = 0; i < 5000; i++) syns(h, `100.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, '10.0.0.2', [1 + ((i * 7919) % 60000)]);
    assert.equal(h.raised.length, 0);
  });

  test('two sources are not enough with sources: 3; a window without activity starts over', () => {
    const h = harness();
    syns(h, '198.51.100.1', '10.0.0.2', range(1, 14));
    syns(h, '198.51.100.2', '10.0.0.2', range(15, 14));
    clock += 120e6;
    syns(h, '198.51.100.3', '10.0.0.2', range(29, 14));
    assert.equal(h.raised.length, 0);
  });

  test('UDP slices count too; targets outside the home net are ignored', () => {
    const h = harness({}, '10.0.0.0/8');
    for (let s = 0; s < 4; s++) for (const port of range(1000 + s * 10, 10)) h.feed(udpPacket(`198.51.100.${s + 1}`, '10.0.0.9', 5353, port, (clock += 1000)));
    for (let s = 0; s < 4; s++) syns(h, `198.51.100.${s + 1}`, '192.0.2.1', range(1 + s * 10, 10));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.target_ip, '10.0.0.9');
    assert.equal(h.raised[0]!.protocol, 'udp');
  });

  test('state is bounded: 1,000,000 random sources to 100,000 targets keep the target table at its cap', () => {
    const h = harness({ maxTargets: 256 });
    const p = tcpPacket('198.51.100.1', '10.0.0.2', { srcPort: 1, dstPort: 1, flags: TcpFlag.SYN }, clock);
    for (let i = 0; i < 1_000_000; i++) {
      p.src3 = (Math.random() * 0x100000000) >>> 0;
      p.dst3 = (0x0a000000 + (i % 100_000)) >>> 0;
      p.dstPort = 1 + (i % 65535);
      p.tsMicros = (clock += 1);
      h.feed(p);
    }
    assert.equal(h.detector.trackedTargets, 256);
    assert.ok(h.detector.evictedTargets > 900_000);
    assert.equal(h.raised.length, 0);
  });
  test('the profiles never ask more ports of a split scan than PORT_SCAN asks of one source: 2 sources x 14 ports are caught', () => {
    for (const profile of ['high-security', 'balanced', 'development'] as const) {
      const settings = distributedScanDescriptor.settings.defaults[profile];
      const config = { thresholds: { portScan: { ports: portScanDescriptor.settings.defaults[profile].ports, windowSeconds: 60 } }, signatures: {}, suspiciousPorts: null, suspiciousCommands: [] };
      const { ctx, raised } = recordingContext();
      const inputs = { context: ctx, config, blocklists: [], live: false, authLog: false, processSampling: false, ownPid: 1, built: () => null };
      const detector = distributedScanDescriptor.create({ ...settings, ports: 1000 }, inputs)!;
      const flows = new FlowTable(1 << 12);
      const per = portScanDescriptor.settings.defaults[profile].ports - 1;
      let t = 1e15;
      for (const [src, from] of [['198.51.100.21', 1], ['198.51.100.22', 1 + per]] as const)
        for (const port of range(from, per)) {
          const p = tcpPacket(src, '10.0.0.9', { srcPort: 40000, dstPort: port, flags: TcpFlag.SYN, options: MSS_ONLY }, (t += 1000));
          detector.onPacket(p, flows, flows.update(p));
        }
      assert.equal(raised.length, 1, `${profile}: a split of ${per} + ${per} ports`);
      assert.equal(raised[0]!.attack_type, 'DISTRIBUTED_SCAN');
    }
  });
});
