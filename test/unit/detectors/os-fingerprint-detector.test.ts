import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TcpFlag, type Packet } from '../../../src/engine/decode/packet.js';
import { OsFingerprintDetector, type OsFingerprintConfig } from '../../../src/engine/detectors/os-fingerprint-detector.js';
import { classifyOsProbe, OsProbe } from '../../../src/engine/detectors/os-probe.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { LINUX_SYN_OPTIONS, MSS_ONLY } from '../../support/frame-builder.js';
import { recordingContext } from '../../support/recording-context.js';
import { icmpPacket, tcpPacket, udpPacket } from '../../support/packet-factory.js';

const { SYN, FIN, PSH, URG, ACK, ECE, CWR, NS } = TcpFlag;
/** nmap's T-probe option set (WS 10, NOP, MSS 265, TS, SACK). */
const NMAP_OPTS = [3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2];

function harness(config: Partial<OsFingerprintConfig> = {}, homeNet: string | null = null) {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new OsFingerprintDetector({ probeKinds: 4, windowSeconds: 60, ...config }, ctx);
  const flows = new FlowTable(1 << 16);
  const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
  return { detector, feed, raised, changed };
}

let clock = 1e15;
const t = (flags: number, window: number, options: number[] = NMAP_OPTS, dstPort = 22, src = '203.0.113.8', dst = '10.0.0.2') =>
  tcpPacket(src, dst, { srcPort: 60000 + (clock % 1000), dstPort, flags, window, options }, (clock += 1000));

/** The nmap -O probe set, as recorded in fixtures/nmap-os.pcap. */
function nmapOs(src = '203.0.113.8', dst = '10.0.0.2'): Packet[] {
  return [
    ...[1, 63, 4, 4, 16, 512].map((w) => t(SYN, w, NMAP_OPTS, 22, src, dst)),
    icmpPacket(src, dst, 8, 9, (clock += 1000)),
    icmpPacket(src, dst, 8, 0, (clock += 1000)),
    t(SYN | ECE | CWR | NS, 3, NMAP_OPTS, 22, src, dst),
    t(0, 128, NMAP_OPTS, 22, src, dst),
    t(SYN | FIN | PSH | URG, 256, NMAP_OPTS, 22, src, dst),
    t(ACK, 1024, NMAP_OPTS, 22, src, dst),
    t(SYN, 31337, NMAP_OPTS, 443, src, dst),
    t(ACK, 32768, NMAP_OPTS, 443, src, dst),
    t(FIN | PSH | URG, 65535, NMAP_OPTS, 443, src, dst),
    udpPacket(src, dst, 50000, 34032, (clock += 1000), Buffer.alloc(300, 0x43)),
  ];
}

describe('classifyOsProbe', () => {
  test('names each distinctive nmap -O probe', () => {
    assert.equal(classifyOsProbe(t(SYN, 63)), OsProbe.SEQ);
    assert.equal(classifyOsProbe(t(SYN | ECE | CWR | NS, 3)), OsProbe.ECN);
    assert.equal(classifyOsProbe(t(0, 128)), OsProbe.T2);
    assert.equal(classifyOsProbe(t(SYN | FIN | PSH | URG, 256)), OsProbe.T3);
    assert.equal(classifyOsProbe(t(SYN, 31337)), OsProbe.T5);
    assert.equal(classifyOsProbe(t(FIN | PSH | URG, 65535)), OsProbe.T7);
    assert.equal(classifyOsProbe(icmpPacket('203.0.113.8', '10.0.0.2', 8, 9, 1)), OsProbe.IE);
    assert.equal(classifyOsProbe(udpPacket('203.0.113.8', '10.0.0.2', 1, 2, 1, Buffer.alloc(300, 0x43))), OsProbe.U1);
  });

  test('ordinary packets and plain scan probes are not OS probes', () => {
    assert.equal(classifyOsProbe(t(SYN, 64240, LINUX_SYN_OPTIONS)), 0, 'a kernel SYN');
    assert.equal(classifyOsProbe(t(SYN | ECE | CWR, 64240, LINUX_SYN_OPTIONS)), 0, 'ECN negotiation');
    assert.equal(classifyOsProbe(t(SYN, 1024, MSS_ONLY)), 0, 'nmap -sS');
    assert.equal(classifyOsProbe(t(0, 1024, [])), 0, 'nmap -sN');
    assert.equal(classifyOsProbe(t(FIN | PSH | URG, 1024, [])), 0, 'nmap -sX');
    assert.equal(classifyOsProbe(icmpPacket('203.0.113.8', '10.0.0.2', 8, 0, 1)), 0, 'ping');
    assert.equal(classifyOsProbe(udpPacket('203.0.113.8', '10.0.0.2', 1, 53, 1, Buffer.alloc(300, 0))), 0, 'a 300-byte datagram');
  });
});

describe('OsFingerprintDetector', () => {
  test('the nmap -O probe set is one OS_FINGERPRINT per attacker and target, updated with every kind', () => {
    const h = harness();
    for (const p of nmapOs()) h.feed(p);
    for (const p of nmapOs()) h.feed(p); // --max-os-tries 2: the same alert
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'OS_FINGERPRINT');
    assert.equal(a.attacker_ip, '203.0.113.8');
    assert.equal(a.target_ip, '10.0.0.2');
    assert.deepEqual(a.attack_details.probe_kinds, ['SEQ', 'ECN', 'T2', 'T3', 'T5', 'T7', 'IE', 'U1']);
    assert.ok(h.changed.every((c) => c === a));
  });

  test('a second target is a second alert; too few kinds or targets outside the home net none', () => {
    const h = harness({}, '10.0.0.0/24');
    for (const p of nmapOs('203.0.113.8', '10.0.0.3')) h.feed(p);
    for (const p of nmapOs('203.0.113.8', '192.0.2.1')) h.feed(p);
    for (const w of [1, 63, 4, 16, 512]) h.feed(t(SYN, w, NMAP_OPTS, 22, '203.0.113.9'));
    h.feed(t(SYN, 31337, NMAP_OPTS, 443, '203.0.113.9'));
    assert.equal(h.raised.length, 1, 'SEQ and T5 are two kinds: below 4');
    assert.equal(h.raised[0]!.target_ip, '10.0.0.3');
  });

  test('state is bounded: 1,000,000 random sources sending one odd probe each keep the table at its cap', () => {
    const h = harness({ maxPairs: 1000 });
    const p = t(SYN | FIN | PSH | URG, 256);
    for (let i = 0; i < 1_000_000; i++) {
      p.src3 = Math.imul(i, 0x9e3779b1) >>> 0;
      p.tsMicros = (clock += 1);
      h.feed(p);
    }
    assert.equal(h.detector.trackedPairs, 1000);
    assert.equal(h.detector.evictedPairs, 999_000);
    assert.equal(h.raised.length, 0);
  });
});
