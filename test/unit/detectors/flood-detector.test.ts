import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openCaptureFile } from '../../../src/engine/capture/file/open-capture-file.js';
import { LinkType } from '../../../src/engine/capture/link-type.js';
import { decodeFrame, DecodeResult } from '../../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../../src/engine/decode/malformed.js';
import { IpProto, Packet, TcpFlag } from '../../../src/engine/decode/packet.js';
import { FloodDetector, type FloodConfig } from '../../../src/engine/detectors/flood-detector.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { icmp, ipv4, ipv6, udp } from '../../support/frame-builder.js';
import { decodeRaw, fragment } from '../../support/fragments.js';
import { recordingContext } from '../../support/recording-context.js';
import { tcpPacket, udpPacket } from '../../support/packet-factory.js';

const { SYN, ACK } = TcpFlag;
const T0 = 1.7e15;

function harness(config: FloodConfig = {}, homeNet: string | null = null) {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new FloodDetector(config, ctx);
  const flows = new FlowTable(65_536);
  const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
  return { detector, flows, feed, raised, changed };
}

function v4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function icmpEcho(src: string, dst: string, ts: number): Packet {
  const v6 = src.includes(':');
  const body = icmp(v6 ? 128 : 8, 0);
  const frame = v6 ? ipv6(src, dst, IpProto.ICMPV6, body) : ipv4({ src, dst, proto: IpProto.ICMP }, body);
  const pkt = new Packet();
  decodeFrame(pkt, frame, 0, frame.length, frame.length, ts, LinkType.RAW, new MalformedCounters());
  return pkt;
}

/** `count` SYNs at `pps` from `src(i)` to `dst`, each from a new source port. */
function synFlood(h: ReturnType<typeof harness>, src: (i: number) => string, dst: string, count: number, pps: number, t0 = T0) {
  for (let i = 0; i < count; i++) h.feed(tcpPacket(src(i), dst, { srcPort: 1024 + (i % 60000), dstPort: 80, flags: SYN }, t0 + Math.floor((i * 1e6) / pps)));
}

