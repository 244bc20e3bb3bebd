import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TcpFlag, type Packet } from '../../../src/engine/decode/packet.js';
import { ExfiltrationDetector, type ExfiltrationConfig } from '../../../src/engine/detectors/exfiltration-detector.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { CidrSet } from '../../../src/net/cidr-set.js';
import { recordingContext } from '../../support/recording-context.js';
import { icmpPacket, tcpPacket, udpPacket } from '../../support/packet-factory.js';

const T0 = 1.7e15;
const SEC = 1e6;
const PAYLOAD = Buffer.alloc(1000, 0x41);

function harness(config: ExfiltrationConfig = {}, homeNet: string | null = '10.0.0.0/8,fd00::/8') {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new ExfiltrationDetector(config, ctx);
  const flows = new FlowTable(64);
  // The detector does not use the flow table; -1 = untracked packet.
  const feed = (p: Packet) => detector.onPacket(p, flows, -1);
  return { detector, ctx, feed, raised, changed };
}

/** Sends `n` copies of `pkt` spread evenly from `t0` over `spanMicros` (the one Packet is reused). */
function send(h: ReturnType<typeof harness>, pkt: Packet, n: number, t0: number, spanMicros = 0): void {
  for (let i = 0; i < n; i++) {
    pkt.tsMicros = t0 + (n > 1 ? Math.floor((i * spanMicros) / (n - 1)) : 0);
    h.feed(pkt);
  }
}

