import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinkType } from '../../../src/engine/capture/link-type.js';
import { decodeFrame } from '../../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../../src/engine/decode/malformed.js';
import { Packet, TcpFlag } from '../../../src/engine/decode/packet.js';
import { FlowEvent, FlowTable, MAX_FLOW_CAPACITY } from '../../../src/engine/flows/flow-table.js';
import { tcpPacket } from '../../support/packet-factory.js';

const { SYN, ACK, PSH } = TcpFlag;

/**
 * Plays client SYN → server SYN-ACK (seq = serverIsn) → client ACK (ack = clientAck) and returns
 * the events of the ACK.
 */
function handshake(client: string, server: string, serverIsn: number, clientAck: number, table = new FlowTable(64)): number {
  table.update(tcpPacket(client, server, { srcPort: 40000, dstPort: 22, flags: SYN, seq: 7000 }, 1));
  table.update(tcpPacket(server, client, { srcPort: 22, dstPort: 40000, flags: SYN | ACK, seq: serverIsn, ack: 7001 }, 2));
  table.update(tcpPacket(client, server, { srcPort: 40000, dstPort: 22, flags: ACK, seq: 7001, ack: clientAck }, 3));
  return table.lastEvents;
}

describe('FlowEvent.SOURCE_PROVEN', () => {
  test('set when the handshake ACK acknowledges the SYN-ACK sequence number + 1 (IPv4)', () => {
    const events = handshake('203.0.113.7', '10.0.2.15', 123_456_789, 123_456_790);
    assert.equal(events & FlowEvent.HANDSHAKE_DONE, FlowEvent.HANDSHAKE_DONE);
    assert.equal(events & FlowEvent.SOURCE_PROVEN, FlowEvent.SOURCE_PROVEN);
  });

  test('IPv6 as well', () => {
    const events = handshake('2001:db8::7', '2001:db8::15', 0x8000_0000, 0x8000_0001);
    assert.equal(events & FlowEvent.SOURCE_PROVEN, FlowEvent.SOURCE_PROVEN);
  });

  test('the sequence number wraps: SYN-ACK seq 0xffffffff is acknowledged by 0', () => {
    assert.equal(handshake('203.0.113.7', '10.0.2.15', 0xffff_ffff, 0) & FlowEvent.SOURCE_PROVEN, FlowEvent.SOURCE_PROVEN);
  });

  test('a spoofed handshake (blind ACK with a guessed number) completes the handshake but proves nothing', () => {
    for (const wrongAck of [123_456_789, 123_456_791, 0, 7001, 0xffff_ffff]) {
      const events = handshake('203.0.113.7', '10.0.2.15', 123_456_789, wrongAck);
      assert.equal(events & FlowEvent.HANDSHAKE_DONE, FlowEvent.HANDSHAKE_DONE, `ack ${wrongAck}`);
      assert.equal(events & FlowEvent.SOURCE_PROVEN, 0, `ack ${wrongAck}`);
    }
  });

  test('a correct ACK after a wrong one does not prove the source afterwards (only the completing ACK counts)', () => {
    const table = new FlowTable(64);
    handshake('203.0.113.7', '10.0.2.15', 5000, 1, table);
    table.update(tcpPacket('203.0.113.7', '10.0.2.15', { srcPort: 40000, dstPort: 22, flags: ACK | PSH, seq: 7001, ack: 5001, payload: Buffer.from('SSH-2.0-x\r\n') }, 4));
    assert.equal(table.lastEvents & FlowEvent.SOURCE_PROVEN, 0);
  });

  test('no SYN-ACK seen: an ACK carrying any number proves nothing (no handshake)', () => {
    const table = new FlowTable(64);
    table.update(tcpPacket('203.0.113.7', '10.0.2.15', { srcPort: 40000, dstPort: 22, flags: SYN, seq: 1 }, 1));
    // The ack a spoofer would need if the table had kept a stale ISN of 0 in this slot.
    table.update(tcpPacket('203.0.113.7', '10.0.2.15', { srcPort: 40000, dstPort: 22, flags: ACK, seq: 2, ack: 1 }, 2));
    assert.equal(table.lastEvents & (FlowEvent.SOURCE_PROVEN | FlowEvent.HANDSHAKE_DONE), 0);
  });

  test('the proof is not repeated on later packets of the connection', () => {
    const table = new FlowTable(64);
    handshake('203.0.113.7', '10.0.2.15', 5000, 5001, table);
    table.update(tcpPacket('203.0.113.7', '10.0.2.15', { srcPort: 40000, dstPort: 22, flags: ACK | PSH, seq: 7001, ack: 5001, payload: Buffer.from('x') }, 4));
    assert.equal(table.lastEvents & FlowEvent.SOURCE_PROVEN, 0);
  });

  test('a responder completing a handshake it originated never proves the other side (the SYN-ACK sender)', () => {
    // Our host connects out; the remote answers SYN-ACK; our ACK is correct. The proven source is us (the originator).
    const table = new FlowTable(64);
    const events = handshake('10.0.2.15', '198.51.100.80', 999, 1000, table);
    assert.equal(events & FlowEvent.SOURCE_PROVEN, FlowEvent.SOURCE_PROVEN);
    assert.equal(table.lastFromOrig, true, 'the proving packet comes from the originator, whose address the pipeline records');
  });
});

