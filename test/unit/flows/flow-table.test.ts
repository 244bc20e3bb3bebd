import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TcpFlag } from '../../../src/engine/decode/packet.js';
import { FlowEvent, FlowTable } from '../../../src/engine/flows/flow-table.js';
import { tcpPacket, udpPacket } from '../../support/packet-factory.js';

const C = '10.0.0.1';
const S = '10.0.0.2';
const { SYN, ACK, FIN, RST, PSH } = TcpFlag;

/** Plays a TCP exchange: [fromClient, flags, payloadBytes]. */
function play(table: FlowTable, steps: [boolean, number, number?][], clientPort = 40000, serverPort = 80): number {
  let slot = -1;
  let t = 1_000_000;
  for (const [fromClient, flags, bytes] of steps) {
    const payload = bytes ? Buffer.alloc(bytes, 0x41) : undefined;
    const p = fromClient
      ? tcpPacket(C, S, { srcPort: clientPort, dstPort: serverPort, flags, ...(payload ? { payload } : {}) }, (t += 1000))
      : tcpPacket(S, C, { srcPort: serverPort, dstPort: clientPort, flags, ...(payload ? { payload } : {}) }, (t += 1000));
    slot = table.update(p);
  }
  return slot;
}

describe('FlowTable', () => {
  test('both directions are one flow with per-direction counts', () => {
    const table = new FlowTable(64);
    const slot = play(table, [
      [true, SYN],
      [false, SYN | ACK],
      [true, ACK],
      [true, ACK | PSH, 100],
      [false, ACK | PSH, 300],
    ]);
    assert.equal(table.size, 1);
    const s = table.summary(slot);
    assert.equal(s.origAddr, C);
    assert.equal(s.respPort, 80);
    assert.equal(s.origPackets, 3);
    assert.equal(s.respPackets, 2);
    assert.equal(s.state, 'S1');
    assert.ok(s.origBytes > 100 && s.respBytes > 300);
  });

  const states: [string, [boolean, number, number?][], string][] = [
    ['SYN unanswered', [[true, SYN]], 'S0'],
    ['SYN answered by RST', [[true, SYN], [false, RST | ACK]], 'REJ'],
    ['normal open and close', [[true, SYN], [false, SYN | ACK], [true, ACK], [true, FIN | ACK], [false, FIN | ACK], [true, ACK]], 'SF'],
    ['established, originator resets', [[true, SYN], [false, SYN | ACK], [true, ACK], [true, RST]], 'RSTO'],
    ['established, responder resets', [[true, SYN], [false, SYN | ACK], [true, ACK], [false, RST]], 'RSTR'],
    ['SYN then RST, no SYN-ACK', [[true, SYN], [true, RST]], 'RSTOS0'],
    ['SYN then FIN, no SYN-ACK', [[true, SYN], [true, FIN]], 'SH'],
    ['established, originator FIN only', [[true, SYN], [false, SYN | ACK], [true, ACK], [true, FIN | ACK]], 'S2'],
    ['established, responder FIN only', [[true, SYN], [false, SYN | ACK], [true, ACK], [false, FIN | ACK]], 'S3'],
    ['midstream only', [[true, ACK, 10], [false, ACK]], 'OTH'],
  ];
  for (const [name, steps, expected] of states) {
    test(`Zeek state ${expected}: ${name}`, () => {
      const table = new FlowTable(64);
      assert.equal(table.stateOf(play(table, steps)), expected);
    });
  }

  test('a SYN-ACK seen first makes its receiver the originator', () => {
    const table = new FlowTable(64);
    const slot = table.update(tcpPacket(S, C, { srcPort: 80, dstPort: 40000, flags: SYN | ACK }, 1));
    assert.equal(table.lastFromOrig, false);
    assert.equal(table.summary(slot).origAddr, C);
  });

  test('events: NEW on the first packet, HANDSHAKE_DONE on the completing ACK, RESP_RESET on a reset', () => {
    const table = new FlowTable(64);
    table.update(tcpPacket(C, S, { srcPort: 1, dstPort: 2, flags: SYN }, 1));
    assert.equal(table.lastEvents, FlowEvent.NEW);
    table.update(tcpPacket(S, C, { srcPort: 2, dstPort: 1, flags: SYN | ACK }, 2));
    assert.equal(table.lastEvents, 0);
    table.update(tcpPacket(C, S, { srcPort: 1, dstPort: 2, flags: ACK }, 3));
    assert.equal(table.lastEvents, FlowEvent.HANDSHAKE_DONE);
    table.update(tcpPacket(C, S, { srcPort: 1, dstPort: 2, flags: ACK }, 4));
    assert.equal(table.lastEvents, 0);
    table.update(tcpPacket(S, C, { srcPort: 2, dstPort: 1, flags: RST }, 5));
    assert.equal(table.lastEvents, FlowEvent.RESP_RESET);
  });

  test('bounded: the least recently seen flow is evicted and counted', () => {
    const table = new FlowTable(16);
    for (let port = 1; port <= 16; port++) table.update(udpPacket(C, S, port, 53, port));
    // Refresh port 1 so port 2 is now the oldest.
    table.update(udpPacket(S, C, 53, 1, 100));
    table.update(udpPacket(C, S, 999, 53, 101));
    assert.equal(table.size, 16);
    assert.equal(table.evicted, 1);
    const ports = table.recent(16).map((f) => f.origPort);
    assert.ok(ports.includes(1), 'recently used flow kept');
    assert.ok(!ports.includes(2), 'oldest flow evicted');
    assert.ok(ports.includes(999));
  });

  test('a million distinct flows through a small table keep it bounded and consistent', () => {
    const table = new FlowTable(1024);
    for (let i = 0; i < 200_000; i++) {
      const src = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      // ACKs (mid-stream segments): every one a new flow, each evicting the oldest.
      table.update(tcpPacket(src, S, { srcPort: 1024 + (i % 60000), dstPort: 80, flags: ACK }, i));
    }
    assert.equal(table.size, 1024);
    assert.equal(table.evicted, 200_000 - 1024);
    // The newest flows are still found (not recreated) after all that churn.
    const before = table.size;
    table.update(tcpPacket('10.3.13.63', S, { srcPort: 1024 + (199_999 % 60000), dstPort: 80, flags: ACK }, 300_000));
    assert.equal(table.lastEvents & FlowEvent.NEW, 0);
    assert.equal(table.size, before);
  });

  describe('a SYN flood into a full table', () => {
    const spoofed = (i: number): string => `172.${16 + ((i >> 16) & 15)}.${(i >> 8) & 255}.${i & 255}`;
    /** A table of 64 filled with established connections from C. */
    function fullOfConnections(): { table: FlowTable; uids: number[] } {
      const table = new FlowTable(64);
      const uids: number[] = [];
      for (let port = 1; port <= 64; port++) {
        const slot = play(table, [[true, SYN], [false, SYN | ACK], [true, ACK]], 20000 + port);
        uids.push(table.uidOf(slot));
      }
      assert.equal(table.size, 64);
      return { table, uids };
    }

    test('bare SYNs of unknown flows are shown as new flows but take no slot: the held connections stay', () => {
      const { table, uids } = fullOfConnections();
      const shownUids = new Set<number>();
      for (let i = 0; i < 100_000; i++) {
        const slot = table.update(tcpPacket(spoofed(i), S, { srcPort: 1024 + (i % 50000), dstPort: 80, flags: SYN, seq: i }, 2_000_000 + i));
        assert.ok(slot >= 0);
        assert.equal(table.lastEvents, FlowEvent.NEW, 'each SYN opens a new flow, from its originator');
        assert.equal(table.lastFromOrig, true);
        const s = table.summary(slot);
        assert.equal(s.origAddr, spoofed(i));
        assert.equal(s.state, 'S0');
        shownUids.add(s.uid);
      }
      assert.equal(shownUids.size, 100_000, 'every held flow has its own uid');
      // One slot became the scratch slot: one connection evicted, none after it.
      assert.equal(table.evicted, 1);
      assert.equal(table.size, 63);
      const kept = new Set(table.recent(64).map((f) => f.uid));
      assert.equal(uids.filter((u) => kept.has(u)).length, 63);
      assert.equal(table.embryos.held + table.embryos.overwritten, 100_000);
      assert.ok(table.embryos.held <= table.embryos.size);
    });

    test('the answer to a held SYN promotes it: one flow with the SYN, its uid, and a handshake proof as before', () => {
      const { table } = fullOfConnections();
      const attacker = '10.9.9.9';
      const syn = table.update(tcpPacket(attacker, S, { srcPort: 5555, dstPort: 443, flags: SYN, seq: 1000 }, 3_000_000));
      assert.equal(table.lastEvents, FlowEvent.NEW);
      const uid = table.uidOf(syn);
      const synAck = table.update(tcpPacket(S, attacker, { srcPort: 443, dstPort: 5555, flags: SYN | ACK, seq: 7000, ack: 1001 }, 3_000_100));
      assert.equal(table.lastEvents & FlowEvent.NEW, 0, 'the SYN-ACK does not open a new flow');
      assert.equal(table.lastFromOrig, false);
      assert.equal(table.uidOf(synAck), uid);
      table.update(tcpPacket(attacker, S, { srcPort: 5555, dstPort: 443, flags: ACK, seq: 1001, ack: 7001 }, 3_000_200));
      assert.ok((table.lastEvents & FlowEvent.HANDSHAKE_DONE) !== 0);
      assert.ok((table.lastEvents & FlowEvent.SOURCE_PROVEN) !== 0, 'the proof needs the held SYN sequence number');
      const f = table.summary(synAck);
      assert.equal(f.origAddr, attacker);
      assert.equal(f.origPackets, 2);
      assert.equal(f.respPackets, 1);
      assert.equal(f.firstSeenMicros, 3_000_000);
      assert.equal(f.state, 'S1');
      assert.equal(table.embryos.promoted, 1);
      assert.equal(table.embryos.held, 0);
    });

    test('a retransmitted SYN is no new flow; one with another sequence number spoils the proof', () => {
      const { table } = fullOfConnections();
      const a = '10.9.9.8';
      table.update(tcpPacket(a, S, { srcPort: 6000, dstPort: 22, flags: SYN, seq: 50 }, 4_000_000));
      table.update(tcpPacket(a, S, { srcPort: 6000, dstPort: 22, flags: SYN, seq: 50 }, 4_100_000));
      assert.equal(table.lastEvents, 0);
      table.update(tcpPacket(a, S, { srcPort: 6000, dstPort: 22, flags: SYN, seq: 99 }, 4_200_000));
      assert.equal(table.lastEvents, 0);
      table.update(tcpPacket(S, a, { srcPort: 22, dstPort: 6000, flags: SYN | ACK, seq: 900, ack: 100 }, 4_300_000));
      table.update(tcpPacket(a, S, { srcPort: 6000, dstPort: 22, flags: ACK, seq: 100, ack: 901 }, 4_400_000));
      assert.ok((table.lastEvents & FlowEvent.HANDSHAKE_DONE) !== 0);
      assert.equal(table.lastEvents & FlowEvent.SOURCE_PROVEN, 0, 'two SYN sequence numbers: never proven');
    });

    test('a held SYN expires with the idle flows: a late answer opens a new flow', () => {
      const { table } = fullOfConnections();
      const a = '10.9.9.7';
      table.update(tcpPacket(a, S, { srcPort: 7000, dstPort: 80, flags: SYN, seq: 1 }, 5_000_000));
      table.expireIdle(5_000_001);
      table.update(tcpPacket(S, a, { srcPort: 80, dstPort: 7000, flags: SYN | ACK, seq: 9, ack: 2 }, 5_000_002));
      assert.ok((table.lastEvents & FlowEvent.NEW) !== 0);
    });

    test('below capacity a SYN gets its slot as always', () => {
      const table = new FlowTable(64);
      table.update(tcpPacket(C, S, { srcPort: 1, dstPort: 80, flags: SYN }, 1));
      assert.equal(table.size, 1);
      assert.equal(table.embryos.held, 0);
    });
  });

  test('idle flows expire from the old end', () => {
    const table = new FlowTable(64);
    table.update(udpPacket(C, S, 1, 53, 1_000_000));
    table.update(udpPacket(C, S, 2, 53, 5_000_000));
    table.expireIdle(2_000_000);
    assert.equal(table.size, 1);
    assert.equal(table.expired, 1);
    assert.equal(table.recent(1)[0]!.origPort, 2);
  });

  test('the first HTTP request of a flow is parsed: request line, Host, User-Agent', () => {
    const table = new FlowTable(64);
    const req = Buffer.from('GET /index.html?q=1 HTTP/1.1\r\nHost: example.test\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n');
    const slot = play(table, [[true, SYN], [false, SYN | ACK], [true, ACK], [true, ACK | PSH, 0]]);
    table.update(tcpPacket(C, S, { srcPort: 40000, dstPort: 80, flags: ACK | PSH, payload: req }, 9_000_000));
    const http = table.summary(slot).http;
    assert.deepEqual(http, { method: 'GET', target: '/index.html?q=1', version: 'HTTP/1.1', host: 'example.test', userAgent: 'curl/7.88.1' });
  });

  test('IPv6 flows', () => {
    const table = new FlowTable(64);
    const slot = table.update(tcpPacket('2001:db8::1', '2001:db8::2', { srcPort: 5, dstPort: 443, flags: SYN }, 1));
    table.update(tcpPacket('2001:db8::2', '2001:db8::1', { srcPort: 443, dstPort: 5, flags: SYN | ACK }, 2));
    assert.equal(table.size, 1);
    assert.equal(table.summary(slot).respAddr, '2001:db8::2');
    assert.equal(table.summary(slot).respPackets, 1);
  });
});
