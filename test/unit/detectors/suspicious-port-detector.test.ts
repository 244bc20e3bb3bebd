import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TcpFlag, type Packet } from '../../../src/engine/decode/packet.js';
import { DEFAULT_RISKY_PORTS, SuspiciousPortDetector, type SuspiciousPortConfig } from '../../../src/engine/detectors/suspicious-port-detector.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { recordingContext } from '../../support/recording-context.js';
import { tcpPacket, udpPacket } from '../../support/packet-factory.js';

const { SYN, ACK } = TcpFlag;
const T0 = 1.7e15;

function harness(config: SuspiciousPortConfig = {}, homeNet: string | null = '10.0.0.0/8') {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new SuspiciousPortDetector(config, ctx);
  const flows = new FlowTable(1024);
  const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
  return { detector, feed, raised, changed };
}

let sp = 40000;
function syn(h: ReturnType<typeof harness>, src: string, dst: string, port: number, t: number, srcPort = sp++) {
  h.feed(tcpPacket(src, dst, { srcPort, dstPort: port, flags: SYN }, t));
  h.feed(tcpPacket(dst, src, { srcPort: port, dstPort: srcPort, flags: SYN | ACK }, t + 10));
  h.feed(tcpPacket(src, dst, { srcPort, dstPort: port, flags: ACK }, t + 20));
}

describe('SuspiciousPortDetector', () => {
  test('default table lookups and risks', () => {
    const h = harness();
    assert.equal(h.detector.riskOf(4444), 'critical');
    assert.equal(h.detector.riskOf(23), 'high');
    assert.equal(h.detector.riskOf(31337), 'high');
    assert.equal(h.detector.riskOf(1337), 'high');
    assert.equal(h.detector.riskOf(6667), 'medium');
    assert.equal(h.detector.riskOf(3389), 'medium');
    assert.equal(h.detector.riskOf(445), 'high');
    assert.equal(h.detector.riskOf(80), null);
    assert.equal(DEFAULT_RISKY_PORTS[5900]!.name, 'VNC');
  });

  test('configurable table replaces the default; bad risk rejected', () => {
    const h = harness({ ports: { 8080: { name: 'alt-http', risk: 'low' } } });
    assert.equal(h.detector.riskOf(8080), 'low');
    assert.equal(h.detector.riskOf(4444), null);
    assert.throws(() => harness({ ports: { 1: { name: 'x', risk: 'huge' as 'low' } } }));
  });

  test('inbound connection: severity is the risk, one alert per (remote, port) updated', () => {
    const h = harness();
    syn(h, '203.0.113.9', '10.0.0.2', 4444, T0);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'SUSPICIOUS_PORT');
    assert.equal(a.severity, 'critical');
    assert.equal(a.attacker_ip, '203.0.113.9');
    assert.equal(a.target_ip, '10.0.0.2');
    assert.equal(a.target_port, 4444);
    assert.equal(a.attack_details.direction, 'inbound');
    assert.equal(a.attack_details.service, 'Metasploit');
    syn(h, '203.0.113.9', '10.0.0.3', 4444, T0 + 2e6);
    syn(h, '203.0.113.9', '10.0.0.2', 4444, T0 + 3e6);
    assert.equal(h.raised.length, 1);
    assert.equal(h.changed.length, 2);
    assert.equal(a.packet_count, 3);
    assert.equal(a.attack_details.connections, 3);
    assert.equal(a.duration, 3);
    syn(h, '203.0.113.9', '10.0.0.2', 23, T0 + 4e6);
    syn(h, '203.0.113.10', '10.0.0.2', 4444, T0 + 4e6);
    assert.equal(h.raised.length, 3);
    assert.equal(h.raised[1]!.severity, 'high');
  });

  test('outbound connection from the home net; remote is the responder', () => {
    const h = harness();
    syn(h, '10.0.0.5', '198.51.100.1', 6667, T0);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_details.direction, 'outbound');
    assert.equal(a.attacker_ip, '198.51.100.1');
    assert.equal(a.target_ip, '10.0.0.5');
    assert.equal(a.severity, 'medium');
  });

  test('from a risky source port, and ordinary ports ignored; bare SYNs are no conversation', () => {
    const h = harness();
    syn(h, '203.0.113.9', '10.0.0.2', 80, T0, 31337);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.target_port, 31337);
    syn(h, '203.0.113.9', '10.0.0.2', 443, T0 + 1e6);
    assert.equal(h.raised.length, 1);
    h.feed(tcpPacket('203.0.113.8', '10.0.0.2', { srcPort: 40000, dstPort: 23, flags: SYN }, T0 + 3e6));
    assert.equal(h.raised.length, 1);
  });

  test('UDP counts at the first reply: probes, floods and ICMP-answered datagrams never do', () => {
    const h = harness();
    // a probe or a flood to TFTP without a UDP answer: nothing, however many datagrams
    for (let i = 0; i < 50; i++) h.feed(udpPacket('203.0.113.7', '10.0.0.2', 5000 + i, 69, T0 + i));
    h.feed(udpPacket('203.0.113.7', '10.0.0.2', 5000, 69, T0 + 100));
    assert.equal(h.raised.length, 0);
    // TFTP answers: inbound conversation, the originator is the remote
    h.feed(udpPacket('10.0.0.2', '203.0.113.7', 69, 5000, T0 + 200));
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.protocol, 'udp');
    assert.equal(a.attacker_ip, '203.0.113.7');
    assert.equal(a.target_ip, '10.0.0.2');
    assert.equal(a.target_port, 69);
    assert.equal(a.severity, 'medium');
    assert.equal(a.attack_details.direction, 'inbound');
    // more replies in the same flow do not count again
    h.feed(udpPacket('10.0.0.2', '203.0.113.7', 69, 5000, T0 + 300));
    assert.equal(a.attack_details.connections, 1);
  });

  test('UDP outbound: a home host talking to a risky port outside, answered', () => {
    const h = harness();
    h.feed(udpPacket('10.0.0.9', '198.51.100.4', 41000, 6667, T0));
    h.feed(udpPacket('198.51.100.4', '10.0.0.9', 6667, 41000, T0 + 1000));
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attacker_ip, '198.51.100.4');
    assert.equal(a.target_ip, '10.0.0.9');
    assert.equal(a.attack_details.direction, 'outbound');
  });

  test('bounded: oldest alert evicted past maxAlerts', () => {
    const h = harness({ maxAlerts: 2 });
    syn(h, '203.0.113.1', '10.0.0.2', 23, T0);
    syn(h, '203.0.113.2', '10.0.0.2', 23, T0);
    syn(h, '203.0.113.3', '10.0.0.2', 23, T0);
    assert.equal(h.detector.liveAlerts, 2);
    assert.equal(h.detector.evictedAlerts, 1);
  });
});