describe('forged proofs: a proof is one real handshake, answered by the host itself', () => {
  const C = '203.0.113.7';
  const S = '10.0.2.15';
  const syn = (seq = 7000) => tcpPacket(C, S, { srcPort: 40000, dstPort: 80, flags: SYN, seq }, 1);
  const synAck = (seq: number, ack = 7001) => tcpPacket(S, C, { srcPort: 80, dstPort: 40000, flags: SYN | ACK, seq, ack }, 2);
  const finalAck = (ack: number, seq = 7001) => tcpPacket(C, S, { srcPort: 40000, dstPort: 80, flags: ACK, seq, ack }, 3);

  test('two SYN-ACKs with different sequence numbers (ours and a forged one, either first): no proof for either', () => {
    for (const [first, second] of [[5000, 9000], [9000, 5000]] as const) {
      const t = new FlowTable(64);
      t.update(syn());
      t.update(synAck(first));
      t.update(synAck(second));
      t.update(finalAck(first + 1));
      assert.equal(t.lastEvents & FlowEvent.HANDSHAKE_DONE, FlowEvent.HANDSHAKE_DONE);
      assert.equal(t.lastEvents & FlowEvent.SOURCE_PROVEN, 0, `${first}/${second}`);
      assert.equal(t.isProven(t.update(finalAck(first + 1))), false);
    }
  });

  test('a retransmitted SYN-ACK (same number) still proves', () => {
    const t = new FlowTable(64);
    t.update(syn());
    t.update(synAck(5000));
    t.update(synAck(5000));
    const slot = t.update(finalAck(5001));
    assert.equal(t.lastEvents & FlowEvent.SOURCE_PROVEN, FlowEvent.SOURCE_PROVEN);
    assert.equal(t.isProven(slot), true);
  });

  test('our reset, then a SYN-ACK "from us" (a closed port, forged answer): no proof', () => {
    const t = new FlowTable(64);
    t.update(syn());
    t.update(tcpPacket(S, C, { srcPort: 80, dstPort: 40000, flags: TcpFlag.RST | ACK, seq: 0, ack: 7001 }, 2));
    t.update(synAck(5000));
    t.update(finalAck(5001));
    assert.equal(t.lastEvents & FlowEvent.SOURCE_PROVEN, 0);
  });

  test('a SYN-ACK that does not answer the SYN seen, or comes before any SYN: no proof', () => {
    const t = new FlowTable(64);
    t.update(syn());
    t.update(synAck(5000, 1234));
    t.update(finalAck(5001));
    assert.equal(t.lastEvents & FlowEvent.SOURCE_PROVEN, 0);
    const u = new FlowTable(64);
    u.update(synAck(5000));
    u.update(syn());
    u.update(finalAck(5001));
    assert.equal(u.lastEvents & FlowEvent.SOURCE_PROVEN, 0);
  });

  test('an ACK whose own sequence number does not follow the SYN: no proof', () => {
    const t = new FlowTable(64);
    t.update(syn());
    t.update(synAck(5000));
    t.update(finalAck(5001, 9999));
    assert.equal(t.lastEvents & FlowEvent.SOURCE_PROVEN, 0);
  });

  test('IPv6 packets from ::ffff:a.b.c.d or ::a.b.c.d prove nothing (they would read as the IPv4 address)', () => {
    for (const src of ['::ffff:203.0.113.7', '::203.0.113.7']) {
      const events = handshake(src, '2001:db8::15', 5000, 5001);
      assert.equal(events & FlowEvent.HANDSHAKE_DONE, FlowEvent.HANDSHAKE_DONE, src);
      assert.equal(events & FlowEvent.SOURCE_PROVEN, 0, src);
    }
    // NAT64 sources are real IPv6 addresses: their handshake proves the IPv6 address.
    assert.equal(handshake('64:ff9b::cb00:7107', '2001:db8::15', 5000, 5001) & FlowEvent.SOURCE_PROVEN, FlowEvent.SOURCE_PROVEN);
  });

  test('Linux cooked captures: a SYN-ACK the kernel did not see leave this host proves nothing', () => {
    const cooked = (pkt: ReturnType<typeof tcpPacket>, pkttype: number) => {
      const ip = pkt.buf.subarray(pkt.ipOffset);
      const frame = Buffer.concat([Buffer.from([0, pkttype, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00]), ip]);
      const out = new Packet();
      decodeFrame(out, frame, 0, frame.length, frame.length, pkt.tsMicros, LinkType.LINUX_SLL, new MalformedCounters());
      return out;
    };
    for (const [pkttype, proves] of [[4, true], [0, false], [3, false]] as const) {
      const t = new FlowTable(64);
      t.update(cooked(syn(), 0));
      t.update(cooked(synAck(5000), pkttype));
      t.update(cooked(finalAck(5001), 0));
      assert.equal((t.lastEvents & FlowEvent.SOURCE_PROVEN) !== 0, proves, `pkttype ${pkttype}`);
    }
  });
});

describe('FlowTable capacity: bounded (2^30 must not spin)', () => {
  test('a capacity past the maximum is refused at once instead of looping', () => {
    const started = Date.now();
    assert.throws(() => new FlowTable(2 ** 30 + 1), /capacity must be an integer from 16 to 16777216/);
    assert.throws(() => new FlowTable(2 ** 31), RangeError);
    assert.throws(() => new FlowTable(Number.MAX_SAFE_INTEGER), RangeError);
    assert.ok(Date.now() - started < 1000);
    assert.equal(MAX_FLOW_CAPACITY, 2 ** 24);
  });
});
