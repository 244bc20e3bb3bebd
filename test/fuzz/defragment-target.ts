/**
 * The defragmenter's fuzz target: a byte string is read as a train of IPv4 or IPv6 fragments of
 * four datagrams (two sources), in any order, with any offsets, lengths, overlaps with other
 * bytes, "more fragments" flags and snapshot cuts. Properties: never throws, holds no more than
 * its budgets after every fragment, every datagram it completes fits its output and decodes
 * without reading past it, the same train gives the same datagrams, and everything expires.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeResult } from '../../src/engine/decode/decode-frame.js';
import { decodeReassembled } from '../../src/engine/decode/decode-reassembled.js';
import { Defragmenter } from '../../src/engine/decode/defragmenter.js';
import { MalformedCounters } from '../../src/engine/decode/malformed.js';
import { IpProto, Packet } from '../../src/engine/decode/packet.js';
import { ipv4, ipv6, tcp, udp } from '../support/frame-builder.js';
import { cut, decodeRaw, fragment, type Piece } from '../support/fragments.js';

/** Small budgets, so that eviction and source shares are exercised too. */
const BUDGET = { maxDatagrams: 6, maxBytes: 8 * 1024, timeoutSeconds: 30 };
const RECORD = 6;
const T0 = 1.7e15;

function datagrams(v6: boolean, sizeClass: number): Buffer[] {
  const size = [24, 200, 1500, 5000][sizeClass]!;
  const out: Buffer[] = [];
  for (let i = 0; i < 4; i++) {
    const payload = Buffer.alloc(size);
    for (let j = 0; j < size; j++) payload[j] = (j * 13 + i) & 0xff;
    const l4 = i === 1 ? tcp({ srcPort: 40000 + i, dstPort: 80, flags: 0x02, payload }) : udp({ srcPort: 53, dstPort: 40000 + i, payload });
    const proto = i === 1 ? IpProto.TCP : IpProto.UDP;
    const src = i < 2 ? (v6 ? '2001:db8::1' : '192.0.2.1') : v6 ? '2001:db8::2' : '192.0.2.2';
    const dst = v6 ? 'fd00::5' : '10.0.0.5';
    out.push(v6 ? ipv6(src, dst, proto, l4) : ipv4({ src, dst, proto }, l4));
  }
  return out;
}

interface Frag {
  frame: Buffer;
  capLen: number;
  ts: number;
}

/** [v6 | size class << 1][records of 6 bytes: datagram, offset/8, length, flags, fill, time step]. */
export function fragmentTrain(input: Uint8Array): Frag[] {
  const b = Buffer.from(input);
  const head = b[0] ?? 0;
  const dgs = datagrams((head & 1) === 1, (head >> 1) & 3);
  const out: Frag[] = [];
  let ts = T0;
  for (let at = 1; at + RECORD <= b.length; at += RECORD) {
    const which = b[at]! & 3;
    const d = dgs[which]!;
    const offset = b[at + 1]! * 8;
    const flags = b[at + 3]!;
    const length = (flags & 0x80) !== 0 ? b[at + 2]! : b[at + 2]! * 8;
    const piece: Piece = { offset, length };
    if ((flags & 1) !== 0) piece.more = (flags & 2) !== 0;
    if ((flags & 4) !== 0) piece.bytes = Buffer.alloc(length, b[at + 4]!);
    const frame = fragment(d, piece, 0x4000 + which);
    const capLen = (flags & 8) !== 0 ? Math.max(1, frame.length - (b[at + 4]! & 31)) : frame.length;
    ts += b[at + 5]! * ((flags & 16) !== 0 ? 1e6 : 1000);
    out.push({ frame, capLen, ts });
  }
  return out;
}