describe('ExfiltrationDetector', () => {
  test('below the threshold nothing; above it one DATA_EXFILTRATION alert with the evidence', () => {
    const h = harness({ bytes: 100_000 });
    const p = udpPacket('10.0.0.5', '203.0.113.9', 40000, 443, T0, PAYLOAD);
    const len = p.wireLen;
    const n = Math.floor(100_000 / len); // n * len <= 100 000: not above
    send(h, p, n, T0, 10 * SEC);
    assert.equal(h.raised.length, 0);
    p.tsMicros = T0 + 11 * SEC;
    h.feed(p);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'DATA_EXFILTRATION');
    assert.equal(a.severity, 'high');
    assert.equal(a.attacker_ip, '203.0.113.9');
    assert.equal(a.target_ip, '10.0.0.5');
    assert.equal(a.target_port, null);
    assert.equal(a.protocol, 'udp');
    assert.equal(a.packet_count, n + 1);
    assert.equal(a.duration, 11);
    assert.equal(a.attack_details.bytes_out, (n + 1) * len);
    assert.equal(a.attack_details.window_seconds, 60);
    assert.equal(a.attack_details.threshold, 100_000);
    assert.equal(a.attack_details.destination_port, 443);
    assert.deepEqual(a.attack_details.sources, ['10.0.0.5']);
    assert.equal(a.attack_details.interface, 'test0');
  });

  test('default threshold is 15 MB in 60 s', () => {
    const h = harness();
    assert.equal(h.detector.thresholdBytes, 15_000_000);
    assert.equal(h.detector.windowSeconds, 60);
    const p = tcpPacket('10.0.0.5', '198.51.100.20', { srcPort: 50000, dstPort: 22, flags: TcpFlag.ACK, payload: Buffer.alloc(1400) }, T0);
    const n = Math.floor(15_000_000 / p.wireLen);
    send(h, p, n, T0, 50 * SEC);
    assert.equal(h.raised.length, 0);
    send(h, p, 2, T0 + 51 * SEC, SEC);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.protocol, 'tcp');
    assert.equal(h.raised[0]!.attack_details.destination_port, 22);
  });

  test('the window slides: bytes older than the window do not count', () => {
    const h = harness({ bytes: 100_000 });
    const p = udpPacket('10.0.0.5', '203.0.113.9', 40000, 443, T0, PAYLOAD);
    const half = Math.ceil(60_000 / p.wireLen); // ~60 kB each burst, two bursts exceed 100 kB
    send(h, p, half, T0, SEC);
    // 61 s later (more than the window plus a bucket), the first burst has left the window.
    send(h, p, half, T0 + 66 * SEC, SEC);
    assert.equal(h.raised.length, 0);
    // Within the same window, another burst does exceed it.
    send(h, p, half, T0 + 80 * SEC, SEC);
    assert.equal(h.raised.length, 1);
    h.detector.onTick(T0 + 82 * SEC); // flushes the throttled update
    assert.equal(h.raised[0]!.attack_details.bytes_out, 2 * half * p.wireLen);
  });

  test('a steady trickle below the rate never alerts, however long it lasts', () => {
    const h = harness({ bytes: 100_000 });
    const p = udpPacket('10.0.0.5', '203.0.113.9', 40000, 443, T0, PAYLOAD);
    // ~1 kB/s = ~60 kB per window, for an hour.
    for (let s = 0; s < 3600; s++) send(h, p, 1, T0 + s * SEC);
    assert.equal(h.raised.length, 0);
  });

  test('inbound traffic, internal traffic and multicast do not count', () => {
    const h = harness({ bytes: 10_000 });
    const inbound = udpPacket('203.0.113.9', '10.0.0.5', 443, 40000, T0, PAYLOAD);
    send(h, inbound, 100, T0, SEC);
    const internal = udpPacket('10.0.0.5', '10.0.0.6', 40000, 443, T0, PAYLOAD);
    send(h, internal, 100, T0, SEC);
    const mcast = udpPacket('10.0.0.5', '239.1.2.3', 40000, 5000, T0, PAYLOAD);
    send(h, mcast, 100, T0, SEC);
    const bcast = udpPacket('10.0.0.5', '255.255.255.255', 68, 67, T0, PAYLOAD);
    send(h, bcast, 100, T0, SEC);
    const outsideToOutside = udpPacket('198.51.100.1', '203.0.113.9', 40000, 443, T0, PAYLOAD);
    send(h, outsideToOutside, 100, T0, SEC);
    assert.equal(h.raised.length, 0);
    assert.equal(h.detector.trackedDestinations, 0);
  });

  test('without a home net the detector does nothing', () => {
    const h = harness({ bytes: 10_000 }, null);
    send(h, udpPacket('10.0.0.5', '203.0.113.9', 40000, 443, T0, PAYLOAD), 100, T0, SEC);
    assert.equal(h.raised.length, 0);
    assert.equal(h.detector.trackedDestinations, 0);
  });

  test('allow-listed destinations are ignored', () => {
    const h = harness({ bytes: 10_000, allow: CidrSet.parse('203.0.113.0/24,2001:db8:b::/48') });
    send(h, udpPacket('10.0.0.5', '203.0.113.9', 40000, 443, T0, PAYLOAD), 100, T0, SEC);
    send(h, udpPacket('fd00::5', '2001:db8:b::1', 40000, 443, T0, PAYLOAD), 100, T0, SEC);
    assert.equal(h.raised.length, 0);
    send(h, udpPacket('10.0.0.5', '198.51.100.7', 40000, 443, T0, PAYLOAD), 100, T0, SEC);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attacker_ip, '198.51.100.7');
  });

  test('IPv6: home fd00::/8 to a global address', () => {
    const h = harness({ bytes: 50_000 });
    const p = tcpPacket('fd00::1:5', '2001:db8::dead:beef', { srcPort: 50000, dstPort: 8443, flags: TcpFlag.ACK, payload: PAYLOAD }, T0);
    send(h, p, 60, T0, 5 * SEC);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attacker_ip, '2001:db8::dead:beef');
    assert.equal(a.target_ip, 'fd00::1:5');
    assert.equal(a.protocol, 'tcp');
    assert.equal(a.attack_details.destination_port, 8443);
  });

  test('several home sources: target is the heaviest, sources lists them heaviest first; most used port', () => {
    const h = harness({ bytes: 100_000 });
    send(h, udpPacket('10.0.0.7', '203.0.113.9', 40000, 53, T0, PAYLOAD), 10, T0, SEC);
    send(h, tcpPacket('10.0.0.5', '203.0.113.9', { srcPort: 50000, dstPort: 443, flags: TcpFlag.ACK, payload: PAYLOAD }, T0), 80, T0 + SEC, SEC);
    send(h, udpPacket('10.0.0.6', '203.0.113.9', 40000, 443, T0, PAYLOAD), 20, T0 + 2 * SEC, SEC);
    assert.equal(h.raised.length, 1);
    h.detector.onTick(T0 + 4 * SEC); // flushes the throttled update
    const a = h.raised[0]!;
    assert.equal(a.target_ip, '10.0.0.5');
    assert.deepEqual(a.attack_details.sources, ['10.0.0.5', '10.0.0.6', '10.0.0.7']);
    assert.equal(a.attack_details.destination_port, 443);
    assert.equal(a.protocol, 'tcp');
  });

  test('one alert per destination: updated (not repeated) while it goes on, a new one after three quiet windows', () => {
    const h = harness({ bytes: 100_000 });
    const p = udpPacket('10.0.0.5', '203.0.113.9', 40000, 443, T0, PAYLOAD);
    const len = p.wireLen;
    send(h, p, 200, T0, 10 * SEC);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    const firstUpdates = h.changed.length;
    assert.ok(firstUpdates >= 1 && firstUpdates <= 11, `updates are throttled (${firstUpdates})`);
    for (const c of h.changed) assert.equal(c, a);
    // It goes on, well past several windows.
    for (let m = 1; m <= 5; m++) send(h, p, 200, T0 + m * 60 * SEC, 10 * SEC);
    h.detector.onTick(T0 + 311 * SEC);
    assert.equal(h.raised.length, 1);
    assert.equal(a.attack_details.bytes_out, 1200 * len);
    assert.equal(a.packet_count, 1200);
    assert.equal(a.duration, 310);
    assert.ok(h.changed.every((c) => c === a));
    // Still quiet after two windows: the same alert goes on.
    send(h, p, 200, T0 + (310 + 120) * SEC, 10 * SEC);
    assert.equal(h.raised.length, 1);
    // Three quiet windows (ended by the tick): a new transfer is a new alert.
    h.detector.onTick(T0 + (440 + 181) * SEC);
    assert.equal(h.detector.liveAlerts, 0);
    send(h, p, 200, T0 + 700 * SEC, 10 * SEC);
    assert.equal(h.raised.length, 2);
    assert.notEqual(h.raised[1]!.id, a.id);
    assert.equal(h.raised[1]!.attack_details.bytes_out, h.raised[1]!.packet_count * len);
  });

  test('three quiet windows end an alert even without ticks', () => {
    const h = harness({ bytes: 100_000 });
    const p = udpPacket('10.0.0.5', '203.0.113.9', 40000, 443, T0, PAYLOAD);
    send(h, p, 200, T0, 10 * SEC);
    send(h, p, 200, T0 + 200 * SEC, 10 * SEC);
    assert.equal(h.raised.length, 2);
  });

  test('bounded: 1,000,000 distinct destinations never grow the table, evictions are counted', () => {
    const max = 4096;
    const h = harness({ bytes: 1_000_000_000, maxDestinations: max });
    const p = udpPacket('10.0.0.5', '203.0.113.9', 40000, 443, T0, PAYLOAD);
    const cap = h.detector.capacity;
    for (let i = 0; i < 1_000_000; i++) {
      p.dst3 = (0x0b000000 + i) >>> 0; // 11.0.0.0 + i
      p.tsMicros = T0 + i;
      h.feed(p);
      if (i === max - 1) assert.equal(h.detector.evictedDestinations, 0);
    }
    assert.equal(h.detector.capacity, cap);
    assert.equal(h.detector.trackedDestinations, max);
    assert.equal(h.detector.evictedDestinations, 1_000_000 - max);
    // The table still finds what it holds: the latest destinations add up and alert.
    const h2 = harness({ bytes: 50_000, maxDestinations: 64 });
    for (let i = 0; i < 10_000; i++) {
      p.dst3 = (0x0b000000 + (i % 1000)) >>> 0;
      p.tsMicros = T0 + i;
      h2.feed(p);
    }
    assert.equal(h2.raised.length, 0, 'round-robin over 1000 destinations in 64 slots: each keeps being evicted');
    for (let i = 0; i < 100; i++) {
      p.dst3 = 0x0b0000ff;
      p.tsMicros = T0 + 20_000 + i;
      h2.feed(p);
    }
    assert.equal(h2.raised.length, 1);
    assert.equal(h2.raised[0]!.attacker_ip, '11.0.0.255');
  });

  test('eviction keeps the hash index consistent (backward-shift deletion)', () => {
    const max = 8;
    const h = harness({ bytes: 1_000_000_000, maxDestinations: max });
    const p = udpPacket('10.0.0.5', '203.0.113.9', 40000, 443, T0, PAYLOAD);
    // Many rounds over 12 destinations in 8 slots, then the 8 latest must all be found (no duplicates).
    for (let i = 0; i < 50_000; i++) {
      p.dst3 = (0x0b000000 + ((i * 7) % 12)) >>> 0;
      p.tsMicros = T0 + i;
      h.feed(p);
      assert.ok(h.detector.trackedDestinations <= max);
    }
    const before = h.detector.evictedDestinations;
    // The last 8 distinct destinations fed are tracked: feeding them again evicts nothing.
    const recent: number[] = [];
    for (let i = 49_999; recent.length < 8; i--) {
      const d = (0x0b000000 + ((i * 7) % 12)) >>> 0;
      if (!recent.includes(d)) recent.push(d);
    }
    for (const d of recent) {
      p.dst3 = d;
      h.feed(p);
    }
    assert.equal(h.detector.evictedDestinations, before);
  });
  test('only what a home host sends on a flow it opened: a download served to an outside client and echo replies are not exfiltration', () => {
    const { ctx, raised } = recordingContext('10.0.0.0/8');
    const detector = new ExfiltrationDetector({ bytes: 100_000 }, ctx);
    const flows = new FlowTable(1024);
    const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
    let t = T0;
    // an outside client opens a connection to a home web server and downloads 1 MB
    feed(tcpPacket('203.0.113.9', '10.0.0.5', { srcPort: 51000, dstPort: 80, flags: TcpFlag.SYN }, (t += 100)));
    feed(tcpPacket('10.0.0.5', '203.0.113.9', { srcPort: 80, dstPort: 51000, flags: TcpFlag.SYN | TcpFlag.ACK }, (t += 100)));
    feed(tcpPacket('203.0.113.9', '10.0.0.5', { srcPort: 51000, dstPort: 80, flags: TcpFlag.ACK }, (t += 100)));
    for (let i = 0; i < 1000; i++) feed(tcpPacket('10.0.0.5', '203.0.113.9', { srcPort: 80, dstPort: 51000, flags: TcpFlag.ACK, payload: PAYLOAD }, (t += 100)));
    // echo replies to an outside pinger, 1 MB of them
    for (let i = 0; i < 200; i++) {
      feed(icmpPacket('203.0.113.10', '10.0.0.6', 8, 0, (t += 100)));
      const reply = icmpPacket('10.0.0.6', '203.0.113.10', 0, 0, (t += 100));
      reply.wireLen = 5000;
      feed(reply);
    }
    assert.equal(raised.length, 0);
    // the same home server uploading 1 MB on a connection it opened is
    feed(tcpPacket('10.0.0.5', '203.0.113.9', { srcPort: 40000, dstPort: 443, flags: TcpFlag.SYN }, (t += 100)));
    for (let i = 0; i < 200; i++) feed(tcpPacket('10.0.0.5', '203.0.113.9', { srcPort: 40000, dstPort: 443, flags: TcpFlag.ACK, payload: PAYLOAD }, (t += 100)));
    assert.equal(raised.length, 1);
    assert.equal(raised[0]!.attacker_ip, '203.0.113.9');
  });
});
