import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IpProto, TcpFlag, type Packet } from '../../../src/engine/decode/packet.js';
import { IpProtocolScanDetector, type IpProtocolScanConfig } from '../../../src/engine/detectors/ip-protocol-scan-detector.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { recordingContext } from '../../support/recording-context.js';
import { icmpPacket, ipPacket, tcpPacket, udpPacket } from '../../support/packet-factory.js';

function harness(config: Partial<IpProtocolScanConfig> = {}, homeNet: string | null = null) {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new IpProtocolScanDetector({ protocols: 15, windowSeconds: 60, ...config }, ctx);
  const flows = new FlowTable(4096);
  const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
  return { detector, feed, raised, changed };
}

let clock = 1e15;
/** Protocol numbers nmap -sO sends, but the four that are ordinary traffic. */
const OTHER = Array.from({ length: 256 }, (_, i) => i).filter((p) => p !== IpProto.TCP && p !== IpProto.UDP && p !== IpProto.ICMP && p !== IpProto.ICMPV6);

describe('IpProtocolScanDetector', () => {
  test('many protocol numbers from one source to one target: PORT_SCAN with scan_type IP_PROTOCOL', () => {
    const h = harness();
    for (const proto of OTHER.slice(0, 14)) h.feed(ipPacket('203.0.113.4', '10.0.0.2', proto, (clock += 1000)));
    assert.equal(h.raised.length, 0);
    for (const proto of OTHER.slice(14)) h.feed(ipPacket('203.0.113.4', '10.0.0.2', proto, (clock += 1000)));
    for (const proto of OTHER) h.feed(ipPacket('203.0.113.4', '10.0.0.2', proto, (clock += 1000))); // nmap's retries
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'PORT_SCAN');
    assert.equal(a.attack_details.scan_type, 'IP_PROTOCOL');
    assert.equal(a.protocol, 'ip');
    assert.equal(a.attack_details.protocols_count, OTHER.length);
    assert.equal(a.packet_count, OTHER.length * 2);
  });

  test('ordinary TCP, UDP and ICMP traffic, and a few tunnel protocols, are no protocol scan', () => {
    const h = harness();
    for (let i = 0; i < 100; i++) {
      h.feed(tcpPacket('203.0.113.4', '10.0.0.2', { srcPort: 40000 + i, dstPort: 1 + i, flags: TcpFlag.SYN }, (clock += 1000)));
      h.feed(udpPacket('203.0.113.4', '10.0.0.2', 40000, 1 + i, (clock += 1000)));
      h.feed(icmpPacket('203.0.113.4', '10.0.0.2', 8, 0, (clock += 1000)));
      for (const proto of [47, 50, 89, 112, 132]) h.feed(ipPacket('203.0.113.4', '10.0.0.2', proto, (clock += 1000)));
    }
    assert.equal(h.raised.length, 0);
    assert.equal(h.detector.trackedPairs, 1);
  });

  test('outside the home net is ignored; protocols spread beyond the window do not add up', () => {
    const h = harness({}, '10.0.0.0/8');
    for (const proto of OTHER) h.feed(ipPacket('203.0.113.4', '192.0.2.1', proto, (clock += 1000)));
    for (const proto of OTHER.slice(0, 30)) h.feed(ipPacket('203.0.113.4', '10.0.0.2', proto, (clock += 10e6)));
    assert.equal(h.raised.length, 0);
  });

  test('state is bounded: 1,000,000 sources sending GRE keep the table at its cap', () => {
    const h = harness({ maxPairs: 256 });
    const p = ipPacket('203.0.113.4', '10.0.0.2', 47, clock);
    for (let i = 0; i < 1_000_000; i++) {
      p.src3 = Math.imul(i, 0x9e3779b1) >>> 0;
      p.tsMicros = (clock += 1);
      h.detector.onPacket(p, null as unknown as FlowTable, -1);
    }
    assert.equal(h.detector.trackedPairs, 256);
    assert.equal(h.detector.evictedPairs, 1_000_000 - 256);
  });
});
