import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IpProto, TcpFlag, type Packet } from '../../../src/engine/decode/packet.js';
import { PortScanDetector, type PortScanConfig } from '../../../src/engine/detectors/port-scan-detector.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { decodeFrame } from '../../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../../src/engine/decode/malformed.js';
import { Packet as DecodedPacket } from '../../../src/engine/decode/packet.js';
import { LinkType } from '../../../src/engine/capture/link-type.js';
import { ipv4, LINUX_SYN_OPTIONS, MSS_ONLY } from '../../support/frame-builder.js';
import { recordingContext } from '../../support/recording-context.js';
import { tcpPacket, udpPacket } from '../../support/packet-factory.js';

const { SYN, ACK, FIN, RST, PSH, URG } = TcpFlag;

function harness(config: Partial<PortScanConfig> = {}, homeNet: string | null = null) {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new PortScanDetector({ ports: 15, windowSeconds: 60, ...config }, ctx);
  const flows = new FlowTable(4096);
  const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
  return { detector, flows, feed, raised, changed };
}

/** One probe per port from `attacker` to `target`, 1 ms apart, starting at `t0` µs. */
function probe(h: ReturnType<typeof harness>, attacker: string, target: string, ports: number[], flags: number, opts: number[] = MSS_ONLY, t0 = 1e15, srcPort = 55555) {
  ports.forEach((port, i) => h.feed(tcpPacket(attacker, target, { srcPort, dstPort: port, flags, options: flags === SYN ? opts : [] }, t0 + i * 1000)));
}

