import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LinkType } from '../../../src/engine/capture/link-type.js';
import { decodeFrame, DecodeResult } from '../../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../../src/engine/decode/malformed.js';
import { IpProto, Packet, TcpFlag } from '../../../src/engine/decode/packet.js';
import { ethernet, ext8, ipv4, ipv6, sll2, tcp, udp } from '../../support/frame-builder.js';

const LINK_TYPES = Object.values(LinkType);

/** Valid frames of several shapes, to mutate. */
const SEEDS: [Buffer, number][] = [
  [ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.TCP }, tcp({ srcPort: 1, dstPort: 80, flags: TcpFlag.SYN, options: [2, 4, 5, 0xb4] }))), LinkType.ETHERNET],
  [ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP }, udp({ srcPort: 1, dstPort: 53, payload: Buffer.alloc(30, 1) })), 0x0800, [{ tpid: 0x8100, id: 7 }]), LinkType.ETHERNET],
  [ethernet(ipv6('2001:db8::1', '2001:db8::2', IpProto.TCP, tcp({ srcPort: 9, dstPort: 22, flags: TcpFlag.ACK, payload: Buffer.from('GET / HTTP/1.1\r\n\r\n') }), [ext8(0), { type: 44, body: Buffer.alloc(8) }]), 0x86dd), LinkType.ETHERNET],
  [sll2(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.ICMP }, Buffer.from([8, 0, 0, 0, 0, 1, 0, 1]))), LinkType.LINUX_SLL2],
];

function decodeSafely(frame: Buffer, linkType: number, wireLen = frame.length, pkt = new Packet(), counters = new MalformedCounters()) {
  // The frame sits inside a larger buffer of junk, as in a capture ring.
  const buf = Buffer.alloc(frame.length + 64, 0x5a);
  frame.copy(buf, 32);
  const result = decodeFrame(pkt, buf, 32, frame.length, wireLen, 1, linkType, counters);
  assert.ok(result === DecodeResult.IP || result === DecodeResult.NOT_IP || result === DecodeResult.MALFORMED);
  if (pkt.l4Offset !== 0) {
    assert.ok(pkt.l4Offset >= 32 && pkt.l4Offset <= 32 + frame.length, 'transport header inside the frame');
    assert.ok(pkt.payloadOffset + pkt.payloadLen <= 32 + frame.length, 'payload inside the frame');
    assert.ok(pkt.payloadLen >= 0);
  }
  return { result, pkt, counters };
}

describe('decoder robustness', () => {
  test('random bytes under every link type never throw and stay inside the frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.constantFrom(...LINK_TYPES, 9999), (bytes, lt) => {
        decodeSafely(Buffer.from(bytes), lt);
      }),
      { numRuns: 20_000 },
    );
  });

  test('mutated valid frames never throw and stay inside the frame', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        ([seed, lt], edits) => {
          const frame = Buffer.from(seed);
          for (const [pos, value] of edits) frame[pos % frame.length] = value;
          decodeSafely(frame, lt);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  test('every truncation of every seed frame is counted malformed (or not IP), never thrown', () => {
    for (const [seed, lt] of SEEDS) {
      let malformed = 0;
      for (let len = 0; len < seed.length; len++) {
        const { result, counters } = decodeSafely(seed.subarray(0, len), lt);
        if (result === DecodeResult.MALFORMED) {
          malformed++;
          assert.equal(counters.total, 1);
        }
      }
      assert.ok(malformed > 0);
    }
  });

  test('a truncated packet after a full one carries none of its fields', () => {
    const pkt = new Packet();
    const counters = new MalformedCounters();
    const [full, lt] = SEEDS[0]!;
    decodeSafely(full, lt, full.length, pkt, counters);
    assert.equal(pkt.dstPort, 80);
    decodeSafely(full.subarray(0, 20), lt, 20, pkt, counters);
    assert.equal(pkt.dstPort, 0);
    assert.equal(pkt.srcPort, 0);
    assert.equal(pkt.tcpFlags, 0);
    assert.equal(pkt.ipVersion, 0);
  });
});