/** Feeds a train; returns the completed datagrams' bytes. */
function run(train: Frag[]): { done: Buffer[]; defrag: Defragmenter } {
  const defrag = new Defragmenter(BUDGET);
  const pkt = new Packet();
  const whole = new Packet();
  const counters = new MalformedCounters();
  const done: Buffer[] = [];
  for (const f of train) {
    decodeRaw(f.frame, f.ts, f.capLen, pkt, counters);
    if (!pkt.isFragment) continue;
    const completed = defrag.add(pkt);
    assert.ok(defrag.pending <= BUDGET.maxDatagrams, `pending ${defrag.pending} over the budget`);
    assert.ok(defrag.bytesHeld <= BUDGET.maxBytes, `bytes held ${defrag.bytesHeld} over the budget`);
    if (!completed) continue;
    assert.ok(defrag.outLength > 0 && defrag.outLength <= defrag.out.length, `datagram of ${defrag.outLength} bytes`);
    const bytes = Buffer.from(defrag.out.subarray(0, defrag.outLength));
    // Bytes past the datagram in the output buffer (older, longer datagrams) change nothing.
    defrag.out.fill(0x00, defrag.outLength);
    const r = decodeReassembled(whole, defrag, counters);
    assert.ok(r === DecodeResult.IP || r === DecodeResult.MALFORMED || r === DecodeResult.NOT_IP, `result ${r}`);
    if (r === DecodeResult.IP) assert.ok(whole.payloadLen >= 0 && whole.payloadOffset + whole.payloadLen <= bytes.length, 'payload past the datagram');
    const seen = [whole.proto, whole.srcPort, whole.dstPort, whole.tcpFlags, whole.payloadOffset, whole.payloadLen, whole.sctpChunk];
    defrag.out.fill(0xff, defrag.outLength);
    const again = new Packet();
    assert.equal(decodeReassembled(again, defrag, counters), r, 'result depends on bytes past the datagram');
    assert.deepEqual([again.proto, again.srcPort, again.dstPort, again.tcpFlags, again.payloadOffset, again.payloadLen, again.sctpChunk], seen, 'fields depend on bytes past the datagram');
    done.push(bytes);
  }
  return { done, defrag };
}

function checkDefragment(input: Uint8Array): void {
  const train = fragmentTrain(input);
  const a = run(train);
  const b = run(train);
  assert.deepEqual(b.done, a.done, 'the same train gave other datagrams');
  const last = train.at(-1)?.ts ?? T0;
  a.defrag.expire(last + (BUDGET.timeoutSeconds + 1) * 1e6);
  assert.equal(a.defrag.pending, 0, 'datagrams left after the timeout');
  assert.equal(a.defrag.bytesHeld, 0, 'bytes left after the timeout');
}

function record(dg: number, offsetUnits: number, length: number, flags: number, fill = 0, step = 1): number[] {
  return [dg, offsetUnits, length, flags, fill, step];
}

/** Seeds: whole trains in order and reversed, an nmap -f style cut, an overlap, a ping of death shape. */
const SEEDS: Uint8Array[] = (() => {
  const seeds: number[][] = [];
  for (const head of [2 << 1, (2 << 1) | 1]) {
    const pieces = cut(datagrams((head & 1) === 1, 2)[0]!, 512);
    const rec = pieces.map((p) => record(0, p.offset / 8, (p.length + 7) >> 3, 0));
    seeds.push([head, ...rec.flat()], [head, ...rec.reverse().flat()]);
  }
  seeds.push([0, ...[0, 1, 2, 3, 4].map((i) => record(1, i, 1, 0)).flat()]);
  seeds.push([1 << 1, ...record(2, 0, 8, 0), ...record(2, 4, 8, 4, 0x41), ...record(2, 8, 20, 0)]);
  seeds.push([3 << 1, ...Array.from({ length: 12 }, (_, i) => record(3, 200 + i, 200, 3, 0, 0)).flat()]);
  return seeds.map((s) => new Uint8Array(s));
})();

export const defragmentTarget = {
  name: 'defragment',
  seeds: SEEDS,
  arbitrary: fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 1 + RECORD * 40 }) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.boolean())
        .map(([seed, edits, shuffle]) => {
          const bytes = Buffer.from(seed);
          for (const [at, v] of edits) bytes[at % bytes.length] = v;
          if (!shuffle || bytes.length < 1 + 2 * RECORD) return new Uint8Array(bytes);
          // random order: swap records pairwise by the edits' values
          const n = Math.floor((bytes.length - 1) / RECORD);
          for (const [at, v] of edits) {
            const i = at % n;
            const j = v % n;
            const tmp = Buffer.from(bytes.subarray(1 + i * RECORD, 1 + (i + 1) * RECORD));
            bytes.copy(bytes, 1 + i * RECORD, 1 + j * RECORD, 1 + (j + 1) * RECORD);
            tmp.copy(bytes, 1 + j * RECORD);
          }
          return new Uint8Array(bytes);
        }),
    },
  ),
  check: checkDefragment,
  weight: 20,
};