/** An SCTP packet whose first chunk is `chunk` (4-byte chunk header, 16 bytes of value). */
function sctpPacket(src: string, dst: string, srcPort: number, dstPort: number, chunk: number, ts: number): Packet {
  const sctp = Buffer.alloc(12 + 20);
  sctp.writeUInt16BE(srcPort, 0);
  sctp.writeUInt16BE(dstPort, 2);
  sctp.writeUInt32BE(chunk === 1 ? 0 : 0x1234, 4);
  sctp[12] = chunk;
  sctp.writeUInt16BE(20, 14);
  const frame = ipv4({ src, dst, proto: IpProto.SCTP }, sctp);
  const pkt = new DecodedPacket();
  decodeFrame(pkt, frame, 0, frame.length, frame.length, ts, LinkType.RAW, new MalformedCounters());
  return pkt;
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('PortScanDetector', () => {
  test('fires once at the threshold of distinct ports, then updates the same alert', () => {
    const h = harness();
    probe(h, '203.0.113.9', '10.0.0.2', range(1, 14), SYN);
    assert.equal(h.raised.length, 0, 'below threshold');
    probe(h, '203.0.113.9', '10.0.0.2', range(15, 50), SYN, MSS_ONLY, 1e15 + 100_000);
    assert.equal(h.raised.length, 1);
    const alert = h.raised[0]!;
    assert.equal(alert.attack_type, 'PORT_SCAN');
    assert.equal(alert.attacker_ip, '203.0.113.9');
    assert.equal(alert.target_ip, '10.0.0.2');
    assert.equal(alert.attack_details.scan_type, 'SYN');
    assert.equal(alert.attack_details.ports_count, 64);
    assert.equal(alert.attack_details.interface, 'test0');
    assert.ok(h.changed.every((a) => a === alert));
  });

  test('repeated probes of the same ports do not add up to a scan', () => {
    const h = harness();
    for (let round = 0; round < 50; round++) probe(h, '203.0.113.9', '10.0.0.2', [22, 80, 443], SYN, MSS_ONLY, 1e15 + round * 10_000, 40000 + round);
    assert.equal(h.raised.length, 0);
  });

  const kinds: [string, number, string][] = [
    ['FIN', FIN, 'FIN'],
    ['NULL', 0, 'NULL'],
    ['XMAS', FIN | PSH | URG, 'XMAS'],
    ['ACK', ACK, 'ACK'],
    ['MAIMON', FIN | ACK, 'MAIMON'],
  ];
  for (const [name, flags, scanType] of kinds) {
    test(`${name} probes make a ${scanType} scan`, () => {
      const h = harness();
      probe(h, '198.51.100.1', '10.0.0.2', range(1000, 20), flags);
      assert.equal(h.raised.length, 1);
      assert.equal(h.raised[0]!.attack_details.scan_type, scanType);
    });
  }

  test('SYNs with a kernel option set and changing source ports make a CONNECT scan', () => {
    const h = harness();
    range(1, 20).forEach((port, i) => h.feed(tcpPacket('198.51.100.1', '10.0.0.2', { srcPort: 40000 + i, dstPort: port, flags: SYN, options: LINUX_SYN_OPTIONS }, 1e15 + i)));
    assert.equal(h.raised[0]!.attack_details.scan_type, 'CONNECT');
  });

  test('a completed handshake during a SYN scan turns it into CONNECT', () => {
    const h = harness();
    probe(h, '198.51.100.1', '10.0.0.2', range(1, 20), SYN);
    assert.equal(h.raised[0]!.attack_details.scan_type, 'SYN');
    h.feed(tcpPacket('10.0.0.2', '198.51.100.1', { srcPort: 5, dstPort: 55555, flags: SYN | ACK }, 2e15));
    h.feed(tcpPacket('198.51.100.1', '10.0.0.2', { srcPort: 55555, dstPort: 5, flags: ACK }, 2e15 + 1));
    assert.equal(h.raised[0]!.attack_details.scan_type, 'CONNECT');
  });

  test('UDP probes make a UDP scan with protocol udp', () => {
    const h = harness();
    range(100, 20).forEach((port, i) => h.feed(udpPacket('198.51.100.1', '10.0.0.2', 60000, port, 1e15 + i)));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_details.scan_type, 'UDP');
    assert.equal(h.raised[0]!.protocol, 'udp');
  });

  test('replies and backscatter are not probes: SYN-ACKs and RSTs to many ports', () => {
    const h = harness();
    probe(h, '198.51.100.1', '10.0.0.2', range(1, 40), SYN | ACK);
    probe(h, '198.51.100.1', '10.0.0.2', range(100, 40), RST, [], 2e15);
    assert.equal(h.raised.length, 0);
  });

  test('mid-stream segments with data are not ACK probes', () => {
    const h = harness();
    range(1, 30).forEach((port, i) => h.feed(tcpPacket('198.51.100.1', '10.0.0.2', { srcPort: 443, dstPort: 40000 + port, flags: ACK | PSH, payload: Buffer.alloc(100) }, 1e15 + i)));
    assert.equal(h.raised.length, 0);
  });

  test('one source contacting one port on many hosts is not a port scan', () => {
    const h = harness();
    range(1, 100).forEach((n, i) => h.feed(tcpPacket('198.51.100.1', `10.0.1.${n}`, { srcPort: 40000 + i, dstPort: 443, flags: SYN }, 1e15 + i)));
    assert.equal(h.raised.length, 0);
  });

  test('two targets scanned by one attacker give one alert naming both', () => {
    const h = harness();
    probe(h, '198.51.100.1', '10.0.0.2', range(1, 20), SYN);
    probe(h, '198.51.100.1', '10.0.0.3', range(1, 20), SYN, MSS_ONLY, 2e15);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_details.targets_count, 2);
    assert.equal(h.raised[0]!.attack_details.ports_count, 40);
  });

  test('probes spread wider than the window do not add up', () => {
    const h = harness({ ports: 15, windowSeconds: 10 });
    range(1, 30).forEach((port, i) => h.feed(tcpPacket('198.51.100.1', '10.0.0.2', { srcPort: 55555, dstPort: port, flags: SYN, options: MSS_ONLY }, 1e15 + i * 1e6)));
    assert.equal(h.raised.length, 0);
  });

  test('with a home net, only probes towards it count', () => {
    const h = harness({}, '10.0.0.0/24');
    probe(h, '10.0.0.5', '192.0.2.50', range(1, 40), SYN);
    assert.equal(h.raised.length, 0);
    probe(h, '192.0.2.50', '10.0.0.5', range(1, 40), SYN, MSS_ONLY, 2e15);
    assert.equal(h.raised.length, 1);
  });

  test('IPv6 scanner', () => {
    const h = harness();
    probe(h, '2001:db8:bad::1', '2001:db8::2', range(1, 20), SYN);
    assert.equal(h.raised[0]!.attacker_ip, '2001:db8:bad::1');
  });

  test('a spoofed flood (one SYN per source) creates no per-source state', () => {
    const h = harness();
    for (let i = 0; i < 100_000; i++) {
      const src = `${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.7`;
      h.feed(tcpPacket(src, '10.0.0.2', { srcPort: 1024 + (i & 0x7fff), dstPort: 80 + (i % 7), flags: SYN }, 1e15 + i));
    }
    assert.equal(h.detector.trackedPairs, 0);
    assert.equal(h.raised.length, 0);
  });

  test('state is bounded: the oldest pairs are evicted past maxPairs', () => {
    const h = harness({ maxPairs: 100 });
    for (let i = 0; i < 1000; i++) probe(h, `198.51.${i >> 8}.${i & 255}`, '10.0.0.2', [1, 2], SYN, MSS_ONLY, 1e15 + i * 10);
    assert.equal(h.detector.trackedPairs, 100);
    assert.equal(h.detector.evictedPairs, 900);
  });

  test('quiet pairs are swept after the window', () => {
    const h = harness({ windowSeconds: 10 });
    probe(h, '198.51.100.1', '10.0.0.2', [1, 2, 3], SYN);
    assert.equal(h.detector.trackedPairs, 1);
    h.detector.onTick(1e15 + 60e6);
    assert.equal(h.detector.trackedPairs, 0);
  });
  test('unsolicited DNS answers to many ports are reflection, not a UDP scan by the resolver; nmap -g 53 probes still are a scan', () => {
    const h = harness();
    const answer = Buffer.from('1337818000010001000000000377777700000100010000', 'hex');
    for (let i = 0; i < 200; i++) h.feed(udpPacket('8.8.8.8', '10.0.0.2', 53, 20000 + i, 1e15 + i * 1000, answer));
    assert.equal(h.raised.length, 0, 'answers (QR set) from port 53 probe nothing');
    const query = Buffer.from('1337010000010000000000000377777700000100010000', 'hex');
    for (let i = 0; i < 20; i++) h.feed(udpPacket('198.51.100.9', '10.0.0.2', 53, 100 + i, 1e15 + i * 1000, i % 2 === 0 ? query : undefined));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attacker_ip, '198.51.100.9');
    assert.equal(h.raised[0]!.attack_details.scan_type, 'UDP');
  });
  test('SCTP INIT and COOKIE ECHO probes (nmap -sY, -sZ) are an SCTP_INIT scan; INIT ACK and ABORT answers are not probes', () => {
    for (const chunk of [1, 10]) {
      const h = harness();
      for (let port = 1; port <= 20; port++) h.feed(sctpPacket('198.51.100.5', '10.0.0.2', 40000, port, chunk, 1e15 + port * 1000));
      assert.equal(h.raised.length, 1, `chunk ${chunk}`);
      assert.equal(h.raised[0]!.attack_details.scan_type, 'SCTP_INIT');
      assert.equal(h.raised[0]!.protocol, 'sctp');
    }
    const h = harness();
    for (const chunk of [2, 6])
      for (let port = 1; port <= 20; port++) h.feed(sctpPacket('198.51.100.6', '10.0.0.2', 40000 + chunk, port, chunk, 1e15 + port * 1000));
    assert.equal(h.raised.length, 0);
  });
  test('decoys (nmap -D): one scan naming the source the target answered, the others listed as decoys', () => {
    const h = harness();
    const decoys = ['198.51.100.21', '198.51.100.22', '198.51.100.23'];
    const real = '198.51.100.1';
    let t = 1e15;
    for (let port = 1; port <= 100; port++) {
      // every probe from each decoy and the real scanner, in nmap's order
      for (const src of [decoys[0]!, decoys[1]!, real, decoys[2]!]) h.feed(tcpPacket(src, '10.0.0.2', { srcPort: 40000, dstPort: port, flags: SYN, options: MSS_ONLY }, (t += 100)));
      // only the real scanner is reachable: the target's RST reaches it alone
      h.feed(tcpPacket('10.0.0.2', real, { srcPort: port, dstPort: 40000, flags: RST | ACK }, (t += 100)));
    }
    assert.equal(h.raised.length, 1, 'one scan, not one per decoy');
    const a = h.raised[0]!;
    assert.equal(a.attacker_ip, real);
    assert.deepEqual([...(a.attack_details.decoys as string[])].sort(), decoys);
    assert.equal(a.attack_details.ports_count, 100, 'decoys add no ports');
  });

  test('two scanners of one target with different ports stay two scans', () => {
    const h = harness();
    let t = 1e15;
    for (let i = 0; i < 40; i++) {
      h.feed(tcpPacket('198.51.100.31', '10.0.0.2', { srcPort: 40000, dstPort: 1 + i, flags: SYN, options: MSS_ONLY }, (t += 100)));
      h.feed(tcpPacket('198.51.100.32', '10.0.0.2', { srcPort: 40000, dstPort: 1000 + i, flags: SYN, options: MSS_ONLY }, (t += 100)));
    }
    assert.deepEqual(h.raised.map((a) => a.attacker_ip).sort(), ['198.51.100.31', '198.51.100.32']);
    assert.ok(h.raised.every((a) => a.attack_details.decoys === undefined));
  });
});
