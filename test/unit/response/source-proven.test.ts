import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TcpFlag } from '../../../src/engine/decode/packet.js';
import { FlowEvent, FlowTable } from '../../../src/engine/flows/flow-table.js';
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