describe('FloodDetector', () => {
  test('one source above the SYN threshold is a SYN_FLOOD from it, updated not repeated', () => {
    const h = harness();
    synFlood(h, () => '203.0.113.9', '10.0.0.2', 6000, 3000);
    h.detector.onTick(T0 + 2e6);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'SYN_FLOOD');
    assert.equal(a.attacker_ip, '203.0.113.9');
    assert.equal(a.target_ip, '10.0.0.2');
    assert.equal(a.protocol, 'tcp');
    assert.equal(a.attack_details.flood_type, 'SYN');
    assert.equal(a.attack_details.sources, 1);
    assert.equal(a.packet_count, 6000);
    assert.ok(a.duration >= 1.9 && a.duration <= 2, `duration ${a.duration}`);
    assert.ok(a.severity === 'high' || a.severity === 'critical');
    assert.ok(h.changed.length > 0 && h.changed.every((x) => x === a));
  });

  test('below the threshold nothing fires', () => {
    const h = harness();
    // 150 SYN/s for 20 s: under the per-second rate and under the sustained share (200/s over 10 s).
    synFlood(h, () => '203.0.113.9', '10.0.0.2', 3000, 150);
    for (let i = 0; i < 8000; i++) h.feed(udpPacket('203.0.113.9', '10.0.0.2', 5000, 9999, T0 + 25e6 + i * 250));
    assert.equal(h.raised.length, 0, JSON.stringify(h.raised.map((a) => [a.attack_type, a.attack_details])));
  });

  test('10,000 spoofed sources: one DDOS alert, sources counted, no per-source state', () => {
    const h = harness();
    synFlood(h, (i) => v4(0x0b000000 + i * 7919), '10.0.0.2', 10_000, 20_000);
    h.detector.onTick(T0 + 1e6);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'DDOS');
    assert.equal(a.target_ip, '10.0.0.2');
    assert.equal(a.attack_details.flood_type, 'SYN');
    assert.equal(a.attack_details.spoofed_likely, true);
    assert.equal(a.severity, 'critical');
    const sources = a.attack_details.sources as number;
    assert.ok(Math.abs(sources - 10_000) <= 1000, `sources ${sources}`);
    assert.equal(a.packet_count, 10_000);
    assert.equal(h.detector.stateSize, 2, 'one target, one alert');
  });

  test('a million spoofed sources keep the state bounded', () => {
    const h = harness();
    const pkt = tcpPacket('1.2.3.4', '10.0.0.2', { srcPort: 1, dstPort: 80, flags: SYN }, T0);
    for (let i = 0; i < 1_000_000; i++) {
      pkt.src3 = (0x0b000000 + i) >>> 0;
      pkt.tsMicros = T0 + i * 10;
      h.detector.onPacket(pkt, h.flows, 0);
    }
    assert.equal(h.raised.length, 1);
    assert.equal(h.detector.stateSize, 2);
    const sources = h.raised[0]!.attack_details.sources as number;
    assert.ok(sources > 0);
  });

  test('a busy web server whose clients complete their handshakes is no flood', () => {
    const h = harness();
    // 2,000 new connections per second from 5,000 clients over 3 s, each SYN → SYN-ACK → ACK.
    for (let i = 0; i < 6000; i++) {
      const client = v4(0xc6336400 + (i % 5000));
      const ts = T0 + i * 500;
      const port = 20000 + i;
      h.feed(tcpPacket(client, '10.0.0.80', { srcPort: port, dstPort: 443, flags: SYN }, ts));
      h.feed(tcpPacket('10.0.0.80', client, { srcPort: 443, dstPort: port, flags: SYN | ACK }, ts + 100));
      h.feed(tcpPacket(client, '10.0.0.80', { srcPort: port, dstPort: 443, flags: ACK }, ts + 200));
    }
    assert.equal(h.raised.length, 0);
  });

  test('the same SYN rate without handshakes does fire', () => {
    const h = harness();
    synFlood(h, (i) => v4(0xc6336400 + (i % 5000)), '10.0.0.80', 6000, 2000);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_type, 'DDOS');
  });

  test('a fast port scan (new port each SYN) is left to PortScanDetector', () => {
    const h = harness();
    for (let i = 0; i < 5000; i++) h.feed(tcpPacket('203.0.113.9', '10.0.0.2', { srcPort: 40000, dstPort: 1 + i, flags: SYN }, T0 + i * 200));
    assert.equal(h.raised.length, 0);
  });

  test('an ongoing flood updates its one alert on ticks with growing counts', () => {
    const h = harness();
    const counts: number[] = [];
    for (let sec = 0; sec < 5; sec++) {
      synFlood(h, () => '2001:db8::bad', '2001:db8::1', 3000, 3000, T0 + sec * 1e6);
      h.detector.onTick(T0 + (sec + 1) * 1e6);
      counts.push(h.raised[0]!.packet_count);
    }
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attacker_ip, '2001:db8::bad');
    assert.deepEqual(counts, [3000, 6000, 9000, 12000, 15000]);
    assert.ok(h.changed.length >= 4 && h.changed.every((a) => a === h.raised[0]));
    assert.ok(h.raised[0]!.duration > 4.9);
  });

  test('IPv6 spoofed SYN flood is a DDOS', () => {
    const h = harness();
    synFlood(h, (i) => `2001:db8:${(i >>> 16).toString(16)}::${(i & 0xffff).toString(16)}`, '2001:db8::1', 5000, 10_000);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_type, 'DDOS');
    assert.equal(h.raised[0]!.target_ip, '2001:db8::1');
  });

  test('UDP flood from one source, with the target port', () => {
    const h = harness();
    for (let i = 0; i < 12_000; i++) h.feed(udpPacket('198.51.100.7', '10.0.0.3', 40000 + (i % 100), 9999, T0 + i * 100));
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'UDP_FLOOD');
    assert.equal(a.protocol, 'udp');
    assert.equal(a.attacker_ip, '198.51.100.7');
    assert.equal(a.target_port, 9999);
    assert.equal(a.attack_details.flood_type, 'UDP');
  });

  test('ICMP echo flood over IPv6 and IPv4', () => {
    const h = harness();
    for (let i = 0; i < 3000; i++) h.feed(icmpEcho('2001:db8::66', '2001:db8::1', T0 + i * 500));
    for (let i = 0; i < 3000; i++) h.feed(icmpEcho('192.0.2.66', '10.0.0.4', T0 + i * 500));
    assert.equal(h.raised.length, 2);
    assert.deepEqual(
      h.raised.map((a) => [a.attack_type, a.attacker_ip, a.target_ip, a.protocol]),
      [
        ['ICMP_FLOOD', '2001:db8::66', '2001:db8::1', 'icmp'],
        ['ICMP_FLOOD', '192.0.2.66', '10.0.0.4', 'icmp'],
      ],
    );
  });

  test('many UDP sources to one target are a DDOS of flood_type UDP', () => {
    const h = harness();
    for (let i = 0; i < 12_000; i++) h.feed(udpPacket(v4(0x0c000000 + i * 13), '10.0.0.5', 1000 + (i % 50000), 80, T0 + i * 100));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_type, 'DDOS');
    assert.equal(h.raised[0]!.attack_details.flood_type, 'UDP');
  });

  test('a flood that stops and starts again after endSeconds is a new alert', () => {
    const h = harness({ endSeconds: 10 });
    synFlood(h, () => '203.0.113.9', '10.0.0.2', 3000, 3000);
    h.detector.onTick(T0 + 5e6);
    assert.equal(h.raised.length, 1);
    synFlood(h, () => '203.0.113.9', '10.0.0.2', 3000, 3000, T0 + 6e6);
    assert.equal(h.raised.length, 1, 'the pause was short: same alert');
    h.detector.onTick(T0 + 30e6);
    synFlood(h, () => '203.0.113.9', '10.0.0.2', 3000, 3000, T0 + 31e6);
    assert.equal(h.raised.length, 2);
  });

  test('ACK and RST floods of no connection: SYN_FLOOD alerts whose flood_type says which', () => {
    for (const [flags, type] of [[ACK, 'ACK'], [TcpFlag.RST, 'RST']] as const) {
      const h = harness();
      for (let i = 0; i < 6000; i++) h.feed(tcpPacket('198.51.100.40', '10.0.0.4', { srcPort: 1024 + (i % 50000), dstPort: 80, flags }, T0 + i * 250));
      h.detector.onTick(T0 + 1.6e6);
      assert.equal(h.raised.length, 1, type);
      const a = h.raised[0]!;
      assert.equal(a.attack_type, 'SYN_FLOOD');
      assert.equal(a.attacker_ip, '198.51.100.40');
      assert.equal(a.attack_details.flood_type, type);
    }
  });

  test('segments of an established connection are no ACK flood, however many', () => {
    const h = harness();
    h.feed(tcpPacket('198.51.100.41', '10.0.0.4', { srcPort: 50000, dstPort: 443, flags: SYN }, T0));
    h.feed(tcpPacket('10.0.0.4', '198.51.100.41', { srcPort: 443, dstPort: 50000, flags: SYN | ACK }, T0 + 10));
    for (let i = 0; i < 20_000; i++) h.feed(tcpPacket('198.51.100.41', '10.0.0.4', { srcPort: 50000, dstPort: 443, flags: ACK }, T0 + 100 + i * 50));
    assert.equal(h.raised.length, 0);
  });

  test('a sustained low-rate flood: one source at 300 SYN/s for 10 s (the 10 s window)', () => {
    const h = harness();
    synFlood(h, () => '198.51.100.42', '10.0.0.5', 3000, 300);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_type, 'SYN_FLOOD');
    assert.equal(h.raised[0]!.attacker_ip, '198.51.100.42');
    assert.equal(h.raised[0]!.attack_details.window_seconds, 10);
  });

  test('ten sources at 49 SYN/s each for 12 s: a DDOS across sources', () => {
    const h = harness();
    synFlood(h, (i) => `198.51.100.${50 + (i % 10)}`, '10.0.0.6', 5880, 490);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'DDOS');
    assert.equal(a.attack_details.flood_type, 'SYN');
  });

  test('a 0.4 s burst of 10,000 UDP datagrams a second from thousands of sources (the 0.1 s window)', () => {
    // from random ports: a DDOS; from IPsec NAT-T's port 4500, nothing asked for: reflection
    for (const [srcPort, type] of [[-1, 'DDOS'], [4500, 'REFLECTION']] as const) {
      const h = harness();
      for (let i = 0; i < 4000; i++) h.feed(udpPacket(v4(0x0b000000 + i * 7919), '10.0.0.7', srcPort < 0 ? 1024 + ((i * 37) % 60000) : srcPort, 4500, T0 + i * 100));
      assert.equal(h.raised.length, 1, type);
      const a = h.raised[0]!;
      assert.equal(a.attack_type, type);
      assert.equal(a.attack_details.window_seconds, 0.1);
    }
  });

  test('packet time jumping back (a merged capture) does not pile later packets into one burst', () => {
    const h = harness();
    // 20 s of UDP at 400/s, then the clock jumps back 15 s and the same rate goes on for 2 s
    for (let i = 0; i < 8000; i++) h.feed(udpPacket('198.51.100.70', '10.0.0.10', 5000, 9999, T0 + i * 2500));
    for (let i = 0; i < 800; i++) h.feed(udpPacket('198.51.100.70', '10.0.0.10', 5000, 9999, T0 + 5e6 + i * 2500));
    assert.equal(h.raised.length, 0);
  });

  test('a flash crowd whose handshakes complete is no burst', () => {
    const h = harness();
    for (let i = 0; i < 2000; i++) {
      const src = v4(0xc6336400 + i);
      h.feed(tcpPacket(src, '10.0.0.8', { srcPort: 40000, dstPort: 443, flags: SYN }, T0 + i * 50));
      h.feed(tcpPacket('10.0.0.8', src, { srcPort: 443, dstPort: 40000, flags: SYN | ACK }, T0 + i * 50 + 10));
      h.feed(tcpPacket(src, '10.0.0.8', { srcPort: 40000, dstPort: 443, flags: ACK }, T0 + i * 50 + 20));
    }
    assert.equal(h.raised.length, 0);
  });

  test('fragments that never make a datagram count as a fragment flood of their protocol', () => {
    const h = harness();
    const pkt = new Packet();
    const d = ipv4({ src: '198.51.100.60', dst: '10.0.0.9', proto: IpProto.UDP }, udp({ srcPort: 4000, dstPort: 7777, payload: Buffer.alloc(64) }));
    for (let i = 0; i < 3000; i++) {
      // first fragments only, each of another datagram: none ever completes
      decodeRaw(fragment(d, { offset: 0, length: 16 }, i), T0 + i * 500, undefined, pkt);
      h.detector.onFragment(pkt);
    }
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_type, 'UDP_FLOOD');
    assert.equal(h.raised[0]!.attacker_ip, '198.51.100.60');
    assert.equal(h.raised[0]!.attack_details.flood_type, 'FRAGMENT');
  });

  test('targets outside the home net are ignored; the target table stays bounded', () => {
    const h = harness({ maxTargets: 64 }, '10.0.0.0/24');
    synFlood(h, () => '203.0.113.9', '172.16.0.1', 5000, 5000);
    assert.equal(h.raised.length, 0);
    for (let i = 0; i < 5000; i++) h.feed(tcpPacket('203.0.113.9', v4(0x0a000000 + (i % 256)), { srcPort: 1024 + i, dstPort: 80, flags: SYN }, T0 + i * 100));
    assert.ok(h.detector.stateSize <= 64);
  });

  test('source trackers are pooled: more busy targets than trackers stay bounded and floods still fire', () => {
    const h = harness({ maxTrackers: 8 });
    // 40 targets, each at 300 SYN/s (busy enough to be tracked, not a flood), for 2 s.
    for (let i = 0; i < 24_000; i++) h.feed(tcpPacket(v4(0xc6336400 + (i % 977)), v4(0x0a000100 + (i % 40)), { srcPort: 1024 + (i % 60000), dstPort: 80, flags: SYN }, T0 + Math.floor(i * 83.3)));
    assert.equal(h.raised.length, 0);
    assert.ok(h.detector.trackersInUse <= 8);
    synFlood(h, () => '203.0.113.9', '10.0.0.2', 3000, 3000, T0 + 2e6);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_type, 'SYN_FLOOD');
  });

  test('unsolicited DNS responses from many reflectors: one REFLECTION per target', () => {
    const h = harness();
    for (let i = 0; i < 3000; i++) h.feed(udpPacket(v4(0x08080000 + (i % 400)), '10.0.0.6', 53, 30000 + (i % 20000), T0 + i * 500));
    h.detector.onTick(T0 + 1.5e6);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'REFLECTION');
    assert.equal(a.target_ip, '10.0.0.6');
    assert.equal(a.attack_details.service, 'dns');
    const reflectors = a.attack_details.reflectors as number;
    assert.ok(reflectors >= 350 && reflectors <= 450, `reflectors ${reflectors}`);
  });

  test('SYN-ACK reflection (SYN-ACKs opening flows)', () => {
    const h = harness();
    for (let i = 0; i < 3000; i++) h.feed(tcpPacket(v4(0x5db80000 + (i % 50)), '10.0.0.7', { srcPort: 80, dstPort: 1024 + i, flags: SYN | ACK }, T0 + i * 500));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_type, 'REFLECTION');
    assert.equal(h.raised[0]!.protocol, 'tcp');
  });

  test('DNS responses to our own queries are not reflection', () => {
    const h = harness();
    for (let i = 0; i < 3000; i++) {
      const port = 30000 + (i % 30000);
      h.feed(udpPacket('10.0.0.6', '8.8.8.8', port, 53, T0 + i * 500));
      h.feed(udpPacket('8.8.8.8', '10.0.0.6', 53, port, T0 + i * 500 + 100));
    }
    assert.equal(h.raised.length, 0);
  });
});

async function replay(path: string) {
  const h = harness();
  const pkt = new Packet();
  const malformed = new MalformedCounters();
  let last = 0;
  const source = await openCaptureFile(path);
  const end = await source.start((buf, offset, capLen, wireLen, tsMicros, linkType) => {
    if (decodeFrame(pkt, buf, offset, capLen, wireLen, tsMicros, linkType, malformed) !== DecodeResult.IP) return;
    h.detector.onPacket(pkt, h.flows, h.flows.update(pkt));
    last = tsMicros;
  });
  assert.equal(end.reason, 'eof');
  h.detector.onTick(last);
  return h;
}

describe('FloodDetector on recorded hping3 floods', () => {
  test('hping3 -S --flood from one address: SYN_FLOOD from 10.77.0.1', async () => {
    const h = await replay('fixtures/hping3-synflood.pcap');
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'SYN_FLOOD');
    assert.equal(a.attacker_ip, '10.77.0.1');
    assert.equal(a.packet_count, 1667, 'every SYN of the capture');
    assert.equal(a.duration, 0.027);
    assert.equal(a.attack_details.spoofed_likely, false);
  });

  test('hping3 --rand-source: one DDOS alert', async () => {
    const h = await replay('fixtures/hping3-synflood-randsrc.pcap');
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'DDOS');
    assert.equal(a.attack_details.flood_type, 'SYN');
    assert.equal(a.attack_details.spoofed_likely, true);
    const sources = a.attack_details.sources as number;
    assert.ok(sources > 4000 && sources < 6000, `sources ${sources}`);
    assert.equal(h.detector.stateSize, 2);
  });
});
